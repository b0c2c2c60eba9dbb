"""Reads of the matching app, scoped through accounts.scoping: coordinators see the runs that
touch their hubs and, in them, the proposals of their hubs' phones; admins see all."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.scoping import filter_by_hub, scope_for
from core.errors import Forbidden, NotFound
from matching.models import MatchRun, Proposal
from places.models import Commune


def require_coordinator(user) -> None:
    if not scope_for(user).has_role(Role.COORDINATOR):
        raise Forbidden(
            _("Only coordinators and administrators work with matching runs."),
            code="not_coordinator",
        )


def match_runs_for_user(user) -> QuerySet[MatchRun]:
    scope = scope_for(user)
    runs = MatchRun.objects.select_related("created_by")
    if scope.is_admin:
        return runs
    if not scope.has_role(Role.COORDINATOR) or not scope.hubs:
        return runs.none()
    return runs.filter(
        id__in=MatchRun.hubs.through.objects.filter(hub_id__in=scope.hubs).values("matchrun_id")
    )


def match_run_get_for_user(user, run_id: int) -> MatchRun:
    require_coordinator(user)
    run = match_runs_for_user(user).filter(id=run_id).first()
    if run is None:
        raise NotFound(_("No such matching run among yours."))
    return run


def proposals_for_run(user, run: MatchRun) -> QuerySet[Proposal]:
    proposals = run.proposals.select_related("device", "household")
    return filter_by_hub(proposals, user, field="device__hub_id")


def proposal_get_for_user(user, proposal_id: int) -> Proposal:
    require_coordinator(user)
    proposal = (
        Proposal.objects.select_related("run", "device", "household")
        .filter(id=proposal_id, run__in=match_runs_for_user(user))
        .first()
    )
    if proposal is None:
        raise NotFound(_("No such proposal among your runs."))
    return proposal


def commune_names(codes) -> dict[str, str]:
    return dict(Commune.objects.filter(code__in=list(codes)).values_list("code", "name"))
