"""Every write of logistics. Each service creates its record and moves the device (and, at
handover, the household) through its one door, in one transaction: all or nothing.

Access is checked here too (the hub of the phone, the commune of the household), so that a page
and its API twin cannot differ."""

from __future__ import annotations

import logging
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.scoping import scope_for
from core.errors import ApplicationError, Conflict, NotFound
from donations.images import clean_image
from donations.lifecycle import allowed_moves, device_transition
from donations.models import Device
from donations.services.ledger import ledger_spend
from donations.services.outcomes import device_outcome_record
from households.lifecycle import household_transition
from households.models import Household
from logistics.images import image_from_data_url
from logistics.models import (
    QA_CHECKS,
    QA_SETUP,
    BatchItem,
    DeliveryBatch,
    FollowUp,
    Handover,
    Intake,
    QARecord,
    Rejection,
    RepairRecord,
    SimCard,
    WipeRecord,
)
from matching.models import Allocation
from places.models import Commune, Hub

logger = logging.getLogger(__name__)
S = Device.Status


# --- checks shared by the services ---------------------------------------------------------


def imei_is_valid(imei: str) -> bool:
    """15 digits whose last is the Luhn check digit of the first 14."""
    if len(imei) != 15 or not imei.isdigit():
        return False
    total = 0
    for index, char in enumerate(imei):
        digit = int(char)
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def _clean_imei(imei: str) -> str:
    imei = "".join((imei or "").split())
    if not imei_is_valid(imei):
        message = _(
            "An IMEI has 15 digits and a valid check digit (dial *#06# on the phone to see it)."
        )
        raise ApplicationError(message, code="invalid_imei", fields={"imei": [message]})
    return imei


def _require_hub(actor, hub_id: int | None) -> None:
    if hub_id is None or not scope_for(actor).covers_hub(hub_id):
        raise NotFound(_("That phone is not at one of your hubs."), code="not_found")


def _locked_device(device_id: int) -> Device:
    return Device.objects.select_for_update().get(id=device_id)


def _lock_for_move(device_id: int, to: str, *, from_statuses) -> Device:
    """Lock the phone and check it may take this step now, so that a double click or a retry
    never writes a second record for a move already made."""
    device = _locked_device(device_id)
    if device.status not in from_statuses:
        raise _move_conflict(device, to)
    return device


def _event(device: Device, to: str, actor, evidence: dict | None = None) -> Device:
    return device_transition(device_id=device.id, to=to, actor=actor, evidence=evidence)


# --- intake ----------------------------------------------------------------------------


def device_receive(
    *,
    device_id: int,
    hub_id: int,
    imei: str,
    condition: str = "",
    notes: str = "",
    actor,
    walk_in: bool = False,
) -> Device:
    """A pledged phone (or one returned by a household) arrives at a hub: record its IMEI and
    condition and move it to received. The IMEI is unique among phones still in the chain."""
    imei = _clean_imei(imei)
    if condition and condition not in Device.Condition.values:
        message = _("Choose a condition from the list.")
        raise ApplicationError(message, code="invalid", fields={"condition": [message]})
    _require_hub(actor, hub_id)
    if not Hub.objects.filter(id=hub_id, is_active=True).exists():
        message = _("Unknown hub.")
        raise ApplicationError(message, code="invalid", fields={"hub": [message]})
    duplicate = (
        Device.objects.filter(imei=imei, status__in=Device.IN_CHAIN)
        .exclude(id=device_id)
        .values_list("tracking_code", flat=True)
        .first()
    )
    if duplicate:
        raise _imei_conflict(duplicate)
    try:
        with transaction.atomic():
            device = _locked_device(device_id)
            if device.status not in (S.PLEDGED, S.RETURNED):
                raise _move_conflict(device, S.RECEIVED)
            device.imei = imei
            device.hub_id = hub_id
            fields = ["imei", "hub", "updated_at"]
            if condition:
                device.condition = condition
                fields.append("condition")
            device.save(update_fields=fields)
            intake = Intake.objects.create(
                device=device,
                hub_id=hub_id,
                imei=imei,
                condition=device.condition,
                walk_in=walk_in,
                notes=notes,
                by=actor,
            )
            device = _event(device, S.RECEIVED, actor, {"intake": intake.id, "hub": hub_id})
    except IntegrityError:
        raise _imei_conflict("") from None
    return device


def _move_conflict(device: Device, to: str) -> Conflict:
    allowed = allowed_moves(device.status)
    return Conflict(
        _("A phone that is “%(now)s” cannot become “%(to)s”. Allowed next: %(allowed)s.")
        % {
            "now": S(device.status).label,
            "to": S(to).label,
            "allowed": ", ".join(str(S(a).label) for a in allowed) or "—",
        },
        code="invalid_transition",
        fields={"allowed": allowed},
    )


def _imei_conflict(code: str) -> Conflict:
    message = (
        _("This IMEI already belongs to phone %(code)s, which is still in the programme.")
        % {"code": code}
        if code
        else _("This IMEI already belongs to a phone that is still in the programme.")
    )
    return Conflict(message, code="imei_in_use", fields={"imei": [message]})


def device_register_walk_in(
    *,
    hub_id: int,
    brand: str,
    model: str,
    imei: str,
    condition: str,
    os: str = Device.OS.ANDROID,
    ram_gb=0,
    storage_gb: int = 0,
    supports_4g: bool = True,
    supports_volte: bool = True,
    has_nfc: bool = False,
    notes: str = "",
    actor,
) -> Device:
    """A phone brought to the bench without a pledge: register it on the spot and receive it."""
    _require_hub(actor, hub_id)
    if not (supports_4g and supports_volte):
        message = _(
            "Only phones with 4G and VoLTE can be given: 2G is switched off and 3G is ending. "
            "Please hand it back or send it to recycling."
        )
        raise ApplicationError(
            message, code="device_not_usable", fields={"supports_volte": [message]}
        )
    imei = _clean_imei(imei)
    with transaction.atomic():
        device = Device.objects.create(
            pledge=None,
            brand=brand.strip(),
            model=model.strip(),
            os=os,
            ram_gb=ram_gb or 0,
            storage_gb=storage_gb or 0,
            supports_4g=supports_4g,
            supports_volte=supports_volte,
            has_nfc=has_nfc,
            condition=condition,
        )
        device = device_receive(
            device_id=device.id,
            hub_id=hub_id,
            imei=imei,
            condition=condition,
            notes=notes,
            actor=actor,
            walk_in=True,
        )
    return device


def device_reject(*, device_id: int, reason: str, next_step: str, notes: str = "", actor) -> Device:
    """Refuse a phone (no 4G/VoLTE, locked, beyond repair) and send it on: recycling or back to
    its donor. The door tells the donor at that milestone."""
    if reason not in Rejection.Reason.values:
        message = _("Choose a reason from the list.")
        raise ApplicationError(message, code="invalid", fields={"reason": [message]})
    if next_step not in Rejection.Next.values:
        message = _("Choose recycle or return to the donor.")
        raise ApplicationError(message, code="invalid", fields={"next": [message]})
    device = Device.objects.get(id=device_id)
    _require_hub(actor, device.hub_id)
    if next_step == Rejection.Next.RETURN and device.pledge_id is None:
        message = _("A walk-in phone has no donor on record to return it to: choose recycle.")
        raise ApplicationError(message, code="no_donor", fields={"next": [message]})
    with transaction.atomic():
        _lock_for_move(
            device_id, S.REJECTED, from_statuses=(S.RECEIVED, S.WIPED, S.REFURBISHING, S.READY)
        )
        rejection = Rejection.objects.create(
            device_id=device_id, reason=reason, next_step=next_step, notes=notes, by=actor
        )
        _event(device, S.REJECTED, actor, {"rejection": rejection.id, "reason": reason})
        final = S.RECYCLED if next_step == Rejection.Next.RECYCLE else S.RETURNED_TO_DONOR
        device = _event(device, final, actor, {"rejection": rejection.id})
    return device


# --- wipe, repair, QA ------------------------------------------------------------------------


def wipe_accounts_required(device: Device) -> list[str]:
    """Which accounts this phone's wipe must confirm removed."""
    keys = ["vneid"]
    if device.os == Device.OS.IOS:
        keys.insert(0, "icloud")
    else:
        keys.insert(0, "google_frp")
    if device.brand.strip().lower() == "samsung":
        keys.append("samsung")
    return keys


def wipe_record_create(
    *, device_id: int, method: str, accounts: dict[str, bool], notes: str = "", actor
) -> WipeRecord:
    """Record the wipe and move the phone to wiped. Every account that can lock the phone or
    leak its donor's identity must be confirmed removed, or the record is refused."""
    device = Device.objects.get(id=device_id)
    _require_hub(actor, device.hub_id)
    if method not in WipeRecord.Method.values:
        message = _("Choose a wipe method from the list.")
        raise ApplicationError(message, code="invalid", fields={"method": [message]})
    missing = [key for key in wipe_accounts_required(device) if not accounts.get(key)]
    if missing:
        message = _(
            "A phone still linked to an account can be locked for its new owner: confirm "
            "every account is removed first."
        )
        raise ApplicationError(
            message,
            code="accounts_not_removed",
            fields={"accounts_removed": [message], **{key: [message] for key in missing}},
        )
    with transaction.atomic():
        device = _lock_for_move(device.id, S.WIPED, from_statuses=(S.RECEIVED,))
        record = WipeRecord.objects.create(
            device=device,
            method=method,
            accounts_removed={key: bool(value) for key, value in accounts.items()},
            notes=notes,
            operator=actor,
        )
        _event(device, S.WIPED, actor, {"wipe_record": record.id})
    return record


def repair_record_create(
    *,
    device_id: int,
    description: str,
    parts: str = "",
    cost_vnd: int = 0,
    book_to_fund: bool = False,
    actor,
) -> RepairRecord:
    """A repair (and its parts and cost); the phone is in refurbishing from here. The cost can be
    booked against the fund ledger, in the same transaction."""
    device = Device.objects.get(id=device_id)
    _require_hub(actor, device.hub_id)
    if not description.strip():
        message = _("Say what was repaired.")
        raise ApplicationError(message, code="invalid", fields={"description": [message]})
    if cost_vnd < 0:
        message = _("A cost cannot be negative.")
        raise ApplicationError(message, code="invalid", fields={"cost_vnd": [message]})
    with transaction.atomic():
        device = _lock_for_move(device.id, S.REFURBISHING, from_statuses=(S.WIPED, S.REFURBISHING))
        if device.status != S.REFURBISHING:
            _event(device, S.REFURBISHING, actor)
        record = RepairRecord.objects.create(
            device=device,
            description=description.strip(),
            parts=parts.strip(),
            cost_vnd=cost_vnd,
            booked_to_fund=bool(book_to_fund and cost_vnd),
            by=actor,
        )
        if record.booked_to_fund:
            ledger_spend(
                kind="refurbish",
                amount=cost_vnd,
                currency="VND",
                device_ids=[device.id],
                note=f"{device.tracking_code}: {record.description}",
                actor=actor,
            )
    return record


def qa_failures(*, checks: dict, battery_health: int, setup: dict, threshold: int) -> list[str]:
    failures = [key for key in QA_CHECKS if checks.get(key) is False]
    failures += [
        key for key in ("lte", "volte", "screen", "camera", "charging") if key not in checks
    ]
    if battery_health < threshold:
        failures.append("battery_health")
    failures += [key for key in QA_SETUP if not setup.get(key)]
    return sorted(set(failures), key=failures.index)


def qa_record_create(
    *,
    device_id: int,
    checks: dict[str, bool],
    battery_health: int,
    nfc: bool,
    setup: dict[str, bool],
    sim: dict | None = None,
    notes: str = "",
    actor,
) -> QARecord:
    """Record a quality check. All required checks pass → ready (the record is the evidence);
    otherwise the phone is (or stays) in refurbishing, with the failures listed."""
    from django.conf import settings

    device = Device.objects.get(id=device_id)
    _require_hub(actor, device.hub_id)
    if device.status not in (S.WIPED, S.REFURBISHING):
        raise _move_conflict(device, S.READY)
    if not 0 <= battery_health <= 100:
        message = _("Battery health is a percentage from 0 to 100.")
        raise ApplicationError(message, code="invalid", fields={"battery_health": [message]})
    failures = qa_failures(
        checks=checks,
        battery_health=battery_health,
        setup=setup,
        threshold=settings.LOGISTICS_BATTERY_HEALTH_MIN,
    )
    with transaction.atomic():
        device = _lock_for_move(device.id, S.READY, from_statuses=(S.WIPED, S.REFURBISHING))
        record = QARecord.objects.create(
            device=device,
            checks={key: checks[key] for key in QA_CHECKS if key in checks},
            nfc=bool(nfc),
            battery_health=battery_health,
            setup={key: bool(setup.get(key)) for key in QA_SETUP},
            passed=not failures,
            failures=failures,
            notes=notes,
            by=actor,
        )
        if sim:
            sim_record(device_id=device.id, **sim, actor=actor)
        if device.has_nfc != bool(nfc):
            device.has_nfc = bool(nfc)
            device.save(update_fields=["has_nfc", "updated_at"])
        if record.passed:
            _event(device, S.READY, actor, {"qa_record": record.id})
        elif device.status != S.REFURBISHING:
            _event(device, S.REFURBISHING, actor, {"qa_failed": record.id, "failures": failures})
    return record


def sim_record(
    *, device_id: int, iccid: str = "", carrier: str = "", plan_expires: date | None = None, actor
) -> SimCard | None:
    iccid = "".join((iccid or "").split())
    if iccid and not (iccid.isdigit() and 18 <= len(iccid) <= 22):
        message = _("An ICCID has 18 to 22 digits (printed on the SIM card).")
        raise ApplicationError(message, code="invalid", fields={"sim_iccid": [message]})
    if carrier and carrier not in SimCard.Carrier.values:
        message = _("Choose a carrier from the list.")
        raise ApplicationError(message, code="invalid", fields={"sim_carrier": [message]})
    if not (iccid or carrier or plan_expires):
        return None
    sim, _created = SimCard.objects.update_or_create(
        device_id=device_id,
        defaults={
            "iccid": iccid,
            "carrier": carrier,
            "plan_expires": plan_expires,
            "reminded_at": None,
        },
    )
    return sim


# --- delivery batches -----------------------------------------------------------------------


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
    _require_hub(actor, hub_id)
    if not Commune.objects.filter(code=commune_code).exists():
        message = _("Unknown commune.")
        raise ApplicationError(message, code="invalid", fields={"commune": [message]})
    if carrier not in DeliveryBatch.Carrier.values:
        message = _("Choose who carries the phones.")
        raise ApplicationError(message, code="invalid", fields={"carrier": [message]})
    codes = sorted({c.strip().upper() for c in device_codes if c.strip()})
    if not codes:
        message = _("Choose at least one phone.")
        raise ApplicationError(message, code="invalid", fields={"devices": [message]})
    with transaction.atomic():
        devices = list(
            Device.objects.select_for_update().filter(tracking_code__in=codes).order_by("id")
        )
        live = {
            a.device_id: a
            for a in Allocation.objects.filter(device__in=devices, is_live=True).select_related(
                "household"
            )
        }
        pending = set(
            BatchItem.objects.filter(
                device__in=devices, outcome=BatchItem.Outcome.PENDING
            ).values_list("device_id", flat=True)
        )
        found = {d.tracking_code for d in devices}
        problems = [_("%(code)s: no such phone.") % {"code": c} for c in codes if c not in found]
        for device in devices:
            allocation = live.get(device.id)
            if device.hub_id != hub_id:
                problems.append(_("%(code)s: not at this hub.") % {"code": device.tracking_code})
            elif device.status != S.ALLOCATED or allocation is None:
                problems.append(
                    _("%(code)s: not allocated to a household.") % {"code": device.tracking_code}
                )
            elif allocation.household.commune_id != commune_code:
                problems.append(
                    _("%(code)s: its household lives in another commune.")
                    % {"code": device.tracking_code}
                )
            elif device.id in pending:
                problems.append(
                    _("%(code)s: already on another batch.") % {"code": device.tracking_code}
                )
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
    """The carrier leaves: every phone of the batch becomes dispatched."""
    with transaction.atomic():
        batch = DeliveryBatch.objects.select_for_update().get(id=batch_id)
        _require_hub(actor, batch.hub_id)
        if batch.status != DeliveryBatch.Status.PLANNED:
            raise Conflict(
                _("This batch has already left."),
                code="invalid_transition",
                fields={"allowed": []},
            )
        for item in batch.items.select_related("device").order_by("id"):
            _event(item.device, S.DISPATCHED, actor, {"batch": batch.id})
        batch.status = DeliveryBatch.Status.DISPATCHED
        batch.dispatched_at = timezone.now()
        batch.save(update_fields=["status", "dispatched_at"])
    return batch


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
        _require_hub(actor, item.batch.hub_id)
        _event(item.device, S.ALLOCATED, actor, {"batch": batch_id, "returned": True})
        item.outcome = BatchItem.Outcome.RETURNED
        item.save(update_fields=["outcome"])
        _batch_complete_if_done(item.batch_id)
    return item


def _batch_complete_if_done(batch_id: int) -> None:
    batch = DeliveryBatch.objects.select_for_update().get(id=batch_id)
    if batch.status == DeliveryBatch.Status.COMPLETED:
        return
    if not batch.items.filter(outcome=BatchItem.Outcome.PENDING).exists():
        batch.status = DeliveryBatch.Status.COMPLETED
        batch.completed_at = timezone.now()
        batch.save(update_fields=["status", "completed_at"])


# --- handover and follow-up ------------------------------------------------------------------


def _may_hand_over(actor, device: Device, household: Household) -> bool:
    scope = scope_for(actor)
    return (
        scope.is_admin
        or (device.hub_id is not None and scope.covers_hub(device.hub_id))
        or scope.covers_commune(household.commune_id, Role.OFFICER)
    )


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
    actor,
) -> Handover:
    """The phone reaches its household. Only the household it was allocated to; the officer of
    that commune or a coordinator of the phone's hub records it. Device → delivered (with this
    handover as evidence), household → served, the donor's anonymised outcome is recorded."""
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
    errors: dict[str, list[str]] = {}
    if not (received_by or "").strip():
        errors["received_by"] = [_("Write who received the phone.")]
    if relation not in Handover.Relation.values:
        errors["relation"] = [_("Choose the relation to the head of household.")]
    last4 = (recipient_cccd_last4 or "").strip()
    if not (len(last4) == 4 and last4.isdigit()):
        errors["recipient_cccd_last4"] = [_("Write the last 4 digits of the recipient's CCCD.")]
    if photo is not None and not household.consent_share_photo:
        errors["photo"] = [
            _("This household did not consent to a photo. Do not take or upload one.")
        ]
    if errors:
        raise ApplicationError(next(iter(errors.values()))[0], code="invalid", fields=errors)
    photo_file = None
    if photo is not None:
        photo_file = clean_image(photo, field="photo")
    signature_file = image_from_data_url(signature, field="signature")
    iccid = "".join((sim_iccid or "").split())
    if iccid and not (iccid.isdigit() and 18 <= len(iccid) <= 22):
        message = _("An ICCID has 18 to 22 digits (printed on the SIM card).")
        raise ApplicationError(message, code="invalid", fields={"sim_iccid": [message]})
    with transaction.atomic():
        device = _lock_for_move(device.id, S.DELIVERED, from_statuses=(S.DISPATCHED,))
        item = (
            BatchItem.objects.select_for_update()
            .filter(device=device, outcome=BatchItem.Outcome.PENDING)
            .first()
        )
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
            recorded_by=actor,
        )
        if photo_file is not None:
            handover.photo.save(photo_file.name, photo_file, save=False)
        if signature_file is not None:
            handover.signature.save(signature_file.name, signature_file, save=False)
        handover.save()
        _event(device, S.DELIVERED, actor, {"handover": handover.id})
        household_transition(
            household_id=household.id,
            to=Household.Status.SERVED,
            actor=actor,
            data={"handover": handover.id, "device": device.tracking_code},
        )
        if iccid:
            SimCard.objects.update_or_create(device=device, defaults={"iccid": iccid})
        if item is not None:
            item.outcome = BatchItem.Outcome.HANDED_OVER
            item.save(update_fields=["outcome"])
            _batch_complete_if_done(item.batch_id)
        device_outcome_record(
            device_id=device.id,
            commune_code=household.commune_id,
            household_kind=household.need_kind,
            delivered_at=handover.at,
            story=handover.story if household.consent_share_story else "",
            photo=handover.photo if (household.consent_share_photo and handover.photo) else None,
            actor=actor,
        )
    return handover


def follow_up_record(
    *,
    handover_id: int,
    in_use: bool,
    problems: str = "",
    notes: str = "",
    send_back: bool = False,
    actor,
) -> FollowUp:
    """The officer's visit about 30 days on. A problem can send the phone back to its hub
    (returned; the hub then receives it again)."""
    handover = Handover.objects.select_related("device", "household").filter(id=handover_id).first()
    if handover is None or not _may_hand_over(actor, handover.device, handover.household):
        raise NotFound(_("No such handover among yours."))
    if hasattr(handover, "follow_up"):
        raise Conflict(_("This handover already has its follow-up."), code="already_followed_up")
    if send_back and not problems.strip():
        message = _("Describe the problem that sends the phone back.")
        raise ApplicationError(message, code="invalid", fields={"problems": [message]})
    with transaction.atomic():
        Handover.objects.select_for_update().get(id=handover.id)
        if FollowUp.objects.filter(handover=handover).exists():
            raise Conflict(
                _("This handover already has its follow-up."), code="already_followed_up"
            )
        follow_up = FollowUp.objects.create(
            handover=handover,
            in_use=in_use,
            problems=problems.strip(),
            notes=notes.strip(),
            send_back=send_back,
            by=actor,
        )
        device = handover.device
        if device.status == S.DELIVERED:
            _event(device, S.FOLLOWED_UP, actor, {"follow_up": follow_up.id})
        if send_back:
            _event(device, S.RETURNED, actor, {"follow_up": follow_up.id})
    return follow_up
