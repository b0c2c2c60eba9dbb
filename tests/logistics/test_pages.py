"""The hub work pages, batches, handover pages and the dashboard: access per persona, only the
next allowed actions, errors on the field, pinned query counts."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from donations.models import DeviceEvent
from logistics.models import DeliveryBatch, Handover, Intake, QARecord, WipeRecord
from tests.conftest import COMMUNE_A, COMMUNE_B
from tests.logistics.conftest import new_imei

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonymous", 302),
        ("donor", 403),
        ("officer_a", 403),
        ("verifier", 403),
        ("coordinator_h", 200),
        ("admin", 200),
    ],
)
def test_the_bench_is_for_coordinators(client, personas, persona, status):
    if personas[persona]:
        client.force_login(personas[persona])
    assert client.get("/kho/").status_code == status
    assert client.get("/kho/tong-quan/").status_code == status


def test_the_scan_box_opens_the_device_page_and_accepts_a_scanned_link(
    client, coordinator_h, hubs, make_device
):
    device = make_device(hub=hubs["H"], status="received")
    client.force_login(coordinator_h)
    response = client.get("/kho/", {"code": device.tracking_code.lower()})
    assert response.status_code == 302
    assert response["Location"] == f"/kho/thiet-bi/{device.tracking_code}/"
    scanned = client.get("/kho/", {"code": f"http://127.0.0.1:8000/t/{device.tracking_code}"})
    assert scanned["Location"] == f"/kho/thiet-bi/{device.tracking_code}/"


def test_the_scan_box_says_so_for_a_code_of_another_hub(client, coordinator_h, hubs, make_device):
    other = make_device(hub=hubs["K"], status="received")
    client.force_login(coordinator_h)
    response = client.get("/kho/", {"code": other.tracking_code})
    assert response.status_code == 200
    assert f"Không có máy mang mã {other.tracking_code}" in response.content.decode()
    assert client.get(f"/kho/thiet-bi/{other.tracking_code}/").status_code == 404
    post = client.post(
        f"/kho/thiet-bi/{other.tracking_code}/wipe/",
        {"method": "factory_reset", "google_frp": "on", "samsung": "on", "vneid": "on"},
    )
    assert post.status_code == 404
    assert not WipeRecord.objects.exists()


def test_the_device_page_offers_only_the_next_allowed_actions(
    client, coordinator_h, hubs, make_device
):
    client.force_login(coordinator_h)
    received = make_device(hub=hubs["H"], status="received")
    page = client.get(f"/kho/thiet-bi/{received.tracking_code}/").content.decode()
    assert "/wipe/" in page and "/reject/" in page
    assert "/qa/" not in page and "/receive/" not in page and "/repair/" not in page
    wiped = make_device(hub=hubs["H"], status="wiped")
    page = client.get(f"/kho/thiet-bi/{wiped.tracking_code}/").content.decode()
    assert "/qa/" in page and "/repair/" in page and "/wipe/" not in page
    delivered = make_device(hub=hubs["H"], status="delivered")
    page = client.get(f"/kho/thiet-bi/{delivered.tracking_code}/").content.decode()
    assert "/reject/" not in page and "/qa/" not in page


def test_a_wrong_imei_on_the_intake_form_is_shown_on_the_field(
    client, coordinator_h, hubs, make_device
):
    device = make_device()
    client.force_login(coordinator_h)
    response = client.post(
        f"/kho/thiet-bi/{device.tracking_code}/receive/",
        {"hub": hubs["H"].id, "imei": "123456789012345", "condition": "good"},
    )
    assert response.status_code == 400
    assert "IMEI gồm 15 chữ số" in response.content.decode()
    device.refresh_from_db()
    assert device.status == "pledged" and not Intake.objects.exists()


def test_the_pages_take_a_phone_through_the_bench(client, coordinator_h, hubs, make_device):
    device = make_device()
    client.force_login(coordinator_h)
    base = f"/kho/thiet-bi/{device.tracking_code}/"
    imei = new_imei()
    assert (
        client.post(
            base + "receive/", {"hub": hubs["H"].id, "imei": imei, "condition": "good"}
        ).status_code
        == 302
    )
    missing_account = client.post(base + "wipe/", {"method": "factory_reset", "google_frp": "on"})
    assert missing_account.status_code == 400
    assert not WipeRecord.objects.exists()
    client.post(
        base + "wipe/",
        {"method": "factory_reset", "google_frp": "on", "samsung": "on", "vneid": "on"},
    )
    failing = {"lte": "on", "battery_health": "60"}
    assert client.post(base + "qa/", failing).status_code == 302
    device.refresh_from_db()
    assert device.status == "refurbishing"
    client.post(base + "repair/", {"description": "Thay pin", "cost_vnd": "300000"})
    passing = {
        k: "on"
        for k in [
            "lte",
            "volte",
            "screen",
            "camera",
            "charging",
            "speaker",
            "microphone",
            "nfc",
            "vietnamese_language",
            "vietnamese_keyboard",
            "vneid",
            "zalo",
            "public_service_app",
        ]
    }
    assert client.post(base + "qa/", {**passing, "battery_health": "90"}).status_code == 302
    device.refresh_from_db()
    assert device.status == "ready"
    assert QARecord.objects.filter(device=device).count() == 2
    assert list(DeviceEvent.objects.filter(device=device).values_list("new_status", flat=True)) == [
        "received",
        "wiped",
        "refurbishing",
        "ready",
    ]


def test_a_walk_in_phone_is_registered_from_the_page(client, coordinator_h, hubs):
    client.force_login(coordinator_h)
    phone = {
        "hub": hubs["H"].id,
        "brand": "Oppo",
        "model": "A58",
        "os": "android",
        "imei": new_imei(),
        "condition": "good",
        "ram_gb": "4",
        "storage_gb": "128",
        "supports_4g": "on",
        "supports_volte": "on",
    }
    response = client.post("/kho/tiep-nhan-may-le/", phone)
    assert response.status_code == 302
    assert Intake.objects.get().walk_in
    old_phone = {**phone, "brand": "Nokia", "model": "105", "os": "other", "imei": new_imei()}
    del old_phone["supports_4g"], old_phone["supports_volte"]  # unticked: no 4G, no VoLTE
    refused = client.post("/kho/tiep-nhan-may-le/", {**old_phone, "ram_gb": "0", "storage_gb": "0"})
    assert refused.status_code == 400
    assert "4G và VoLTE" in refused.content.decode()


def test_the_bench_list_is_pinned(
    client, coordinator_h, hubs, make_device, django_assert_num_queries
):
    for status in ["received", "received", "wiped", "ready", "refurbishing"]:
        make_device(hub=hubs["H"], status=status)
    client.force_login(coordinator_h)
    client.get("/kho/")
    # session, user, scope (4), status counts, the list
    with django_assert_num_queries(8):
        response = client.get("/kho/")
    assert response.status_code == 200
    for _ in range(5):
        make_device(hub=hubs["H"], status="received")
    with django_assert_num_queries(8):
        client.get("/kho/")


def test_the_dashboard_counts_per_hub_lists_stuck_phones_and_exports(
    client, coordinator_h, coordinator_k, hubs, make_device, django_assert_num_queries, settings
):
    settings.LOGISTICS_STUCK_DAYS = {"received": 7}
    old = make_device(hub=hubs["H"], status="received")
    DeviceEvent.objects.create(
        device=old,
        old_status="pledged",
        new_status="received",
        at=timezone.now() - timedelta(days=9),
    )
    fresh = make_device(hub=hubs["H"], status="received")
    DeviceEvent.objects.create(device=fresh, old_status="pledged", new_status="received")
    make_device(hub=hubs["K"], status="ready")
    client.force_login(coordinator_h)
    client.get("/kho/tong-quan/")
    # 10, and the five of the communes' public numbers (logistics/numbers.py), and issue 14's
    # phones lost and overdue tickets
    with django_assert_num_queries(17):
        page = client.get("/kho/tong-quan/").content.decode()
    assert old.tracking_code in page and fresh.tracking_code not in page
    assert "Điểm Đông Hà" in page and "Điểm Khe Sanh" not in page
    assert 'class="bar"' in page
    export = client.get("/kho/tong-quan.xlsx")
    book = load_workbook(io.BytesIO(export.content))
    rows = list(book.worksheets[0].values)
    assert rows[1][0] == "Điểm Đông Hà" and rows[1][-1] == 2
    assert [r[0] for r in book.worksheets[1].values][1:] == [old.tracking_code]
    client.force_login(coordinator_k)
    assert old.tracking_code not in client.get("/kho/tong-quan/").content.decode()


def test_the_batch_pages_plan_and_dispatch(client, coordinator_h, coordinator_k, allocated):
    device, household = allocated
    client.force_login(coordinator_h)
    page = client.get("/dot-giao/").content.decode()
    assert device.tracking_code in page
    response = client.post(
        "/dot-giao/",
        {
            "hub": device.hub_id,
            "commune": household.commune_id,
            "planned_date": "2026-12-03",
            "carrier": "volunteer",
            "devices": [device.tracking_code],
        },
    )
    assert response.status_code == 302
    batch_url = response["Location"]
    assert client.post(batch_url + "xuat-phat/").status_code == 302
    device.refresh_from_db()
    assert device.status == "dispatched"
    manifest = client.get(batch_url + "danh-sach.pdf")
    assert manifest["Content-Type"] == "application/pdf"
    client.force_login(coordinator_k)
    assert client.get(batch_url).status_code == 404
    assert client.get(batch_url + "danh-sach.pdf").status_code == 404


def test_a_post_for_a_commune_without_waiting_phones_plans_nothing(
    client, coordinator_h, allocated
):
    device, _household = allocated
    client.force_login(coordinator_h)
    response = client.post(
        "/dot-giao/",
        {
            "hub": device.hub_id,
            "commune": "19333",
            "planned_date": "2026-12-03",
            "carrier": "post",
            "devices": [device.tracking_code],
        },
    )
    assert response.status_code == 302
    assert not DeliveryBatch.objects.exists()
    assert "không còn chờ đợt giao" in client.get("/dot-giao/").content.decode()


def test_the_batch_form_starts_from_the_allocated_phones_one_batch_per_commune(
    client, coordinator_h, make_device, make_household, allocate, hubs, villages
):
    """Finding 7 of issue 15: no commune to choose (and none without phones), one form per
    commune of the waiting phones with its phones ticked; planning it never meets "another
    commune"."""
    in_a = [
        allocate(make_device(hub=hubs["H"], status="ready"), make_household(village=villages["A"]))
        for _ in range(2)
    ]
    in_b = allocate(
        make_device(hub=hubs["H"], status="ready"),
        make_household(commune=COMMUNE_B, head_name="Hồ Văn Bê"),
    )
    client.force_login(coordinator_h)
    page = client.get("/dot-giao/").content.decode()
    assert 'name="commune"' in page and '<select name="commune"' not in page
    assert "Xã Tà Rụt" in page and "Xã Hướng Phùng" in page
    assert "Phường Đông Hà" not in page  # a commune without phones is not offered
    assert page.count('class="card batch-group"') == 2
    for device in [*in_a, in_b]:
        assert f'value="{device.tracking_code}"' in page
    assert page.count("checked") >= 3  # every phone of a group is ticked to start with
    assert "Hồ Văn Bê" in page  # the household each phone goes to
    response = client.post(
        "/dot-giao/",
        {
            "hub": hubs["H"].id,
            "commune": COMMUNE_A,
            "planned_date": "2026-12-03",
            "carrier": "volunteer",
            "devices": [d.tracking_code for d in in_a],
        },
    )
    assert response.status_code == 302, response.content.decode()
    batch = DeliveryBatch.objects.get()
    assert batch.commune_id == COMMUNE_A and batch.status == "planned"
    assert {i.device_id for i in batch.items.all()} == {d.id for d in in_a}
    page = client.get("/dot-giao/").content.decode()
    assert in_b.tracking_code in page
    assert not any(f'value="{d.tracking_code}"' in page for d in in_a)  # planned: not offered


def test_a_coordinator_without_waiting_phones_is_told_so(client, coordinator_h, hubs):
    client.force_login(coordinator_h)
    page = client.get("/dot-giao/").content.decode()
    assert "Chưa có máy đã phân nào chờ đợt giao" in page
    assert 'name="devices"' not in page and 'name="commune"' not in page


def test_phones_of_a_planned_batch_are_planned_until_it_leaves(client, coordinator_h, planned):
    device, _household, batch = planned
    client.force_login(coordinator_h)
    rows = client.get(f"/dot-giao/{batch.id}/").content.decode().split("<tbody>")[1]
    assert "Đã lên kế hoạch" in rows and "Đang giao" not in rows
    client.post(f"/dot-giao/{batch.id}/xuat-phat/")
    device.refresh_from_db()
    assert device.status == "dispatched"
    rows = client.get(f"/dot-giao/{batch.id}/").content.decode().split("<tbody>")[1]
    assert "Đang giao" in rows and "Đã lên kế hoạch" not in rows


def test_an_officer_hands_over_from_the_page_and_downloads_the_record(
    client, officer_a, officer_b, dispatched
):
    device, household, _batch = dispatched
    client.force_login(officer_a)
    listing = client.get("/ban-giao/").content.decode()
    assert device.tracking_code in listing and household.head_name in listing
    form = client.get(f"/ban-giao/moi/{device.tracking_code}/")
    assert form.status_code == 200
    assert 'name="photo"' not in form.content.decode()  # no photo consent: no photo field
    response = client.post(
        f"/ban-giao/moi/{device.tracking_code}/",
        {
            "household": household.id,
            "received_by": "Hồ Thị Lan",
            "relation": "spouse",
            "recipient_cccd_last4": "4321",
            "training_given": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()
    handover = Handover.objects.get()
    receipt = client.get(f"/ban-giao/{handover.id}/bien-ban.pdf")
    assert receipt["Content-Type"] == "application/pdf"
    client.force_login(officer_b)
    assert client.get(f"/ban-giao/{handover.id}/").status_code == 404
    assert client.get(f"/ban-giao/{handover.id}/bien-ban.pdf").status_code == 404
    assert household.head_name not in client.get("/ban-giao/").content.decode()


def test_the_handover_page_refuses_another_household(client, officer_a, dispatched, make_household):
    device, _household, _batch = dispatched
    other = make_household(head_name="Hồ Văn Khác")
    client.force_login(officer_a)
    response = client.post(
        f"/ban-giao/moi/{device.tracking_code}/",
        {
            "household": other.id,
            "received_by": "Hồ Văn Khác",
            "relation": "head",
            "recipient_cccd_last4": "4321",
        },
    )
    assert response.status_code == 400
    assert "Máy này đã được phân cho hộ khác" in response.content.decode()
    assert not Handover.objects.exists()


@pytest.mark.parametrize("persona", ["donor", "verifier"])
def test_handover_pages_are_closed_to_others(client, personas, persona, dispatched):
    device, _household, _batch = dispatched
    client.force_login(personas[persona])
    assert client.get("/ban-giao/").status_code == 403
    assert client.get(f"/ban-giao/moi/{device.tracking_code}/").status_code == 403


def test_the_handovers_page_is_pinned(
    client, officer_a, make_device, make_household, allocate, hubs, django_assert_num_queries
):
    for _ in range(3):
        allocate(make_device(hub=hubs["H"], status="ready"), make_household())
    client.force_login(officer_a)
    client.get("/ban-giao/")
    # session, user, scope (4), phones to hand over + their households, due, recent, SMS that
    # did not go through (with their households), overdue tickets, the officer's communes
    with django_assert_num_queries(12):
        client.get("/ban-giao/")
    for _ in range(3):
        allocate(make_device(hub=hubs["H"], status="ready"), make_household())
    with django_assert_num_queries(12):
        client.get("/ban-giao/")


def test_the_landing_page_links_the_logistics_work(client, coordinator_h, officer_a):
    client.force_login(coordinator_h)
    page = client.get("/nhan-vien/").content.decode()
    assert "/kho/" in page and "/dot-giao/" in page and "/kho/tong-quan/" in page
    client.force_login(officer_a)
    page = client.get("/nhan-vien/").content.decode()
    assert "/ban-giao/" in page and "/kho/" not in page


def test_the_batches_page_is_pinned(
    client, coordinator_h, make_device, make_household, allocate, hubs, django_assert_num_queries
):
    from datetime import date

    from logistics.services.delivery import batch_create

    def add_batch():
        device = allocate(make_device(hub=hubs["H"], status="ready"), make_household())
        batch_create(
            hub_id=hubs["H"].id,
            commune_code="19588",
            planned_date=date(2026, 12, 2),
            carrier="volunteer",
            device_codes=[device.tracking_code],
            actor=coordinator_h,
        )
        allocate(make_device(hub=hubs["H"], status="ready"), make_household())  # a candidate

    add_batch()
    client.force_login(coordinator_h)
    client.get("/dot-giao/")
    # session, user, scope (4), the waiting phones with their households, batches
    with django_assert_num_queries(8):
        client.get("/dot-giao/")
    add_batch()
    add_batch()
    with django_assert_num_queries(8):
        page = client.get("/dot-giao/").content.decode()
    assert page.count("/dot-giao/") >= 3
