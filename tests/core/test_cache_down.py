"""Resilience (issue 13, finding 2): with the shared cache down, nobody is locked out and nothing
answers 500. Rate limits count in-process (still limiting), the public numbers are computed and kept
in-process, and /healthz says the cache is down."""

from __future__ import annotations

import pytest

from core import ratelimit
from donations.models import Pledge
from tests.conftest import PASSWORD
from tests.donations.conftest import pledge_body

pytestmark = pytest.mark.django_db

DEAD_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}


@pytest.fixture
def cache_down(settings):
    ratelimit._local_counts.clear()
    settings.CACHES = DEAD_REDIS
    yield
    ratelimit._local_counts.clear()


def test_sign_in_works_and_is_still_limited_with_the_cache_down(
    client, officer_a, cache_down, settings
):
    settings.RATE_LIMITS = {"sign_in": "2/900"}
    response = client.post("/dang-nhap/", {"username": officer_a.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(officer_a.id)
    client.logout()
    client.post("/dang-nhap/", {"username": officer_a.email, "password": "wrong"})
    response = client.post("/dang-nhap/", {"username": officer_a.email, "password": PASSWORD})
    assert response.status_code == 429  # counted in this process


def test_the_home_page_the_numbers_and_a_pledge_work_with_the_cache_down(
    client, api, communes, cache_down
):
    assert client.get("/").status_code == 200
    assert client.get("/tien-do/").status_code == 200
    assert api.get("/api/v1/stats/").status_code == 200
    response = api.post("/api/v1/pledges/", pledge_body(), format="json")
    assert response.status_code == 201, response.content
    assert Pledge.objects.filter(id=response.json()["id"]).exists()


def test_healthz_reports_the_cache_each_way(client, cache_down):
    body = client.get("/healthz").json()
    assert body["cache"]["ok"] is False
    assert body["status"] == "degraded"


def test_healthz_reports_a_working_cache(client):
    body = client.get("/healthz").json()
    assert body["cache"] == {"ok": True, "detail": body["cache"]["detail"]}
    assert body["cache"]["ok"] is True
