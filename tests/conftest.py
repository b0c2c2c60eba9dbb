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
COMMUNES = {"A": COMMUNE_A, "B": COMMUNE_B, "C": COMMUNE_C}
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


def make_communes() -> dict:
    from places.loading import load_communes
    from places.models import Commune

    if not Commune.objects.exists():  # a transactional test flushed the migration's rows
        load_communes(Commune)
    return {key: Commune.objects.get(code=code) for key, code in COMMUNES.items()}


def make_villages(communes) -> dict:
    from places.models import Village

    return {
        "A": Village.objects.create(commune=communes["A"], name="Bản A Vao"),
        "B": Village.objects.create(commune=communes["B"], name="Bản Cheng"),
    }


def make_hubs(communes) -> dict:
    from places.models import Hub

    hub_h = Hub.objects.create(name="Điểm Đông Hà", commune=communes["C"], address="Đông Hà")
    hub_h.serves.set([communes["A"], communes["C"]])
    hub_k = Hub.objects.create(name="Điểm Khe Sanh", commune=communes["B"], address="Khe Sanh")
    hub_k.serves.set([communes["B"]])
    return {"H": hub_h, "K": hub_k}


# The staff personas: fixture name → (email, name, roles); a hub is named by its key in `hubs`.
STAFF = {
    "admin_user": ("admin@test.vn", "Quản trị", [{"role": "admin"}]),
    "officer_a": ("officer.a@test.vn", "Hồ Văn A", [{"role": "officer", "communes": [COMMUNE_A]}]),
    "officer_b": ("officer.b@test.vn", "Hồ Văn B", [{"role": "officer", "communes": [COMMUNE_B]}]),
    "verifier": (
        "verifier@test.vn",
        "Lê Thị Xác Minh",
        [{"role": "verifier", "communes": [COMMUNE_A, COMMUNE_B]}],
    ),
    "coordinator_h": (
        "coord.h@test.vn",
        "Nguyễn Điều Phối",
        [{"role": "coordinator", "hubs": ["H"]}],
    ),
    "coordinator_k": (
        "coord.k@test.vn",
        "Trần Điều Phối",
        [{"role": "coordinator", "hubs": ["K"]}],
    ),
}
DONORS = {
    "donor": ("donor@test.vn", "Nhà Hảo Tâm"),
    "other_donor": ("donor2@test.vn", "Người Khác"),
}


def make_staff(key: str, hubs: dict | None = None):
    from accounts.services import staff_create

    email, name, roles = STAFF[key]
    roles = [
        {**role, "hubs": [hubs[h].id for h in role["hubs"]]} if "hubs" in role else role
        for role in roles
    ]
    return staff_create(email=email, name=name, password=PASSWORD, roles=roles, acting_user=None)


def make_donor(key: str):
    from accounts.models import User

    email, name = DONORS[key]
    return User.objects.create_user(email=email, password=PASSWORD, name=name)


def make_personas(hubs: dict) -> dict:
    """Every persona of the access tests (None for the anonymous visitor), keyed as `personas`."""
    people = {key: make_staff(key, hubs) for key in STAFF}
    people.update({key: make_donor(key) for key in DONORS})
    people["admin"] = people.pop("admin_user")
    return {"anonymous": None, **people}


@pytest.fixture
def communes(db):
    return make_communes()


@pytest.fixture
def villages(communes):
    return make_villages(communes)


@pytest.fixture
def hubs(communes):
    return make_hubs(communes)


@pytest.fixture
def admin_user(db, communes):
    return make_staff("admin_user")


@pytest.fixture
def officer_a(db, communes):
    return make_staff("officer_a")


@pytest.fixture
def officer_b(db, communes):
    return make_staff("officer_b")


@pytest.fixture
def verifier(db, communes):
    return make_staff("verifier")


@pytest.fixture
def coordinator_h(db, hubs):
    return make_staff("coordinator_h", hubs)


@pytest.fixture
def coordinator_k(db, hubs):
    return make_staff("coordinator_k", hubs)


@pytest.fixture
def donor(db):
    return make_donor("donor")


@pytest.fixture
def other_donor(db):
    return make_donor("other_donor")


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
