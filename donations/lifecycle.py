"""The device life cycle of DESIGN.md: one table of allowed moves and one door.

    pledged → received → wiped → refurbishing → ready → allocated → dispatched → delivered → followed_up
    side exits: rejected → recycled | returned_to_donor; lost; returned (by household) → received

Moves that need evidence name the key their caller must pass (logistics creates the record, then
calls the door with its id): no `wiped` without a wipe record, no `ready` without a passing QA
record, no `delivered` without a handover record.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import Conflict
from donations.models import Device, DeviceEvent

S = Device.Status

ALLOWED: dict[str, set[str]] = {
    S.PLEDGED: {S.RECEIVED, S.CANCELLED, S.LOST},
    S.RECEIVED: {S.WIPED, S.REJECTED, S.LOST},
    S.WIPED: {S.REFURBISHING, S.READY, S.REJECTED, S.LOST},
    S.REFURBISHING: {S.READY, S.REJECTED, S.LOST},
    S.READY: {S.ALLOCATED, S.REFURBISHING, S.REJECTED, S.LOST},
    S.ALLOCATED: {S.DISPATCHED, S.READY, S.LOST},  # back to ready when an allocation is released
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

REQUIRED_EVIDENCE: dict[str, str] = {
    S.WIPED: "wipe_record",
    S.READY: "qa_record",
    S.DELIVERED: "handover",
}


# Moves the donor is told about by email (donations/emails.py), sent after the commit.
DONOR_MILESTONES = {S.RECEIVED, S.READY, S.DELIVERED, S.REJECTED}


def allowed_moves(status: str) -> list[str]:
    return sorted(ALLOWED.get(status, set()))


@transaction.atomic
def device_transition(*, device_id: int, to: str, actor, evidence: dict | None = None) -> Device:
    """Move a device to `to`, or raise Conflict naming the allowed moves. A repeated move changes
    nothing. Writes one DeviceEvent per move, with the evidence as its data."""
    device = Device.objects.select_for_update().get(id=device_id)
    if device.status == to:
        return device
    allowed = ALLOWED.get(device.status, set())
    if to not in allowed:
        raise Conflict(
            _("A phone that is “%(now)s” cannot become “%(to)s”. Allowed next: %(allowed)s.")
            % {
                "now": S(device.status).label,
                "to": S(to).label if to in S.values else to,
                "allowed": ", ".join(str(S(a).label) for a in sorted(allowed)) or "—",
            },
            code="invalid_transition",
            fields={"allowed": sorted(allowed)},
        )
    evidence = dict(evidence or {})
    needed = REQUIRED_EVIDENCE.get(to)
    if needed and not evidence.get(needed):
        raise Conflict(
            _("A phone can only become “%(to)s” with its %(evidence)s.")
            % {"to": S(to).label, "evidence": needed.replace("_", " ")},
            code="evidence_missing",
        )
    event = DeviceEvent.objects.create(
        device=device, actor=actor, old_status=device.status, new_status=to, data=evidence
    )
    device.status = to
    device.save(update_fields=["status", "updated_at"])
    if device.pledge_id and to in DONOR_MILESTONES:
        from donations.tasks import email_device_milestone

        transaction.on_commit(lambda: email_device_milestone.delay(event.id))
    return device
