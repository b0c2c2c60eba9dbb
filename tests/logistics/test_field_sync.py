"""Field work without signal (issue 16), on the server's side: the pack a field device takes for a
batch (least personal data, logged, expiring), and the handovers it recorded offline, synced
once each by their client_id, with the conflicts kept and said in plain words."""

from __future__ import annotations

import base64
import io
import uuid
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from core.models import OutboxMessage
from donations.models import DeviceEvent
from households.models import HouseholdAccess, HouseholdEvent
from logistics.models import Handover, HandoverConflict
from matching.models import Allocation
from messaging.models import Message
from tests.conftest import assert_error

pytestmark = pytest.mark.django_db


def signature() -> str:
    out = io.BytesIO()
    Image.new("RGBA", (60, 20), (0, 0, 0, 255)).save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def jpeg() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 40)).save(out, "JPEG")
    return SimpleUploadedFile("photo.jpg", out.getvalue(), content_type="image/jpeg")


def record(device, household, batch, **extra) -> dict:
    """A field record as the field app sends it (multipart)."""
    return {
        "client_id": str(uuid.uuid4()),
        "recorded_at": (timezone.now() - timedelta(minutes=30)).isoformat(),
        "batch": batch.id,
        "device": device.tracking_code,
        "household": household.id,
        "received_by": household.head_name,
        "relation": "head",
        "recipient_cccd_last4": household.cccd_last4,
        "training_given": "true",
        "signature": signature(),
        **extra,
    }


def rows() -> dict:
    return {
        "handovers": Handover.objects.count(),
        "device_events": DeviceEvent.objects.count(),
        "household_events": HouseholdEvent.objects.count(),
        "messages": Message.objects.count(),
        "owed": OutboxMessage.objects.count(),
        "conflicts": HandoverConflict.objects.count(),
    }


@pytest.fixture
def early_dispatch(dispatched):
    """The batch left the hub two hours ago (field records come after it)."""
    device, household, batch = dispatched
    type(batch).objects.filter(id=batch.id).update(
        dispatched_at=timezone.now() - timedelta(hours=2)
    )
    batch.refresh_from_db()
    return device, household, batch


# --- the pack ---------------------------------------------------------------------------------


def test_the_pack_holds_the_least_the_handover_needs_and_its_reading_is_logged(
    api, officer_a, dispatched, villages
):
    device, household, batch = dispatched
    response = api.as_user(officer_a).get(f"/api/v1/batches/{batch.id}/field-pack/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    pack = response.json()
    assert set(pack) == {
        "batch",
        "generated_at",
        "expires_at",
        "may_override_cccd",
        "relations",
        "phones",
        "households",
    }
    assert pack["batch"]["id"] == batch.id and pack["batch"]["status"] == "dispatched"
    assert pack["phones"] == [
        {
            "code": device.tracking_code,
            "model": "Samsung Galaxy A14 5G",
            "imei_last5": device.imei[-5:],
            "household": household.id,
        }
    ]
    [entry] = pack["households"]
    assert entry == {
        "id": household.id,
        "head_name": household.head_name,
        "village": "Bản A Vao",
        "cccd_last4": household.cccd_last4,
        "photo_consent": False,
        "relation_rules": {
            "relations": ["head", "spouse", "child", "parent", "other"],
            "cccd_last4_required": True,
            "cccd_must_match": True,
            "override_with_reason": False,  # an officer: only a hub coordinator overrides
        },
    }
    # nothing more of the household: no full IMEI, no poverty facts, no CCCD hash
    assert device.imei not in str(pack) and "poverty" not in str(pack)
    # expires at the end of the day after the planned date (1 December 2026), in Vietnam
    assert pack["expires_at"] == "2026-12-03T00:00:00+07:00"
    access = HouseholdAccess.objects.get(household=household, actor=officer_a)
    assert access.channel == "api" and access.data == {"field_pack": batch.id}


def test_the_coordinator_of_the_hub_may_override_and_others_get_nothing(
    api, coordinator_h, coordinator_k, officer_b, verifier, donor, dispatched
):
    _device, _household, batch = dispatched
    url = f"/api/v1/batches/{batch.id}/field-pack/"
    assert api.as_user(coordinator_h).get(url).json()["may_override_cccd"] is True
    assert_error(api.as_user(coordinator_k).get(url), 404, "not_found")
    assert_error(api.as_user(officer_b).get(url), 404, "not_found")
    assert_error(api.as_user(verifier).get(url), 403, "permission_denied")
    assert_error(api.as_user(donor).get(url), 403, "permission_denied")
    assert not HouseholdAccess.objects.exclude(actor=coordinator_h).exists()


def test_no_pack_for_a_closed_batch_or_one_whose_day_is_past(api, coordinator_h, dispatched):
    _device, _household, batch = dispatched
    type(batch).objects.filter(id=batch.id).update(planned_date=date(2026, 11, 29))
    url = f"/api/v1/batches/{batch.id}/field-pack/"
    assert_error(api.as_user(coordinator_h).get(url), 409, "pack_expired")
    type(batch).objects.filter(id=batch.id).update(status="completed")
    assert_error(api.as_user(coordinator_h).get(url), 409, "batch_closed")


# --- syncing ----------------------------------------------------------------------------------


def test_a_field_record_makes_the_handover_at_its_real_time_once(
    api, officer_a, early_dispatch, django_capture_on_commit_callbacks
):
    device, household, batch = early_dispatch
    body = record(device, household, batch, sim_phone="0912345678", sms_consent="true")
    client = api.as_user(officer_a)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post("/api/v1/handovers/", body, format="multipart")
    assert first.status_code == 201, first.content
    handover = Handover.objects.get()
    assert str(handover.client_id) == body["client_id"]
    assert (
        handover.at.isoformat() == timezone.datetime.fromisoformat(body["recorded_at"]).isoformat()
    )
    assert handover.saved_at > handover.at and handover.signature and handover.batch == batch
    assert first.json()["recorded_at"] == timezone.localtime(handover.at).isoformat()
    assert first.json()["client_id"] == body["client_id"] and first.json()["warnings"] == []
    device.refresh_from_db()
    batch.refresh_from_db()
    assert device.status == "delivered" and batch.status == "completed"
    # the code goes to the SIM when the record syncs (to be read back at the follow-up)
    message = Message.objects.get(kind="handover_code")
    assert message.status == "sent" and handover.sms_code_message == message

    before = rows()
    again = client.post("/api/v1/handovers/", body, format="multipart")  # a retried sync
    assert again.status_code == 200 and again.json()["id"] == handover.id
    assert rows() == before


def test_a_field_record_needs_its_time_and_a_time_in_the_future_or_before_dispatch_is_kept(
    api, coordinator_h, early_dispatch
):
    device, household, batch = early_dispatch
    client = api.as_user(coordinator_h)
    without_time = record(device, household, batch)
    del without_time["recorded_at"]
    assert_error(client.post("/api/v1/handovers/", without_time), 400, "invalid", "recorded_at")
    future = record(device, household, batch)
    future["recorded_at"] = (timezone.now() + timedelta(hours=2)).isoformat()
    kept = assert_error(client.post("/api/v1/handovers/", future), 409, "recorded_in_the_future")
    assert kept["kept"] is True and "Check the date" not in kept["message"]  # Vietnamese
    early = record(device, household, batch)
    early["recorded_at"] = (timezone.now() - timedelta(hours=3)).isoformat()
    assert_error(client.post("/api/v1/handovers/", early), 409, "recorded_before_dispatch")
    assert not Handover.objects.exists()
    assert HandoverConflict.objects.count() == 2


def test_consent_to_photos_withdrawn_meanwhile_drops_the_photo_and_keeps_the_handover(
    api, officer_a, early_dispatch
):
    from households.services.privacy import household_record_consent

    device, household, batch = early_dispatch
    household.consent_share_photo = True
    household.save(update_fields=["consent_share_photo"])
    body = record(device, household, batch, photo=jpeg())  # taken while consent stood
    household_record_consent(
        household_id=household.id,
        actor=officer_a,
        processing=True,
        share_photo=False,
        method="signed_form",
    )
    response = api.as_user(officer_a).post("/api/v1/handovers/", body, format="multipart")
    assert response.status_code == 201, response.content
    handover = Handover.objects.get()
    assert not handover.photo and handover.signature
    assert handover.field_notes == ["photo_dropped"]
    [warning] = response.json()["warnings"]
    assert warning["code"] == "photo_dropped" and "xóa" in warning["message"]
    from donations.models import DeviceOutcome

    assert not DeviceOutcome.objects.get(device=device).photo


def test_a_phone_released_meanwhile_keeps_the_record_for_the_hub_and_a_retry_writes_nothing(
    api, officer_a, early_dispatch, client, coordinator_h
):
    device, household, batch = early_dispatch
    Allocation.objects.filter(device=device).update(
        is_live=False, released_at=timezone.now(), release_reason="Hộ chuyển đi nơi khác"
    )
    body = record(device, household, batch)
    api_client = api.as_user(officer_a)
    error = assert_error(api_client.post("/api/v1/handovers/", body), 409, "allocation_released")
    assert error["kept"] is True
    assert "Hộ chuyển đi nơi khác" in error["message"] and "điều phối viên" in error["message"]
    conflict = HandoverConflict.objects.get()
    assert error["conflict"] == conflict.id and str(conflict.client_id) == body["client_id"]
    assert conflict.signature and conflict.recorded_by == officer_a and conflict.batch == batch
    assert conflict.record["received_by"] == household.head_name
    assert not Handover.objects.exists()

    before = rows()
    again = assert_error(api_client.post("/api/v1/handovers/", body), 409, "allocation_released")
    assert again["conflict"] == conflict.id and rows() == before

    # the hub's coordinator sees it on the batch page, in plain words, and settles it
    client.force_login(coordinator_h)
    page = client.get(f"/dot-giao/{batch.id}/").content.decode()
    assert "Bàn giao từ thực địa chưa được ghi nhận" in page and "Hộ chuyển đi nơi khác" in page
    settle = f"/dot-giao/{batch.id}/ban-ghi-giu-lai/{conflict.id}/"
    assert client.post(settle, {"note": ""}).status_code == 302
    conflict.refresh_from_db()
    assert conflict.settled_at is None
    client.post(settle, {"note": "Đã gọi cho hộ, máy được mang về điểm."})
    conflict.refresh_from_db()
    assert conflict.settled_by == coordinator_h and conflict.settled_note.startswith("Đã gọi")


def test_a_phone_given_to_another_household_meanwhile_is_kept_as_a_conflict(
    api, officer_a, early_dispatch, make_household
):
    device, household, batch = early_dispatch
    other = make_household(head_name="Hồ Thị Khác", cccd_last4="9999")
    Allocation.objects.filter(device=device).update(is_live=False)
    Allocation.objects.create(device=device, household=other, is_live=True)
    body = record(device, household, batch)
    assert_error(api.as_user(officer_a).post("/api/v1/handovers/", body), 409, "reallocated")
    assert HandoverConflict.objects.get().code == "reallocated"


def test_a_batch_closed_meanwhile_is_kept_as_a_conflict(
    api, officer_a, coordinator_h, early_dispatch
):
    from logistics.services.delivery import batch_return_device

    device, household, batch = early_dispatch
    batch_return_device(batch_id=batch.id, device_id=device.id, actor=coordinator_h)
    body = record(device, household, batch)
    error = assert_error(
        api.as_user(officer_a).post("/api/v1/handovers/", body), 409, "batch_closed"
    )
    assert f"#{batch.id}" in error["message"]
    assert HandoverConflict.objects.filter(code="batch_closed").count() == 1


def test_a_phone_handed_over_online_meanwhile_is_not_handed_over_twice(
    api, officer_a, coordinator_h, early_dispatch
):
    device, household, batch = early_dispatch
    online = {
        "device": device.tracking_code,
        "household": household.id,
        "received_by": household.head_name,
        "recipient_cccd_last4": household.cccd_last4,
    }
    assert api.as_user(coordinator_h).post("/api/v1/handovers/", online).status_code == 201
    body = record(device, household, batch)
    assert_error(
        api.as_user(officer_a).post("/api/v1/handovers/", body), 409, "already_handed_over"
    )
    assert Handover.objects.count() == 1


def test_a_client_id_is_not_a_key_to_someone_elses_handover(
    api, officer_a, officer_b, early_dispatch
):
    device, household, batch = early_dispatch
    body = record(device, household, batch)
    assert api.as_user(officer_a).post("/api/v1/handovers/", body).status_code == 201
    assert_error(api.as_user(officer_b).post("/api/v1/handovers/", body), 409, "client_id_reused")
    other = {**body, "household": household.id + 1000}
    assert_error(api.as_user(officer_a).post("/api/v1/handovers/", other), 409, "client_id_reused")


def test_records_of_a_batch_out_of_reach_are_not_found(api, officer_b, early_dispatch):
    device, household, batch = early_dispatch
    body = record(device, household, batch)
    assert_error(api.as_user(officer_b).post("/api/v1/handovers/", body), 404, "not_found")
    assert rows()["conflicts"] == 0


# --- the pages --------------------------------------------------------------------------------


def test_the_batch_page_offers_the_field_and_the_field_page_says_it_needs_javascript(
    client, officer_a, dispatched
):
    _device, _household, batch = dispatched
    client.force_login(officer_a)
    page = client.get(f"/dot-giao/{batch.id}/").content.decode()
    assert f'href="/thuc-dia/?batch={batch.id}"' in page and "Mang đợt giao này đi thực địa" in page
    field = client.get("/thuc-dia/")
    html = field.content.decode()
    assert field.status_code == 200 and 'id="field-nojs"' in html and "cần JavaScript" in html
    assert '<link rel="manifest" href="/thuc-dia/manifest.webmanifest">' in html
    assert 'id="field-config" type="application/json"' in html and "/thuc-dia-sw.js" in html


def test_the_worker_and_the_manifest_are_served_to_anyone_without_personal_data(client, db):
    worker = client.get("/thuc-dia-sw.js")
    assert worker.status_code == 200 and worker["Content-Type"].startswith("text/javascript")
    body = worker.content.decode()
    assert '"shell": "/thuc-dia/"' in body and "/static/logistics/field.js" in body
    assert '"logout": "/dang-xuat/"' in body
    manifest = client.get("/thuc-dia/manifest.webmanifest")
    assert manifest["Content-Type"] == "application/manifest+json"
    data = manifest.json()
    assert data["start_url"] == "/thuc-dia/" and data["display"] == "standalone"
    assert [icon["sizes"] for icon in data["icons"]] == ["192x192", "512x512"]


def test_the_pack_is_pinned(
    api, coordinator_h, hubs, make_device, make_household, allocate, django_assert_num_queries
):
    from logistics.services.delivery import batch_create

    def batch_of(n):
        devices = [
            allocate(make_device(hub=hubs["H"], status="ready"), make_household()) for _ in range(n)
        ]
        return batch_create(
            hub_id=hubs["H"].id,
            commune_code=devices[0].allocations.get().household.commune_id,
            planned_date=timezone.localdate(),
            carrier="officer",
            device_codes=[d.tracking_code for d in devices],
            actor=coordinator_h,
        )

    small, large = batch_of(2), batch_of(6)
    client = api.as_user(coordinator_h)
    client.get(f"/api/v1/batches/{small.id}/field-pack/")
    # token and user, scope (4), batch, items with phones, live allocations with households and
    # villages, handovers, the access log: not one per phone
    with django_assert_num_queries(10):
        assert len(client.get(f"/api/v1/batches/{small.id}/field-pack/").json()["phones"]) == 2
    with django_assert_num_queries(10):
        assert len(client.get(f"/api/v1/batches/{large.id}/field-pack/").json()["phones"]) == 6
