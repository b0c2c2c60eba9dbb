"""Coordinator pages: the runs, starting one, a run with its coverage chart and proposals,
approving all or some, rejecting with a reason. Work without JavaScript: the run page refreshes
itself (meta refresh) while the engine works; with it, a small script polls run_progress and
updates the page in place."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.scoping import scope_for
from core.errors import ApplicationError, Forbidden, NotFound, apply_to_form
from matching import selectors, services
from matching.forms import RejectForm, RunForm
from places.models import Hub

FACTORS = {
    "priority": gettext_lazy("Priority"),
    "fit": gettext_lazy("Fit to the need"),
    "donor_preference": gettext_lazy("Donor's commune preference"),
    "transfer": gettext_lazy("Transfer between hubs"),
    "fairness": gettext_lazy("Fairness floor of the commune"),
}
NEEDS = {
    "student": gettext_lazy("Student"),
    "disability": gettext_lazy("Disability"),
    "elderly": gettext_lazy("Elderly"),
    "general": gettext_lazy("General"),
}


def _guard(call):
    """Run a selector or service call, turning its refusals into page responses."""
    try:
        return call()
    except Forbidden as error:
        raise PermissionDenied(error.message) from error
    except NotFound as error:
        raise Http404(error.message) from error


def _coordinator(request) -> None:
    _guard(lambda: selectors.require_coordinator(request.user))


@login_required
def run_list(request):
    _coordinator(request)
    runs = selectors.match_runs_for_user(request.user)
    page = Paginator(runs, 20).get_page(request.GET.get("page"))
    return render(request, "matching/run_list.html", {"page": page})


@login_required
def run_start(request):
    _coordinator(request)
    scope = scope_for(request.user)
    hubs = Hub.objects.filter(is_active=True)
    if not scope.is_admin:
        hubs = hubs.filter(id__in=scope.hubs)
    form = RunForm(request.POST or None, hubs=hubs)
    if request.method == "POST" and form.is_valid():
        try:
            run = _guard(
                lambda: services.match_run_create(
                    actor=request.user,
                    hub_ids=[h.id for h in form.cleaned_data["hubs"]] or None,
                    seed=form.cleaned_data["seed"],
                    allow_transfer=form.cleaned_data["allow_transfer"],
                )
            )
        except ApplicationError as error:
            apply_to_form(form, error)
        else:
            return redirect("matching:run", run_id=run.id)
    return render(request, "matching/run_start.html", {"form": form})


def _explained(rows):
    return [{"factor": FACTORS.get(r["factor"], r["factor"]), "points": r["points"]} for r in rows]


@login_required
def run_detail(request, run_id: int):
    run = _guard(lambda: selectors.match_run_get_for_user(request.user, run_id))
    proposals = selectors.proposals_for_run(request.user, run)
    page = Paginator(proposals, 50).get_page(request.GET.get("page"))
    names = selectors.commune_names(
        {row["commune"] for row in run.coverage} | {p.household.commune_id for p in page}
    )
    rows = [
        {
            "proposal": p,
            "commune": names.get(p.household.commune_id, p.household.commune_id),
            "need": NEEDS.get(p.household.need_kind, p.household.need_kind),
            "breakdown": p.household.priority_rows,
            "explanation": _explained(p.explained),
        }
        for p in page
    ]
    coverage = sorted(
        (
            {
                **row,
                "name": names.get(row["commune"], row["commune"]),
                "matched_pct": round(100 * row["matched"] / row["need"]) if row["need"] else 0,
                "floor_pct": round(100 * row["floor"] / row["need"]) if row["need"] else 0,
                "below": row["matched"] < row["floor"],
            }
            for row in run.coverage
        ),
        key=lambda row: row["name"],
    )
    return render(
        request,
        "matching/run_detail.html",
        {
            "run": run,
            "page": page,
            "rows": rows,
            "coverage": coverage,
            "hub_names": [h.name for h in run.hubs.all()],
        },
    )


@login_required
def run_progress(request, run_id: int):
    """Where a run is (polled by its page's script while the engine works)."""
    run = _guard(lambda: selectors.match_run_get_for_user(request.user, run_id))
    return JsonResponse(
        {
            "status": run.status,
            "status_label": run.get_status_display(),
            "progress": run.progress,
            "note": run.progress_note or _("Waiting for the engine"),
            "done": not run.is_working,
        }
    )


@login_required
@require_POST
def run_approve(request, run_id: int):
    # Who may act on this run is settled before the form is read (403/404 before "tick some").
    _guard(lambda: selectors.match_run_get_for_user(request.user, run_id))
    approve_all = "all" in request.POST
    ids = (
        None if approve_all else [int(i) for i in request.POST.getlist("proposals") if i.isdigit()]
    )
    if ids == []:
        messages.error(request, _("Tick the proposals to approve, or approve all."))
        return redirect("matching:run", run_id=run_id)
    try:
        outcome = _guard(
            lambda: services.match_run_approve(run_id=run_id, proposal_ids=ids, actor=request.user)
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(approved)s proposals approved; %(skipped)s skipped.")
            % {"approved": len(outcome.approved), "skipped": len(outcome.skipped)},
        )
        for skipped in outcome.skipped[:20]:
            messages.warning(
                request,
                _("Proposal %(id)s skipped: %(reason)s")
                % {"id": skipped["proposal"], "reason": skipped["reason"]},
            )
    return redirect("matching:run", run_id=run_id)


@login_required
@require_POST
def run_discard(request, run_id: int):
    try:
        _guard(lambda: services.match_run_discard(run_id=run_id, actor=request.user))
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The run was discarded."))
    return redirect("matching:run", run_id=run_id)


@login_required
def proposal_reject(request, proposal_id: int):
    proposal = _guard(lambda: selectors.proposal_get_for_user(request.user, proposal_id))
    form = RejectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _guard(
                lambda: services.proposal_reject(
                    proposal_id=proposal.id, reason=form.cleaned_data["reason"], actor=request.user
                )
            )
        except ApplicationError as error:
            apply_to_form(form, error)
        else:
            messages.success(request, _("Proposal %(id)s rejected.") % {"id": proposal.id})
            return redirect("matching:run", run_id=proposal.run_id)
    return render(
        request,
        "matching/proposal_reject.html",
        {
            "form": form,
            "proposal": proposal,
            "need": NEEDS.get(proposal.household.need_kind),
            "explanation": _explained(proposal.explained),
        },
    )
