"""Erasure that is complete (issue 14, Law 91/2025): anonymising a household reaches its
handovers (recipient, CCCD digits, photo, signature, SIM number, story), their files in storage,
the receipt (drawn again without personal data), the follow-ups, the phones' events and the
donor's outcome; withdrawing consent to share the story or photo takes them off the donor's view
at once. Afterwards no table, receipt, export or outcome page holds the household's names."""

from __future__ import annotations

import base64
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook
from PIL import Image
from pypdf import PdfReader

from donations.models import DeviceOutcome
from households.models import Household
from logistics.models import FollowUp, Handover, SimCard
from tests.privacy.scan import rows_naming

pytestmark = pytest.mark.django_db

HEAD = "Hồ Văn Phúc"  # tests.logistics.records.HOUSEHOLD
RECIPIENT = "Hồ Thị Lan Anh"
ICCID = "8984048000012345678"
STORY = f"Chị {RECIPIENT} đã gọi video cho con ở Đà Nẵng."


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 100, 50)).save(out, "JPEG")
    return out.getvalue()


def _signature() -> str:
    image = Image.new("RGBA", (200, 80), (0, 0, 0, 0))
    for x in range(20, 180):
        image.putpixel((x, 40), (0, 0, 0, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def _text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def handed_over(api, officer_a, dispatched, django_capture_on_commit_callbacks):
    """A handover with everything personal: photo, signature, SIM, story, a typed place; a
    follow-up naming the recipient; the donor's outcome with the story and photo."""
    from logistics.services.delivery import follow_up_record

    device, household, batch = dispatched
    Household.objects.filter(id=household.id).update(
        consent_share_story=True, consent_share_photo=True
    )
    SimCard.objects.create(device=device, carrier="viettel")
    body = {
        "device": device.tracking_code,
        "household": household.id,
        "received_by": RECIPIENT,
        "relation": "spouse",
        "recipient_cccd_last4": "4321",
        "sim_iccid": ICCID,
        "place": f"Nhà ông {HEAD}, Bản A Vao",
        "story": STORY,
        "signature": _signature(),
        "photo": SimpleUploadedFile("p.jpg", _jpeg(), content_type="image/jpeg"),
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = api.as_user(officer_a).post("/api/v1/handovers/", body, format="multipart")
    assert response.status_code == 201, response.content
    handover = Handover.objects.get(id=response.json()["id"])
    follow_up_record(
        handover_id=handover.id,
        in_use=True,
        notes=f"{RECIPIENT} dùng Zalo hằng ngày.",
        actor=officer_a,
    )
    return device, household, batch, handover


def test_anonymising_erases_the_household_from_its_handovers_files_receipt_and_outcome(
    api, officer_a, client, handed_over, django_capture_on_commit_callbacks
):
    device, household, batch, handover = handed_over
    receipt_url = f"/api/v1/handovers/{handover.id}/receipt.pdf"
    before = _text(api.as_user(officer_a).get(receipt_url).content)
    assert HEAD in before and RECIPIENT in before and ICCID in before
    outcome = DeviceOutcome.objects.get(device=device)
    assert outcome.story == STORY and outcome.photo
    files = [handover.photo, handover.signature, outcome.photo]
    assert all(f.storage.exists(f.name) for f in files)
    assert rows_naming(HEAD, RECIPIENT)  # the scan finds them while they are held

    with django_capture_on_commit_callbacks(execute=True):
        response = api.as_user(officer_a).post(
            f"/api/v1/households/{household.id}/anonymise/",
            {"reason": f"Ông {HEAD} yêu cầu xoá dữ liệu qua điện thoại"},
            format="json",
        )
    assert response.status_code == 200, response.content

    handover.refresh_from_db()
    assert (handover.received_by, handover.recipient_cccd_last4, handover.sim_iccid) == ("",) * 3
    assert (handover.story, handover.cccd_override_reason) == ("", "")
    assert handover.place == "Xã Tà Rụt"
    assert not handover.photo and not handover.signature
    assert not any(f.storage.exists(f.name) for f in files)  # deleted from storage
    assert SimCard.objects.get(device=device).iccid == ""
    outcome.refresh_from_db()
    assert outcome.story == "" and not outcome.photo
    assert outcome.commune_id == household.commune_id  # what names nobody stays
    assert FollowUp.objects.get(handover=handover).notes == "[…] dùng Zalo hằng ngày."
    # The receipt, fetched again, is drawn without personal data.
    after = _text(api.as_user(officer_a).get(receipt_url).content)
    for secret in (HEAD, RECIPIENT, ICCID, "4321", "Bản A Vao"):
        assert secret not in after, secret
    assert "Xã Tà Rụt" in after and device.imei in after
    assert "xoá theo yêu cầu" in after or "xóa theo yêu cầu" in after
    assert (
        len(PdfReader(io.BytesIO(api.as_user(officer_a).get(receipt_url).content)).pages[0].images)
        == 0
    )
    # No table holds the names any more.
    assert rows_naming(HEAD, RECIPIENT) == []
    # Nor the manifest, the commune's export, the personal-data export, the outcome pages.
    client.force_login(officer_a)
    manifest = _text(client.get(f"/dot-giao/{batch.id}/danh-sach.pdf").content)
    assert HEAD not in manifest and RECIPIENT not in manifest
    book = load_workbook(io.BytesIO(client.get("/ho-gia-dinh/xuat/19588.xlsx").content))
    cells = " ".join(str(c) for ws in book.worksheets for row in ws.values for c in row if c)
    assert HEAD not in cells
    export = client.get(f"/ho-gia-dinh/{household.id}/du-lieu.json").content.decode()
    assert HEAD not in export and RECIPIENT not in export
    json.loads(export)
    for url in (f"/t/{device.tracking_code}?public", f"/api/v1/track/{device.tracking_code}/"):
        page = client.get(url).content.decode()
        assert STORY not in page and RECIPIENT not in page and HEAD not in page
        assert "outcomes/" not in page  # no photo


def test_withdrawing_story_and_photo_consent_takes_them_off_the_donors_view_at_once(
    client, officer_a, handed_over, django_capture_on_commit_callbacks
):
    device, household, _batch, handover = handed_over
    outcome = DeviceOutcome.objects.get(device=device)
    photo = outcome.photo
    track = f"/t/{device.tracking_code}?public"
    page = client.get(track).content.decode()
    assert STORY in page and photo.url in page

    client.force_login(officer_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/ho-gia-dinh/{household.id}/dong-y/",
            {"processing": "on", "share_story": "", "share_photo": "", "method": "signed_form"},
        )
    assert response.status_code == 302, response.content
    household.refresh_from_db()
    assert household.consent_processing and not household.consent_share_story
    client.logout()
    page = client.get(track).content.decode()
    assert STORY not in page and photo.url not in page
    body = client.get(f"/api/v1/track/{device.tracking_code}/").json()
    assert body["outcome"]["story"] == "" and body["outcome"]["photo"] is None
    assert not photo.storage.exists(photo.name)
    handover.refresh_from_db()
    assert handover.story == "" and not handover.photo
    # Only what was withdrawn: the household and its recipient stay on the record.
    assert handover.received_by == RECIPIENT and handover.signature


def test_withdrawing_only_the_photo_keeps_the_story(client, officer_a, handed_over):
    device, household, _batch, _handover = handed_over
    from households.services.privacy import household_record_consent

    household_record_consent(
        household_id=household.id,
        actor=officer_a,
        processing=True,
        share_story=True,
        share_photo=False,
        method="signed_form",
    )
    outcome = DeviceOutcome.objects.get(device=device)
    assert outcome.story == STORY and not outcome.photo


def test_a_phone_handed_over_again_keeps_its_new_households_outcome(
    officer_a, coordinator_h, admin_user, handed_over, make_household, villages
):
    """Anonymising the first household of a phone that went round again leaves the second
    household's outcome as it is."""
    from households.services.privacy import household_anonymise
    from logistics.services import delivery
    from tests.conftest import allocate_and_dispatch
    from tests.logistics.records import walk

    device, household, _batch, _handover = handed_over
    device.refresh_from_db()
    walk(device, ["returned", "received", "wiped", "ready"], coordinator_h)
    from matching.models import Allocation

    Allocation.objects.filter(device=device).update(is_live=False)
    second = make_household(head_name="Pả Thị Mới", village=villages["A"])
    Household.objects.filter(id=second.id).update(consent_share_story=True)
    second.refresh_from_db()
    allocate_and_dispatch(device, second, admin=admin_user, coordinator=coordinator_h)
    delivery.handover_create(
        device_id=device.id,
        household_id=second.id,
        received_by="Pả Thị Mới",
        recipient_cccd_last4="4321",
        story="Cháu học trực tuyến được rồi.",
        actor=officer_a,
    )
    household_anonymise(household_id=household.id, actor=officer_a, reason="Hộ yêu cầu xoá")
    assert DeviceOutcome.objects.get(device=device).story == "Cháu học trực tuyến được rồi."
    assert rows_naming(HEAD, RECIPIENT) == []


def test_a_whole_season_anonymised_names_nobody_and_keeps_its_numbers(
    officer_a, coordinator_h, coordinator_k, admin_user, hubs, communes, client
):
    """Every household of a season (tests/progress/season.py) asks to be erased: no table, no
    receipt, no outcome page names any of them, and the public numbers stay as they were but
    for the households still waiting: they leave the list."""
    from households.services.privacy import household_anonymise
    from progress import selectors
    from tests.progress.season import EXPECTED_TOTALS, HEAD, build_season

    season = build_season(
        officer=officer_a,
        coordinator_h=coordinator_h,
        coordinator_k=coordinator_k,
        admin=admin_user,
        hubs=hubs,
    )
    assert rows_naming(HEAD)
    for household in season.households.values():
        household_anonymise(household_id=household.id, actor=admin_user, reason="Hộ yêu cầu")
    assert rows_naming(HEAD) == []
    waiting = EXPECTED_TOTALS["households_waiting"]
    assert selectors.stats_compute()["totals"] == {
        **EXPECTED_TOTALS,
        "households_waiting": 0,
        "households_verified": EXPECTED_TOTALS["households_verified"] - waiting,
    }
    client.force_login(admin_user)
    for handover in season.handovers.values():
        text = _text(client.get(f"/ban-giao/{handover.id}/bien-ban.pdf").content)
        assert HEAD not in text
    client.logout()
    for device in season.phones.values():
        assert HEAD not in client.get(f"/t/{device.tracking_code}?public").content.decode()
