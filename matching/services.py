"""Every write of the matching app: start a run, execute it, approve, reject, discard. A run's
status changes only through matching.lifecycle (one door, one event row per act); the progress
the engine reports while it works is saved here directly.

Approval goes through the device's door (donations.lifecycle.device_transition) and the
household's (households.lifecycle.household_transition) and creates the Allocation, one
savepoint per proposal: a proposal whose phone or household was taken meanwhile is skipped and
reported. The partial unique indexes on Allocation make a double allocation impossible even if
two approvals race; rows are locked devices-then-households in id order so they cannot deadlock.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from time import perf_counter

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scoping import scope_for
from core.errors import ApplicationError, Conflict, Forbidden
from core.outbox import owe
from donations.lifecycle import device_transition
from donations.models import Device
from households.lifecycle import household_transition
from households.models import Household
from matching.engine import solve
from matching.lifecycle import (
    RUN,
    allocation_created,
    proposal_decide,
    proposal_may_move,
    proposals_supersede,
    require_open,
    run_created,
    run_transition,
)
from matching.loading import policy_from_settings
from matching.models import Allocation, MatchRun, MatchRunEvent, Proposal
from matching.provinces import load_plan
from matching.selectors import match_run_get_for_user, proposal_get_for_user, require_coordinator
from places.models import Hub

log = logging.getLogger(__name__)

SEED_MAX = 2**63 - 1


def parse_seed(value) -> int | None:
    """The run's published lottery seed: a whole number from 0 to 2^63 − 1, or None (drawn)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        value = "x"
    try:
        seed = int(str(value).strip())
    except (TypeError, ValueError):
        seed = -1
    if not 0 <= seed <= SEED_MAX:
        raise ApplicationError(
            _("The seed must be a whole number from 0 to 9223372036854775807."),
            code="invalid_seed",
            fields={"seed": [_("Enter a whole number, or leave it empty to draw one.")]},
        )
    return seed


def match_run_create(
    *, actor, hub_ids: list[int] | None = None, seed=None, allow_transfer: bool = False
) -> MatchRun:
    """Record a run over the chosen hubs (default: all of the actor's; all hubs for an admin) and
    execute it as a Celery task. Returns the run (already executed in eager mode). Phones stay
    in their province unless `allow_transfer` (matching/provinces.py)."""
    require_coordinator(actor)
    scope = scope_for(actor)
    seed = parse_seed(seed)
    all_hubs = False
    if hub_ids:
        wanted = {int(h) for h in hub_ids}
        hubs = list(Hub.objects.filter(id__in=wanted, is_active=True))
        if len(hubs) != len(wanted):
            raise ApplicationError(
                _("Some of these hubs do not exist or are closed."),
                code="unknown_hub",
                fields={"hubs": [_("Choose open hubs.")]},
            )
        if not all(scope.covers_hub(h.id) for h in hubs):
            raise Forbidden(_("You can only run matching for your own hubs."), code="hub_not_yours")
    elif scope.is_admin:
        hubs = list(Hub.objects.filter(is_active=True))
        all_hubs = True
    else:
        hubs = list(Hub.objects.filter(id__in=scope.hubs, is_active=True))
    if seed is None:
        seed = secrets.randbelow(2**31)
    policy = dict(settings.MATCHING_POLICY)
    with transaction.atomic():
        run = MatchRun.objects.create(
            created_by=actor,
            all_hubs=all_hubs,
            allow_transfer=bool(allow_transfer),
            seed=seed,
            policy_version=str(policy.get("version", "")),
            policy=policy,
        )
        run.hubs.set(hubs)
        run_created(
            run,
            actor=actor,
            data={"hubs": sorted(h.id for h in hubs), "allow_transfer": run.allow_transfer},
        )
        if not settings.CELERY_TASK_ALWAYS_EAGER:
            # Queued through the outbox, written with the run: a broker that is down cannot turn
            # the created run into a 500, and the run is queued as soon as the broker is back.
            owe("matching.tasks.match_run_enqueue", run.id, key=f"match-run:{run.id}")
    if settings.CELERY_TASK_ALWAYS_EAGER:
        # Eager (embedded mode, tests): run now, so the caller gets the finished run back.
        from matching.tasks import match_run_execute_task

        match_run_execute_task.delay(run.id)
    run.refresh_from_db()
    return run


def _lease() -> datetime:
    return timezone.now() + timedelta(seconds=settings.MATCHING_RUN_LEASE_SECONDS)


def _progress(run: MatchRun, percent: int, note: str) -> None:
    """Save how far the engine is, and renew the worker's lease (not a status move: no event)."""
    run.progress, run.progress_note, run.lease_until = percent, note, _lease()
    run.save(update_fields=["progress", "progress_note", "lease_until"])


def _start(run_id: int) -> MatchRun | None:
    """queued → running with a lease; or take over a running run whose lease ran out (its worker
    died and the broker gave the task back); None when another worker holds the run or it is
    settled already (a redelivered task changes nothing then)."""
    with transaction.atomic():
        run = MatchRun.objects.select_for_update().get(id=run_id)
        starting = {
            "started_at": timezone.now(),
            "progress": 5,
            "progress_note": _("Loading phones and households"),
            "lease_until": _lease(),
        }
        if run.status == MatchRun.Status.QUEUED:
            return run_transition(
                run_id=run.id,
                to=MatchRun.Status.RUNNING,
                kind=MatchRunEvent.Kind.STARTED,
                actor=None,
                also=starting,
            )
        if not run.is_stuck:
            return None
        MatchRun.objects.filter(id=run.id).update(**starting)
        return run_transition(
            run_id=run.id,
            to=MatchRun.Status.RUNNING,
            kind=MatchRunEvent.Kind.STARTED,
            actor=None,
            data={"taken_over": True, "lease_ran_out": run.lease_until.isoformat()},
        )


def match_runs_expire() -> list[int]:
    """Fail every running run whose worker's lease ran out (with the reason), so no run stays
    "running" for ever; the runs failed."""
    failed = []
    stuck = MatchRun.objects.filter(
        status=MatchRun.Status.RUNNING, lease_until__lt=timezone.now()
    ).values_list("id", flat=True)
    for run_id in list(stuck):
        with transaction.atomic():
            run = MatchRun.objects.select_for_update().get(id=run_id)
            if not run.is_stuck:
                continue  # renewed or settled meanwhile
            reason = _("The worker running it stopped (no sign of life since %(at)s).") % {
                "at": timezone.localtime(run.lease_until).strftime("%H:%M:%S %d/%m/%Y")
            }
            run_transition(
                run_id=run.id,
                to=MatchRun.Status.FAILED,
                kind=MatchRunEvent.Kind.FAILED,
                actor=None,
                reason=reason,
                data={"error": "lease expired"},
                also={"message": reason, "finished_at": timezone.now(), "lease_until": None},
            )
            failed.append(run.id)
    return failed


def match_run_execute(*, run_id: int) -> MatchRun:
    """Load, solve, write the proposals. Each step saves its progress (committed at once in a
    worker) so the run page can show it. A retry of a run that already ran changes nothing."""
    run = _start(run_id)
    if run is None:
        return MatchRun.objects.get(id=run_id)
    try:
        started = perf_counter()
        hub_ids = sorted(run.hubs.values_list("id", flat=True))
        plan = load_plan(
            hub_ids=hub_ids,
            seed=run.seed,
            policy=policy_from_settings_of(run),
            allow_transfer=run.allow_transfer,
        )
        loaded = plan  # (its counts: devices, households)
        loaded_at = perf_counter()
        _progress(run, 35, _("Solving the min-cost flow"))
        result = plan.solve(solve)
        solved_at = perf_counter()
        _progress(run, 70, _("Writing the proposals"))
        with transaction.atomic():
            written = _write_proposals(run, result)
            timings = {
                "load": round(loaded_at - started, 3),
                "solve": round(solved_at - loaded_at, 3),
                "write": round(perf_counter() - solved_at, 3),
                "engine": result.timings,
            }
            run = run_transition(
                run_id=run.id,
                to=MatchRun.Status.PROPOSED,
                kind=MatchRunEvent.Kind.EXECUTED,
                actor=None,
                data={"proposals": written, "timings": timings},
                also={
                    **_outcome_fields(loaded, result, written, timings),
                    "provinces": plan.summary(result),
                    "lease_until": None,
                },
            )
    except Exception as error:
        log.exception("matching run %s failed", run.id)
        return run_transition(
            run_id=run.id,
            to=MatchRun.Status.FAILED,
            kind=MatchRunEvent.Kind.FAILED,
            actor=None,
            data={"error": str(error)},
            also={
                "message": _("The run failed: %(error)s") % {"error": error},
                "finished_at": timezone.now(),
                "lease_until": None,
            },
        )
    # The write includes the commit: PostgreSQL checks the deferred foreign keys there.
    run.timings["write"] = round(perf_counter() - solved_at, 3)
    run.save(update_fields=["timings"])
    return run


def _outcome_fields(loaded, result, written: int, timings: dict) -> dict:
    """The run's fields saved with its move to proposed: what the engine found."""
    return {
        "timings": timings,
        "statistics": {
            "devices": loaded.devices,
            "households": loaded.households,
            "unusable_devices": result.unusable_devices,
            "proposals": written,
            **result.stats,
        },
        "coverage": result.coverage,
        "objective": result.objective,
        "proposals_count": written,
        "unmatched_devices": result.unmatched_devices + result.unusable_devices,
        "unmatched_households": result.unmatched_households,
        "progress": 100,
        "progress_note": "",
        "finished_at": timezone.now(),
        "message": _empty_message(loaded.devices, loaded.households, written),
    }


def policy_from_settings_of(run: MatchRun):
    from matching.engine import Policy

    return Policy.from_dict(run.policy) if run.policy else policy_from_settings()


def _empty_message(devices: int, households: int, proposals: int) -> str:
    if devices == 0 and households == 0:
        return _("Nothing to match: no ready phones and no verified households at these hubs.")
    if devices == 0:
        return _("Nothing to match: no ready, unallocated phones at these hubs.")
    if households == 0:
        return _(
            "Nothing to match: no verified households waiting in the communes these hubs serve."
        )
    if proposals == 0:
        return _("No pair fits the rules (school phones, donors' communes, reachable hubs).")
    return ""


def _write_proposals(run: MatchRun, result) -> int:
    if not len(result):
        return 0
    if connection.vendor == "postgresql":
        # COPY, with the text built in bulk: 100,000 proposals in about a second.
        scores, explanations = result.scores_and_explanations_json()
        lines = [
            f"{run.id}\t{device}\t{household}\t{score!r}\t{explanation}\tproposed\t\n"
            for device, household, score, explanation in zip(
                result.device_ids.tolist(),
                result.household_ids.tolist(),
                scores,
                explanations,
                strict=True,
            )
        ]
        columns = "(run_id, device_id, household_id, score, explanation, status, reason)"
        with (
            connection.cursor() as cursor,
            cursor.copy(f"COPY {Proposal._meta.db_table} {columns} FROM STDIN") as copy,
        ):
            for start in range(0, len(lines), 20000):
                copy.write("".join(lines[start : start + 20000]))
    else:
        Proposal.objects.bulk_create(
            (
                Proposal(
                    run=run,
                    device_id=pair.device,
                    household_id=pair.household,
                    score=pair.score,
                    explanation=[row["points"] for row in pair.explanation],
                )
                for pair in result.pairs()
            ),
            batch_size=2000,
        )
    return len(result)


@dataclass
class Approval:
    run: MatchRun
    approved: list[int] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)


def _settled_status(run: MatchRun) -> str:
    """What a run's decisions make it: approved (all), partly approved (some), discarded (none
    approved, none left to decide), else still proposed."""
    counts = {s: 0 for s in Proposal.Status.values}
    for row in run.proposals.order_by().values("status").annotate(n=Count("id")):
        counts[row["status"]] = row["n"]
    total = sum(counts.values())
    approved, waiting = counts["approved"], counts["proposed"]
    if total and approved == total:
        return MatchRun.Status.APPROVED
    if approved:
        return MatchRun.Status.PARTIALLY_APPROVED
    if total and not waiting:
        return MatchRun.Status.DISCARDED
    return MatchRun.Status.PROPOSED


def match_run_approve(*, run_id: int, proposal_ids: list[int] | None = None, actor) -> Approval:
    """Allocate the chosen proposals (all open ones when `proposal_ids` is None).

    One function (over 80 lines) on purpose: every check and write happens under the run's row
    lock in one transaction: which proposals, the phone's and the household's doors, the
    allocation, the skipped ones named with their reason, and the run's settled status."""
    visible = match_run_get_for_user(actor, run_id)
    scope = scope_for(actor)
    with transaction.atomic():
        run = MatchRun.objects.select_for_update().get(id=visible.id)
        require_open(run)
        proposals_qs = run.proposals.select_related("device")
        if proposal_ids is None:
            proposals = list(proposals_qs.filter(status=Proposal.Status.PROPOSED))
        else:
            wanted = {int(p) for p in proposal_ids}
            proposals = list(proposals_qs.filter(id__in=wanted))
            if len(proposals) != len(wanted):
                raise ApplicationError(
                    _("Some of these proposals are not part of this run."),
                    code="unknown_proposal",
                    fields={"proposals": [_("Choose proposals of this run.")]},
                )
            decided = [
                p.id for p in proposals if not proposal_may_move(p.status, Proposal.Status.APPROVED)
            ]
            if decided:
                raise Conflict(
                    _("Proposals %(ids)s were already decided.")
                    % {"ids": ", ".join(str(i) for i in sorted(decided))},
                    code="proposal_not_open",
                    fields={"proposals": [str(i) for i in sorted(decided)]},
                )
        foreign = [p.id for p in proposals if not scope.covers_hub(p.device.hub_id)]
        if foreign:
            raise Forbidden(
                _("Proposals %(ids)s are for phones at a hub that is not yours.")
                % {"ids": ", ".join(str(i) for i in sorted(foreign))},
                code="hub_not_yours",
            )
        # Lock devices, then households, each in id order: concurrent approvals cannot deadlock.
        device_status = dict(
            Device.objects.select_for_update()
            .filter(id__in=[p.device_id for p in proposals])
            .order_by("id")
            .values_list("id", "status")
        )
        household_status = dict(
            Household.objects.select_for_update()
            .filter(id__in=[p.household_id for p in proposals])
            .order_by("id")
            .values_list("id", "status")
        )
        outcome = Approval(run=run)
        now = timezone.now()
        for proposal in sorted(proposals, key=lambda p: (-p.score, p.id)):
            reason = ""
            if device_status.get(proposal.device_id) != Device.Status.READY:
                reason = _("The phone is no longer free.")
            elif household_status.get(proposal.household_id) != Household.Status.VERIFIED:
                reason = _("The household is no longer waiting.")
            else:
                try:
                    with transaction.atomic():
                        evidence = {"match_run": run.id, "proposal": proposal.id}
                        device_transition(
                            device_id=proposal.device_id,
                            to="allocated",
                            actor=actor,
                            evidence=evidence,
                        )
                        household_transition(
                            household_id=proposal.household_id,
                            to="allocated",
                            actor=actor,
                            reason=_("Matching run #%(run)s approved") % {"run": run.id},
                            data=evidence,
                        )
                        allocation = Allocation.objects.create(
                            device_id=proposal.device_id,
                            household_id=proposal.household_id,
                            approved_by=actor,
                            proposal=proposal,
                        )
                        allocation_created(allocation, actor=actor, data=evidence)
                except IntegrityError:
                    reason = _("The phone or the household was allocated by another approval.")
                except Conflict as error:
                    reason = error.message
            if reason:
                to = Proposal.Status.SUPERSEDED
                outcome.skipped.append({"proposal": proposal.id, "reason": reason})
            else:
                to = Proposal.Status.APPROVED
                device_status[proposal.device_id] = Device.Status.ALLOCATED
                household_status[proposal.household_id] = Household.Status.ALLOCATED
                outcome.approved.append(proposal.id)
            proposal_decide(proposal, to=to, actor=actor, reason=reason, at=now)
        outcome.run = run_transition(
            run_id=run.id,
            to=_settled_status(run),
            kind=MatchRunEvent.Kind.APPROVED,
            actor=actor,
            data={"approved": outcome.approved, "skipped": outcome.skipped},
        )
    return outcome


def proposal_reject(*, proposal_id: int, reason: str, actor) -> Proposal:
    visible = proposal_get_for_user(actor, proposal_id)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(
            _("Say why this proposal is rejected."),
            code="reason_required",
            fields={"reason": [_("This field is required.")]},
        )
    if not scope_for(actor).covers_hub(visible.device.hub_id):
        raise Forbidden(_("This phone is at a hub that is not yours."), code="hub_not_yours")
    with transaction.atomic():
        run = MatchRun.objects.select_for_update().get(id=visible.run_id)
        require_open(run)
        proposal = Proposal.objects.select_for_update().get(id=visible.id)
        proposal_decide(proposal, to=Proposal.Status.REJECTED, actor=actor, reason=reason)
        run_transition(
            run_id=run.id,
            to=_settled_status(run),
            kind=MatchRunEvent.Kind.REJECTED,
            actor=actor,
            data={"proposal": proposal.id, "reason": reason},
        )
    return proposal


def match_run_discard(*, run_id: int, actor, reason: str = "") -> MatchRun:
    """Close a run: its open proposals are superseded; approved allocations stay. Discarding a
    discarded run again changes nothing."""
    visible = match_run_get_for_user(actor, run_id)
    with transaction.atomic():
        run = MatchRun.objects.select_for_update().get(id=visible.id)
        if run.status == MatchRun.Status.DISCARDED:
            return run
        RUN.check_move(run.status, MatchRun.Status.DISCARDED)
        if run.status == MatchRun.Status.RUNNING and not run.is_stuck:
            raise Conflict(
                _("This run is still working: wait for its proposals, then discard them."),
                code="run_working",
            )
        note = reason.strip() or _("The run was discarded.")
        proposals_supersede(run.proposals.all(), actor=actor, reason=note)
        return run_transition(
            run_id=run.id,
            to=MatchRun.Status.DISCARDED,
            kind=MatchRunEvent.Kind.DISCARDED,
            actor=actor,
            reason=reason.strip(),
            data={"reason": reason},
        )
