"""Shared fixtures: the personas of every access test, API clients, and the browser/load flags.

Personas (DESIGN.md's people): anonymous, donor, another donor, officer of commune A (Tà Rụt),
officer of commune B (Hướng Phùng), verifier (A and B), coordinator of hub H (Đông Hà, serving A),
coordinator of another hub (Khe Sanh, serving B), admin.
"""

from __future__ import annotations

import os
import shutil

import pytest
from rest_framework.test import APIClient

COMMUNE_A = "19588"  # Xã Tà Rụt (mountain)
COMMUNE_B = "19441"  # Xã Hướng Phùng (mountain)
COMMUNE_C = "19333"  # Phường Đông Hà (lowland ward)
PASSWORD = "a-long-test-password-2026"


def pytest_addoption(parser):
    parser.addoption("--skip-browser", action="store_true", help="skip headless Chromium tests")
    parser.addoption("--skip-load", action="store_true", help="skip load tests")


def pytest_collection_modifyitems(config, items):
    in_ci = os.environ.get("CI") == "true"
    chromium = shutil.which("chromium")
    for item in items:
        if "browser" in item.keywords:
            if config.getoption("--skip-browser"):
                item.add_marker(pytest.mark.skip(reason="--skip-browser given"))
            elif not chromium and not in_ci:
                item.add_marker(
                    pytest.mark.skip(reason="chromium is not installed (apt-get install chromium)")
                )
        if "load" in item.keywords and config.getoption("--skip-load"):
            item.add_marker(pytest.mark.skip(reason="--skip-load given"))


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts and ends in the site's language (Vietnamese).

    LocaleMiddleware activates the language of every request in the thread and never puts it back,
    so a test client request with an English cookie would otherwise leave English active for the
    next test of the same process."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and cached aggregates must not leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def is_postgres() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


@pytest.fixture
def communes(db):
    from places.loading import load_communes
    from places.models import Commune

    if not Commune.objects.exists():  # a transactional test flushed the migration's rows
        load_communes(Commune)

    return {
        "A": Commune.objects.get(code=COMMUNE_A),
        "B": Commune.objects.get(code=COMMUNE_B),
        "C": Commune.objects.get(code=COMMUNE_C),
    }


@pytest.fixture
def villages(communes):
    from places.models import Village

    return {
        "A": Village.objects.create(commune=communes["A"], name="Bản A Vao"),
        "B": Village.objects.create(commune=communes["B"], name="Bản Cheng"),
    }


@pytest.fixture
def hubs(communes):
    from places.models import Hub

    hub_h = Hub.objects.create(name="Điểm Đông Hà", commune=communes["C"], address="Đông Hà")
    hub_h.serves.set([communes["A"], communes["C"]])
    hub_k = Hub.objects.create(name="Điểm Khe Sanh", commune=communes["B"], address="Khe Sanh")
    hub_k.serves.set([communes["B"]])
    return {"H": hub_h, "K": hub_k}


def _staff(email, name, roles):
    from accounts.services import staff_create

    return staff_create(email=email, name=name, password=PASSWORD, roles=roles, acting_user=None)


@pytest.fixture
def admin_user(db, communes):
    return _staff("admin@test.vn", "Quản trị", [{"role": "admin"}])


@pytest.fixture
def officer_a(db, communes):
    return _staff("officer.a@test.vn", "Hồ Văn A", [{"role": "officer", "communes": [COMMUNE_A]}])


@pytest.fixture
def officer_b(db, communes):
    return _staff("officer.b@test.vn", "Hồ Văn B", [{"role": "officer", "communes": [COMMUNE_B]}])


@pytest.fixture
def verifier(db, communes):
    return _staff(
        "verifier@test.vn",
        "Lê Thị Xác Minh",
        [{"role": "verifier", "communes": [COMMUNE_A, COMMUNE_B]}],
    )


@pytest.fixture
def coordinator_h(db, hubs):
    return _staff(
        "coord.h@test.vn", "Nguyễn Điều Phối", [{"role": "coordinator", "hubs": [hubs["H"].id]}]
    )


@pytest.fixture
def coordinator_k(db, hubs):
    return _staff(
        "coord.k@test.vn", "Trần Điều Phối", [{"role": "coordinator", "hubs": [hubs["K"].id]}]
    )


@pytest.fixture
def donor(db):
    from accounts.models import User

    return User.objects.create_user(email="donor@test.vn", password=PASSWORD, name="Nhà Hảo Tâm")


@pytest.fixture
def other_donor(db):
    from accounts.models import User

    return User.objects.create_user(email="donor2@test.vn", password=PASSWORD, name="Người Khác")


@pytest.fixture
def personas(
    db, admin_user, officer_a, officer_b, verifier, coordinator_h, coordinator_k, donor, other_donor
):
    return {
        "anonymous": None,
        "donor": donor,
        "other_donor": other_donor,
        "officer_a": officer_a,
        "officer_b": officer_b,
        "verifier": verifier,
        "coordinator_h": coordinator_h,
        "coordinator_k": coordinator_k,
        "admin": admin_user,
    }


@pytest.fixture
def api():
    """An API client; `api.as_user(user)` authenticates with a real token."""

    client = APIClient()

    def as_user(user):
        from rest_framework.authtoken.models import Token

        if user is None:
            client.credentials()
        else:
            token, _ = Token.objects.get_or_create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    client.as_user = as_user
    return client


def assert_error(response, status: int, code: str, field: str | None = None):
    """Checks the error shape of API.md and returns its body."""
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code, body
    assert body["error"]["message"]
    if field is not None:
        assert field in body["error"]["fields"], body
    return body["error"]
