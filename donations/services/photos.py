"""The donor's photos of a pledged phone: cleaned on upload, thumbnailed after the commit."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict
from core.media import removed_unless_done, save_file
from core.outbox import owe
from donations.images import clean_image
from donations.models import Device, DevicePhoto, Pledge, PledgeEvent
from donations.services.errors import field_error
from donations.services.pledges import pledge_get_for_donor, pledge_note

log = logging.getLogger("noisong.photos")


@transaction.atomic
def device_photo_add(*, pledge_id: int, tracking_code: str, image, actor) -> DevicePhoto:
    """Up to DONATIONS_PHOTOS_PER_DEVICE photos per phone, cleaned by images.clean_image."""
    pledge = pledge_get_for_donor(pledge_id=pledge_id, actor=actor)
    device = (
        Device.objects.select_for_update()
        .filter(pledge=pledge, tracking_code=(tracking_code or "").strip().upper())
        .first()
    )
    if device is None:
        raise field_error(_("Choose one of this pledge's phones."), "unknown_device", "device")
    if pledge.status == Pledge.Status.CANCELLED:
        raise Conflict(_("This pledge was cancelled."), code="pledge_cancelled")
    if image is None:
        raise field_error(_("Choose a photo to upload."), "image_required", "image")
    limit = settings.DONATIONS_PHOTOS_PER_DEVICE
    if device.photos.count() >= limit:
        raise Conflict(
            _("A phone can have at most %(max)s photos.") % {"max": limit},
            code="too_many_photos",
            fields={"image": [_("A phone can have at most %(max)s photos.") % {"max": limit}]},
        )
    content = clean_image(image)
    width, height = content.image_size
    photo = DevicePhoto(device=device, uploaded_by=actor, width=width, height=height)
    save_file(photo.image, content.name, content)  # a full disk: 503, nothing kept
    with removed_unless_done([photo.image]):
        photo.save()
        pledge_note(
            pledge=pledge,
            action=PledgeEvent.Action.PHOTO_ADDED,
            actor=actor,
            data={"device": device.tracking_code, "photo": photo.id},
        )
        # Owed (core/outbox.py): retried with back-off if it fails; `thumbnails_sweep` catches
        # anything older that still has none.
        owe("donations.tasks.make_photo_thumbnail", photo.id, key=f"thumbnail:{photo.id}")
    return photo


def photo_thumbnail_make(*, photo_id: int) -> None:
    from donations.images import thumbnail_of

    photo = DevicePhoto.objects.filter(id=photo_id).first()
    if photo is None or photo.thumbnail:
        return
    with photo.image.open("rb") as handle:
        content = thumbnail_of(handle, settings.DONATIONS_THUMBNAIL_SIDE)
    save_file(photo.thumbnail, content.name, content)
    with removed_unless_done([photo.thumbnail]):
        photo.save(update_fields=["thumbnail"])


def thumbnails_sweep(*, older_than_minutes: int = 10) -> int:
    """Make the thumbnails that a failure left unmade (a full disk, a dead worker); how many."""
    since = timezone.now() - timedelta(minutes=older_than_minutes)
    made = 0
    for photo_id in DevicePhoto.objects.filter(thumbnail="", created_at__lt=since).values_list(
        "id", flat=True
    ):
        try:
            photo_thumbnail_make(photo_id=photo_id)
            made += 1
        except Exception:  # one bad photo must not stop the others; logged, tried next time
            log.exception("thumbnail of photo %s still not made", photo_id)
    return made
