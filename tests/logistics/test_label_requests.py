"""Label sheets asked for by POST (issue 13, finding 8: a 500-phone sheet by GET was a 414) and
“print labels for the listed phones” printing what the list shows, saying which it left out and
why (issue 15, finding 10)."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from donations.models import Device
from tests.conftest import assert_error

pytestmark = pytest.mark.django_db


def _codes_on(content: bytes) -> list[str]:
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return re.findall(r"NS-[0-9A-Z]{6}", text)


def _bulk(hub, status: str, count: int, *, imei: bool = True) -> list[Device]:
    from tests.logistics.conftest import new_imei

    devices = [
        Device(
            hub=hub,
            status=status,
            brand="Xiaomi",
            model="Redmi 12",
            ram_gb=4,
            storage_gb=64,
            condition="good",
            imei=new_imei() if imei else "",
        )
        for _n in range(count)
    ]
    return Device.objects.bulk_create(devices)


def test_the_listed_phones_are_printed_and_the_others_named_with_their_reason(
    client, coordinator_h, hubs
):
    at_hub = [
        *_bulk(hubs["H"], "received", 12, imei=False),  # no IMEI yet: still labelled
        *_bulk(hubs["H"], "received", 7),
        *_bulk(hubs["H"], "ready", 10),
        *_bulk(hubs["H"], "wiped", 2),
    ]
    delivered = _bulk(hubs["H"], "delivered", 12)
    recycled = _bulk(hubs["H"], "recycled", 7)
    client.force_login(coordinator_h)
    page = client.get("/kho/").content.decode()
    listed = re.findall(r'href="/kho/thiet-bi/(NS-[0-9A-Z]{6})/"', page)
    assert len(listed) == 50
    posted = re.findall(r'name="devices" value="(NS-[0-9A-Z]{6})"', page)
    assert sorted(posted) == sorted(d.tracking_code for d in at_hub)
    assert "In tem cho 31 máy trong danh sách" in page
    left_out = page[page.index('class="muted left-out"') :]
    assert "12 máy trong danh sách không được in tem, vì đã giao cho hộ gia đình" in left_out
    assert "7 máy trong danh sách không được in tem, vì đã tái chế" in left_out
    for device in delivered + recycled:
        assert device.tracking_code in left_out
    response = client.post("/kho/tem.pdf", {"devices": posted})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert len(PdfReader(io.BytesIO(response.content)).pages) == 3  # 31 labels, 15 a page
    assert sorted(_codes_on(response.content)) == sorted(posted)


def test_every_phone_of_a_status_is_printed_when_the_list_shows_only_the_latest(
    client, coordinator_h, hubs
):
    received = _bulk(hubs["H"], "received", 64)
    _bulk(hubs["K"], "received", 3)  # another hub's: never printed
    client.force_login(coordinator_h)
    page = client.get("/kho/?status=received").content.decode()
    assert "In tem cho cả 64 máy “Đã đến điểm tiếp nhận”" in page
    response = client.post("/kho/tem.pdf", {"status": "received"})
    assert response.status_code == 200
    assert sorted(_codes_on(response.content)) == sorted(d.tracking_code for d in received)
    refused = client.post("/kho/tem.pdf", {"status": "delivered"}, follow=True)
    assert "không được in tem" in refused.content.decode()


def test_five_hundred_labels_by_post_while_a_link_stays_for_short_lists(api, coordinator_h, hubs):
    codes = [d.tracking_code for d in _bulk(hubs["H"], "received", 500)]
    client = api.as_user(coordinator_h)
    response = client.post("/api/v1/labels.pdf", {"devices": codes}, format="json")
    assert response.status_code == 200, response.content
    assert len(PdfReader(io.BytesIO(response.content)).pages) == 34
    assert _codes_on(response.content) == codes  # in the order sent
    # a link of 500 codes is refused with a message pointing nowhere near a 414 or a 500
    error = assert_error(
        client.get(f"/api/v1/labels.pdf?devices={','.join(codes[:301])}"), 400, "invalid", "devices"
    )
    assert "300" in error["message"]
    short = client.get(f"/api/v1/labels.pdf?devices={','.join(codes[:3])}")
    assert short.status_code == 200 and _codes_on(short.content) == codes[:3]


def test_a_posted_sheet_is_refused_plainly(api, coordinator_h, coordinator_k, hubs):
    mine = _bulk(hubs["H"], "ready", 2)
    theirs = _bulk(hubs["K"], "ready", 1)
    client = api.as_user(coordinator_h)
    codes = [d.tracking_code for d in mine + theirs]
    error = assert_error(
        client.post("/api/v1/labels.pdf", {"devices": codes}, format="json"),
        404,
        "not_found",
        "devices",
    )
    assert error["fields"]["devices"] == [theirs[0].tracking_code]
    assert_error(client.post("/api/v1/labels.pdf", {}, format="json"), 400, "invalid", "devices")
    both = {"devices": codes[:1], "status": "ready"}
    assert_error(client.post("/api/v1/labels.pdf", both, format="json"), 400, "invalid", "devices")
    too_many = {"devices": [f"NS-{n:06d}" for n in range(1001)]}
    assert_error(
        client.post("/api/v1/labels.pdf", too_many, format="json"), 400, "invalid", "devices"
    )
    by_status = client.post("/api/v1/labels.pdf", {"status": "ready"}, format="json")
    assert sorted(_codes_on(by_status.content)) == sorted(d.tracking_code for d in mine)
    gone = client.post("/api/v1/labels.pdf", {"status": "recycled"}, format="json")
    assert_error(gone, 400, "invalid", "status")
