"""The donor's photos of a pledged phone: cleaned on upload, thumbnailed after the commit."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import Conflict
from donations.images import clean_image
from donations.models import Device, DevicePhoto, Pledge, PledgeEvent
from donations.services.errors import field_error
from donations.services.pledges import pledge_get_for_donor, pledge_note


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
    photo.image.save(content.name, content, save=False)
    photo.save()
    pledge_note(
        pledge=pledge,
        action=PledgeEvent.Action.PHOTO_ADDED,
        actor=actor,
        data={"device": device.tracking_code, "photo": photo.id},
    )
    from donations.tasks import make_photo_thumbnail

    transaction.on_commit(lambda: make_photo_thumbnail.delay(photo.id))
    return photo


def photo_thumbnail_make(*, photo_id: int) -> None:
    from donations.images import thumbnail_of

    photo = DevicePhoto.objects.filter(id=photo_id).first()
    if photo is None or photo.thumbnail:
        return
    with photo.image.open("rb") as handle:
        content = thumbnail_of(handle, settings.DONATIONS_THUMBNAIL_SIDE)
    photo.thumbnail.save(content.name, content, save=False)
    photo.save(update_fields=["thumbnail"])
