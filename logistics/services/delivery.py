"""Delivery: a batch from a hub to one commune (planned → dispatched → completed, through
logistics.lifecycle.BATCH), a phone returned undelivered, the handover to its household and the
follow-up about 30 days on. Each phone moves through its own door in the same transaction."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.scoping import scope_for
from core.errors import ApplicationError, Conflict, Forbidden, NotFound
from core.media import removed_unless_done, save_file
from core.pdf import printable_message, require_printable
from core.text import nfc
from donations.images import clean_image
from donations.lifecycle import may_move
from donations.models import Device
from donations.services.outcomes import device_outcome_record
from households.lifecycle import household_transition
from households.models import Household
from logistics.images import image_from_data_url
from logistics.lifecycle import BATCH
from logistics.models import BatchItem, DeliveryBatch, FollowUp, Handover, SimCard
from logistics.services.shared import lock_for_move, move_device, require_hub
from logistics.services.sms import handover_code_send
from matching.lifecycle import allocation_transition
from matching.models import Allocation
from messaging.phones import mobile_clean
from places.models import Commune

S = Device.Status
B = DeliveryBatch.Status


# --- delivery batches -----------------------------------------------------------------------


def _batch_problems(devices: list[Device], codes: list[str], hub_id: int, commune_code: str):
    """Why each phone cannot go on a batch from this hub to this commune (empty: all can)."""
    live = {
        a.device_id: a
        for a in Allocation.objects.filter(device__in=devices, is_live=True).select_related(
            "household"
        )
    }
    pending = set(
        BatchItem.objects.filter(device__in=devices, outcome=BatchItem.Outcome.PENDING).values_list(
            "device_id", flat=True
        )
    )
    found = {d.tracking_code for d in devices}
    problems = [_("%(code)s: no such phone.") % {"code": c} for c in codes if c not in found]
    for device in devices:
        allocation = live.get(device.id)
        code = {"code": device.tracking_code}
        if device.hub_id != hub_id:
            problems.append(_("%(code)s: not at this hub.") % code)
        elif not may_move(device.status, S.DISPATCHED) or allocation is None:
            problems.append(_("%(code)s: not allocated to a household.") % code)
        elif allocation.household.commune_id != commune_code:
            problems.append(_("%(code)s: its household lives in another commune.") % code)
        elif device.id in pending:
            problems.append(_("%(code)s: already on another batch.") % code)
    return problems


def batch_create(
    *,
    hub_id: int,
    commune_code: str,
    planned_date: date,
    carrier: str,
    carrier_name: str = "",
    device_codes: list[str],
    actor,
) -> DeliveryBatch:
    """Plan a delivery from a hub to one commune: only allocated phones at that hub whose
    household lives in that commune, and on no other open batch."""
    require_hub(actor, hub_id)
    if not Commune.objects.filter(code=commune_code).exists():
        message = _("Unknown commune.")
        raise ApplicationError(message, code="invalid", fields={"commune": [message]})
    if carrier not in DeliveryBatch.Carrier.values:
        message = _("Choose who carries the phones.")
        raise ApplicationError(message, code="invalid", fields={"carrier": [message]})
    carrier_name = " ".join(nfc(carrier_name or "").split())
    require_printable(carrier_name=carrier_name)  # printed on the manifest
    codes = sorted({c.strip().upper() for c in device_codes if c.strip()})
    if not codes:
        message = _("Choose at least one phone.")
        raise ApplicationError(message, code="invalid", fields={"devices": [message]})
    with transaction.atomic():
        devices = list(
            Device.objects.select_for_update().filter(tracking_code__in=codes).order_by("id")
        )
        problems = _batch_problems(devices, codes, hub_id, commune_code)
        if problems:
            raise ApplicationError(
                _("Some phones cannot go on this batch."),
                code="invalid_devices",
                fields={"devices": problems},
            )
        batch = DeliveryBatch.objects.create(
            hub_id=hub_id,
            commune_id=commune_code,
            planned_date=planned_date,
            carrier=carrier,
            carrier_name=carrier_name.strip(),
            created_by=actor,
        )
        BatchItem.objects.bulk_create([BatchItem(batch=batch, device=d) for d in devices])
    return batch


def batch_dispatch(*, batch_id: int, actor) -> DeliveryBatch:
    """The carrier leaves: every phone of the batch becomes dispatched, then the batch."""
    with transaction.atomic():
        batch = DeliveryBatch.objects.select_for_update().get(id=batch_id)
        require_hub(actor, batch.hub_id)
        BATCH.check_move(batch.status, B.DISPATCHED)  # a second dispatch is a 409, not a no-op
        for item in batch.items.select_related("device").order_by("id"):
            move_device(item.device, S.DISPATCHED, actor, {"batch": batch.id})
        return BATCH.move(
            obj_id=batch.id, to=B.DISPATCHED, actor=actor, also={"dispatched_at": timezone.now()}
        )


def _close_item(item: BatchItem, outcome: str, actor) -> None:
    """A pending item gets its outcome; the batch completes (by `actor`) when none is pending."""
    item.outcome = outcome
    item.save(update_fields=["outcome"])
    batch = DeliveryBatch.objects.select_for_update().get(id=item.batch_id)
    if not batch.items.filter(outcome=BatchItem.Outcome.PENDING).exists():
        BATCH.move(
            obj_id=batch.id, to=B.COMPLETED, actor=actor, also={"completed_at": timezone.now()}
        )


def batch_return_device(*, batch_id: int, device_id: int, actor) -> BatchItem:
    """A phone comes back undelivered (nobody home, wrong address): allocated again at the hub."""
    with transaction.atomic():
        item = (
            BatchItem.objects.select_for_update()
            .filter(batch_id=batch_id, device_id=device_id, outcome=BatchItem.Outcome.PENDING)
            .first()
        )
        if item is None:  # delivered, already returned, or never on this batch
            raise Conflict(
                _("This phone is not out for delivery on this batch."), code="not_on_batch"
            )
        require_hub(actor, item.batch.hub_id)
        move_device(item.device, S.ALLOCATED, actor, {"batch": batch_id, "returned": True})
        _close_item(item, BatchItem.Outcome.RETURNED, actor)
    return item


# --- handover and follow-up ------------------------------------------------------------------


def _may_hand_over(actor, device: Device, household: Household) -> bool:
    scope = scope_for(actor)
    return (
        scope.is_admin
        or (device.hub_id is not None and scope.covers_hub(device.hub_id))
        or scope.covers_commune(household.commune_id, Role.OFFICER)
    )


def _clean_iccid(iccid: str) -> str:
    iccid = "".join((iccid or "").split())
    if iccid and not (iccid.isdigit() and 18 <= len(iccid) <= 22):
        message = _("An ICCID has 18 to 22 digits (printed on the SIM card).")
        raise ApplicationError(message, code="invalid", fields={"sim_iccid": [message]})
    return iccid


def recorded_sim(device: Device) -> SimCard | None:
    """The SIM recorded for this phone (at QA, or at an earlier handover), if any."""
    return SimCard.objects.filter(device_id=device.id).first()


def recorded_sim_iccid(device: Device) -> str:
    sim = recorded_sim(device)
    return sim.iccid if sim is not None else ""


def _check_handover_input(
    household: Household,
    *,
    received_by: str,
    relation: str,
    last4: str,
    photo,
    sim_phone: str,
    place: str = "",
) -> str:
    """The handover's fields as the rules want them; returns the SIM's number cleaned ("" none)."""
    errors: dict[str, list[str]] = {}
    if not (received_by or "").strip():
        errors["received_by"] = [_("Write who received the phone.")]
    # Both are printed on the handover record (core/pdf.py: what the papers can print).
    for field, value in (("received_by", received_by), ("place", place)):
        if message := printable_message(value):
            errors.setdefault(field, [message])
    if relation not in Handover.Relation.values:
        errors["relation"] = [_("Choose the relation to the head of household.")]
    if not (len(last4) == 4 and last4.isdigit()):
        errors["recipient_cccd_last4"] = [_("Write the last 4 digits of the recipient's CCCD.")]
    if photo is not None and not household.consent_share_photo:
        errors["photo"] = [
            _("This household did not consent to a photo. Do not take or upload one.")
        ]
    phone = ""
    if (sim_phone or "").strip():
        try:
            phone = mobile_clean(sim_phone)
        except ApplicationError as error:
            errors.update(error.fields)
    if errors:
        raise ApplicationError(next(iter(errors.values()))[0], code="invalid", fields=errors)
    return phone


def _check_recorded_at(recorded_at: datetime, batch_id: int | None) -> None:
    """When a handover really happened (the field device's clock): not in the future (a few
    minutes of clock drift allowed), not before its batch left the hub."""
    now = timezone.now()
    skew = timedelta(seconds=settings.LOGISTICS_FIELD_CLOCK_SKEW_SECONDS)
    if recorded_at > now + skew:
        message = _(
            "The time of this handover is in the future. Check the date and time of the phone "
            "that recorded it."
        )
        raise ApplicationError(
            message, code="recorded_in_the_future", fields={"recorded_at": [message]}
        )
    batch = DeliveryBatch.objects.filter(id=batch_id).first() if batch_id else None
    if batch is not None and batch.dispatched_at and recorded_at < batch.dispatched_at:
        message = _(
            "The time of this handover is before its batch left the hub (%(left)s). Check the "
            "date and time of the phone that recorded it."
        ) % {"left": timezone.localtime(batch.dispatched_at).strftime("%d/%m/%Y %H:%M")}
        raise ApplicationError(
            message, code="recorded_before_dispatch", fields={"recorded_at": [message]}
        )


def _check_cccd(actor, device: Device, household: Household, last4: str, override: str) -> str:
    """The recipient's CCCD digits must be the household's (the last four it keeps beside the
    hash of the full number). A mismatch is refused unless a coordinator of the phone's hub (or
    an admin) records why: the reason returned is stored on the handover and its events."""
    if household.cccd_last4 and last4 == household.cccd_last4:
        return ""
    if not override:
        if household.cccd_last4:
            message = _(
                "These are not the last 4 digits of this household's CCCD. Check the "
                "recipient's card; only a hub coordinator can record the handover anyway, "
                "with a reason."
            )
        else:
            message = _(
                "This household has no CCCD on record to compare with; only a hub coordinator "
                "can record the handover, with a reason."
            )
        raise ApplicationError(
            message, code="cccd_mismatch", fields={"recipient_cccd_last4": [message]}
        )
    if not scope_for(actor).covers_hub(device.hub_id or 0):
        message = _("Only a coordinator of the phone's hub can override a CCCD mismatch.")
        raise Forbidden(
            message, code="cccd_override_forbidden", fields={"cccd_override_reason": [message]}
        )
    return override


def _handover_parties(actor, device_id: int, household_id: int) -> tuple[Device, Household]:
    """The phone and the household it was allocated to, both among the actor's."""
    device = Device.objects.filter(id=device_id).first()
    household = Household.objects.filter(id=household_id).select_related("commune").first()
    if device is None or household is None or not _may_hand_over(actor, device, household):
        raise NotFound(_("No such phone or household among yours."))
    allocation = Allocation.objects.filter(device=device, is_live=True).first()
    if allocation is None or allocation.household_id != household.id:
        message = _(
            "This phone was allocated to another household. Hand it over only to the household "
            "named on the delivery list."
        )
        raise Conflict(message, code="wrong_household", fields={"household": [message]})
    return device, household


def handover_create(
    *,
    device_id: int,
    household_id: int,
    received_by: str,
    relation: str = Handover.Relation.HEAD,
    recipient_cccd_last4: str,
    training_given: bool = False,
    sim_iccid: str = "",
    place: str = "",
    story: str = "",
    photo=None,
    signature: str = "",
    cccd_override_reason: str = "",
    sim_phone: str = "",
    sms_consent: bool = False,
    recorded_at: datetime | None = None,
    client_id=None,
    field_notes: list[str] | None = None,
    actor,
) -> Handover:
    """The phone reaches its household. Only the household it was allocated to; the officer of
    that commune or a coordinator of the phone's hub records it. Device → delivered (with this
    handover as evidence), household → served, the donor's anonymised outcome is recorded.
    Without `sim_iccid`, the SIM recorded at QA is the one handed over.
    The recipient's CCCD digits must match the household's, unless a coordinator overrides
    with `cccd_override_reason` (kept on the handover and on both events).

    With the SIM's number (`sim_phone`) a code goes by SMS to the new phone after the commit
    (logistics/services/sms.py); reminders by SMS only with the family's `sms_consent`. A field
    record brings its `recorded_at` (when it happened) and `client_id` (logistics/services/
    field.py syncs it once)."""
    device, household = _handover_parties(actor, device_id, household_id)
    last4 = (recipient_cccd_last4 or "").strip()
    received_by = " ".join(nfc(received_by or "").split())
    place = " ".join(nfc(place or "").split())
    phone = _check_handover_input(
        household,
        received_by=received_by,
        relation=relation,
        last4=last4,
        photo=photo,
        sim_phone=sim_phone,
        place=place,
    )
    override = _check_cccd(actor, device, household, last4, (cccd_override_reason or "").strip())
    audit = {"cccd_override": override} if override else {}
    photo_file = clean_image(photo, field="photo") if photo is not None else None
    signature_file = image_from_data_url(signature, field="signature")
    # The SIM recorded at QA follows the phone: no need to type it again at the door.
    iccid = _clean_iccid(sim_iccid) or recorded_sim_iccid(device)
    # A full or failing disk: a 503 and no orphan file, whatever fails after the files were saved.
    with removed_unless_done([]) as saved, transaction.atomic():
        device = lock_for_move(device.id, S.DELIVERED)
        item = (
            BatchItem.objects.select_for_update()
            .filter(device=device, outcome=BatchItem.Outcome.PENDING)
            .first()
        )
        if recorded_at is not None:
            _check_recorded_at(recorded_at, item.batch_id if item else None)
        handover = Handover(
            device=device,
            household=household,
            batch_id=item.batch_id if item else None,
            received_by=received_by.strip(),
            relation=relation,
            recipient_cccd_last4=last4,
            training_given=bool(training_given),
            sim_iccid=iccid,
            place=place.strip() or household.commune.name,
            story=story.strip() if household.consent_share_story else "",
            cccd_override_reason=override,
            recorded_by=actor,
            at=recorded_at or timezone.now(),
            client_id=client_id,
            field_notes=list(field_notes or []),
            sim_phone=phone,
            sms_consent=bool(sms_consent and phone),
        )
        for field_file, content in (
            (handover.photo, photo_file),
            (handover.signature, signature_file),
        ):
            if content is not None:
                save_file(field_file, content.name, content)
                saved.append(field_file)
        handover.save()
        move_device(device, S.DELIVERED, actor, {"handover": handover.id, **audit})
        allocation = Allocation.objects.get(
            device=device, household=household, status=Allocation.Status.LIVE
        )
        allocation_transition(
            allocation_id=allocation.id,
            to=Allocation.Status.DELIVERED,
            actor=actor,
            data={"handover": handover.id},
            also={"delivered_at": handover.at},
        )
        household_transition(
            household_id=household.id,
            to=Household.Status.SERVED,
            actor=actor,
            data={"handover": handover.id, "device": device.tracking_code, **audit},
            also={"replacement_owed_at": None},  # served: no longer first in line
        )
        if iccid and iccid != recorded_sim_iccid(device):  # another SIM was given at the door
            SimCard.objects.update_or_create(device=device, defaults={"iccid": iccid})
        if item is not None:
            _close_item(item, BatchItem.Outcome.HANDED_OVER, actor)
        device_outcome_record(
            device_id=device.id,
            commune_code=household.commune_id,
            household_kind=household.need_kind,
            delivered_at=handover.at,
            story=handover.story if household.consent_share_story else "",
            photo=handover.photo if (household.consent_share_photo and handover.photo) else None,
            actor=actor,
        )
        if phone:
            handover_code_send(handover, actor=actor)
    return handover


def follow_up_record(
    *,
    handover_id: int,
    in_use: bool,
    problems: str = "",
    notes: str = "",
    send_back: bool = False,
    problem_kind: str = "",
    actor,
) -> FollowUp:
    """The officer's visit about 30 days on. A problem described opens a ticket (of
    `problem_kind`, "other" when not said); a problem can also send the phone back to its hub
    (logistics.services.recovery.handover_return: the household waits for another phone, first in
    line when the phone broke or is locked; the hub then receives the phone again)."""
    from logistics.models import Ticket
    from logistics.services.recovery import handover_return
    from logistics.services.tickets import ticket_open

    handover = Handover.objects.select_related("device", "household").filter(id=handover_id).first()
    if handover is None or not _may_hand_over(actor, handover.device, handover.household):
        raise NotFound(_("No such handover among yours."))
    already = Conflict(_("This handover already has its follow-up."), code="already_followed_up")
    if hasattr(handover, "follow_up"):
        raise already
    if send_back and not problems.strip():
        message = _("Describe the problem that sends the phone back.")
        raise ApplicationError(message, code="invalid", fields={"problems": [message]})
    problem_kind = problem_kind or Ticket.Kind.OTHER
    if problem_kind not in Ticket.Kind.values:
        message = _("Choose what kind of problem it is.")
        raise ApplicationError(message, code="invalid", fields={"problem_kind": [message]})
    with transaction.atomic():
        Handover.objects.select_for_update().get(id=handover.id)
        if FollowUp.objects.filter(handover=handover).exists():
            raise already
        follow_up = FollowUp.objects.create(
            handover=handover,
            in_use=in_use,
            problems=problems.strip(),
            notes=notes.strip(),
            send_back=send_back,
            actor=actor,
        )
        device = handover.device
        if may_move(device.status, S.FOLLOWED_UP):
            move_device(device, S.FOLLOWED_UP, actor, {"follow_up": follow_up.id})
        if follow_up.problems:
            ticket_open(
                handover_id=handover.id,
                kind=problem_kind,
                description=follow_up.problems,
                follow_up=follow_up,
                actor=actor,
            )
        if send_back:
            reason = problem_kind if problem_kind in ("broken", "locked", "unused") else "other"
            handover_return(
                handover_id=handover.id,
                reason=reason,
                household="waiting",
                notes=follow_up.problems,
                actor=actor,
            )
    return follow_up
