"""Field work without signal (issue 16): the pack a field device takes for a batch, and the
handovers it recorded offline, synced once each.

- The pack (`field_pack`) holds the least the handover needs: the batch, its phones still on
  their way (code, model, IMEI's last five) and, per household, the head's name, village, CCCD's
  last four, the relation rules and whether photos are consented. Reading it is logged as a
  reading of each household's personal data. It expires a day after the batch's planned date
  (`pack_expires_at`); the device also wipes it on sign-out and once its records are synced.
- A field record (`field_handover_sync`) carries a `client_id` made on the device and its real
  `recorded_at`. The same client_id again is the same handover, and nothing is written. A record
  the server cannot accept because the world changed while the device was offline (the phone's
  allocation was released or given to another household, the batch was closed, the phone was
  already handed over …) is not lost: it is kept as a HandoverConflict, with its signature, for
  the hub's coordinators and the commune's officers, and the device is told in plain words.
  A photo the household no longer consents to is dropped and the handover kept.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.scoping import scope_for
from core.errors import ApplicationError, Conflict, NotFound
from core.media import StorageUnavailable, removed_unless_done, save_file
from core.text import nfc
from donations.lifecycle import may_move
from donations.models import Device
from households.models import Household, HouseholdAccess
from households.services.privacy import accesses_record
from logistics import selectors
from logistics.images import image_from_data_url
from logistics.models import BatchItem, DeliveryBatch, Handover, HandoverConflict
from logistics.services.delivery import handover_create
from matching.models import Allocation

S = Device.Status
B = DeliveryBatch.Status

KEPT = gettext_lazy("The record is kept on the server for the hub's coordinator to settle.")
CONFLICTS = {
    "already_handed_over": gettext_lazy(
        "Phone %(code)s was already recorded as handed over (%(date)s), so this record was not "
        "added a second time."
    ),
    "batch_closed": gettext_lazy(
        "Batch #%(batch)s was closed on the server before this handover arrived, or the phone "
        "was taken off it as returned to the hub. The handover was not recorded."
    ),
    "allocation_released": gettext_lazy(
        "While the batch was out, the phone's allocation to this household was released on the "
        "server (%(reason)s). The handover was not recorded."
    ),
    "reallocated": gettext_lazy(
        "While the batch was out, the phone was allocated to another household on the server. "
        "The handover was not recorded."
    ),
    "device_not_deliverable": gettext_lazy(
        "The phone is “%(status)s” on the server and cannot be handed over now. The handover "
        "was not recorded."
    ),
}
NOTES = {
    "photo_dropped": gettext_lazy(
        "The household withdrew its consent to photos before this handover reached the server: "
        "the photo was deleted and the handover recorded without it."
    ),
}


def note_text(code: str) -> str:
    return str(NOTES.get(code, code))


def conflict_text(conflict: HandoverConflict) -> str:
    """The conflict in plain words, in the reader's language."""
    template = CONFLICTS.get(conflict.code)
    params = conflict.record.get("params", {})
    if template is None:
        said = params.get("detail") or conflict.message
    else:
        try:
            said = str(template) % params
        except (KeyError, TypeError, ValueError):
            said = conflict.message
    return f"{said} {KEPT}"


# --- the pack ---------------------------------------------------------------------------------


def pack_expires_at(batch: DeliveryBatch) -> datetime:
    """The end of the day after the batch's planned date, in Vietnam."""
    day = batch.planned_date + timedelta(days=2)
    return timezone.make_aware(datetime.combine(day, time.min))


def field_pack(*, user, batch_id: int) -> dict:
    """What a field device needs for the day (see the module's docstring). Coordinators of the
    batch's hub and officers of its commune; a closed or past batch gives no pack (409)."""
    batch = selectors.batch_get_for_staff(user, batch_id)
    if batch.status == B.COMPLETED:
        raise Conflict(
            _("This batch is closed: every phone on it was handed over or returned."),
            code="batch_closed",
        )
    expires_at = pack_expires_at(batch)
    if expires_at <= timezone.now():
        raise Conflict(
            _(
                "This batch's planned date is past, so its field pack would already have "
                "expired. Record its handovers online, or plan a new batch."
            ),
            code="pack_expired",
        )
    items = [
        item
        for item in selectors.batch_items(batch)
        if item.outcome == BatchItem.Outcome.PENDING and item.household is not None
    ]
    may_override = scope_for(user).covers_hub(batch.hub_id)
    relations = [value for value, _label in Handover.Relation.choices]
    households, phones = {}, []
    for item in items:
        household = item.household
        phones.append(
            {
                "code": item.device.tracking_code,
                "model": f"{item.device.brand} {item.device.model}".strip(),
                "imei_last5": (item.device.imei or "")[-5:],
                "household": household.id,
            }
        )
        households[household.id] = {
            "id": household.id,
            "head_name": household.head_name,
            "village": household.village.name if household.village else "",
            "cccd_last4": household.cccd_last4,
            "photo_consent": household.consent_share_photo,
            "relation_rules": {
                "relations": relations,
                "cccd_last4_required": True,
                "cccd_must_match": bool(household.cccd_last4),
                "override_with_reason": may_override,
            },
        }
    accesses_record(
        actor=user,
        household_ids=list(households),
        channel=HouseholdAccess.Channel.API,
        data={"field_pack": batch.id},
    )
    return {
        "batch": {
            "id": batch.id,
            "hub": batch.hub.name,
            "commune": {"code": batch.commune_id, "name": batch.commune.name},
            "planned_date": batch.planned_date,
            "status": batch.status,
            "dispatched_at": batch.dispatched_at,
        },
        "generated_at": timezone.now(),
        "expires_at": expires_at,
        "may_override_cccd": may_override,
        "relations": [{"value": v, "label": str(label)} for v, label in Handover.Relation.choices],
        "phones": phones,
        "households": list(households.values()),
    }


# --- syncing a field record -------------------------------------------------------------------


class FieldConflict(Conflict):
    """A 409 whose record the server kept (`kept`, `conflict` in the API's error object)."""

    def __init__(self, conflict: HandoverConflict) -> None:
        super().__init__(
            conflict_text(conflict),
            code=conflict.code,
            extra={"kept": True, "conflict": conflict.id},
        )


def _replay(actor, client_id, device_code: str, household_id: int) -> Handover | None:
    """The handover this field record already made, if any (a sync that is retried)."""
    existing = Handover.objects.filter(client_id=client_id).select_related("device").first()
    if existing is None:
        return None
    mine = selectors.handovers_for_staff(actor).filter(id=existing.id).exists()
    same = (
        existing.device.tracking_code == device_code.strip().upper()
        and existing.household_id == household_id
    )
    if not (mine and same):
        raise Conflict(
            _("This record id was used for another handover. The field app must make a new one."),
            code="client_id_reused",
        )
    return existing


def _field_batch(actor, batch_id: int | None, device_code: str) -> tuple[DeliveryBatch, BatchItem]:
    """The batch the record belongs to (among the actor's) and the phone's item on it."""
    code = device_code.strip().upper()
    if batch_id is None:
        last = BatchItem.objects.filter(device__tracking_code=code).order_by("-id").first()
        if last is None:
            raise NotFound(
                _("No phone with the tracking code %(code)s among yours.") % {"code": code}
            )
        batch_id = last.batch_id
    batch = selectors.batch_get_for_staff(actor, batch_id)
    item = (
        BatchItem.objects.filter(batch=batch, device__tracking_code=code)
        .select_related("device")
        .first()
    )
    if item is None:
        raise NotFound(_("Phone %(code)s is not on this batch.") % {"code": code})
    return batch, item


def _state_conflict(batch: DeliveryBatch, item: BatchItem, household: Household):
    """(code, params) when the server's state no longer allows this handover, else None."""
    device = item.device
    # A handover whose phone came back since (logistics/services/recovery.py) is history.
    earlier = (
        Handover.objects.filter(device=device, return_record__isnull=True).order_by("-at").first()
    )
    if earlier is not None:
        when = timezone.localtime(earlier.at).strftime("%d/%m/%Y %H:%M")
        return "already_handed_over", {"code": device.tracking_code, "date": when}
    if item.outcome != BatchItem.Outcome.PENDING or batch.status == B.COMPLETED:
        return "batch_closed", {"batch": batch.id}
    live = Allocation.objects.filter(device=device, is_live=True).first()
    if live is None:
        ended = (
            Allocation.objects.filter(device=device, household=household)
            .order_by("-released_at", "-id")
            .first()
        )
        reason = (ended.release_reason or ended.get_end_reason_display() if ended else "") or "—"
        return "allocation_released", {"reason": reason}
    if live.household_id != household.id:
        return "reallocated", {}
    if not may_move(device.status, S.DELIVERED):
        return "device_not_deliverable", {"status": str(Device.Status(device.status).label)}
    return None


def _keep(
    *, actor, client_id, batch, item, household, code, params, fields, recorded_at, photo, signature
) -> HandoverConflict:
    """Keep the record the server could not accept (once per client_id)."""
    existing = HandoverConflict.objects.filter(client_id=client_id).first()
    if existing is not None:
        return existing
    record = {
        **{k: v for k, v in fields.items() if isinstance(v, (str, bool, int)) or v is None},
        "recorded_at": recorded_at.isoformat(),
        "had_photo": photo is not None,
        "params": params,
    }
    conflict = HandoverConflict(
        client_id=client_id,
        batch=batch,
        device=item.device,
        household=household,
        code=code,
        message="",
        record=record,
        recorded_by=actor,
        recorded_at=recorded_at,
    )
    conflict.message = conflict_text(conflict)
    try:
        drawn = image_from_data_url(signature, field="signature")
    except ApplicationError:
        drawn, record["signature_unreadable"] = None, True
    try:
        with removed_unless_done([]) as saved, transaction.atomic():
            if drawn is not None:
                save_file(conflict.signature, drawn.name, drawn)
                saved.append(conflict.signature)
            conflict.save()
    except IntegrityError:  # the same record, kept a moment ago by a parallel sync
        return HandoverConflict.objects.get(client_id=client_id)
    return conflict


def field_handover_sync(
    *,
    actor,
    client_id,
    recorded_at: datetime,
    device_code: str,
    household_id: int,
    batch_id: int | None = None,
    photo=None,
    signature: str = "",
    **fields,
) -> tuple[Handover, bool]:
    """A handover recorded offline → (the handover, True when made now). The same client_id
    again returns the same handover and writes nothing; a record the server's state refuses is
    kept and answered with a FieldConflict (409)."""
    replay = _replay(actor, client_id, device_code, household_id)
    if replay is not None:
        return replay, False
    batch, item = _field_batch(actor, batch_id, device_code)
    household = Household.objects.filter(id=household_id, commune_id=batch.commune_id).first()
    if household is None:
        raise NotFound(_("No such household on this batch."))
    kept = HandoverConflict.objects.filter(client_id=client_id).first()
    if kept is not None:
        raise FieldConflict(kept)

    def keep(code: str, params: dict) -> FieldConflict:
        conflict = _keep(
            actor=actor,
            client_id=client_id,
            batch=batch,
            item=item,
            household=household,
            code=code,
            params=params,
            fields=fields,
            recorded_at=recorded_at,
            photo=photo,
            signature=signature,
        )
        return FieldConflict(conflict)

    found = _state_conflict(batch, item, household)
    if found is not None:
        raise keep(*found)
    notes = []
    if photo is not None and not household.consent_share_photo:
        photo, notes = None, ["photo_dropped"]
    try:
        handover = handover_create(
            device_id=item.device_id,
            household_id=household.id,
            photo=photo,
            signature=signature,
            recorded_at=recorded_at,
            client_id=client_id,
            field_notes=notes,
            actor=actor,
            **fields,
        )
    except IntegrityError:  # a parallel sync of the same record made it first
        replay = _replay(actor, client_id, device_code, household_id)
        if replay is None:
            raise
        return replay, False
    except ApplicationError as error:
        replay = _replay(actor, client_id, device_code, household_id)
        if replay is not None:
            return replay, False
        if error.status in (403, 404) or isinstance(error, StorageUnavailable):
            raise
        raise keep(error.code, {"detail": error.message}) from None
    return handover, True


# --- settling what was kept -------------------------------------------------------------------


def conflicts_for_batch(user, batch: DeliveryBatch):
    """The records of a batch the server kept (the batch is already among the user's)."""
    return batch.conflicts.select_related("device", "household", "recorded_by", "settled_by")


def conflict_settle(*, batch_id: int, conflict_id: int, note: str, actor) -> HandoverConflict:
    """A coordinator of the hub or an officer of the commune says how a kept record was settled
    (handed over again online, the phone brought back, …): it leaves the open list."""
    batch = selectors.batch_get_for_staff(actor, batch_id)
    note = nfc(str(note or "")).strip()
    if not note:
        message = _("Write how this was settled.")
        raise ApplicationError(message, code="note_required", fields={"note": [message]})
    if "\x00" in note or len(note) > 2000:
        message = _("Write the note as plain text, at most 2,000 characters.")
        raise ApplicationError(message, code="invalid", fields={"note": [message]})
    with transaction.atomic():
        conflict = (
            HandoverConflict.objects.select_for_update().filter(id=conflict_id, batch=batch).first()
        )
        if conflict is None:
            raise NotFound(_("No such record on this batch."))
        if conflict.settled_at is None:
            conflict.settled_at = timezone.now()
            conflict.settled_by = actor
            conflict.settled_note = note
            conflict.save(update_fields=["settled_at", "settled_by", "settled_note"])
    return conflict
