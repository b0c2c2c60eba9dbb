"""A real Celery worker consuming from Redis (CI), not the eager mode the other tests use."""

import time
import uuid

import pytest
from django.conf import settings
from django.core import mail

from accounts.models import AccountEvent

pytestmark = pytest.mark.broker


@pytest.mark.skipif(
    not settings.TEST_BROKER_URL, reason="no CELERY_BROKER_URL configured (CI sets one)"
)
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_the_invitation(personas, communes, settings):
    """The invitation is owed in the outbox with the account; the worker, woken as beat wakes it
    every few seconds, sends it through Redis, once.

    The worker listens on a queue of this test's own and the wake-up goes there through a
    connection opened for it: the suite's processes share the CI broker, and in sessions 4 and 5
    the worker sometimes never sent when it shared the default queue and the app's pooled
    connection with whatever the rest of the suite had left behind."""
    from celery.contrib.testing.worker import start_worker

    from accounts.services import staff_create
    from config.celery import app
    from core.models import OutboxMessage
    from core.tasks import outbox_send_due

    queue = f"test-worker-{uuid.uuid4().hex}"
    # Read the app's configuration before changing Django's settings: Celery loads it lazily from
    # them, and a value read after the change would be "restored" for every later test.
    old = (app.conf.task_always_eager, app.conf.broker_url)
    settings.CELERY_TASK_ALWAYS_EAGER = False  # the outbox leaves the sending to the worker
    app.conf.task_always_eager = False
    app.conf.broker_url = settings.TEST_BROKER_URL
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, shutdown_timeout=10, queues=[queue]
        ):
            # No password: the service owes the invitation (an outbox row, no broker call).
            user = staff_create(
                email="invited@test.vn",
                name="Người Được Mời",
                roles=[{"role": "verifier", "communes": ["19588"]}],
                actor=None,
            )
            assert mail.outbox == []
            with app.connection_for_write() as connection:  # what beat does every few seconds
                outbox_send_due.apply_async(queue=queue, connection=connection)
            deadline = time.monotonic() + 90  # a busy 2-core machine: a poll, not a timing
            while time.monotonic() < deadline and not mail.outbox:
                time.sleep(0.1)
    finally:
        with app.connection_for_write() as connection:  # the test's queue leaves the broker
            channel = connection.default_channel
            channel.queue_delete(queue)
            channel.client.delete(f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
        app.conf.task_always_eager, app.conf.broker_url = old
    owed = OutboxMessage.objects.get(key=f"invitation:{user.id}")
    assert [m.to for m in mail.outbox] == [["invited@test.vn"]], (owed.attempts, owed.last_error)
    assert owed.sent_at is not None
    assert AccountEvent.objects.filter(user=user, action="invited").count() == 1
