"""Bench work at a hub: intake (and walk-ins), rejection, wipe, repair, QA and the SIM.

Each service writes its record, then moves the phone through its door with the record's id as
evidence (logistics/lifecycle.py checks the record is of that phone), in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.errors import ApplicationError, Conflict
from core.outbox import owe
from donations.lifecycle import DEVICE
from donations.models import Device, Donor
from donations.services.ledger import ledger_spend
from donations.services.pledges import device_size_clean
from logistics.models import (
    QA_CHECKS,
    QA_SETUP,
    Intake,
    QARecord,
    Rejection,
    RepairRecord,
    SimCard,
    WipeRecord,
)
from logistics.services.shared import lock_for_move, move_device, require_hub
from places.models import Hub

S = Device.Status
# A phone promised to a household (allocated, or on its way) leaves the bench only through the
# recovery paths (logistics/services/recovery.py): the device's table lets an allocated phone
# become ready or refurbishing again, but only when its allocation is released.
PROMISED = (S.ALLOCATED, S.DISPATCHED)


def refuse_if_promised(device: Device) -> None:
    if device.status in PROMISED:
        raise Conflict(
            _(
                "This phone is promised to a household: release its allocation first (it then "
                "goes back to the bench)."
            ),
            code="phone_promised",
        )


# --- the IMEI --------------------------------------------------------------------------------


def _luhn_total(digits: str) -> int:
    total = 0
    for index, char in enumerate(digits):
        digit = int(char)
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total


def imei_is_valid(imei: str) -> bool:
    """15 digits whose last is the Luhn check digit of the first 14."""
    return len(imei) == 15 and imei.isdigit() and _luhn_total(imei) % 10 == 0


def imei_complete(first14: str) -> str:
    """The 14 digits with their Luhn check digit (demo data and tests make IMEIs with it)."""
    return first14 + str(-_luhn_total(first14) % 10)


def _clean_imei(imei: str) -> str:
    imei = "".join((imei or "").split())
    if not imei_is_valid(imei):
        message = _(
            "An IMEI has 15 digits and a valid check digit (dial *#06# on the phone to see it)."
        )
        raise ApplicationError(message, code="invalid_imei", fields={"imei": [message]})
    return imei


def _imei_conflict(code: str) -> Conflict:
    message = (
        _("This IMEI already belongs to phone %(code)s, which is still in the programme.")
        % {"code": code}
        if code
        else _("This IMEI already belongs to a phone that is still in the programme.")
    )
    return Conflict(message, code="imei_in_use", fields={"imei": [message]})


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
    require_hub(actor, hub_id)
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
            device = lock_for_move(device_id, S.RECEIVED)
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
                actor=actor,
            )
            device = move_device(device, S.RECEIVED, actor, {"intake": intake.id, "hub": hub_id})
    except IntegrityError:
        raise _imei_conflict("") from None
    return device


def device_register_walk_in(
    *,
    hub_id: int,
    brand: str,
    model: str,
    imei: str,
    condition: str,
    os: str = Device.OS.ANDROID,
    ram_gb=None,
    storage_gb=None,
    supports_4g: bool = True,
    supports_volte: bool = True,
    has_nfc: bool = False,
    notes: str = "",
    actor,
) -> Device:
    """A phone brought to the bench without a pledge: register it on the spot and receive it."""
    require_hub(actor, hub_id)
    if not (supports_4g and supports_volte):
        message = _(
            "Only phones with 4G and VoLTE can be given: 2G is switched off and 3G is ending. "
            "Please hand it back or send it to recycling."
        )
        raise ApplicationError(
            message, code="device_not_usable", fields={"supports_volte": [message]}
        )
    ram_gb, storage_gb = device_size_clean(ram_gb=ram_gb, storage_gb=storage_gb)
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
    require_hub(actor, device.hub_id)
    if next_step == Rejection.Next.RETURN and device.pledge_id is None:
        message = _("A walk-in phone has no donor on record to return it to: choose recycle.")
        raise ApplicationError(message, code="no_donor", fields={"next": [message]})
    with transaction.atomic():
        lock_for_move(device_id, S.REJECTED)
        rejection = Rejection.objects.create(
            device_id=device_id, reason=reason, next_step=next_step, notes=notes, actor=actor
        )
        move_device(device, S.REJECTED, actor, {"rejection": rejection.id, "reason": reason})
        final = S.RECYCLED if next_step == Rejection.Next.RECYCLE else S.RETURNED_TO_DONOR
        device = move_device(device, final, actor, {"rejection": rejection.id})
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


@dataclass(frozen=True)
class WipeStandard:
    level: str  # the NIST SP 800-88 level the certificate claims (or says it claims none)
    explanation: str


def wipe_standard(method: str, os: str) -> WipeStandard:
    """What a wipe method honestly is under NIST SP 800-88 Rev. 1 (Guidelines for Media
    Sanitization), Appendix A, mobile devices. A factory reset from the settings is “Clear” for
    Android; on an iPhone “Erase All Content and Settings” destroys the keys of its hardware
    encryption, which Appendix A counts as “Purge”. A reset from the recovery menu is counted as
    “Clear”, no more. Re-flashing the firmware is not a sanitisation method of the guidelines, so
    no level is claimed for it; a dedicated erasure tool reaches the level its own report states
    (the report stays at the hub). The certificate prints the level and this explanation."""
    M = WipeRecord.Method
    if method == M.FACTORY_RESET and os == Device.OS.IOS:
        return WipeStandard(
            pgettext("NIST SP 800-88 level", "Purge (cryptographic erase)"),
            _(
                "“Erase All Content and Settings” destroys the keys of the iPhone's hardware "
                "encryption, so the data left on it cannot be read: “Purge” in NIST SP 800-88 "
                "Rev. 1, Appendix A, for Apple iOS devices."
            ),
        )
    if method == M.FACTORY_RESET:
        return WipeStandard(
            pgettext("NIST SP 800-88 level", "Clear"),
            _(
                "A factory data reset from the phone's settings menu: “Clear” in NIST SP 800-88 "
                "Rev. 1, Appendix A, for mobile devices."
            ),
        )
    if method == M.RECOVERY:
        return WipeStandard(
            pgettext("NIST SP 800-88 level", "Clear"),
            _(
                "A factory data reset from the phone's recovery menu, which erases the user data "
                "as the reset from the settings does: counted as “Clear” in NIST SP 800-88 Rev. "
                "1, no more."
            ),
        )
    if method == M.FLASH:
        return WipeStandard(
            pgettext("NIST SP 800-88 level", "none claimed"),
            _(
                "The firmware was written anew. NIST SP 800-88 does not name this as a "
                "sanitisation method, so this certificate claims no level for it; the accounts "
                "below were confirmed removed."
            ),
        )
    return WipeStandard(
        pgettext("NIST SP 800-88 level", "as stated in the tool's report"),
        _(
            "A dedicated erasure tool: the level (“Clear” or “Purge” in NIST SP 800-88 Rev. 1) is "
            "the one stated in the tool's own erasure report, kept at the hub with this phone's "
            "record."
        ),
    )


# Donors who are sent their phones' wipe certificate by email when their pledge's wiping is done
# (every donor can download it from their page, /cua-toi/).
CERTIFICATE_EMAIL_KINDS = {Donor.Kind.BUSINESS, Donor.Kind.COMMUNITY}
# A phone of the pledge in one of these is still to be wiped (the others are wiped or gone).
NOT_WIPED_YET = {S.PLEDGED, S.RECEIVED}


def _owe_wipe_certificate(device: Device) -> None:
    """When the last phone of a business's (or group's) pledge waiting to be wiped is wiped, the
    donor is owed their certificate by email (once for that set of phones)."""
    if device.pledge_id is None:
        return
    donor = Donor.objects.filter(pledges=device.pledge_id).only("kind", "email").first()
    if donor is None or donor.kind not in CERTIFICATE_EMAIL_KINDS or not donor.email:
        return
    phones = Device.objects.filter(pledge_id=device.pledge_id)
    if phones.filter(status__in=NOT_WIPED_YET).exists():
        return
    wiped = phones.filter(wipe_records__isnull=False).distinct().count()
    owe(
        "logistics.tasks.email_wipe_certificate",
        device.pledge_id,
        key=f"wipe-certificate:{device.pledge_id}:{wiped}",
    )


def wipe_record_create(
    *, device_id: int, method: str, accounts: dict[str, bool], notes: str = "", actor
) -> WipeRecord:
    """Record the wipe and move the phone to wiped. Every account that can lock the phone or
    leak its donor's identity must be confirmed removed, or the record is refused."""
    device = Device.objects.get(id=device_id)
    require_hub(actor, device.hub_id)
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
        device = lock_for_move(device.id, S.WIPED)
        record = WipeRecord.objects.create(
            device=device,
            method=method,
            accounts_removed={key: bool(value) for key, value in accounts.items()},
            notes=notes,
            operator=actor,
        )
        move_device(device, S.WIPED, actor, {"wipe_record": record.id})
        _owe_wipe_certificate(device)
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
    require_hub(actor, device.hub_id)
    refuse_if_promised(device)
    if not description.strip():
        message = _("Say what was repaired.")
        raise ApplicationError(message, code="invalid", fields={"description": [message]})
    if cost_vnd < 0:
        message = _("A cost cannot be negative.")
        raise ApplicationError(message, code="invalid", fields={"cost_vnd": [message]})
    with transaction.atomic():
        device = lock_for_move(device.id, S.REFURBISHING, again=True)
        refuse_if_promised(device)
        move_device(device, S.REFURBISHING, actor)  # already there: the door writes nothing
        record = RepairRecord.objects.create(
            device=device,
            description=description.strip(),
            parts=parts.strip(),
            cost_vnd=cost_vnd,
            booked_to_fund=bool(book_to_fund and cost_vnd),
            actor=actor,
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
    device = Device.objects.get(id=device_id)
    require_hub(actor, device.hub_id)
    refuse_if_promised(device)
    DEVICE.check_move(device.status, S.READY)  # before the input, as the form is then moot
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
        device = lock_for_move(device.id, S.READY)
        refuse_if_promised(device)
        record = QARecord.objects.create(
            device=device,
            checks={key: checks[key] for key in QA_CHECKS if key in checks},
            nfc=bool(nfc),
            battery_health=battery_health,
            setup={key: bool(setup.get(key)) for key in QA_SETUP},
            passed=not failures,
            failures=failures,
            notes=notes,
            actor=actor,
        )
        if sim:
            sim_record(device_id=device.id, **sim, actor=actor)
        if device.has_nfc != bool(nfc):
            device.has_nfc = bool(nfc)
            device.save(update_fields=["has_nfc", "updated_at"])
        if record.passed:
            move_device(device, S.READY, actor, {"qa_record": record.id})
        else:  # stays in refurbishing (the door writes nothing for a phone already there)
            evidence = {"qa_failed": record.id, "failures": failures}
            move_device(device, S.REFURBISHING, actor, evidence)
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
