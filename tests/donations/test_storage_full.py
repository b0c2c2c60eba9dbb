"""A full or failing disk (issue 13, finding 5): a clear 503 in the error shape, nothing
half-written, no orphan file; a thumbnail that could not be made is made by the sweep."""

from __future__ import annotations

import errno
import os
from datetime import timedelta

import pytest
from django.core.files.storage import FileSystemStorage
from django.utils import timezone

from core.media import private_storage
from donations.models import DevicePhoto, PledgeEvent
from donations.services.photos import thumbnails_sweep
from tests.conftest import assert_error
from tests.donations.conftest import jpeg_with_gps
from tests.donations.test_photos_and_tracking import _upload

pytestmark = pytest.mark.django_db


def _files(folder: str) -> list[str]:
    root = os.path.join(private_storage().location, folder)
    return [name for _dirs, _subdirs, names in os.walk(root) for name in names]


@pytest.fixture
def disk_full(monkeypatch):
    """The disk at the edge of the machine: every write fails as a full disk does."""

    def full(self, name, content):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(FileSystemStorage, "_save", full)


def test_a_photo_on_a_full_disk_is_a_503_and_leaves_nothing(api, donor, make_pledge, disk_full):
    pledge = make_pledge(donor)
    before = _files("device-photos")
    response = _upload(api, donor, pledge, jpeg_with_gps())
    error = assert_error(response, 503, "storage_unavailable")
    assert "thử lại" in error["message"]
    assert not DevicePhoto.objects.exists()
    assert not PledgeEvent.objects.filter(action="photo_added").exists()
    assert _files("device-photos") == before


def test_a_thumbnail_that_failed_is_made_by_the_sweep(api, donor, make_pledge, monkeypatch):
    pledge = make_pledge(donor)
    real_save = FileSystemStorage._save

    def full_for_thumbnails(self, name, content):
        if name.startswith("device-thumbs/"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_save(self, name, content)

    monkeypatch.setattr(FileSystemStorage, "_save", full_for_thumbnails)
    assert _upload(api, donor, pledge, jpeg_with_gps()).status_code == 201
    photo = DevicePhoto.objects.get()
    assert not photo.thumbnail  # the disk was full when the thumbnail was due
    monkeypatch.setattr(FileSystemStorage, "_save", real_save)
    DevicePhoto.objects.filter(id=photo.id).update(created_at=timezone.now() - timedelta(hours=1))
    assert thumbnails_sweep() == 1
    photo.refresh_from_db()
    assert photo.thumbnail and photo.thumbnail.storage.exists(photo.thumbnail.name)
    assert thumbnails_sweep() == 0
