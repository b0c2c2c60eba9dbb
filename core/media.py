"""Files with personal data: stored under random names in the private storage (settings.STORAGES
["private"], never under MEDIA_URL) and served only through a view that has checked the role.

    signature = models.ImageField(storage=private_storage, upload_to=RandomName("handovers/signatures"))

    def handover_signature(request, pk):
        handover = get_object_or_404(selectors.handovers_for(user=request.user), pk=pk)
        return private_file_response(handover.signature)
"""

from __future__ import annotations

import posixpath
import secrets

from django.core.files.storage import FileSystemStorage, storages
from django.http import FileResponse, Http404
from django.utils.deconstruct import deconstructible

# Extensions kept from an upload's name; anything else is stored without one.
SAFE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".pdf"}


class PrivateFileSystemStorage(FileSystemStorage):
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
