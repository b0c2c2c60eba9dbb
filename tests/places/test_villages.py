import pytest

pytestmark = pytest.mark.django_db


def names(response):
    assert response.status_code == 200, response.content
    return sorted(v["name"] for v in response.json()["results"])


def test_an_officer_sees_only_the_villages_of_their_communes(api, personas, villages):
    assert names(api.as_user(personas["officer_a"]).get("/api/v1/villages/")) == ["Bản A Vao"]
    assert names(api.as_user(personas["officer_b"]).get("/api/v1/villages/")) == ["Bản Cheng"]


def test_an_officer_of_a_cannot_reach_commune_b_by_filtering(api, personas, villages):
    response = api.as_user(personas["officer_a"]).get("/api/v1/villages/?commune=19441")
    assert names(response) == []
    detail = api.as_user(personas["officer_a"]).get(f"/api/v1/villages/{villages['B'].id}/")
    assert detail.status_code == 404


def test_a_coordinator_sees_the_villages_their_hub_serves(api, personas, villages):
    assert names(api.as_user(personas["coordinator_h"]).get("/api/v1/villages/")) == ["Bản A Vao"]
    assert names(api.as_user(personas["coordinator_k"]).get("/api/v1/villages/")) == ["Bản Cheng"]


def test_verifiers_and_admins_see_their_range(api, personas, villages):
    both = ["Bản A Vao", "Bản Cheng"]
    assert names(api.as_user(personas["verifier"]).get("/api/v1/villages/")) == both
    assert names(api.as_user(personas["admin"]).get("/api/v1/villages/")) == both


def test_donors_see_no_village(api, personas, villages):
    assert names(api.as_user(personas["donor"]).get("/api/v1/villages/")) == []
    assert api.as_user(None).get("/api/v1/villages/").status_code == 401
