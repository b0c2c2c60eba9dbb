"""A business pledging 20 phones gets a printable sheet and a CSV of its tracking codes, and the
QR label sheet if it prints labels itself: on its page and in its email (issue 15, finding 5)."""

from __future__ import annotations

import csv
import io

import pytest
from django.core import mail
from pypdf import PdfReader

from donations.models import Pledge
from tests.donations.conftest import phone, pledge_body
from tests.papers import assert_well_printed, table_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def bulk(api, communes, hubs, django_capture_on_commit_callbacks):
    """A business's pledge of 20 new phones (and its email), made through the API."""
    body = pledge_body(
        donor={
            "name": "Công ty TNHH Viễn thông Ánh Dương Quảng Trị",
            "email": "csr@anhduong.vn",
            "kind": "business",
            "country": "VN",
        },
        devices=[phone(condition="new", quantity=20, model="Galaxy A15 Đức")],
        dropoff="hub",
        hub=hubs["H"].id,
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/pledges/", body, format="json")
    assert response.status_code == 201, response.content
    pledge = Pledge.objects.get(id=response.json()["id"])
    codes = [d["tracking_code"] for d in response.json()["devices"]]
    return pledge, codes


def _csv_rows(content: bytes | str) -> list[dict]:
    text = content.decode("utf-8") if isinstance(content, bytes) else content  # (mail: text)
    assert text.startswith("\ufeff")  # Excel reads Vietnamese right
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_the_email_carries_the_sheet_the_csv_and_the_labels(bulk):
    pledge, codes = bulk
    assert len(codes) == 20
    (message,) = mail.outbox
    assert message.to == ["csr@anhduong.vn"]
    names = [name for name, _content, _type in message.attachments]
    assert names == [
        f"noi-song-ma-theo-doi-{pledge.id}.pdf",
        f"noi-song-ma-theo-doi-{pledge.id}.csv",
        f"noi-song-tem-{pledge.id}.pdf",
    ]
    assert "tệp CSV" in message.body
    sheet, table, labels = (content for _name, content, _type in message.attachments)
    assert_well_printed(sheet, "MÃ THEO DÕI", "Công ty TNHH Viễn thông Ánh Dương Quảng Trị")
    rows = [r for r in table_rows(sheet) if r[0].isdigit()]
    in_order = list(pledge.devices.order_by("id").values_list("tracking_code", flat=True))
    assert sorted(in_order) == sorted(codes)
    assert [r[1] for r in rows] == in_order  # every code, in the order pledged
    assert all("Samsung Galaxy A15 Đức" in r[2] and "/t/NS-" in r[3] for r in rows)
    assert [r["tracking_code"] for r in _csv_rows(table)] == in_order
    assert len(PdfReader(io.BytesIO(labels)).pages) == 2
    label_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(labels)).pages)
    assert all(code in label_text for code in codes)


def test_the_business_downloads_them_from_its_page_and_nobody_else_can(client, bulk, other_donor):
    pledge, codes = bulk
    client.force_login(pledge.donor.user)
    mine = client.get("/cua-toi/").content.decode()
    base = f"/cua-toi/cam-ket/{pledge.id}"
    for url in (f"{base}/ma-theo-doi.pdf", f"{base}/ma-theo-doi.csv", f"{base}/tem.pdf"):
        assert f'href="{url}"' in mine
        assert client.get(url).status_code == 200
    rows = _csv_rows(client.get(f"{base}/ma-theo-doi.csv").content)
    assert [r["tracking_code"] for r in rows] == codes
    assert {r["status"] for r in rows} == {"pledged"} and rows[0]["condition"] == "new"
    client.force_login(other_donor)
    for url in (f"{base}/ma-theo-doi.pdf", f"{base}/ma-theo-doi.csv", f"{base}/tem.pdf"):
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(f"{base}/tem.pdf")["Location"].startswith("/dang-nhap/")


def test_the_thank_you_page_offers_them_to_who_just_pledged_without_an_account(client, bulk):
    pledge, _codes = bulk
    session = client.session
    session["donations_last_pledge"] = pledge.id
    session.save()
    page = client.get("/tang-dien-thoai/cam-on/").content.decode()
    assert f"/cua-toi/cam-ket/{pledge.id}/ma-theo-doi.pdf" in page
    assert client.get(f"/cua-toi/cam-ket/{pledge.id}/ma-theo-doi.pdf").status_code == 200
    assert client.get(f"/cua-toi/cam-ket/{pledge.id + 1}/ma-theo-doi.pdf").status_code != 200


def test_one_phone_is_told_in_the_email_alone(api, communes, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        api.post("/api/v1/pledges/", pledge_body(), format="json")
    (message,) = mail.outbox
    assert message.attachments == []


def test_a_csv_cell_never_runs_as_a_formula(communes):
    from types import SimpleNamespace

    from donations.documents import pledge_codes_csv

    row = SimpleNamespace(
        tracking_code="NS-AAAAAA",
        brand='=HYPERLINK("http://x")',
        model="@SUM(1)",
        condition="good",
        imei="",
        status="pledged",
    )
    (parsed,) = _csv_rows(pledge_codes_csv([row]))
    assert parsed["brand"].startswith("'=") and parsed["model"].startswith("'@")
