"""Consent and the data-subject requests: recording consent, withdrawing it, anonymising a
household on request and exporting everything held about it (right of access). The erasing acts
cannot be undone, so each keeps the request it answers in its event row.

Erasure is complete: the apps above this one keep personal data of a household too (logistics:
its handovers, their photos, signatures and SIM numbers, the outcomes shown to donors; messages
sent to it). Households may not import them, so each registers at start (its AppConfig.ready)
an eraser, called by `household_anonymise` and `household_withdraw_consent` inside their
transaction with the names to erase, and a consent listener, called when the household withdraws
its consent to share its story or photo (they leave the donor's view at once)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ApplicationError, Conflict
from core.text import nfc, redact
from households.fields import FACT_NAMES
from households.lifecycle import household_transition
from households.models import ConsentRecord, Household, HouseholdAccess, HouseholdEvent
from households.services.shared import (
    DECIDING_ROLES,
    NOMINATING_ROLES,
    S,
    locked_household,
    raise_field_errors,
    record_act,
    require_role,
)
from households.validation import check_consent

# name → eraser(household, *, actor, names): erases what its app holds about the household; `names`
# are the household's names as recorded (its head's; the eraser adds those it finds, such as a
# handover's recipient), for the free text it keeps (REDACTED in their place).
ERASERS: dict[str, Callable[..., None]] = {}
# name → listener(household, *, actor, story: bool, photo: bool): the household withdrew its
# consent to share its story (story=True) and/or its photo (photo=True).
CONSENT_LISTENERS: dict[str, Callable[..., None]] = {}


def register_eraser(name: str, eraser: Callable[..., None]) -> None:
    ERASERS[name] = eraser


def register_consent_listener(name: str, listener: Callable[..., None]) -> None:
    CONSENT_LISTENERS[name] = listener


def record_consent(household: Household, actor, consent: dict, *, withdrawn=False):
    withdrawn_story = household.consent_share_story and not consent["share_story"]
    withdrawn_photo = household.consent_share_photo and not consent["share_photo"]
    record = ConsentRecord.objects.create(
        household=household,
        processing=consent["processing"],
        share_story=consent["share_story"],
        share_photo=consent["share_photo"],
        method=consent["method"],
        witness_name=consent.get("witness_name", ""),
        withdrawn=withdrawn,
        recorded_by=actor,
    )
    household.consent_processing = consent["processing"]
    household.consent_share_story = consent["share_story"]
    household.consent_share_photo = consent["share_photo"]
    household.save(
        update_fields=[
            "consent_processing",
            "consent_share_story",
            "consent_share_photo",
            "updated_at",
        ]
    )
    record_act(
        household,
        actor,
        HouseholdEvent.Kind.CONSENT,
        data={
            "processing": record.processing,
            "share_story": record.share_story,
            "share_photo": record.share_photo,
            "method": record.method,
            "withdrawn": withdrawn,
        },
    )
    if withdrawn_story or withdrawn_photo:
        for listener in CONSENT_LISTENERS.values():
            listener(household, actor=actor, story=withdrawn_story, photo=withdrawn_photo)
    return record


@transaction.atomic
def household_record_consent(
    *,
    household_id: int,
    actor,
    processing,
    share_story=False,
    share_photo=False,
    method="",
    witness_name="",
) -> ConsentRecord:
    household = locked_household(household_id)
    require_role(actor, household, NOMINATING_ROLES)
    if household.is_anonymised or household.status == S.INACTIVE:
        raise Conflict(_("This household is no longer on the list."), code="inactive")
    consent = {
        "processing": processing,
        "share_story": share_story,
        "share_photo": share_photo,
        "method": method or None,
        "witness_name": witness_name,
    }
    clean, errors = check_consent(consent)
    raise_field_errors(errors)
    if clean is None or not clean["processing"]:
        raise ApplicationError(
            _("To withdraw consent to processing, use “Withdraw consent”: it removes the data."),
            code="use_withdraw",
            fields={"consent": [_("Consent to processing is needed to keep a household listed.")]},
        )
    return record_consent(household, actor, clean)


def _scrub(household: Household, actor, reason: str) -> None:
    """Erase the household's personal data here and, through the registered erasers, in every
    app above (handovers, receipts, outcomes, messages); the free text kept (event reasons,
    follow-up notes) loses the names."""
    names = [household.head_name]
    for eraser in ERASERS.values():
        eraser(household, actor=actor, names=names)
    for event in household.events.all():
        clean_reason, clean_data = redact(event.reason, names), redact(event.data, names)
        if (clean_reason, clean_data) != (event.reason, event.data):
            event.reason, event.data = clean_reason, clean_data
            event.save(update_fields=["reason", "data"])
    for access in household.accesses.exclude(data={}):
        clean_data = redact(access.data, names)
        if clean_data != access.data:
            access.data = clean_data
            access.save(update_fields=["data"])
    household.head_name = ""
    household.cccd_hash = None
    household.cccd_last4 = ""
    household.village = None
    household.need = ""
    household.poverty_certificate_no = ""
    household.consent_processing = False
    household.consent_share_story = False
    household.consent_share_photo = False
    household.anonymised_at = timezone.now()
    household.save()
    household.consents.update(witness_name="")
    record_act(household, actor, HouseholdEvent.Kind.ANONYMISED, reason=redact(reason, names))


@transaction.atomic
def household_anonymise(*, household_id: int, actor, reason: str) -> Household:
    """A data-subject deletion request: name, CCCD hash and last digits, village, need text and
    certificate number go, and so does what the apps above keep (the registered ERASERS: the
    handovers' recipient, CCCD digits, photo, signature, SIM number and story, the donor's outcome
    story and photo, messages); counts, commune, priority and history stay (the statistics remain).
    A household still waiting for a phone leaves the list (inactive); one that holds or received
    a phone keeps its status, so the phone's journey stays whole. It cannot be undone, so the
    request it answers (when and how the household asked) is required and kept in the event."""
    household = locked_household(household_id)
    require_role(actor, household, NOMINATING_ROLES + DECIDING_ROLES)
    reason = nfc(reason or "").strip()
    if not reason:
        message = _("Describe the household's request.")
        raise ApplicationError(message, code="reason_required", fields={"reason": [message]})
    if household.is_anonymised:
        return household
    if household.status not in (S.ALLOCATED, S.SERVED, S.INACTIVE):
        household = household_transition(
            household_id=household.id,
            to=S.INACTIVE,
            actor=actor,
            reason=reason,
        )
    _scrub(household, actor, reason)
    return household


@transaction.atomic
def household_withdraw_consent(
    *,
    household_id: int,
    actor,
    method: str,
    witness_name: str = "",
) -> Household:
    """The household withdraws consent to processing: it leaves the list and is anonymised. It
    cannot be undone, so how the withdrawal was given (method, witness) is required, as for
    consent itself."""
    household = locked_household(household_id)
    require_role(actor, household, NOMINATING_ROLES)
    if method not in ConsentRecord.Method.values:  # no default: it is recorded as given
        raise_field_errors(
            {
                "method": _(
                    "Choose how consent was given: signed paper form, thumbprint or before a "
                    "witness."
                )
            }
        )
    if household.is_anonymised:
        return household
    _clean, errors = check_consent(
        {"processing": True, "method": method, "witness_name": witness_name}
    )
    raise_field_errors(errors)
    record_consent(
        household,
        actor,
        {
            "processing": False,
            "share_story": False,
            "share_photo": False,
            "method": method,
            "witness_name": witness_name,
        },
        withdrawn=True,
    )
    if household.status != S.INACTIVE:
        household = household_transition(
            household_id=household.id,
            to=S.INACTIVE,
            actor=actor,
            reason=_("Consent withdrawn"),
        )
    _scrub(household, actor, _("Consent withdrawn"))
    return household


# Export key → attribute, for the consent records and the events of a household.
CONSENT_EXPORT = {
    key: key
    for key in (
        "processing",
        "share_story",
        "share_photo",
        "method",
        "witness_name",
        "withdrawn",
        "recorded_at",
    )
}
EVENT_EXPORT = {
    "kind": "kind",
    "from": "old_status",
    "to": "new_status",
    "reason": "reason",
    "at": "at",
}


def _exported(row, keys: dict[str, str]) -> dict:
    """The attributes of `row` under their export keys; times in local time, ISO 8601."""
    out = {}
    for key, attribute in keys.items():
        value = getattr(row, attribute)
        out[key] = timezone.localtime(value).isoformat() if isinstance(value, datetime) else value
    return out


def _facts(household: Household) -> dict:
    """The household's facts (households/fields.py), the CCCD as the last 4 digits we keep."""
    facts = {}
    for name in FACT_NAMES:
        if name == "cccd":
            facts["cccd_last4"] = household.cccd_last4
            facts["cccd_note"] = str(
                _(
                    "The full citizen ID number is not stored: only a keyed hash and its last 4 "
                    "digits."
                )
            )
        else:
            facts[name] = getattr(household, name)
    return facts


@transaction.atomic
def household_export_personal_data(*, household_id: int, actor) -> dict:
    """Everything we hold about one household, for its right of access (JSON). The export
    itself is logged."""
    household = locked_household(household_id)
    require_role(actor, household, NOMINATING_ROLES + DECIDING_ROLES)
    household = (
        Household.objects.select_related("commune", "village", "created_by")
        .prefetch_related("consents", "events")
        .get(id=household.id)
    )
    local = timezone.localtime
    data = {
        "id": household.id,
        "exported_at": local().isoformat(),
        "commune": {"code": household.commune_id, "name": household.commune.name},
        "village": household.village.name if household.village else None,
        **_facts(household),
        "status": household.status,
        "priority": household.priority,
        "nominated_by": household.created_by.get_full_name(),
        "created_at": local(household.created_at).isoformat(),
        "anonymised_at": local(household.anonymised_at).isoformat()
        if household.anonymised_at
        else None,
        "consents": [_exported(c, CONSENT_EXPORT) for c in household.consents.all()],
        "events": [_exported(e, EVENT_EXPORT) for e in household.events.all()],
    }
    record_act(household, actor, HouseholdEvent.Kind.EXPORTED)
    accesses_record(
        actor=actor, household_ids=[household.id], channel=HouseholdAccess.Channel.PERSONAL_DATA
    )
    return data


def accesses_record(*, actor, household_ids, channel: str, data: dict | None = None) -> int:
    """Log that `actor` read these households' personal data (one row each, one query)."""
    rows = [
        HouseholdAccess(actor=actor, household_id=hid, channel=channel, data=data or {})
        for hid in household_ids
    ]
    HouseholdAccess.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
