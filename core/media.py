"""Files with personal data: stored under random names in the private storage (settings.STORAGES
["private"], never under MEDIA_URL) and served only through a view that has checked the role.

    signature = models.ImageField(storage=private_storage, upload_to=RandomName("handovers/signatures"))

    def handover_signature(request, pk):
        handover = get_object_or_404(selectors.handovers_for(user=request.user), pk=pk)
        return private_file_response(handover.signature)
"""

from __future__ import annotations

import contextlib
import logging
import os
import posixpath
import secrets

from django.core.files.storage import FileSystemStorage, storages
from django.http import FileResponse, Http404
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

from core.errors import ApplicationError

log = logging.getLogger("noisong.media")

# Extensions kept from an upload's name; anything else is stored without one.
SAFE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".pdf"}


class CleanFileSystemStorage(FileSystemStorage):
    """Django's file system storage, except that a write that fails part way (a full disk, an
    I/O error) leaves no partial file behind: Django's own creates the file, writes, and on an
    error leaves what it wrote, under a name no row knows (seen on a really full disk)."""

    def _save(self, name, content):
        try:
            return super()._save(name, content)
        except FileExistsError:
            raise
        except OSError:
            path = self.path(name)
            # only a partial file: a complete one of that name is another upload's
            with contextlib.suppress(OSError):
                if os.path.getsize(path) < (content.size or 0) or os.path.getsize(path) == 0:
                    os.remove(path)
            raise


class PrivateFileSystemStorage(CleanFileSystemStorage):
    """A folder outside MEDIA_ROOT whose files have no URL: `.url` raises, so no template or
    serializer can publish one by mistake; a view answers with `private_file_response`."""

    def url(self, name):
        raise ValueError("Private files have no public URL; serve them with private_file_response.")


def private_storage():
    """The storage for personal files (a callable, so migrations name it rather than copy it)."""
    return storages["private"]


@deconstructible
class RandomName:
    """upload_to that drops the uploader's file name: `folder/<32 random hex>.<ext>`. A name
    cannot be guessed from another (signature.png, IMG_0001.jpg) and says nothing of its owner."""

    def __init__(self, folder: str) -> None:
        self.folder = folder.strip("/")

    def __call__(self, instance, filename: str) -> str:
        extension = posixpath.splitext(filename or "")[1].lower()
        if extension not in SAFE_EXTENSIONS:
            extension = ""
        return f"{self.folder}/{secrets.token_hex(16)}{extension}"

    def __eq__(self, other) -> bool:
        return isinstance(other, RandomName) and other.folder == self.folder


def private_image_field(verbose_name, folder: str, **options):
    """An ImageField of personal pictures: the private storage, random names under `folder`."""
    from django.db import models

    return models.ImageField(
        verbose_name,
        storage=private_storage,
        upload_to=RandomName(folder),
        max_length=200,
        **options,
    )


def private_file_response(field_file, *, download_name: str | None = None) -> FileResponse:
    """The file's bytes, never cached by a shared cache, or 404 when there is none. Call it only
    after the view has checked that the user may see the object the file belongs to."""
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=download_name is not None, filename=download_name or ""
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def move_to_private(model, field_name: str, folder: str, *, keep_public: bool = False) -> int:
    """For data migrations: each file of `model.field_name` still in the public storage
    (MEDIA_ROOT) is copied into the field's storage (the private one) under a new random name in
    `folder`, the row is updated, and the public copy is deleted once the migration's transaction
    commits (a failed migration loses no file). `keep_public`: the file stays public (a consented
    photo) and only a name that is not random yet is renamed. Returns how many moved; a row whose
    file is nowhere is left as it is, and running it again moves nothing twice."""
    from django.core.files import File
    from django.db import transaction

    public = storages["default"]
    target = public if keep_public else model._meta.get_field(field_name).storage
    random_name = RandomName(folder)
    moved = 0
    rows = model._default_manager.exclude(**{field_name: ""}).values_list("pk", field_name)
    for pk, old in rows.iterator():
        if keep_public and _is_random(old, random_name.folder):
            continue
        if not keep_public and target.exists(old):
            continue  # already private
        if not public.exists(old):
            continue
        with public.open(old, "rb") as handle:
            new = target.save(random_name(None, old), File(handle))
        model._default_manager.filter(pk=pk).update(**{field_name: new})
        transaction.on_commit(lambda old=old: public.delete(old))
        moved += 1
    return moved


def _is_random(name: str, folder: str) -> bool:
    head, _, base = name.rpartition("/")
    stem = posixpath.splitext(base)[0]
    return head == folder and len(stem) == 32 and all(c in "0123456789abcdef" for c in stem)


class StorageUnavailable(ApplicationError):
    """The server could not store a file (disk full, storage failing): its fault, not the user's."""

    status = 503

    def __init__(self) -> None:
        super().__init__(
            _(
                "We cannot store files right now (the server's storage is full or failing). "
                "Nothing was saved; please try again later."
            ),
            code="storage_unavailable",
        )


def save_file(field_file, name: str, content) -> None:
    """`field_file.save(name, content, save=False)`, or StorageUnavailable (503, logged) when
    the storage fails; a partly written file is removed."""
    try:
        field_file.save(name, content, save=False)
    except OSError as error:
        log.error("storage failed saving %s: %r", name, error)
        if field_file.name:
            with contextlib.suppress(OSError):
                field_file.storage.delete(field_file.name)
        raise StorageUnavailable() from error


def erase_file(field_file) -> bool:
    """Empty `field_file` (its row is saved by the caller) and delete the file from its storage
    once the transaction commits: an erasure that fails keeps the file it did not erase. Returns
    whether there was a file."""
    from django.db import transaction

    name = field_file.name if field_file else ""
    if not name:
        return False
    storage = field_file.storage
    field_file.name = ""

    def delete() -> None:
        try:
            storage.delete(name)
        except OSError as error:  # logged for staff: the row no longer names it
            log.error("could not delete the erased file %s: %r", name, error)

    transaction.on_commit(delete)
    return True


@contextlib.contextmanager
def removed_unless_done(field_files: list):
    """Delete the just-saved files of `field_files` (a list the block may still append to) if the
    block fails, its transaction's commit included: a refused or failed write leaves no orphan
    file behind."""
    try:
        yield field_files
    except BaseException:
        for field_file in field_files:
            if field_file and field_file.name:
                with contextlib.suppress(OSError):
                    field_file.storage.delete(field_file.name)
        raise
