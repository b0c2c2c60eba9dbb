"""A real Celery worker for the fault tests, in its own process, on the test database and the
test's own Redis (both from the environment). With FAULT_SLOW_SOLVE set, the matching engine's
solve step first writes a mark file and waits, so that the test can kill the worker with SIGKILL
while a run is in the middle of its work. Nothing of this is used outside the tests.

    python tests/faults/worker.py   (DATABASE_URL, FAULT_BROKER_URL, FAULT_MARK, FAULT_SLOW_SOLVE)
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from config.celery import app  # noqa: E402

app.conf.task_always_eager = False
app.conf.broker_url = os.environ["FAULT_BROKER_URL"]
app.conf.broker_transport_options = {
    "visibility_timeout": int(os.environ.get("FAULT_VISIBILITY_TIMEOUT", "3600"))
}

if os.environ.get("FAULT_SLOW_SOLVE"):
    import matching.services as services

    real_solve = services.solve

    def slow_solve(problem):
        Path(os.environ["FAULT_MARK"]).write_text("solving")
        time.sleep(120)  # killed long before this ends
        return real_solve(problem)

    services.solve = slow_solve

app.worker_main(
    [
        "worker",
        "--pool=solo",
        "--concurrency=1",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--loglevel=WARNING",
    ]
)
