"""Batches, handover (with the wrong-household refusal and the receipt PDF), follow-up."""

from __future__ import annotations

import base64
import io
from datetime import date

import pytest
from PIL import Image
from pypdf import PdfReader

from donations.models import DeviceEvent
from households.models import HouseholdEvent
from logistics.models import BatchItem, DeliveryBatch, FollowUp, Handover
from tests.conftest import COMMUNE_A, COMMUNE_C, assert_error

pytestmark = pytest.mark.django_db


def batch_body(device, **extra):
    body = {
        "hub": device.hub_id,
        "commune": COMMUNE_A,
        "planned_date": "2026-12-01",
        "carrier": "officer",
        "carrier_name": "Hồ Văn A",
        "devices": [device.tracking_code],
    }
    body.update(extra)
    return body


def handover_body(device, household, **extra):
    body = {
        "device": device.tracking_code,
        "household": household.id,
        "received_by": "Hồ Thị Lan",
        "relation": "spouse",
        "recipient_cccd_last4": "4321",  # the household's (tests.logistics.records.HOUSEHOLD)
        "training_given": True,
    }
    body.update(extra)
    return body


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (64, 48), (200, 100, 50))
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (16.0, 45.0, 0.0)}  # GPS info
    exif[0x010F] = "PhoneMaker"
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


# --- batches -------------------------------------------------------------------------------


def test_a_batch_takes_allocated_phones_of_households_in_its_commune(api, coordinator_h, allocated):
    device, _household = allocated
    client = api.as_user(coordinator_h)
    response = client.post("/api/v1/batches/", batch_body(device), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "planned"
    assert body["devices"] == [{"tracking_code": device.tracking_code, "outcome": "pending"}]
    batch = DeliveryBatch.objects.get(id=body["id"])
    assert (batch.commune_id, batch.carrier, batch.created_by) == (
        COMMUNE_A,
        "officer",
        coordinator_h,
    )

    dispatched = client.post(f"/api/v1/batches/{batch.id}/dispatch/")
    assert dispatched.status_code == 200
    assert dispatched.json()["status"] == "dispatched"
    device.refresh_from_db()
    assert device.status == "dispatched"
    assert DeviceEvent.objects.get(device=device, new_status="dispatched").data == {
        "batch": batch.id
    }
    again = client.post(f"/api/v1/batches/{batch.id}/dispatch/")
    assert_error(again, 409, "invalid_transition")


def test_a_batch_refuses_phones_that_do_not_belong_on_it(
    api, coordinator_h, allocated, make_device, hubs
):
    device, _household = allocated
    ready = make_device(hub=hubs["H"], status="ready")
    client = api.as_user(coordinator_h)
    wrong_commune = client.post(
        "/api/v1/batches/", batch_body(device, commune=COMMUNE_C), format="json"
    )
    error = assert_error(wrong_commune, 400, "invalid_devices", "devices")
    assert "another commune" in " ".join(error["fields"]["devices"]) or error["fields"]["devices"]
    not_allocated = client.post(
        "/api/v1/batches/",
        batch_body(device, devices=[device.tracking_code, ready.tracking_code]),
        format="json",
    )
    assert_error(not_allocated, 400, "invalid_devices", "devices")
    unknown = client.post(
        "/api/v1/batches/", batch_body(device, devices=["NS-ZZZZZZ"]), format="json"
    )
    assert_error(unknown, 400, "invalid_devices", "devices")
    assert not DeliveryBatch.objects.exists()
    assert client.post("/api/v1/batches/", batch_body(device), format="json").status_code == 201
    twice = client.post("/api/v1/batches/", batch_body(device), format="json")
    assert_error(twice, 400, "invalid_devices", "devices")
    assert DeliveryBatch.objects.count() == 1


def test_a_coordinator_of_another_hub_cannot_plan_or_see_the_batch(
    api, coordinator_h, coordinator_k, allocated
):
    device, _household = allocated
    client = api.as_user(coordinator_k)
    assert_error(
        client.post("/api/v1/batches/", batch_body(device), format="json"), 404, "not_found"
    )
    batch = (
        api.as_user(coordinator_h)
        .post("/api/v1/batches/", batch_body(device), format="json")
        .json()
    )
    client = api.as_user(coordinator_k)
    assert_error(client.get(f"/api/v1/batches/{batch['id']}/"), 404, "not_found")
    assert_error(client.post(f"/api/v1/batches/{batch['id']}/dispatch/"), 404, "not_found")
    assert client.get("/api/v1/batches/").json()["count"] == 0


def test_the_batch_list_is_pinned(
    api, coordinator_h, make_device, make_household, allocate, hubs, django_assert_num_queries
):
    from logistics.services.delivery import batch_create

    for _ in range(4):
        device = allocate(make_device(hub=hubs["H"], status="ready"), make_household())
        batch_create(
            hub_id=hubs["H"].id,
            commune_code=COMMUNE_A,
            planned_date=date(2026, 12, 2),
            carrier="volunteer",
            device_codes=[device.tracking_code],
            actor=coordinator_h,
        )
    client = api.as_user(coordinator_h)
    client.get("/api/v1/batches/")
    # auth (2), scope (4), count, page, items with their devices: not one per batch
    with django_assert_num_queries(9):
        body = client.get("/api/v1/batches/").json()
    assert body["count"] == 4


def test_the_manifest_names_the_households_for_the_carrier(api, coordinator_h, dispatched):
    device, household, batch = dispatched
    response = api.as_user(coordinator_h).get(f"/api/v1/batches/{batch.id}/manifest.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert device.tracking_code in text and device.imei in text
    assert household.head_name in text


# --- handover ------------------------------------------------------------------------------


def test_an_officer_hands_over_the_phone_to_its_household(api, officer_a, dispatched):
    from donations.models import DeviceOutcome

    device, household, batch = dispatched
    signature = Image.new("RGBA", (120, 40), (0, 0, 0, 0))
    out = io.BytesIO()
    signature.save(out, "PNG")
    data_url = "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()
    response = api.as_user(officer_a).post(
        "/api/v1/handovers/",
        handover_body(device, household, signature=data_url, sim_iccid="8984048000012345678"),
        format="multipart",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    handover = Handover.objects.get(id=body["id"])
    assert body["receipt_url"] == f"/api/v1/handovers/{handover.id}/receipt.pdf"
    device.refresh_from_db()
    household.refresh_from_db()
    assert device.status == "delivered" and household.status == "served"
    assert DeviceEvent.objects.get(device=device, new_status="delivered").data == {
        "handover": handover.id
    }
    assert HouseholdEvent.objects.get(household=household, new_status="served").actor == officer_a
    assert BatchItem.objects.get(batch=batch).outcome == "handed_over"
    batch.refresh_from_db()
    assert batch.status == "completed" and batch.completed_at
    assert handover.signature and handover.sim_iccid == "8984048000012345678"
    outcome = DeviceOutcome.objects.get(device=device)  # what the donor and the public see
    assert outcome.commune_id == COMMUNE_A and outcome.household_kind == "student"
    assert outcome.story == "" and not outcome.photo  # no consent given


def test_the_receipt_pdf_is_in_vietnamese_with_the_imei(api, officer_a, coordinator_k, dispatched):
    device, household, _batch = dispatched
    handover = (
        api.as_user(officer_a)
        .post("/api/v1/handovers/", handover_body(device, household), format="multipart")
        .json()
    )
    response = api.as_user(officer_a).get(handover["receipt_url"])
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    for words in [
        "BIÊN BẢN BÀN GIAO",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập – Tự do – Hạnh phúc",
        "BÊN NHẬN",
        household.head_name,
        "Hồ Thị Lan",
        device.imei,
        device.tracking_code,
        "Xã Tà Rụt",
    ]:
        assert words in text, words
    assert_error(api.as_user(coordinator_k).get(handover["receipt_url"]), 404, "not_found")


def test_it_refuses_a_handover_to_a_household_that_is_not_the_allocated_one(
    api, officer_a, dispatched, make_household
):
    device, _household, batch = dispatched
    neighbour = make_household(head_name="Hồ Văn Khác")
    response = api.as_user(officer_a).post(
        "/api/v1/handovers/", handover_body(device, neighbour), format="multipart"
    )
    error = assert_error(response, 409, "wrong_household", "household")
    assert "another household" in error["message"] or "hộ khác" in error["message"]
    device.refresh_from_db()
    neighbour.refresh_from_db()
    assert device.status == "dispatched" and neighbour.status == "verified"
    assert not Handover.objects.exists()
    assert BatchItem.objects.get(batch=batch).outcome == "pending"


def test_a_photo_needs_consent_and_is_stripped_of_exif(api, officer_a, dispatched):
    from django.core.files.uploadedfile import SimpleUploadedFile

    device, household, _batch = dispatched
    client = api.as_user(officer_a)
    photo = SimpleUploadedFile("p.jpg", jpeg_with_gps(), content_type="image/jpeg")
    refused = client.post(
        "/api/v1/handovers/", handover_body(device, household, photo=photo), format="multipart"
    )
    assert_error(refused, 400, "invalid", "photo")
    assert not Handover.objects.exists()

    household.consent_share_photo = True
    household.save()
    photo = SimpleUploadedFile("p.jpg", jpeg_with_gps(), content_type="image/jpeg")
    response = client.post(
        "/api/v1/handovers/", handover_body(device, household, photo=photo), format="multipart"
    )
    assert response.status_code == 201, response.content
    handover = Handover.objects.get()
    with handover.photo.open("rb") as handle:
        stored = Image.open(io.BytesIO(handle.read()))
        assert stored.format == "JPEG"
        assert not stored.getexif()
        assert "exif" not in stored.info


def test_an_upload_that_is_not_an_image_is_refused(api, officer_a, dispatched):
    from django.core.files.uploadedfile import SimpleUploadedFile

    device, household, _batch = dispatched
    household.consent_share_photo = True
    household.save()
    fake = SimpleUploadedFile("p.jpg", b"%PDF-1.4 not a picture", content_type="image/jpeg")
    response = api.as_user(officer_a).post(
        "/api/v1/handovers/", handover_body(device, household, photo=fake), format="multipart"
    )
    assert_error(response, 400, "not_an_image", "photo")
    bad_signature = api.as_user(officer_a).post(
        "/api/v1/handovers/",
        handover_body(device, household, signature="data:image/png;base64,!!!"),
        format="multipart",
    )
    assert_error(bad_signature, 400, "not_an_image", "signature")
    device.refresh_from_db()
    assert device.status == "dispatched" and not Handover.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("recipient_cccd_last4", "12a4"), ("received_by", "   "), ("sim_iccid", "123")],
)
def test_handover_input_is_checked(api, officer_a, dispatched, field, value):
    device, household, _batch = dispatched
    response = api.as_user(officer_a).post(
        "/api/v1/handovers/", handover_body(device, household, **{field: value}), format="multipart"
    )
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert not Handover.objects.exists()


def test_an_officer_of_another_commune_cannot_hand_over(api, officer_b, dispatched):
    device, household, _batch = dispatched
    response = api.as_user(officer_b).post(
        "/api/v1/handovers/", handover_body(device, household), format="multipart"
    )
    assert_error(response, 404, "not_found")
    assert not Handover.objects.exists()


def test_a_phone_not_yet_dispatched_cannot_be_handed_over(api, coordinator_h, allocated):
    device, household = allocated
    response = api.as_user(coordinator_h).post(
        "/api/v1/handovers/", handover_body(device, household), format="multipart"
    )
    error = assert_error(response, 409, "invalid_transition", "allowed")
    assert "dispatched" in error["fields"]["allowed"]
    assert not Handover.objects.exists()


# --- follow-up -----------------------------------------------------------------------------


def _handed_over(api, officer_a, dispatched):
    device, household, _batch = dispatched
    body = (
        api.as_user(officer_a)
        .post("/api/v1/handovers/", handover_body(device, household), format="multipart")
        .json()
    )
    return Handover.objects.get(id=body["id"])


def test_a_follow_up_records_the_phone_in_use(api, officer_a, dispatched):
    handover = _handed_over(api, officer_a, dispatched)
    response = api.as_user(officer_a).post(
        f"/api/v1/handovers/{handover.id}/follow-up/",
        {"in_use": True, "notes": "Cả nhà dùng Zalo"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["device_status"] == "followed_up"
    assert FollowUp.objects.get(handover=handover).actor == officer_a
    again = api.as_user(officer_a).post(
        f"/api/v1/handovers/{handover.id}/follow-up/", {"in_use": True}, format="json"
    )
    assert_error(again, 409, "already_followed_up")


def test_a_problem_sends_the_phone_back_to_be_received_at_the_hub(
    api, officer_a, coordinator_h, dispatched, hubs
):
    handover = _handed_over(api, officer_a, dispatched)
    device = handover.device
    response = api.as_user(officer_a).post(
        f"/api/v1/handovers/{handover.id}/follow-up/",
        {"in_use": False, "problems": "Màn hình hỏng", "send_back": True},
        format="json",
    )
    assert response.json()["device_status"] == "returned"
    received = api.as_user(coordinator_h).post(
        f"/api/v1/devices/{device.tracking_code}/receive/",
        {"hub": hubs["H"].id, "imei": device.imei},
        format="json",
    )
    assert received.status_code == 200, received.content
    assert received.json()["status"] == "received"
    statuses = list(DeviceEvent.objects.filter(device=device).values_list("new_status", flat=True))
    assert statuses[-3:] == ["followed_up", "returned", "received"]


def test_sending_back_needs_the_problem_described(api, officer_a, dispatched):
    handover = _handed_over(api, officer_a, dispatched)
    response = api.as_user(officer_a).post(
        f"/api/v1/handovers/{handover.id}/follow-up/",
        {"in_use": False, "send_back": True},
        format="json",
    )
    assert_error(response, 400, "invalid", "problems")
    assert not FollowUp.objects.exists()


def test_an_officer_of_another_commune_cannot_follow_up(api, officer_a, officer_b, dispatched):
    handover = _handed_over(api, officer_a, dispatched)
    response = api.as_user(officer_b).post(
        f"/api/v1/handovers/{handover.id}/follow-up/", {"in_use": True}, format="json"
    )
    assert_error(response, 404, "not_found")


def test_a_second_handover_of_the_same_phone_is_refused(api, officer_a, dispatched):
    device, household, _batch = dispatched
    client = api.as_user(officer_a)
    assert (
        client.post(
            "/api/v1/handovers/", handover_body(device, household), format="multipart"
        ).status_code
        == 201
    )
    again = client.post("/api/v1/handovers/", handover_body(device, household), format="multipart")
    assert_error(again, 409, "invalid_transition", "allowed")  # delivered already
    assert Handover.objects.count() == 1


def test_a_batch_completes_when_every_phone_is_handed_over_or_returned(
    api, officer_a, coordinator_h, make_device, make_household, allocate, hubs
):
    from logistics.services.delivery import batch_return_device

    pairs = [
        (allocate(make_device(hub=hubs["H"], status="ready"), household), household)
        for household in (make_household(), make_household())
    ]
    client = api.as_user(coordinator_h)
    batch = client.post(
        "/api/v1/batches/",
        {
            "hub": hubs["H"].id,
            "commune": COMMUNE_A,
            "planned_date": "2026-12-05",
            "carrier": "post",
            "devices": [d.tracking_code for d, _h in pairs],
        },
        format="json",
    ).json()
    client.post(f"/api/v1/batches/{batch['id']}/dispatch/")
    (first, first_household), (second, _second_household) = pairs
    api.as_user(officer_a).post(
        "/api/v1/handovers/", handover_body(first, first_household), format="multipart"
    )
    assert DeliveryBatch.objects.get(id=batch["id"]).status == "dispatched"
    batch_return_device(batch_id=batch["id"], device_id=second.id, actor=coordinator_h)
    finished = DeliveryBatch.objects.get(id=batch["id"])
    assert finished.status == "completed" and finished.completed_at
    second.refresh_from_db()
    assert second.status == "allocated"  # back at the hub, still promised to its household
    outcomes = dict(BatchItem.objects.filter(batch=finished).values_list("device_id", "outcome"))
    assert outcomes == {first.id: "handed_over", second.id: "returned"}


@pytest.mark.parametrize("persona", ["donor", "other_donor", "verifier", "officer_b"])
def test_donors_and_others_never_see_batches_or_handovers(
    api, personas, persona, officer_a, dispatched
):
    device, household, batch = dispatched
    handover = (
        api.as_user(officer_a)
        .post("/api/v1/handovers/", handover_body(device, household), format="multipart")
        .json()
    )
    client = api.as_user(personas[persona])
    # Batches and handovers are field work (coordinators, and the officers who carry them):
    # someone without such a role is refused on the role, an officer of another commune gets 404.
    if persona == "officer_b":
        assert client.get("/api/v1/batches/").json()["count"] == 0
    else:
        assert_error(client.get("/api/v1/batches/"), 403, "permission_denied")
    expected = (404, "not_found") if persona == "officer_b" else (403, "permission_denied")
    assert_error(client.get(f"/api/v1/batches/{batch.id}/manifest.pdf"), *expected)
    assert_error(client.get(f"/api/v1/handovers/{handover['id']}/"), *expected)
    assert_error(client.get(handover["receipt_url"]), *expected)


def test_the_drawn_signature_is_on_the_receipt(api, officer_a, dispatched):
    device, household, _batch = dispatched
    signature = Image.new("RGBA", (200, 80), (0, 0, 0, 0))
    for x in range(20, 180):
        signature.putpixel((x, 40), (0, 0, 0, 255))
    out = io.BytesIO()
    signature.save(out, "PNG")
    data_url = "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()
    body = (
        api.as_user(officer_a)
        .post(
            "/api/v1/handovers/",
            handover_body(device, household, signature=data_url),
            format="multipart",
        )
        .json()
    )
    receipt = api.as_user(officer_a).get(body["receipt_url"])
    assert len(PdfReader(io.BytesIO(receipt.content)).pages[0].images) == 1
