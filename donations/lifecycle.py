"""The device life cycle of DESIGN.md: one table of allowed moves and one door.

    pledged → received → wiped → refurbishing → ready → allocated → dispatched → delivered → followed_up
    side exits: rejected → recycled | returned_to_donor; lost; returned (by household) → received
    recovery: allocated → ready | refurbishing (an allocation released before delivery)

Moves that need evidence name the key their caller must pass (logistics creates the record, then
calls the door with its id): no `wiped` without a wipe record, no `ready` without a passing QA
record, no `delivered` without a handover record.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.lifecycle import Lifecycle
from core.outbox import owe
from donations.models import Device, DeviceEvent

S = Device.Status

ALLOWED: dict[str, set[str]] = {
    S.PLEDGED: {S.RECEIVED, S.CANCELLED, S.LOST},
    S.RECEIVED: {S.WIPED, S.REJECTED, S.LOST},
    S.WIPED: {S.REFURBISHING, S.READY, S.REJECTED, S.LOST},
    S.REFURBISHING: {S.READY, S.REJECTED, S.LOST},
    S.READY: {S.ALLOCATED, S.REFURBISHING, S.REJECTED, S.LOST},
    # back to ready when an allocation is released, or to refurbishing (a new QA) when the phone
    # failed or is to be checked again (logistics/services/recovery.py)
    S.ALLOCATED: {S.DISPATCHED, S.READY, S.REFURBISHING, S.LOST},
    S.DISPATCHED: {S.DELIVERED, S.ALLOCATED, S.LOST},  # back to allocated when a batch returns it
    S.DELIVERED: {S.FOLLOWED_UP, S.RETURNED, S.LOST},
    S.FOLLOWED_UP: {S.RETURNED},
    S.RETURNED: {S.RECEIVED},
    S.REJECTED: {S.RECYCLED, S.RETURNED_TO_DONOR},
    S.RECYCLED: set(),
    S.RETURNED_TO_DONOR: set(),
    S.LOST: set(),
    S.CANCELLED: set(),
}

DEVICE = Lifecycle(
    model=Device,
    event_model=DeviceEvent,
    subject="device",
    allowed=ALLOWED,
    refusal=_("A phone that is “%(now)s” cannot become “%(to)s”. Allowed next: %(allowed)s."),
    evidence_refusal=_("A phone can only become “%(to)s” with its %(evidence)s."),
    save_fields=("updated_at",),
)
# The evidence each move needs. logistics (which keeps the records) registers the checkers that
# prove the record is of this device (and, for QA, that it passed): see logistics/apps.py.
DEVICE.require(S.WIPED, "wipe_record")
DEVICE.require(S.READY, "qa_record")
DEVICE.require(S.DELIVERED, "handover")


# Groups of statuses for everything that counts phones (the public numbers, the dashboards):
# named once, here beside the table (tests/progress/test_one_definition.py holds them to it).
NOT_GIVEN = frozenset({S.CANCELLED})  # a cancelled pledge's phones were never given
READY_OR_ON_THE_WAY = frozenset({S.READY, S.ALLOCATED, S.DISPATCHED})  # checked, not handed over
ON_THE_WAY = frozenset({S.ALLOCATED, S.DISPATCHED})  # promised to a household, not handed over
WITH_A_HOUSEHOLD = frozenset({S.DELIVERED, S.FOLLOWED_UP})  # handed over and not come back
LOST = frozenset({S.LOST})


# The way a phone normally goes (being refurbished is a detour): the tracking page shows the
# steps still ahead of a phone on it, greyed. Off it (rejected, lost, cancelled…) nothing is ahead.
JOURNEY = (
    S.PLEDGED,
    S.RECEIVED,
    S.WIPED,
    S.READY,
    S.ALLOCATED,
    S.DISPATCHED,
    S.DELIVERED,
    S.FOLLOWED_UP,
)


def steps_ahead(status: str) -> list[str]:
    """The statuses of JOURNEY a phone in `status` has still to reach, in order."""
    if status == S.REFURBISHING:
        status = S.WIPED
    if status == S.RETURNED:  # back from a household: through the bench again
        return list(JOURNEY[JOURNEY.index(S.RECEIVED) : JOURNEY.index(S.DELIVERED) + 1])
    if status not in JOURNEY:
        return []
    return list(JOURNEY[JOURNEY.index(status) + 1 :])


# Moves the donor is told about by email (donations/emails.py), sent after the commit.
DONOR_MILESTONES = {S.RECEIVED, S.READY, S.DELIVERED, S.REJECTED, S.LOST}
# Told only the first time: a phone released or returned goes through intake and QA again, and
# its donor hears about it when it reaches its next household, not at every bench step.
ONCE_ONLY_MILESTONES = {S.RECEIVED, S.READY}


def allowed_moves(status: str) -> list[str]:
    return DEVICE.allowed_moves(status)


def may_move(status: str, to: str) -> bool:
    return DEVICE.may_move(status, to)


@transaction.atomic
def device_transition(
    *, device_id: int, to: str, actor, evidence: dict | None = None, reason: str = ""
) -> Device:
    """Move a device to `to`, or raise Conflict naming the allowed moves. A repeated move changes
    nothing. Writes one DeviceEvent per move, with the evidence as its data."""
    device = DEVICE.move(obj_id=device_id, to=to, actor=actor, evidence=evidence, reason=reason)
    event = device.last_event
    if event is not None and device.pledge_id and to in DONOR_MILESTONES:
        again = (
            to in ONCE_ONLY_MILESTONES
            and DeviceEvent.objects.filter(device_id=device.id, new_status=to)
            .exclude(id=event.id)
            .exists()
        )
        if not again:
            owe(
                "donations.tasks.email_device_milestone",
                event.id,
                key=f"device-milestone:{event.id}",
            )
    return device
