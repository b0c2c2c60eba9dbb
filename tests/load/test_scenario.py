"""The load scenario's requests (bench/load/scenario.py) still succeed against the current site,
and the ceiling view answers: so that bench/load/run.sh measures real work, not error pages.
Marked `load` (skip with --skip-load); the load run itself is `bench/load/run.sh`."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from django.db import connection
from django.test import override_settings

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.load, pytest.mark.django_db]

SCENARIO = Path(__file__).resolve().parents[2] / "bench" / "load" / "scenario.py"


def _scenario():
    spec = importlib.util.spec_from_file_location("load_scenario", SCENARIO)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_pledges_of_the_scenario_are_accepted_and_written(api, hubs):
    from donations.models import Device, Donor, Pledge

    scenario = _scenario()
    for n in (1, 2, 10):  # 10 is a returning donor's address (load0@)
        response = api.post(
            scenario.PLEDGE_PATH, scenario.pledge_body(n, hubs["H"].id), format="json"
        )
        assert response.status_code == 201, response.content
    assert Pledge.objects.count() == 3 and Device.objects.count() == 3
    assert Donor.objects.filter(email__endswith="@load.test").count() == 3
    assert set(Device.objects.values_list("status", flat=True)) == {"pledged"}


def test_the_tracking_page_and_the_officer_list_of_the_scenario_answer(
    api, client, hubs, officer_a
):
    from donations.models import Device

    scenario = _scenario()
    api.post(scenario.PLEDGE_PATH, scenario.pledge_body(1, hubs["H"].id), format="json")
    code = Device.objects.get().tracking_code
    assert client.get(scenario.TRACK_PATH.format(code=code)).status_code == 200
    token = api.post(
        scenario.TOKEN_PATH, {"username": officer_a.email, "password": PASSWORD}, format="json"
    ).json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = api.get(scenario.HOUSEHOLDS_PATH.format(page=1))
    assert response.status_code == 200 and "results" in response.json()


@override_settings(ROOT_URLCONF="bench.load.urls")
def test_the_ceiling_is_a_bare_json_view_beside_the_site(client):
    scenario = _scenario()
    response = client.get(scenario.CEILING_PATH)
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert client.get("/tang-dien-thoai/").status_code == 200  # the site is served too


@override_settings(ROOT_URLCONF="bench.load.urls")
def test_the_pledge_floor_answers_like_a_pledge_and_writes_nothing(
    api, hubs, django_assert_num_queries
):
    from core.models import OutboxMessage
    from donations.models import Device, Donor, Pledge

    scenario = _scenario()
    body = scenario.pledge_body(1, hubs["H"].id)
    with django_assert_num_queries(0):
        floor = api.post(scenario.PLEDGE_FLOOR_PATH, body, format="json")
    assert not OutboxMessage.objects.exists()  # a pledge's email is owed in its transaction
    assert floor.status_code == 201, floor.content
    real = api.post(scenario.PLEDGE_PATH, body, format="json").json()
    real.pop("warnings")
    assert set(floor.json()) == set(real)
    assert set(floor.json()["devices"][0]) == set(real["devices"][0])
    assert (
        Pledge.objects.count() == 1 and Device.objects.count() == 1 and Donor.objects.count() == 1
    )


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="hand-written PostgreSQL SQL (CI runs it)"
)
@override_settings(ROOT_URLCONF="bench.load.urls")
def test_the_pledge_by_hand_writes_the_rows_a_pledge_writes(api, hubs):
    from core.models import OutboxMessage
    from donations.models import Device, DeviceEvent, Donor, Pledge, PledgeEvent

    scenario = _scenario()
    for n in (1, 1):  # a new donor, then the same donor again
        response = api.post(
            scenario.PLEDGE_BY_HAND_PATH, scenario.pledge_body(n, hubs["H"].id), format="json"
        )
        assert response.status_code == 201, response.content
    donor = Donor.objects.get(email="load1@load.test")
    assert donor.user.email == "load1@load.test" and donor.pledges.count() == 2
    assert Device.objects.filter(pledge__donor=donor, status="pledged").count() == 2
    assert (
        DeviceEvent.objects.filter(device__pledge__donor=donor, new_status="pledged").count() == 2
    )
    assert PledgeEvent.objects.filter(pledge__donor=donor, action="created").count() == 2
    # the email each pledge owes, as pledge_create owes it (core/outbox.py)
    owed = OutboxMessage.objects.filter(task="donations.tasks.email_pledge_received", sent_at=None)
    assert sorted(m.args for m in owed) == sorted(
        [p] for p in Pledge.objects.values_list("id", flat=True)
    )
