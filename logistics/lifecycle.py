"""The doors of logistics.

- A ticket about a delivered phone: open → assigned → resolved (or open → resolved), through
  `TICKET` (logistics/services/tickets.py).
- A delivery batch: planned → dispatched → completed, through `BATCH` (one event row per move,
  with its actor; "completed" is the move of whoever closed the last item: handed over or
  returned; a planned batch whose every phone was taken back completes without leaving).
- The device's evidence: the device's own door (donations.lifecycle.DEVICE) declares that wiped,
  ready and delivered need a record; logistics keeps those records, so it registers the checkers
  that prove the record is of that device (and, for QA, that it passed). `register_evidence_checks`
  runs from LogisticsConfig.ready().

A batch item's outcome (pending → handed over | returned) has no door of its own: it changes once,
from pending, in the same transaction as the device's move (delivered, or back to allocated), and
that device event is its record (who, when, which batch).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.lifecycle import Lifecycle
from donations.lifecycle import DEVICE
from donations.models import Device
from logistics.models import (
    DeliveryBatch,
    DeliveryBatchEvent,
    Handover,
    QARecord,
    Ticket,
    TicketEvent,
    WipeRecord,
)

B = DeliveryBatch.Status

BATCH_ALLOWED: dict[str, set[str]] = {
    B.PLANNED: {B.DISPATCHED, B.COMPLETED},  # completed: every phone taken off before it left
    B.DISPATCHED: {B.COMPLETED},
    B.COMPLETED: set(),
}

BATCH = Lifecycle(
    model=DeliveryBatch,
    event_model=DeliveryBatchEvent,
    subject="batch",
    allowed=BATCH_ALLOWED,
    refusal=_("A batch that is “%(now)s” cannot become “%(to)s”. Allowed next: %(allowed)s."),
)


T = Ticket.Status

TICKET_ALLOWED: dict[str, set[str]] = {
    T.OPEN: {T.ASSIGNED, T.RESOLVED},
    T.ASSIGNED: {T.RESOLVED},  # assigning to another owner is an act with from == to
    T.RESOLVED: set(),
}

TICKET = Lifecycle(
    model=Ticket,
    event_model=TicketEvent,
    subject="ticket",
    allowed=TICKET_ALLOWED,
    refusal=_("A ticket that is “%(now)s” cannot become “%(to)s”. Allowed next: %(allowed)s."),
)


# --- the device's evidence, checked --------------------------------------------------------


def _record_id(value) -> int | None:
    """The id a caller passed as evidence, or None when it is not an id at all ("demo", 1.5)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def wipe_record_of(device: Device, value) -> bool:
    """A wipe record of this phone."""
    record_id = _record_id(value)
    return record_id is not None and (
        WipeRecord.objects.filter(id=record_id, device_id=device.id).exists()
    )


def passing_qa_record_of(device: Device, value) -> bool:
    """A QA record of this phone that passed every check."""
    record_id = _record_id(value)
    return record_id is not None and (
        QARecord.objects.filter(id=record_id, device_id=device.id, passed=True).exists()
    )


def handover_of(device: Device, value) -> bool:
    """A handover of this phone."""
    record_id = _record_id(value)
    return record_id is not None and (
        Handover.objects.filter(id=record_id, device_id=device.id).exists()
    )


def register_evidence_checks() -> None:
    S = Device.Status
    DEVICE.require(S.WIPED, "wipe_record", check=wipe_record_of)
    DEVICE.require(S.READY, "qa_record", check=passing_qa_record_of)
    DEVICE.require(S.DELIVERED, "handover", check=handover_of)
