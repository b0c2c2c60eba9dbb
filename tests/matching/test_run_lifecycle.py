"""The run's one status door (matching/lifecycle.py): every allowed move writes one event row
with from and to; a forbidden move is a 409 naming the allowed moves and writes nothing; a
proposal is decided once."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as django_apps

from core.errors import Conflict
from matching.lifecycle import ALLOWED, RUN, proposal_decide, run_transition
from matching.models import Allocation, MatchRun, MatchRunEvent, Proposal
from matching.services import match_run_approve, match_run_create, match_run_discard
from tests.conftest import assert_error

pytestmark = pytest.mark.django_db

S = MatchRun.Status
RUNS = "/api/v1/match-runs/"
MOVES = [(now, to) for now, moves in ALLOWED.items() for to in sorted(moves)]
FORBIDDEN = [
    (now, to) for now in S.values for to in S.values if to != now and to not in ALLOWED[now]
]


def a_run(user, status: str) -> MatchRun:
    return MatchRun.objects.create(created_by=user, seed=1, policy_version="t", status=status)


def test_the_table_names_every_status_and_only_statuses():
    assert set(ALLOWED) == set(S.values)
    assert all(moves <= set(S.values) for moves in ALLOWED.values())


@pytest.mark.parametrize("now,to", MOVES)
def test_each_allowed_move_writes_one_event_row(coordinator_h, now, to):
    run = a_run(coordinator_h, now)
    moved = run_transition(run_id=run.id, to=to, kind="executed", actor=coordinator_h, reason="r")
    assert MatchRun.objects.get(id=run.id).status == to
    event = MatchRunEvent.objects.get(run=run)
    assert (event.old_status, event.new_status, event.kind) == (now, to, "executed")
    assert (event.actor, event.reason) == (coordinator_h, "r")
    assert moved.last_event == event


@pytest.mark.parametrize("now,to", FORBIDDEN)
def test_a_forbidden_move_is_a_409_naming_the_allowed_moves_and_writes_nothing(
    coordinator_h, now, to
):
    run = a_run(coordinator_h, now)
    with pytest.raises(Conflict) as refused:
        run_transition(run_id=run.id, to=to, kind="approved", actor=coordinator_h)
    assert refused.value.status == 409
    assert refused.value.code == "invalid_transition"
    assert refused.value.fields == {"allowed": RUN.allowed_moves(now)}
    assert MatchRun.objects.get(id=run.id).status == now
    assert not MatchRunEvent.objects.exists()


def test_an_act_that_keeps_the_status_is_one_row_with_from_equal_to(coordinator_h):
    run = a_run(coordinator_h, S.PROPOSED)
    run_transition(run_id=run.id, to=S.PROPOSED, kind="rejected", actor=coordinator_h)
    event = MatchRunEvent.objects.get(run=run)
    assert (event.kind, event.old_status, event.new_status) == ("rejected", "proposed", "proposed")


def test_a_run_through_the_services_leaves_its_moves_in_order(coordinator_h, stock):
    run = match_run_create(actor=coordinator_h, seed=5)
    first = run.proposals.order_by("id").first()
    match_run_approve(run_id=run.id, proposal_ids=[first.id], actor=coordinator_h)
    match_run_discard(run_id=run.id, actor=coordinator_h, reason="Đủ rồi")
    rows = list(
        MatchRunEvent.objects.filter(run=run).values_list(
            "kind", "old_status", "new_status", "actor"
        )
    )
    assert rows == [
        ("created", "", "queued", coordinator_h.id),
        ("started", "queued", "running", None),
        ("executed", "running", "proposed", None),
        ("approved", "proposed", "partially_approved", coordinator_h.id),
        ("discarded", "partially_approved", "discarded", coordinator_h.id),
    ]
    assert MatchRunEvent.objects.get(run=run, kind="discarded").reason == "Đủ rồi"
    # The approved allocation stays; the two open proposals were superseded.
    assert Allocation.objects.filter(proposal=first, is_live=True).exists()
    assert run.proposals.filter(status="superseded").count() == 2


def test_progress_updates_write_no_event(coordinator_h, stock, monkeypatch):
    seen = []
    from matching import services

    real = services._progress
    monkeypatch.setattr(
        services, "_progress", lambda run, *a: (real(run, *a), seen.append(run.events.count()))
    )
    run = match_run_create(actor=coordinator_h, seed=5)
    assert seen == [2, 2]  # created and started; the two progress saves added nothing
    assert run.events.count() == 3


def test_approving_a_discarded_run_is_a_409_and_writes_nothing(api, coordinator_h, stock):
    run = match_run_create(actor=coordinator_h, seed=5)
    match_run_discard(run_id=run.id, actor=coordinator_h)
    events = MatchRunEvent.objects.count()
    proposals = list(Proposal.objects.values_list("id", "status", "decided_at"))
    response = api.as_user(coordinator_h).post(f"{RUNS}{run.id}/approve/", {}, format="json")
    error = assert_error(response, 409, "invalid_transition", "allowed")
    assert error["fields"]["allowed"] == []
    proposal = Proposal.objects.filter(run=run).first()
    reject = api.post(f"/api/v1/proposals/{proposal.id}/reject/", {"reason": "x"}, format="json")
    assert_error(reject, 409, "invalid_transition")
    assert MatchRunEvent.objects.count() == events
    assert list(Proposal.objects.values_list("id", "status", "decided_at")) == proposals
    assert not Allocation.objects.exists()
    assert MatchRun.objects.get(id=run.id).status == "discarded"


def test_discarding_twice_changes_nothing_the_second_time(api, coordinator_h, stock):
    run = match_run_create(actor=coordinator_h, seed=5)
    url = f"{RUNS}{run.id}/discard/"
    assert api.as_user(coordinator_h).post(url, {}, format="json").json()["status"] == "discarded"
    events = MatchRunEvent.objects.count()
    assert api.post(url, {}, format="json").json()["status"] == "discarded"
    assert MatchRunEvent.objects.count() == events


def test_discarding_a_failed_run_is_a_409_and_writes_nothing(
    api, coordinator_h, stock, monkeypatch
):
    monkeypatch.setattr("matching.services.solve", lambda problem: 1 / 0)
    run = match_run_create(actor=coordinator_h, seed=5)
    assert run.status == "failed"
    assert run.events.get(kind="failed").old_status == "running"
    events = MatchRunEvent.objects.count()
    response = api.as_user(coordinator_h).post(f"{RUNS}{run.id}/discard/", {}, format="json")
    assert_error(response, 409, "invalid_transition")
    assert MatchRunEvent.objects.count() == events
    assert MatchRun.objects.get(id=run.id).status == "failed"


def test_a_proposal_is_decided_once(coordinator_h, stock):
    run = match_run_create(actor=coordinator_h, seed=5)
    proposal = run.proposals.first()
    proposal_decide(proposal, to="rejected", actor=coordinator_h, reason="chuyển đi")
    proposal.refresh_from_db()
    assert (proposal.status, proposal.reason, proposal.decided_by) == (
        "rejected",
        "chuyển đi",
        coordinator_h,
    )
    with pytest.raises(Conflict) as refused:
        proposal_decide(proposal, to="approved", actor=coordinator_h)
    assert refused.value.code == "proposal_not_open"
    proposal.refresh_from_db()
    assert proposal.status == "rejected"


def test_the_migration_maps_free_text_kinds_and_fills_the_moves(coordinator_h):
    migration = importlib.import_module("matching.migrations.0003_runevent_status_and_kinds")
    run = a_run(coordinator_h, S.DISCARDED)
    for kind in ["created", "Execute", "fail", "approved", "discard", "something else"]:
        MatchRunEvent.objects.create(run=run, kind=kind, new_status="")
    migration.forwards(django_apps, None)
    rows = list(MatchRunEvent.objects.values_list("kind", "old_status", "new_status"))
    assert rows == [
        ("created", "", "queued"),
        ("executed", "running", "proposed"),
        ("failed", "running", "failed"),
        ("approved", "", ""),
        ("discarded", "", "discarded"),
        ("something else", "", ""),  # kept as written: no text is lost
    ]
