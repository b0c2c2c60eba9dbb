"""Matching across provinces (issue 17, matching/provinces.py): each province's phones stay in
it unless the run allows transfers; a donor's province is a rule; the run shows each province's
part."""

from __future__ import annotations

import pytest
from django.urls import reverse

from matching.models import MatchRun
from matching.services import match_run_create
from tests.conftest import COMMUNE_D, PROVINCE_B, make_second_province

pytestmark = pytest.mark.django_db


@pytest.fixture
def hue(communes):
    return make_second_province()


def _pairs(run: MatchRun) -> set[tuple[int, int]]:
    return set(run.proposals.values_list("device_id", "household_id"))


def _part(run: MatchRun, code: str) -> dict:
    return next(row for row in run.provinces if row["province"] == code)


def test_phones_stay_in_their_province_without_a_transfer(
    admin_user, hubs, hue, communes, make_household, make_device
):
    # Huế has phones and no household; Quảng Trị households wait with no phone of their own.
    hue_phones = [make_device(hue["hub"]) for _ in range(3)]
    waiting = [make_household(communes["A"], priority=90) for _ in range(2)]

    run = match_run_create(actor=admin_user, seed=1)

    assert run.status == "proposed" and run.allow_transfer is False
    assert run.proposals.count() == 0  # a phone of Huế never reaches Quảng Trị
    assert run.unmatched_devices == 3 and run.unmatched_households == 2
    assert _part(run, PROVINCE_B) == {
        "province": PROVINCE_B,
        "name": "Thành phố Huế",
        "hubs": 1,
        "devices": 3,
        "households": 0,
        "proposals": 0,
        "transfers_in": 0,
        "transfers_out": 0,
        "phones_held": 0,
        "unmatched_devices": 3,
        "unmatched_households": 0,
    }
    quang_tri = _part(run, "44")
    assert (quang_tri["hubs"], quang_tri["devices"], quang_tri["households"]) == (2, 0, 2)
    assert {h.id for h in waiting} and all(d.status == "ready" for d in hue_phones)


def test_each_province_is_matched_on_its_own(
    admin_user, hubs, hue, communes, make_household, make_device
):
    qt_phone = make_device(hubs["H"])
    hue_phone = make_device(hue["hub"])
    qt_home = make_household(communes["A"], priority=10)
    hue_home = make_household(hue["commune"], priority=90)
    # Without separation the higher priority of Huế could draw Quảng Trị's phone: it may not.

    run = match_run_create(actor=admin_user, seed=3)

    assert _pairs(run) == {(qt_phone.id, qt_home.id), (hue_phone.id, hue_home.id)}
    assert _part(run, "44")["proposals"] == _part(run, PROVINCE_B)["proposals"] == 1
    assert all(row["transfers_in"] == 0 for row in run.provinces)
    # Each part has its own fairness floors: one coverage row per commune with households.
    assert {row["commune"] for row in run.coverage} == {communes["A"].code, COMMUNE_D}


def test_a_coordinator_may_allow_phones_to_go_to_another_province(
    admin_user, hubs, hue, communes, make_household, make_device
):
    hue_phones = [make_device(hue["hub"]) for _ in range(2)]
    waiting = [make_household(communes["A"], priority=90) for _ in range(2)]

    run = match_run_create(actor=admin_user, seed=1, allow_transfer=True)

    assert run.allow_transfer is True
    assert {d for d, _h in _pairs(run)} == {d.id for d in hue_phones}
    assert {h for _d, h in _pairs(run)} == {h.id for h in waiting}
    assert _part(run, "44")["transfers_in"] == 2
    assert _part(run, PROVINCE_B)["transfers_out"] == 2
    proposal = run.proposals.first()
    transfer = next(e for e in proposal.explained if e["factor"] == "transfer")
    assert transfer["points"] == -10.0  # the policy's default cost between two hubs
    assert run.events.get(kind="created").data["allow_transfer"] is True


def test_a_phone_for_only_another_province_waits_without_a_transfer(
    admin_user, hubs, hue, communes, make_household, make_device
):
    for_hue = make_device(hubs["H"], only_province=PROVINCE_B)
    make_household(communes["A"], priority=90)
    make_household(hue["commune"], priority=10)

    run = match_run_create(actor=admin_user, seed=1)

    assert run.proposals.count() == 0
    assert _part(run, "44")["phones_held"] == 1
    assert _part(run, "44")["unmatched_devices"] == 1
    assert run.unmatched_devices == 1

    with_transfer = match_run_create(actor=admin_user, seed=1, allow_transfer=True)
    [(device_id, _household)] = _pairs(with_transfer)
    assert device_id == for_hue.id
    assert with_transfer.proposals.get().household.commune_id == COMMUNE_D


def test_a_phone_for_only_its_own_province_never_leaves_it(
    admin_user, hubs, hue, communes, make_household, make_device
):
    stays = make_device(hubs["H"], only_province="44")
    hue_home = make_household(hue["commune"], priority=90)

    run = match_run_create(actor=admin_user, seed=1, allow_transfer=True)

    assert run.proposals.count() == 0
    assert stays.id not in {d for d, _h in _pairs(run)} and hue_home.status == "verified"


def test_a_preferred_province_wins_over_an_equal_household_elsewhere(
    admin_user, hubs, hue, communes, make_household, make_device
):
    prefers_hue = make_device(hubs["H"], prefer_province=PROVINCE_B)
    make_household(communes["C"], priority=50)  # a lowland ward served by hub H itself
    hue_home = make_household(hue["commune"], priority=50)

    run = match_run_create(actor=admin_user, seed=1, allow_transfer=True)

    # Staying costs the preference bonus (15), going costs the transfer (10): it goes.
    assert _pairs(run) == {(prefers_hue.id, hue_home.id)}
    transfer = next(e for e in run.proposals.get().explained if e["factor"] == "transfer")
    assert transfer["points"] == -10.0

    # Where its province has nobody waiting, the phone serves where it is, at the bonus's cost.
    run.proposals.all().delete()
    hue_home.status = "inactive"
    hue_home.save(update_fields=["status"])
    again = match_run_create(actor=admin_user, seed=1, allow_transfer=True)
    [(device_id, household_id)] = _pairs(again)
    assert device_id == prefers_hue.id and household_id != hue_home.id


def test_a_coordinator_of_one_province_runs_its_hubs_only(
    hubs, hue, communes, make_household, make_device, coordinator_h
):
    make_device(hue["hub"])
    make_household(hue["commune"], priority=90)
    make_device(hubs["H"])

    run = match_run_create(actor=coordinator_h)

    assert [row["province"] for row in run.provinces] == ["44"]
    assert run.proposals.count() == 0  # hub H serves no waiting household; Huế is not its part


def test_the_api_takes_allow_transfer_and_shows_each_province(
    api, admin_user, hubs, hue, communes, make_household, make_device
):
    make_device(hue["hub"])
    make_household(communes["A"], priority=90)

    response = api.as_user(admin_user).post(
        "/api/v1/match-runs/", {"allow_transfer": True, "seed": 5}, format="json"
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["allow_transfer"] is True and body["proposals"] == 1
    assert {row["province"]: row["transfers_in"] for row in body["provinces"]} == {
        "44": 1,
        PROVINCE_B: 0,
    }
    assert MatchRun.objects.get(id=body["id"]).allow_transfer is True


def test_the_run_page_shows_each_province_part(
    client, admin_user, hubs, hue, communes, make_household, make_device
):
    make_device(hue["hub"])
    run = match_run_create(actor=admin_user, seed=1)
    client.force_login(admin_user)

    page = client.get(reverse("matching:run", args=[run.id])).content.decode()

    assert 'id="provinces-title"' in page
    assert '<th scope="row">Thành phố Huế</th>' in page
    assert '<th scope="row">Quảng Trị</th>' in page
