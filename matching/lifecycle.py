"""The life cycles of the matching app: a run's, through the one door (core.lifecycle), and a
proposal's, a table with one place that changes it.

    queued → running → proposed → approved | partially_approved | discarded
    running → failed;  partially_approved → approved | discarded
    queued → discarded;  running → discarded (only a stuck run: its worker's lease ran out)

Every run status change goes through `RUN` and writes one MatchRunEvent with from and to. A run
also records acts that leave its status as it was (rejecting one proposal of many): one event
row of its kind, with from == to. Progress updates while the engine works are not status moves
(matching.services saves them directly).

An allocation (an approved proposal): live → delivered → returned, or live → released, through
`ALLOCATION` (one AllocationEvent per move; logistics makes the moves after approval).

A proposal moves once: proposed → approved | rejected | superseded. It has no event table (a run
writes up to 100,000 proposals; approving them all would double that in event rows): the
proposal keeps who decided, when and why, and the run's event row records the act.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import Conflict
from core.lifecycle import Lifecycle
from matching.models import Allocation, AllocationEvent, MatchRun, MatchRunEvent, Proposal

S = MatchRun.Status
Kind = MatchRunEvent.Kind

ALLOWED: dict[str, set[str]] = {
    # A queued run may be discarded; a running one only once its worker is gone (the service
    # checks the lease), else it is failed by the sweep when its lease runs out.
    S.QUEUED: {S.RUNNING, S.DISCARDED},
    S.RUNNING: {S.PROPOSED, S.FAILED, S.DISCARDED},
    # Decisions settle the run by what its proposals became (matching.services).
    S.PROPOSED: {S.APPROVED, S.PARTIALLY_APPROVED, S.DISCARDED},
    S.PARTIALLY_APPROVED: {S.APPROVED, S.DISCARDED},
    **{end: set() for end in (S.APPROVED, S.DISCARDED, S.FAILED)},
}
REFUSAL = gettext_lazy("A run that is “%(now)s” cannot become “%(to)s”. Allowed next: %(allowed)s.")
RUN = Lifecycle(
    model=MatchRun, event_model=MatchRunEvent, subject="run", allowed=ALLOWED, refusal=REFUSAL
)


def run_created(run: MatchRun, *, actor, data: dict) -> MatchRunEvent:
    """The first event of a run: from nothing to queued."""
    return MatchRunEvent.objects.create(
        run=run, kind=Kind.CREATED, actor=actor, old_status="", new_status=run.status, data=data
    )


def run_transition(*, run_id: int, to: str, kind: str, also: dict | None = None, **act) -> MatchRun:
    """Move a run to `to` through RUN (row lock, table, 409 naming the allowed moves) and write
    its event row of `kind`; `act` is the event's actor, reason and data, `also` more fields of
    the run saved with its status. When `to` is the run's status already, the act is still
    recorded: one row of `kind` with from == to (and `also` is not applied). Returns the run,
    with `last_event` the row written."""
    run = RUN.move(obj_id=run_id, to=to, also=also, event_fields={"kind": kind}, **act)
    if run.last_event is None:
        act["data"] = act.get("data") or {}
        run.last_event = MatchRunEvent.objects.create(
            run=run, kind=kind, old_status=run.status, new_status=run.status, **act
        )
    return run


def require_open(run: MatchRun) -> None:
    """Proposals are decided (approved, rejected) only in an open run: else the 409 of the
    table (invalid_transition), with the run's allowed moves in `fields`."""
    if run.is_open:
        return
    if run.status == S.DISCARDED:
        message = _("This run was discarded: start a new one.")
    else:
        message = _("This run is “%(status)s”: nothing in it can be decided now.") % {
            "status": run.get_status_display()
        }
    raise Conflict(
        message, code="invalid_transition", fields={"allowed": RUN.allowed_moves(run.status)}
    )


# -- proposals -----------------------------------------------------------------------------------

P = Proposal.Status

PROPOSAL_ALLOWED: dict[str, set[str]] = {
    P.PROPOSED: {P.APPROVED, P.REJECTED, P.SUPERSEDED},
    P.APPROVED: set(),
    P.REJECTED: set(),
    P.SUPERSEDED: set(),
}


def proposal_may_move(status: str, to: str) -> bool:
    return to in PROPOSAL_ALLOWED.get(status, set())


def proposal_decide(proposal: Proposal, *, to: str, actor, reason: str = "", at=None) -> None:
    """Decide one proposal (its run is locked by the caller), or raise proposal_not_open."""
    if not proposal_may_move(proposal.status, to):
        raise Conflict(
            _("This proposal was already decided (%(status)s).")
            % {"status": proposal.get_status_display()},
            code="proposal_not_open",
        )
    proposal.status, proposal.reason = to, reason
    proposal.decided_by, proposal.decided_at = actor, at or timezone.now()
    proposal.save(update_fields=["status", "reason", "decided_by", "decided_at"])


def proposals_supersede(proposals: QuerySet[Proposal], *, actor, reason: str) -> int:
    """Supersede, in one update, every proposal of `proposals` that may still be decided."""
    open_statuses = [s for s, moves in PROPOSAL_ALLOWED.items() if P.SUPERSEDED in moves]
    return proposals.filter(status__in=open_statuses).update(
        status=P.SUPERSEDED, reason=reason, decided_by=actor, decided_at=timezone.now()
    )


# -- allocations ---------------------------------------------------------------------------------

A = Allocation.Status

ALLOCATION_ALLOWED: dict[str, set[str]] = {
    A.LIVE: {A.DELIVERED, A.RELEASED},  # handed over, or ended before delivery
    A.DELIVERED: {A.RETURNED},  # the phone came back from the household
    A.RELEASED: set(),
    A.RETURNED: set(),
}
ALLOCATION = Lifecycle(
    model=Allocation,
    event_model=AllocationEvent,
    subject="allocation",
    allowed=ALLOCATION_ALLOWED,
    refusal=gettext_lazy(
        "An allocation that is “%(now)s” cannot become “%(to)s”. Allowed next: %(allowed)s."
    ),
)


def allocation_created(allocation: Allocation, *, actor, data: dict | None = None):
    """The first event of an allocation: from nothing to live."""
    return AllocationEvent.objects.create(
        allocation=allocation,
        actor=actor,
        old_status="",
        new_status=allocation.status,
        data=data or {},
    )


def allocation_transition(
    *, allocation_id: int, to: str, actor, reason: str = "", data: dict | None = None, also=None
) -> Allocation:
    """Move an allocation through ALLOCATION (row lock, table, 409 naming the allowed moves, one
    AllocationEvent). `is_live` follows the status: true while it holds its phone and household."""
    also = {"is_live": to in Allocation.HOLDING, **(also or {})}
    return ALLOCATION.move(
        obj_id=allocation_id, to=to, actor=actor, reason=reason, data=data, also=also
    )
