"""A real Celery worker consuming from Redis (CI), not the eager mode the other tests use."""

import pytest
from django.conf import settings
from django.core import mail

from accounts.models import AccountEvent

pytestmark = pytest.mark.broker


@pytest.mark.skipif(
    not settings.TEST_BROKER_URL, reason="no CELERY_BROKER_URL configured (CI sets one)"
)
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_the_invitation(personas, communes):
    from celery.contrib.testing.worker import start_worker

    from accounts.services import staff_create
    from config.celery import app

    old = (app.conf.task_always_eager, app.conf.broker_url, app.conf.result_backend)
    app.conf.task_always_eager = False
    app.conf.broker_url = settings.TEST_BROKER_URL
    app.conf.result_backend = settings.TEST_BROKER_URL
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            user = staff_create(
                email="invited@test.vn",
                name="Người Được Mời",
                roles=[{"role": "verifier", "communes": ["19588"]}],
                acting_user=None,
            )
            from accounts.tasks import send_invitation

            result = send_invitation.apply_async(args=[user.id])
            result.get(timeout=30)
    finally:
        app.conf.task_always_eager, app.conf.broker_url, app.conf.result_backend = old
    assert any(m.to == ["invited@test.vn"] for m in mail.outbox)
    assert AccountEvent.objects.filter(user=user, action="invited").count() >= 1
