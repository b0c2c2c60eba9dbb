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
HOME_PROVINCE = "44"  # Quảng Trị, where the fixtures live (its 78 communes are in every test db)
# A second province, for tests of separation (make_second_province): Thành phố Huế, 40 units,
# switched on without a reviewed flags file; its commune D (Xã A Lưới 1) has hub H2.
PROVINCE_B = "46"
COMMUNE_D = "20056"
PASSWORD = "a-long-test-password-2026"
# The project's apps, bottom layer first (tests/core/test_layers.py checks the order).
PROJECT_APPS = tuple(
    [
        "core",
        "places",
        "accounts",
        "households",
        "messaging",
        "donations",
        "matching",
        "logistics",
        "progress",
    ]
)


def pytest_addoption(parser):
    parser.addoption("--skip-browser", action="store_true", help="skip headless Chromium tests")
    parser.addoption("--skip-load", action="store_true", help="skip load tests")
    parser.addoption("--skip-faults", action="store_true", help="skip fault-injection tests")


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
        if "faults" in item.keywords:
            if config.getoption("--skip-faults"):
                item.add_marker(pytest.mark.skip(reason="--skip-faults given"))
            elif not shutil.which("redis-server") and not in_ci:
                item.add_marker(pytest.mark.skip(reason="redis-server is not installed"))


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
    from places.loading import load_communes, load_provinces
    from places.models import Commune, Province

    if not Commune.objects.exists():  # a transactional test flushed the migration's rows
        load_provinces(Province)
        load_communes(Commune)
    return {key: Commune.objects.get(code=code) for key, code in COMMUNES.items()}


def make_second_province() -> dict:
    """Huế switched on (its communes loaded, every flag off: it has no reviewed file) with hub
    H2 in commune D serving D. {"province", "commune", "hub"}."""
    from households.services.provinces import province_activate
    from places.models import Commune, Hub

    province = province_activate(code=PROVINCE_B, actor=None, without_reviewed_file=True)
    commune = Commune.objects.get(code=COMMUNE_D)
    hub = Hub.objects.create(name="Điểm A Lưới", commune=commune, address="A Lưới, Huế")
    hub.serves.set([commune])
    return {"province": province, "commune": commune, "hub": hub}


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
    "province_admin": (
        "tinh.qt@test.vn",
        "Quản trị tỉnh Quảng Trị",
        [{"role": "province_admin", "provinces": [HOME_PROVINCE]}],
    ),
}
# The staff of the second province (make_second_province first; hub "H2" is its hub).
STAFF_B = {
    "province_admin_hue": (
        "tinh.hue@test.vn",
        "Quản trị tỉnh Huế",
        [{"role": "province_admin", "provinces": [PROVINCE_B]}],
    ),
    "coordinator_hue": (
        "coord.hue@test.vn",
        "Lê Điều Phối",
        [{"role": "coordinator", "hubs": ["H2"]}],
    ),
    "officer_hue": (
        "officer.hue@test.vn",
        "Hồ Văn Huế",
        [{"role": "officer", "communes": [COMMUNE_D]}],
    ),
}
DONORS = {
    "donor": ("donor@test.vn", "Nhà Hảo Tâm"),
    "other_donor": ("donor2@test.vn", "Người Khác"),
}


def _staff(email, name, roles):
    """One staff account with these roles (communes by code, hubs by id)."""
    from accounts.services import staff_create

    return staff_create(email=email, name=name, password=PASSWORD, roles=roles, actor=None)


def make_staff(key: str, hubs: dict | None = None):
    email, name, roles = STAFF[key] if key in STAFF else STAFF_B[key]
    roles = [
        {**role, "hubs": [hubs[h].id for h in role["hubs"]]} if "hubs" in role else role
        for role in roles
    ]
    return _staff(email, name, roles)


def make_donor(key: str):
    from accounts.models import User

    email, name = DONORS[key]
    return User.objects.create_user(email=email, password=PASSWORD, name=name)


def make_personas(hubs: dict) -> dict:
    """Every persona of the access tests (None for the anonymous visitor), keyed as `personas`;
    with `hubs["H2"]` (make_second_province), the second province's staff too."""
    people = {key: make_staff(key, hubs) for key in STAFF}
    people.update({key: make_donor(key) for key in DONORS})
    if "H2" in hubs:
        people.update({key: make_staff(key, hubs) for key in STAFF_B})
    people["admin"] = people.pop("admin_user")
    return {"anonymous": None, **people}


def allocate_and_dispatch(device, household, *, admin, coordinator, carrier_name="Hồ Văn A"):
    """Allocates a ready phone to a verified household through both doors (as an approved match
    does) and sends it on a dispatched batch to the household's commune. Returns the batch."""
    from datetime import date

    from donations.lifecycle import device_transition
    from households.lifecycle import household_transition
    from logistics.services.delivery import batch_create, batch_dispatch
    from matching.models import Allocation

    device_transition(device_id=device.id, to="allocated", actor=admin)
    household_transition(household_id=household.id, to="allocated", actor=admin)
    Allocation.objects.create(device_id=device.id, household=household, is_live=True)
    batch = batch_create(
        hub_id=device.hub_id,
        commune_code=household.commune_id,
        planned_date=date(2026, 12, 1),
        carrier="officer",
        carrier_name=carrier_name,
        device_codes=[device.tracking_code],
        actor=coordinator,
    )
    batch_dispatch(batch_id=batch.id, actor=coordinator)
    return batch


@pytest.fixture
def communes(db):
    return make_communes()


@pytest.fixture
def villages(communes):
    return make_villages(communes)


@pytest.fixture
def hubs(communes):
    return make_hubs(communes)


def _person(key: str):
    """The fixture of one persona: STAFF's (with the hubs for a coordinator), or DONORS'."""

    @pytest.fixture(name=key)
    def person(request, db):
        if key in DONORS:
            return make_donor(key)
        request.getfixturevalue("communes")
        hubs = request.getfixturevalue("hubs") if key.startswith("coordinator") else None
        return make_staff(key, hubs)

    return person


admin_user = _person("admin_user")
officer_a = _person("officer_a")
officer_b = _person("officer_b")
verifier = _person("verifier")
coordinator_h = _person("coordinator_h")
coordinator_k = _person("coordinator_k")
province_admin = _person("province_admin")
donor = _person("donor")
other_donor = _person("other_donor")


@pytest.fixture
def personas(
    db,
    admin_user,
    officer_a,
    officer_b,
    verifier,
    coordinator_h,
    coordinator_k,
    province_admin,
    donor,
    other_donor,
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
        "province_admin": province_admin,
        "admin": admin_user,
    }


@pytest.fixture
def world(personas, communes, villages, hubs):
    """The access tests' world (tests/access/world.py): an object for every URL parameter."""
    from tests.access.world import build_world

    return build_world(personas, communes, villages, hubs)


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker):
    """The same world, made once for a module's tests and rolled back after them: each test runs
    in a savepoint inside this transaction (so the module's tests must not be transactional)."""
    from django.db import transaction

    from tests.access.world import build_world

    with django_db_blocker.unblock(), transaction.atomic():
        communes = make_communes()
        hubs = make_hubs(communes)
        second = make_second_province()
        hubs_of_both = {**hubs, "H2": second["hub"]}
        world = build_world(make_personas(hubs_of_both), communes, make_villages(communes), hubs)
        world.second_province = second
        yield world
        transaction.set_rollback(True)


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
