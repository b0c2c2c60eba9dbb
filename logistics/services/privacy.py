"""A household's personal data kept by logistics, erased with the household (issue 14, Law
91/2025's right to erasure). households.services.privacy calls these through the hooks
`register` puts in place at start (LogisticsConfig.ready), inside its own transaction.

Erasing a household empties, on each of its handovers: who received the phone, their CCCD
digits, the SIM number, the story, the place as typed (the commune's name stays), the reason
given for a CCCD mismatch, and deletes the photo and the drawn signature from storage; its
follow-ups, tickets, returns, allocations and loss reports, and the phones' events keep their
text without the names; the donors' outcomes of
the phones it holds lose their story and photo. The receipt PDF is drawn from these rows each
time it is fetched, so a receipt fetched afterwards names nobody (logistics/documents.py). What
stays says only that a phone reached a household of the commune, when, and who recorded it."""

from __future__ import annotations

from django.db.models import Exists, OuterRef

from core.media import erase_file
from core.text import redact
from donations.models import DeviceEvent
from donations.services.outcomes import device_outcomes_withdraw
from households.models import Household, HouseholdEvent
from logistics.models import (
    FollowUp,
    Handover,
    HandoverConflict,
    HandoverReturn,
    LossReport,
    SimCard,
    Ticket,
    TicketEvent,
)
from matching.models import Allocation, AllocationEvent


def latest_handovers_of(household: Household):
    """The household's handovers that are the latest of their phone: the phones whose outcome
    (what the donor sees) tells of this household."""
    later = Handover.objects.filter(device_id=OuterRef("device_id"), id__gt=OuterRef("id"))
    return Handover.objects.filter(household=household).exclude(Exists(later))


def household_erase(household: Household, *, actor, names: list[str]) -> None:
    """Erase what logistics holds about `household` (see the module's docstring). `names` gets
    the recipients' names, for the erasers that run after this one."""
    handovers = list(
        Handover.objects.select_for_update().filter(household=household).order_by("id")
    )
    names.extend(h.received_by for h in handovers if h.received_by)
    latest = set(latest_handovers_of(household).values_list("id", flat=True))
    commune = household.commune.name
    for handover in handovers:
        iccid = handover.sim_iccid
        handover.sim_phone = ""
        handover.received_by = ""
        handover.recipient_cccd_last4 = ""
        handover.cccd_override_reason = ""
        handover.sim_iccid = ""
        handover.story = ""
        handover.place = commune
        erase_file(handover.photo)
        erase_file(handover.signature)
        handover.save(
            update_fields=[
                "received_by",
                "recipient_cccd_last4",
                "cccd_override_reason",
                "sim_iccid",
                "sim_phone",
                "story",
                "place",
                "photo",
                "signature",
            ]
        )
        if iccid and handover.id in latest:  # the SIM given to the household is its own
            SimCard.objects.filter(device_id=handover.device_id, iccid=iccid).update(iccid="")
    for follow_up in FollowUp.objects.filter(handover__in=handovers):
        follow_up.problems = redact(follow_up.problems, names)
        follow_up.notes = redact(follow_up.notes, names)
        follow_up.save(update_fields=["problems", "notes"])
    _redact_device_events(handovers, names)
    _redact_recovery(household, handovers, names)
    _erase_conflicts(household, names)
    held = Handover.objects.filter(id__in=latest).values_list("device_id", flat=True)
    device_outcomes_withdraw(device_ids=list(held), story=True, photo=True)


def _erase_conflicts(household: Household, names: list[str]) -> None:
    """Field records kept for the hub (HandoverConflict): the record keeps only what says what
    happened (its phone, time, the server's answer), the signature file goes."""
    for conflict in HandoverConflict.objects.select_for_update().filter(household=household):
        record = conflict.record or {}
        if record.get("received_by"):
            names.append(str(record["received_by"]))
        kept = {k: v for k, v in record.items() if k in CONFLICT_RECORD_KEPT}
        conflict.record = kept
        conflict.message = redact(conflict.message, names)
        conflict.settled_note = redact(conflict.settled_note, names)
        erase_file(conflict.signature)
        conflict.save(update_fields=["record", "message", "settled_note", "signature"])


# What a kept field record keeps once its household is erased: nothing about a person.
CONFLICT_RECORD_KEPT = frozenset({"client_id", "device", "household", "batch", "recorded_at"})


def _redact_device_events(handovers: list[Handover], names: list[str]) -> None:
    """The phones' (and the household's) events of these handovers and their follow-ups: the
    names leave the reason and the data, and a CCCD mismatch keeps only the fact that it was
    overridden."""
    handover_ids = {h.id for h in handovers}
    follow_up_ids = set(
        FollowUp.objects.filter(handover__in=handovers).values_list("id", flat=True)
    )
    events = [
        *DeviceEvent.objects.filter(device_id__in={h.device_id for h in handovers}),
        *HouseholdEvent.objects.filter(household_id__in={h.household_id for h in handovers}),
    ]
    for event in events:
        data = event.data or {}
        if data.get("handover") not in handover_ids and data.get("follow_up") not in follow_up_ids:
            continue
        clean = redact(data, names)
        if clean.get("cccd_override"):
            clean["cccd_override"] = True  # the fact stays, the reason (about a person) goes
        reason = redact(event.reason, names)
        if (clean, reason) != (data, event.reason):
            event.data, event.reason = clean, reason
            event.save(update_fields=["data", "reason"])


def _redact_recovery(household: Household, handovers: list[Handover], names: list[str]) -> None:
    """Issue 14's texts about the household lose its names: its tickets (description,
    resolution, their events), the notes on a phone's return, the notes and events of its
    allocations, and the loss reports of phones promised to it."""

    def clean(rows, *fields):
        for row in rows:
            changed = [f for f in fields if redact(getattr(row, f), names) != getattr(row, f)]
            for field in changed:
                setattr(row, field, redact(getattr(row, field), names))
            if changed:
                row.save(update_fields=changed)

    tickets = list(Ticket.objects.filter(handover__in=handovers))
    clean(tickets, "description", "resolution")
    clean(TicketEvent.objects.filter(ticket__in=tickets), "reason", "data")
    clean(HandoverReturn.objects.filter(handover__in=handovers), "notes")
    allocations = list(Allocation.objects.filter(household=household))
    clean(allocations, "release_reason")
    clean(AllocationEvent.objects.filter(allocation__in=allocations), "reason", "data")
    clean(LossReport.objects.filter(allocation__in=allocations), "reason", "last_seen")


def household_consent_withdrawn(household: Household, *, actor, story: bool, photo: bool) -> None:
    """The household no longer lets its story and/or photo be shared: they leave its handovers
    and, at once, the outcomes its donors see (the photo files are deleted from storage)."""
    for handover in Handover.objects.select_for_update().filter(household=household):
        fields = []
        if story and handover.story:
            handover.story = ""
            fields.append("story")
        if photo and erase_file(handover.photo):
            fields.append("photo")
        if fields:
            handover.save(update_fields=fields)
    held = latest_handovers_of(household).values_list("device_id", flat=True)
    device_outcomes_withdraw(device_ids=list(held), story=story, photo=photo)


def register() -> None:
    """Called by LogisticsConfig.ready: households' erasure and consent reach logistics."""
    from households.services.privacy import register_consent_listener, register_eraser

    register_eraser("logistics", household_erase)
    register_consent_listener("logistics", household_consent_withdrawn)
