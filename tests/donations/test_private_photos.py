"""A donor's photos of a phone (finding 4 of issue 12): before review they may show a home,
people or an IMEI sticker, so they are private files under random names, served to the pledge's
donor (page and API) and to the coordinators of the phone's hub and admins (the bench page)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from donations.models import DevicePhoto
from tests.donations.conftest import jpeg_with_gps

pytestmark = pytest.mark.django_db


@pytest.fixture
def photographed(api, donor, make_pledge, django_capture_on_commit_callbacks):
    pledge = make_pledge(donor)
    device = pledge.devices.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = api.as_user(donor).post(
            f"/api/v1/pledges/{pledge.id}/photos/",
            {
                "device": device.tracking_code,
                "image": SimpleUploadedFile("my-home.jpg", jpeg_with_gps(), "image/jpeg"),
            },
            format="multipart",
        )
    assert response.status_code == 201, response.content
    photo = DevicePhoto.objects.get()
    assert photo.thumbnail
    return pledge, photo, response.json()


def test_the_photo_and_its_thumbnail_are_private_and_randomly_named(photographed, settings):
    _pledge, photo, _body = photographed
    for field in (photo.image, photo.thumbnail):
        base = field.name.rsplit("/", 1)[1]
        assert "my-home" not in base and len(base.split(".")[0]) == 32
        assert field.storage.exists(field.name)
        assert not list(Path(settings.MEDIA_ROOT).rglob(base))  # nothing under MEDIA_ROOT
        with pytest.raises(ValueError):
            field.storage.url(field.name)


def test_the_api_names_the_serving_view_and_serves_the_donor_only(
    api, donor, other_donor, coordinator_h, photographed
):
    pledge, photo, body = photographed
    url = reverse("api:pledge-photo", args=[pledge.id, photo.id])
    assert body["url"] == url
    detail = api.as_user(donor).get(f"/api/v1/pledges/{pledge.id}/").json()
    assert detail["devices"][0]["photos"] == [url]
    mine = api.as_user(donor).get(url)
    assert mine.status_code == 200 and mine["Cache-Control"] == "private, no-store"
    with photo.image.open("rb") as handle:
        assert b"".join(mine.streaming_content) == handle.read()
    thumb = api.as_user(donor).get(url + "?size=thumb")
    with photo.thumbnail.open("rb") as handle:
        assert b"".join(thumb.streaming_content) == handle.read()
    assert api.as_user(other_donor).get(url).status_code == 404
    assert api.as_user(coordinator_h).get(url).status_code == 404  # staff use the bench page


def test_the_donor_sees_their_photo_on_the_pledge_page_and_no_one_else_does(
    client, donor, other_donor, photographed
):
    pledge, photo, _body = photographed
    url = reverse("donations:pledge_photo", args=[pledge.id, photo.id])
    client.force_login(donor)
    page = client.get(reverse("donations:pledge", args=[pledge.id])).content.decode()
    assert f"{url}?size=thumb" in page and "/media/" not in page
    assert client.get(url).status_code == 200
    client.force_login(other_donor)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to sign in


def test_coordinators_of_the_hub_and_admins_see_the_photo_on_the_bench(
    client, personas, hubs, photographed
):
    from donations.models import Device

    _pledge, photo, _body = photographed
    Device.objects.filter(id=photo.device_id).update(hub=hubs["H"], status="received")
    code = photo.device.tracking_code
    url = reverse("logistics:device_photo", args=[code, photo.id])
    expected = {
        "coordinator_h": 200,
        "admin": 200,
        "coordinator_k": 404,
        "officer_a": 403,
        "donor": 403,
        "other_donor": 403,
    }
    for persona, status in expected.items():
        client.force_login(personas[persona])
        assert client.get(url).status_code == status, persona
    client.force_login(personas["coordinator_h"])
    page = client.get(reverse("logistics:device", args=[code])).content.decode()
    assert f"{url}?size=thumb" in page


def test_the_migration_moves_old_public_photos_and_renames_outcome_photos(
    photographed, settings, django_capture_on_commit_callbacks
):
    import importlib

    from django.core.files.base import ContentFile
    from django.core.files.storage import storages
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader
    from django.utils import timezone

    from donations.models import DeviceOutcome
    from tests.conftest import COMMUNE_A

    _pledge, photo, _body = photographed
    public = storages["default"]
    media = Path(settings.MEDIA_ROOT)
    # As before the fix: the photo and thumbnail in MEDIA_ROOT, an outcome photo by its upload name.
    old_image = public.save("device-photos/IMG_0001.jpg", ContentFile(b"\xff\xd8photo"))
    old_thumb = public.save("device-thumbs/IMG_0001.jpg", ContentFile(b"\xff\xd8thumb"))
    DevicePhoto.objects.filter(id=photo.id).update(image=old_image, thumbnail=old_thumb)
    old_outcome = public.save("outcomes/nha-ba-lan.jpg", ContentFile(b"\xff\xd8outcome"))
    outcome = DeviceOutcome.objects.create(
        device=photo.device,
        commune_id=COMMUNE_A,
        household_kind="student",
        delivered_at=timezone.now(),
        photo=old_outcome,
    )

    name = "0008_move_device_photos_to_private"
    migration = importlib.import_module(f"donations.migrations.{name}")
    apps = MigrationLoader(connection).project_state(("donations", name)).apps
    with django_capture_on_commit_callbacks(execute=True):
        migration.forwards(apps, None)

    photo.refresh_from_db()
    for field, old, content in (
        (photo.image, old_image, b"\xff\xd8photo"),
        (photo.thumbnail, old_thumb, b"\xff\xd8thumb"),
    ):
        assert "IMG_0001" not in field.name and field.storage.exists(field.name)
        with field.open("rb") as handle:
            assert handle.read() == content
        assert not (media / old).exists()
    outcome.refresh_from_db()
    assert "nha-ba-lan" not in outcome.photo.name and (media / outcome.photo.name).exists()
    assert outcome.photo.url.startswith(settings.MEDIA_URL)  # consented: stays public
    assert not (media / old_outcome).exists()
