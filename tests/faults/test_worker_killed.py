"""Fault injection (issue 13): a real Celery worker, in its own process, is killed with SIGKILL in
the middle of a matching run. The run does not stay "running" for ever: its lease runs out, the
broker gives the unacknowledged task back (acks_late, reject_on_worker_lost), and a new worker
takes the run over and finishes it, once. What was owed (the run's queueing) was sent by the
first worker's start-up sweep of the outbox, with no request waiting on the broker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from core.models import OutboxMessage
from matching.models import MatchRun, MatchRunEvent
from matching.services import match_run_create
from tests.faults.servers import Redis, wait_for

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

WORKER = Path(__file__).with_name("worker.py")
LEASE_SECONDS = 3
VISIBILITY_SECONDS = 4


@pytest.fixture
def broker(settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the worker is another process on the same database")
    from config.celery import app

    server = Redis()
    server.start()
    # Celery reads its configuration lazily from Django's settings: keep the values to restore
    # before changing anything (tests/test_celery_worker.py says why).
    old = (app.conf.task_always_eager, app.conf.broker_url)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    app.conf.broker_url = server.url
    yield server
    app.conf.task_always_eager, app.conf.broker_url = old
    server.stop()


def _worker(broker: Redis, mark: Path, *, slow: bool) -> subprocess.Popen:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "FAULT_BROKER_URL": broker.url,
        "FAULT_MARK": str(mark),
        "FAULT_VISIBILITY_TIMEOUT": str(VISIBILITY_SECONDS),
        "MATCHING_RUN_LEASE_SECONDS": str(LEASE_SECONDS),
    }
    env.pop("FAULT_SLOW_SOLVE", None)
    if slow:
        env["FAULT_SLOW_SOLVE"] = "1"
    return subprocess.Popen(
        [sys.executable, str(WORKER)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


def test_a_run_whose_worker_is_killed_is_taken_over_and_finished_once(
    broker, stock, coordinator_h, hubs, tmp_path
):
    mark = tmp_path / "solving"
    run = match_run_create(actor=coordinator_h, hub_ids=[hubs["H"].id], seed=3)
    assert run.status == MatchRun.Status.QUEUED  # owed in the outbox, no broker call
    assert OutboxMessage.objects.filter(key=f"match-run:{run.id}", sent_at=None).exists()

    first = _worker(broker, mark, slow=True)
    second = None
    try:
        # the start-up sweep queued it; the run is solving (a busy CI machine starts a worker slowly)
        wait_for(mark.exists, timeout=240)
        run.refresh_from_db()
        assert run.status == MatchRun.Status.RUNNING and run.lease_until is not None
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)

        second = _worker(broker, mark, slow=False)

        def proposed():
            run.refresh_from_db()
            return run.status == MatchRun.Status.PROPOSED

        wait_for(proposed, timeout=240)
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()

    starts = list(run.events.filter(kind=MatchRunEvent.Kind.STARTED).order_by("id"))
    assert len(starts) == 2 and starts[1].data.get("taken_over") is True
    assert run.events.filter(kind=MatchRunEvent.Kind.EXECUTED).count() == 1
    assert run.lease_until is None
    # each phone of hub H proposed at most once, the proposals written once
    proposals = list(run.proposals.values_list("device_id", flat=True))
    assert proposals and len(proposals) == len(set(proposals))
    assert OutboxMessage.objects.get(key=f"match-run:{run.id}").sent_at is not None
