"""Image hygiene for every uploaded picture (a donor's phone photo, a consented handover photo).

Checked before anything is stored: size in bytes, that it is an image at all, decompression bombs
(Pillow's DecompressionBombError / DecompressionBombWarning), and the pixel count. What is stored
is a fresh JPEG: orientation applied, shrunk to DONATIONS_PHOTO_MAX_SIDE, no EXIF (no location),
under a random file name."""

from __future__ import annotations

import io
import secrets
import warnings

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from core.errors import ApplicationError


def _refuse(message: str, code: str, field: str) -> ApplicationError:
    return ApplicationError(message, code=code, fields={field: [message]})


def clean_image(upload, *, field: str = "image") -> ContentFile:
    """Check an uploaded file and return a re-encoded JPEG without metadata, or raise."""
    max_bytes = settings.DONATIONS_PHOTO_MAX_BYTES
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
    if size > max_bytes:
        raise _refuse(
            _("This photo is %(size)s MB; the limit is %(max)s MB. Please send a smaller photo.")
            % {"size": f"{size / 1024 / 1024:.1f}", "max": max_bytes // (1024 * 1024)},
            "image_too_large",
            field,
        )
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload)
            width, height = image.size
            if width * height > settings.DONATIONS_PHOTO_MAX_PIXELS:
                raise _refuse(
                    _(
                        "This photo has %(mp)s megapixels; the limit is %(max)s. "
                        "Please send a smaller photo."
                    )
                    % {
                        "mp": f"{width * height / 1_000_000:.0f}",
                        "max": settings.DONATIONS_PHOTO_MAX_PIXELS // 1_000_000,
                    },
                    "image_too_many_pixels",
                    field,
                )
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse(
            _(
                "This file claims to be a huge picture (a “decompression bomb”) "
                "and was refused. Please send an ordinary photo."
            ),
            "image_bomb",
            field,
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise _refuse(
            _("This file is not a photo we can read. Please send a JPEG, PNG or WebP picture."),
            "not_an_image",
            field,
        ) from None
    image = ImageOps.exif_transpose(image)  # keep the picture upright once EXIF is gone
    image = image.convert("RGB")
    side = settings.DONATIONS_PHOTO_MAX_SIDE
    image.thumbnail((side, side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85, optimize=True)  # no exif= argument: nothing kept
    content = ContentFile(out.getvalue(), name=f"{secrets.token_hex(16)}.jpg")
    content.image_size = image.size
    return content


def thumbnail_of(fileobj, side: int) -> ContentFile:
    fileobj.seek(0)
    with Image.open(fileobj) as image:
        image = image.convert("RGB")
        image.thumbnail((side, side), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        image.save(out, format="JPEG", quality=80)
    return ContentFile(out.getvalue(), name=f"{secrets.token_hex(16)}.jpg")
