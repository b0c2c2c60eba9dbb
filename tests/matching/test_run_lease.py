"""Runs that cannot get stuck (issue 13, finding 3): a worker killed mid-run left the run
"running" for ever (discard and approve 409, the page refreshing every 2 s, a redelivered task
returning at once). Now a run holds a lease its worker renews; an expired lease is failed by the
sweep with its reason, taken over by a redelivered task, or discarded by a coordinator."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from core.models import OutboxMessage
from matching.models import MatchRun, MatchRunEvent
from matching.services import (
    match_run_create,
    match_run_discard,
    match_run_execute,
    match_runs_expire,
)
from tests.conftest import assert_error

pytestmark = pytest.mark.django_db


def running(user, *, lease_ago: int) -> MatchRun:
    """A run as a killed worker leaves it: running, its lease `lease_ago` seconds past."""
    run = MatchRun.objects.create(
        created_by=user,
        seed=7,
        policy_version="t",
        status=MatchRun.Status.RUNNING,
        lease_until=timezone.now() - timedelta(seconds=lease_ago),
    )
    return run


def test_the_sweep_fails_a_run_whose_worker_stopped_with_the_reason(coordinator_h):
    stuck = running(coordinator_h, lease_ago=5)
    alive = running(coordinator_h, lease_ago=-60)  # lease still valid
    assert match_runs_expire() == [stuck.id]
    stuck.refresh_from_db()
    assert stuck.status == "failed" and "đã dừng" in stuck.message
    event = MatchRunEvent.objects.get(run=stuck, kind="failed")
    assert (event.old_status, event.new_status) == ("running", "failed") and event.reason
    assert MatchRun.objects.get(id=alive.id).status == "running"
    assert not MatchRunEvent.objects.filter(run=alive).exists()


def test_a_redelivered_task_takes_over_a_run_whose_lease_ran_out(coordinator_h, hubs):
    run = running(coordinator_h, lease_ago=5)
    run.hubs.set([hubs["H"]])
    finished = match_run_execute(run_id=run.id)
    assert finished.status == "proposed" and finished.lease_until is None
    kinds = list(MatchRunEvent.objects.filter(run=run).values_list("kind", "data"))
    assert kinds[0][0] == "started" and kinds[0][1]["taken_over"] is True
    assert kinds[1][0] == "executed"


def test_a_redelivered_task_leaves_a_run_another_worker_holds(coordinator_h):
    run = running(coordinator_h, lease_ago=-60)
    assert match_run_execute(run_id=run.id).status == "running"
    assert not MatchRunEvent.objects.filter(run=run).exists()


def test_a_coordinator_discards_a_stuck_run_but_not_a_working_one(api, coordinator_h, hubs):
    stuck = running(coordinator_h, lease_ago=5)
    working = running(coordinator_h, lease_ago=-60)
    for run in (stuck, working):
        run.hubs.set([hubs["H"]])
    client = api.as_user(coordinator_h)
    response = client.post(f"/api/v1/match-runs/{working.id}/discard/", {}, format="json")
    assert_error(response, 409, "run_working")
    assert MatchRun.objects.get(id=working.id).status == "running"
    response = client.post(f"/api/v1/match-runs/{stuck.id}/discard/", {}, format="json")
    assert response.status_code == 200
    assert MatchRun.objects.get(id=stuck.id).status == "discarded"
    assert match_run_discard(run_id=stuck.id, actor=coordinator_h).status == "discarded"


def test_the_page_of_a_stuck_run_stops_refreshing_and_offers_discard(client, coordinator_h, hubs):
    run = running(coordinator_h, lease_ago=5)
    run.hubs.set([hubs["H"]])
    client.force_login(coordinator_h)
    html = client.get(f"/ghep-doi/{run.id}/").content.decode()
    assert 'http-equiv="refresh"' not in html
    assert f"/ghep-doi/{run.id}/huy/" in html


def test_with_a_broker_a_new_run_is_queued_through_the_outbox(coordinator_h, hubs, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # down: the request must not reach it
    run = match_run_create(actor=coordinator_h, hub_ids=[hubs["H"].id], seed=3)
    assert run.status == "queued"
    assert OutboxMessage.objects.get(key=f"match-run:{run.id}").sent_at is None
