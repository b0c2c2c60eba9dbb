"""The outcome of a delivered phone (called by logistics at handover, anonymised data only)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import NotFound
from core.media import erase_file, removed_unless_done, save_file
from core.text import nfc
from donations.images import clean_image
from donations.models import Device, DeviceOutcome
from donations.services.errors import field_error
from places.models import Commune


@transaction.atomic
def device_outcome_record(
    *,
    device_id: int,
    commune_code: str,
    household_kind: str,
    delivered_at,
    story: str = "",
    photo=None,
    actor=None,
) -> DeviceOutcome:
    """What the donor and the public learn about a delivered phone: the commune, the kind of
    household, and, only if the household consented, a short story and a photo (cleaned of EXIF).
    One per device; recording again replaces it."""
    device = Device.objects.select_for_update().filter(id=device_id).first()
    if device is None:
        raise NotFound(_("No such phone."))
    commune = Commune.objects.filter(code=commune_code).first()
    if commune is None:
        raise field_error(
            _("Choose a commune from the list of communes."), "unknown_commune", "commune"
        )
    if household_kind not in DeviceOutcome.HouseholdKind.values:
        raise field_error(
            _("Unknown household kind: %(kind)s.") % {"kind": household_kind},
            "invalid_household_kind",
            "household_kind",
        )
    outcome = DeviceOutcome.objects.filter(device=device).first() or DeviceOutcome(device=device)
    outcome.commune = commune
    outcome.household_kind = household_kind
    outcome.delivered_at = delivered_at or timezone.now()
    outcome.story = nfc(story or "").strip()[:2000]
    outcome.recorded_by = actor
    saved = []
    if photo is not None:
        content = clean_image(photo, field="photo")
        save_file(outcome.photo, content.name, content)  # a full disk: a 503, not a 500
        saved.append(outcome.photo)
    with removed_unless_done(saved):
        outcome.save()
    return outcome


def device_outcomes_withdraw(*, device_ids, story: bool = False, photo: bool = False) -> int:
    """The household behind these phones withdrew its consent (or asked to be erased): their
    outcomes lose the story and/or the photo at once (the photo's file is deleted from storage
    after the commit). The commune, the kind of household and the date stay: they name nobody.
    Returns how many outcomes changed."""
    changed = 0
    for outcome in DeviceOutcome.objects.select_for_update().filter(device_id__in=device_ids):
        fields = []
        if story and outcome.story:
            outcome.story = ""
            fields.append("story")
        if photo and erase_file(outcome.photo):
            fields.append("photo")
        if fields:
            outcome.save(update_fields=fields)
            changed += 1
    return changed
