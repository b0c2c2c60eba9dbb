"""Trust (issue 12) for handovers: the recipient's CCCD digits must match the household's (finding
7), and the handover's photo and signature are private files served only to the staff who may see
the handover (finding 4)."""

from __future__ import annotations

import base64
import io

import pytest
from PIL import Image
from pypdf import PdfReader

from donations.models import DeviceEvent
from households.models import HouseholdEvent
from logistics.models import BatchItem, Handover
from tests.conftest import assert_error
from tests.logistics.test_delivery_api import handover_body, jpeg_with_gps

pytestmark = pytest.mark.django_db


# --- finding 7: the CCCD digits ---------------------------------------------------------------


def _nothing_written(device, household, batch) -> None:
    device.refresh_from_db()
    household.refresh_from_db()
    assert not Handover.objects.exists()
    assert device.status == "dispatched" and household.status != "served"
    assert not DeviceEvent.objects.filter(device=device, new_status="delivered").exists()
    assert BatchItem.objects.get(batch=batch).outcome == "pending"


def test_digits_that_do_not_match_the_household_are_refused(api, officer_a, dispatched):
    device, household, batch = dispatched
    assert household.cccd_last4 == "4321"
    response = api.as_user(officer_a).post(
        "/api/v1/handovers/",
        handover_body(device, household, recipient_cccd_last4="0000"),
        format="multipart",
    )
    error = assert_error(response, 400, "cccd_mismatch", "recipient_cccd_last4")
    assert "CCCD" in error["fields"]["recipient_cccd_last4"][0]
    assert "không khớp" in error["fields"]["recipient_cccd_last4"][0]  # Vietnamese by default
    _nothing_written(device, household, batch)


def test_matching_digits_are_accepted(api, officer_a, dispatched):
    device, household, _batch = dispatched
    response = api.as_user(officer_a).post(
        "/api/v1/handovers/",
        handover_body(device, household, recipient_cccd_last4="4321"),
        format="multipart",
    )
    assert response.status_code == 201, response.content
    handover = Handover.objects.get()
    assert handover.recipient_cccd_last4 == "4321" and handover.cccd_override_reason == ""
    device.refresh_from_db()
    assert device.status == "delivered"


def test_a_coordinator_may_override_a_mismatch_with_a_reason_that_is_recorded(
    api, coordinator_h, dispatched
):
    device, household, _batch = dispatched
    reason = "Chủ hộ làm lại CCCD, số mới chưa cập nhật; đã đối chiếu giấy hẹn."
    response = api.as_user(coordinator_h).post(
        "/api/v1/handovers/",
        handover_body(
            device, household, recipient_cccd_last4="0000", cccd_override_reason=f"  {reason} "
        ),
        format="multipart",
    )
    assert response.status_code == 201, response.content
    assert response.json()["cccd_override_reason"] == reason
    handover = Handover.objects.get()
    assert handover.recipient_cccd_last4 == "0000"
    assert handover.cccd_override_reason == reason and handover.recorded_by == coordinator_h
    event = DeviceEvent.objects.get(device=device, new_status="delivered")
    assert event.data == {"handover": handover.id, "cccd_override": reason}
    served = HouseholdEvent.objects.get(household=household, new_status="served")
    assert served.data["cccd_override"] == reason


def test_an_empty_override_reason_is_no_override(api, coordinator_h, dispatched):
    device, household, batch = dispatched
    response = api.as_user(coordinator_h).post(
        "/api/v1/handovers/",
        handover_body(device, household, recipient_cccd_last4="0000", cccd_override_reason="  "),
        format="multipart",
    )
    assert_error(response, 400, "cccd_mismatch", "recipient_cccd_last4")
    _nothing_written(device, household, batch)


def test_an_officer_may_not_override_a_mismatch(api, officer_a, dispatched):
    device, household, batch = dispatched
    response = api.as_user(officer_a).post(
        "/api/v1/handovers/",
        handover_body(
            device, household, recipient_cccd_last4="0000", cccd_override_reason="Tôi quen họ"
        ),
        format="multipart",
    )
    assert_error(response, 403, "cccd_override_forbidden", "cccd_override_reason")
    _nothing_written(device, household, batch)


def test_the_page_refuses_a_mismatch_on_the_field(client, officer_a, dispatched):
    device, household, batch = dispatched
    client.force_login(officer_a)
    page = client.get(f"/ban-giao/moi/{device.tracking_code}/")
    assert 'name="cccd_override_reason"' not in page.content.decode()  # officers cannot override
    response = client.post(
        f"/ban-giao/moi/{device.tracking_code}/",
        {
            "household": household.id,
            "received_by": "Hồ Thị Lan",
            "relation": "spouse",
            "recipient_cccd_last4": "0000",
        },
    )
    assert response.status_code == 400
    assert "không khớp" in response.context["form"].errors["recipient_cccd_last4"][0]
    _nothing_written(device, household, batch)


def test_a_coordinator_overrides_from_the_page(client, coordinator_h, dispatched):
    device, household, _batch = dispatched
    client.force_login(coordinator_h)
    url = f"/ban-giao/moi/{device.tracking_code}/"
    assert 'name="cccd_override_reason"' in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "household": household.id,
            "received_by": "Hồ Thị Lan",
            "relation": "spouse",
            "recipient_cccd_last4": "0000",
            "cccd_override_reason": "Thẻ mới, đã đối chiếu giấy hẹn cấp CCCD",
        },
    )
    assert response.status_code == 302, response.content
    handover = Handover.objects.get()
    assert handover.cccd_override_reason == "Thẻ mới, đã đối chiếu giấy hẹn cấp CCCD"


# --- finding 4: the handover's photo and signature are private files --------------------------


def _signature_data_url() -> str:
    signature = Image.new("RGBA", (200, 80), (0, 0, 0, 0))
    for x in range(20, 180):
        signature.putpixel((x, 40), (0, 0, 0, 255))
    out = io.BytesIO()
    signature.save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


@pytest.fixture
def signed(api, officer_a, dispatched):
    """A handover with a drawn signature and a (consented) photo, recorded through the API."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    device, household, _batch = dispatched
    household.consent_share_photo = True
    household.save()
    photo = SimpleUploadedFile("IMG_0001.jpg", jpeg_with_gps(), content_type="image/jpeg")
    response = api.as_user(officer_a).post(
        "/api/v1/handovers/",
        handover_body(device, household, signature=_signature_data_url(), photo=photo),
        format="multipart",
    )
    assert response.status_code == 201, response.content
    return Handover.objects.get(id=response.json()["id"]), response.json()


def test_the_signature_is_stored_privately_under_a_random_name(signed, settings):
    from pathlib import Path

    from django.http import Http404
    from django.test import RequestFactory
    from django.views.static import serve

    handover, _body = signed
    for field in (handover.signature, handover.photo):
        name = field.name
        folder, base = name.rsplit("/", 1)
        assert folder in {"handovers/signatures", "handovers/photos"}
        assert "signature" not in base and "IMG_0001" not in base
        assert len(base.split(".")[0]) == 32
        assert field.storage is not None and field.storage.exists(name)
        assert not (Path(settings.MEDIA_ROOT) / name).exists()  # nothing under MEDIA_ROOT
        assert not list(Path(settings.MEDIA_ROOT).rglob(base))
        with pytest.raises(ValueError):
            field.storage.url(field.name)  # no public URL at all
        # What /media/ would serve (django.views.static.serve, as in DEBUG): nothing.
        with pytest.raises(Http404):
            serve(RequestFactory().get(f"/media/{name}"), name, document_root=settings.MEDIA_ROOT)
    assert not list(Path(settings.MEDIA_ROOT).rglob("signature*.png"))


def test_the_api_names_the_serving_urls_not_files(signed):
    handover, body = signed
    assert body["signature_url"] == f"/api/v1/handovers/{handover.id}/signature/"
    assert body["photo_url"] == f"/api/v1/handovers/{handover.id}/photo/"
    assert "/media/" not in str(body)


# Who gets a handover's files: the staff who may see the handover; others by scope or by role.
WHO_SEES = [
    ("officer_a", 200),  # the officer of the household's commune
    ("coordinator_h", 200),  # a coordinator of the phone's hub
    ("admin", 200),
    ("officer_b", 404),  # another commune's officer
    ("coordinator_k", 404),  # another hub's coordinator
    ("donor", 403),
    ("other_donor", 403),
    ("verifier", 403),
]


@pytest.mark.parametrize(("persona", "status"), WHO_SEES)
def test_the_api_serves_the_signature_and_photo_to_who_may_see_the_handover(
    api, personas, signed, persona, status
):
    handover, body = signed
    client = api.as_user(personas[persona])
    for url, field in ((body["signature_url"], "signature"), (body["photo_url"], "photo")):
        response = client.get(url)
        assert response.status_code == status, (url, response.status_code)
        if status == 200:
            with getattr(handover, field).open("rb") as handle:
                assert b"".join(response.streaming_content) == handle.read()
            assert response["Cache-Control"] == "private, no-store"
            assert response["X-Content-Type-Options"] == "nosniff"


def test_anonymous_gets_no_handover_file(client, signed):
    from django.urls import reverse
    from rest_framework.test import APIClient

    handover, body = signed
    api = APIClient()
    assert api.get(body["signature_url"]).status_code == 401
    assert api.get(body["photo_url"]).status_code == 401
    for path in ("chu-ky", "anh"):
        response = client.get(f"/ban-giao/{handover.id}/{path}/")
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(("persona", "status"), WHO_SEES)
def test_the_pages_serve_the_files_to_who_may_see_the_handover(
    client, personas, signed, persona, status
):
    handover, _body = signed
    client.force_login(personas[persona])
    for path in ("chu-ky", "anh"):
        response = client.get(f"/ban-giao/{handover.id}/{path}/")
        assert response.status_code == status, (path, response.status_code)
    if status == 200:
        page = client.get(f"/ban-giao/{handover.id}/").content.decode()
        assert (
            f"/ban-giao/{handover.id}/chu-ky/" in page and f"/ban-giao/{handover.id}/anh/" in page
        )
        assert "/media/" not in page


def test_a_handover_without_files_answers_404(api, officer_a, dispatched):
    body = _hand_over(api, officer_a, dispatched)
    assert body["signature_url"] is None and body["photo_url"] is None
    handover_id = body["id"]
    response = api.as_user(officer_a).get(f"/api/v1/handovers/{handover_id}/signature/")
    assert response.status_code == 404


def test_the_receipt_reads_the_private_signature(api, officer_a, signed):
    _handover, body = signed
    receipt = api.as_user(officer_a).get(body["receipt_url"])
    assert receipt.status_code == 200
    assert len(PdfReader(io.BytesIO(receipt.content)).pages[0].images) == 1


# --- the data migration: files written before, moved out of MEDIA_ROOT -------------------------


def _hand_over(api, user, dispatched) -> dict:
    """The dispatched phone handed over through the API with no photo or signature: its body."""
    device, household, _batch = dispatched
    response = api.as_user(user).post(
        "/api/v1/handovers/", handover_body(device, household), format="multipart"
    )
    assert response.status_code == 201, response.content
    return response.json()


def _historical_apps(app: str, migration: str):
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    return MigrationLoader(connection).project_state((app, migration)).apps


def test_the_migration_moves_old_public_files_into_the_private_storage(
    api, officer_a, dispatched, settings, django_capture_on_commit_callbacks
):
    import importlib
    from pathlib import Path

    from django.core.files.base import ContentFile
    from django.core.files.storage import storages

    body = _hand_over(api, officer_a, dispatched)
    # As before the fix: the drawn signature in MEDIA_ROOT under its guessable name.
    public = storages["default"]
    png = base64.b64decode(_signature_data_url().split(",", 1)[1])
    old_name = public.save("handovers/signatures/signature.png", ContentFile(png))
    Handover.objects.filter(id=body["id"]).update(signature=old_name)
    assert (Path(settings.MEDIA_ROOT) / old_name).exists()

    migration = importlib.import_module("logistics.migrations.0004_move_handover_files_to_private")
    apps = _historical_apps("logistics", "0004_move_handover_files_to_private")
    with django_capture_on_commit_callbacks(execute=True):
        migration.forwards(apps, None)

    handover = Handover.objects.get(id=body["id"])
    new_name = handover.signature.name
    assert new_name.startswith("handovers/signatures/") and "signature" not in new_name[21:]
    assert handover.signature.storage.exists(new_name)
    with handover.signature.open("rb") as handle:
        assert handle.read() == png
    assert not (Path(settings.MEDIA_ROOT) / old_name).exists()  # gone from MEDIA_ROOT
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.png"))
    # Run again: nothing moves twice; the receipt still has the signature, read from storage.
    with django_capture_on_commit_callbacks(execute=True):
        migration.forwards(apps, None)
    assert Handover.objects.get(id=body["id"]).signature.name == new_name
    receipt = api.as_user(officer_a).get(body["receipt_url"])
    assert len(PdfReader(io.BytesIO(receipt.content)).pages[0].images) == 1
    assert (
        api.as_user(officer_a).get(f"/api/v1/handovers/{handover.id}/signature/").status_code == 200
    )


def test_the_admin_links_the_serving_views_instead_of_a_storage_url(client, admin_user, signed):
    handover, _body = signed
    admin_user.is_staff = True
    admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    page = client.get(f"/admin/logistics/handover/{handover.id}/change/")
    assert page.status_code == 200
    assert f"/ban-giao/{handover.id}/chu-ky/" in page.content.decode()


def test_a_handover_on_a_full_disk_is_a_503_and_leaves_nothing(
    api, officer_a, dispatched, monkeypatch
):
    """Issue 13, finding 5: the disk fills while the handover's files are saved: a 503 in the
    error shape, nothing written, and no orphan file (the signature saved before the photo
    failed is removed)."""
    import errno
    import os

    from django.core.files.storage import FileSystemStorage
    from django.core.files.uploadedfile import SimpleUploadedFile

    from core.media import private_storage

    device, household, batch = dispatched
    household.consent_share_photo = True
    household.save()
    real_save = FileSystemStorage._save

    def full_after_the_first_file(self, name, content):
        if name.startswith("handovers/signatures/"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_save(self, name, content)

    monkeypatch.setattr(FileSystemStorage, "_save", full_after_the_first_file)
    root = private_storage().location
    before = {f for _d, _s, names in os.walk(root) for f in names}
    photo = SimpleUploadedFile("IMG_0002.jpg", jpeg_with_gps(), content_type="image/jpeg")
    response = api.as_user(officer_a).post(
        "/api/v1/handovers/",
        handover_body(device, household, signature=_signature_data_url(), photo=photo),
        format="multipart",
    )
    assert_error(response, 503, "storage_unavailable")
    _nothing_written(device, household, batch)
    assert {f for _d, _s, names in os.walk(root) for f in names} == before
