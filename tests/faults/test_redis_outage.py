"""Fault injection (issue 13): the test starts its own redis-server on a spare port, uses it as
the cache and the broker, stops it mid-test, then starts it again. People's requests never get a
500 while it is down, nothing owed is lost, and each owed message is sent once after recovery."""

from __future__ import annotations

import pytest
from django.core import mail

from core import outbox, ratelimit
from core.models import OutboxMessage
from donations.models import Pledge
from tests.conftest import PASSWORD
from tests.donations.conftest import pledge_body
from tests.faults.servers import Redis

pytestmark = [pytest.mark.faults, pytest.mark.django_db]


@pytest.fixture
def redis(settings):
    server = Redis()
    server.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": server.url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    settings.CELERY_TASK_ALWAYS_EAGER = False  # owed messages wait for the worker
    settings.CELERY_BROKER_URL = server.url
    ratelimit._local_counts.clear()
    yield server
    if server.process and server.process.poll() is None:
        server.stop()
    ratelimit._local_counts.clear()


def test_people_get_no_500_while_redis_is_down_and_nothing_owed_is_lost(
    client, api, officer_a, communes, redis
):
    def sign_in():
        response = client.post("/dang-nhap/", {"username": officer_a.email, "password": PASSWORD})
        client.logout()
        return response.status_code

    assert sign_in() == 302
    assert client.get("/healthz").json()["cache"]["ok"] is True

    redis.stop()
    assert sign_in() == 302  # the rate limit counts in-process
    assert client.get("/").status_code == 200
    assert client.get("/tien-do/").status_code == 200
    response = api.post("/api/v1/pledges/", pledge_body(), format="json")
    assert response.status_code == 201
    pledge = Pledge.objects.get(id=response.json()["id"])
    health = client.get("/healthz")
    assert health.status_code == 503  # for the operator: the broker and the cache are down
    body = health.json()
    assert body["broker"]["ok"] is False and body["cache"]["ok"] is False
    assert body["outbox"]["waiting"] == 1 and mail.outbox == []

    redis.start()  # back: the worker sends what is owed, once
    assert client.get("/healthz").json()["status"] == "ok"
    assert outbox.send_due() == 1 and outbox.send_due() == 0
    assert len(mail.outbox) == 1 and pledge.devices.first().tracking_code in mail.outbox[0].body
    assert OutboxMessage.objects.get(args=[pledge.id]).sent_at is not None
