"""Drawn signatures from the handover form: checked and re-encoded as PNG (transparency kept).

Photos go through donations.images.clean_image, the project's one hygiene for uploaded pictures."""

from __future__ import annotations

import base64
import binascii
import io

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from core.errors import ApplicationError


def _clean_png(data: bytes, *, field: str) -> ContentFile:
    """Verify `data` is a picture of sane size and return it re-encoded as PNG, without metadata."""
    if len(data) > settings.LOGISTICS_MAX_UPLOAD_BYTES:
        raise ApplicationError(
            _("The picture is too large (at most 8 MB)."),
            code="image_too_large",
            fields={field: [_("The picture is too large (at most 8 MB).")]},
        )
    bad = _("This file is not a picture (JPEG or PNG).")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > settings.LOGISTICS_MAX_UPLOAD_PIXELS:
            raise ApplicationError(
                _("The picture has too many pixels."),
                code="image_too_large",
                fields={field: [_("The picture has too many pixels.")]},
            )
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ApplicationError(bad, code="not_an_image", fields={field: [bad]}) from None
    if image.format not in {"JPEG", "PNG", "WEBP"}:
        raise ApplicationError(bad, code="not_an_image", fields={field: [bad]})
    out = io.BytesIO()
    image.convert("RGBA").save(out, "PNG", optimize=True)
    return ContentFile(out.getvalue(), name="signature.png")


def image_from_data_url(value: str, *, field: str) -> ContentFile | None:
    """A drawn signature arrives as `data:image/png;base64,...` from the canvas."""
    value = (value or "").strip()
    if not value:
        return None
    prefix = "data:image/png;base64,"
    bad = _("The signature could not be read. Clear it and sign again.")
    if not value.startswith(prefix):
        raise ApplicationError(bad, code="not_an_image", fields={field: [bad]})
    try:
        data = base64.b64decode(value[len(prefix) :], validate=True)
    except (binascii.Error, ValueError):
        raise ApplicationError(bad, code="not_an_image", fields={field: [bad]}) from None
    return _clean_png(data, field=field)
