"""Fault injection (issue 13): the storage really fills. The test mounts a small tmpfs of its
own, puts the media and private storages on it and fills it to the last byte. A donor's photo, a
handover with its signature and photo, and a long bank statement kept for the worker are each a
503 in the error shape, with nothing written and no orphan file; with space again, the same
requests succeed."""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from donations.models import DevicePhoto, StatementImport
from logistics.models import Handover
from tests.conftest import assert_error
from tests.donations.conftest import jpeg_with_gps, make_pledge  # noqa: F401 (a fixture)
from tests.donations.test_photos_and_tracking import _upload
from tests.logistics.conftest import (  # noqa: F401 (fixtures)
    allocate,
    allocated,
    dispatched,
    make_device,
    make_household,
    planned,
)
from tests.logistics.test_delivery_api import handover_body
from tests.logistics.test_handover_trust import _signature_data_url

pytestmark = [pytest.mark.faults, pytest.mark.django_db]


class SmallDisk:
    """A tmpfs of `size` bytes mounted for the test (root only), and a filler file to fill it."""

    def __init__(self, root: Path, size: int) -> None:
        self.root, self.size = root, size
        self.filler = root / "filler"

    def mount(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={self.size}", "tmpfs", str(self.root)],
            check=True,
            capture_output=True,
        )

    def fill(self) -> None:
        descriptor = os.open(self.filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        try:
            block = b"\0" * 4096
            while True:
                try:
                    os.write(descriptor, block)
                except OSError as error:
                    assert error.errno == errno.ENOSPC
                    break
        finally:
            os.close(descriptor)
        assert os.statvfs(self.root).f_bavail == 0

    def free(self) -> None:
        self.filler.unlink()

    def files(self) -> set[str]:
        return {
            str(Path(folder, name).relative_to(self.root))
            for folder, _dirs, names in os.walk(self.root)
            for name in names
            if Path(folder, name) != self.filler
        }

    def unmount(self) -> None:
        subprocess.run(["umount", str(self.root)], check=False, capture_output=True)


class Disks:
    """The media and the private storage each on a small disk of its own."""

    def __init__(self, disks: list[SmallDisk]) -> None:
        self.disks = disks

    def fill(self) -> None:
        for disk in self.disks:
            disk.fill()

    def free(self) -> None:
        for disk in self.disks:
            disk.free()

    def files(self) -> set[str]:
        return {name for disk in self.disks for name in disk.files()}


@pytest.fixture
def disk():
    """Small disks mounted over the storages' own folders (the file fields hold their storage
    from start-up, so the folders themselves must fill); unmounted after, the folders as before."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root (CI runs as root)")
    from django.conf import settings

    from core.media import private_storage

    disks = [
        SmallDisk(Path(root), 8 * 1024 * 1024)
        for root in (settings.MEDIA_ROOT, private_storage().location)
    ]
    mounted = []
    try:
        for small in disks:
            small.mount()
            mounted.append(small)
    except subprocess.CalledProcessError as error:
        for small in mounted:
            small.unmount()
        pytest.skip(f"this machine cannot mount a tmpfs: {error.stderr.decode().strip()}")
    yield Disks(disks)
    for small in disks:
        with contextlib.suppress(OSError):
            small.free()
        small.unmount()


def test_uploads_on_a_full_storage_are_503s_that_leave_nothing_and_succeed_later(
    api, donor, officer_a, coordinator_h, disk, request, settings
):
    device, household, _batch = request.getfixturevalue("dispatched")
    household.consent_share_photo = True
    household.save()
    pledge = request.getfixturevalue("make_pledge")(donor)
    settings.STATEMENT_SYNC_ROWS = 1  # the statement is kept for the worker: a file to store
    statement = b"Ng\xc3\xa0y,S\xe1\xbb\x91 ti\xe1\xbb\x81n,N\xe1\xbb\x99i dung\n" + b"".join(
        f"01/12/2026,{10000 + n},khong ma {n}\n".encode() for n in range(5)
    )

    def handover():
        photo = SimpleUploadedFile("IMG_0002.jpg", jpeg_with_gps(), content_type="image/jpeg")
        body = handover_body(device, household, signature=_signature_data_url(), photo=photo)
        return api.as_user(officer_a).post("/api/v1/handovers/", body, format="multipart")

    def statement_upload():
        upload = SimpleUploadedFile("saoke.csv", statement, content_type="text/csv")
        client = api.as_user(coordinator_h)
        return client.post("/api/v1/statements/", {"file": upload}, format="multipart")

    disk.fill()
    assert_error(_upload(api, donor, pledge, jpeg_with_gps()), 503, "storage_unavailable")
    assert_error(handover(), 503, "storage_unavailable")
    assert_error(statement_upload(), 503, "storage_unavailable")
    assert not DevicePhoto.objects.exists()
    assert not Handover.objects.exists()
    assert not StatementImport.objects.exists()
    assert disk.files() == set()  # no orphan file

    disk.free()
    assert _upload(api, donor, pledge, jpeg_with_gps()).status_code == 201
    assert handover().status_code == 201
    assert statement_upload().status_code == 202
    handover_row = Handover.objects.get()
    assert handover_row.photo and handover_row.signature
    stored = disk.files()
    assert handover_row.photo.name in stored and handover_row.signature.name in stored
    assert DevicePhoto.objects.count() == 1
