"""The run's task: progress, idempotent retries, failures recorded, and the demo's run."""

from __future__ import annotations

import io

import pytest

from matching.models import MatchRun, MatchRunEvent
from matching.services import match_run_create, match_run_execute
from matching.tasks import match_run_execute_task

pytestmark = pytest.mark.django_db


def test_a_finished_run_reports_full_progress_and_a_retry_changes_nothing(coordinator_h, stock):
    run = match_run_create(actor=coordinator_h, seed=9)
    assert (run.status, run.progress, run.progress_note) == ("proposed", 100, "")
    assert run.started_at and run.finished_at and run.finished_at >= run.started_at
    match_run_execute_task.delay(run.id)  # a redelivered message
    assert run.proposals.count() == 3
    assert MatchRunEvent.objects.filter(run=run, kind="executed").count() == 1


def test_a_queued_run_is_executed_by_the_task(coordinator_h, stock, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    run = match_run_create(actor=coordinator_h, seed=9)  # on_commit: not sent inside the test
    assert run.status == "queued" and run.proposals_count == 0
    match_run_execute(run_id=run.id)
    run.refresh_from_db()
    assert run.status == "proposed" and run.proposals_count == 3


def test_an_engine_failure_is_recorded_not_half_written(coordinator_h, stock, monkeypatch):
    def broken(problem):
        raise RuntimeError("solver exploded")

    monkeypatch.setattr("matching.services.solve", broken)
    run = match_run_create(actor=coordinator_h, seed=9)
    assert run.status == "failed"
    assert "solver exploded" in run.message
    assert run.proposals.count() == 0
    assert MatchRunEvent.objects.filter(run=run, kind="failed").exists()


def test_the_demo_leaves_a_run_awaiting_approval(db, communes):
    from django.core.management import call_command

    call_command("demo_data", stdout=io.StringIO())
    run = MatchRun.objects.get()
    assert run.status == "proposed" and run.proposals_count > 0
    assert run.created_by.email == "dieuphoi.dongha@noisong.local"
    call_command("demo_data", stdout=io.StringIO())
    assert MatchRun.objects.count() == 1  # safe to run again


def test_the_demo_keeps_the_seasons_invariants(db, communes):
    """What a new user first sees adds up: every phone's status has its event, and no household
    is allocated or served without the phone that makes it so (they were, until session 5)."""
    from django.core.management import call_command

    from households.models import Household
    from progress.invariants import season_violations

    call_command("demo_data", stdout=io.StringIO())
    assert season_violations() == []
    served = Household.objects.filter(status="served")
    assert served.exists() and Household.objects.filter(status="allocated").exists()
    assert all(h.allocations.filter(status="delivered", is_live=True).exists() for h in served)
