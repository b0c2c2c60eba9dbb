import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from places.models import Hub
from tests.conftest import COMMUNE_A, COMMUNE_B, assert_error

pytestmark = pytest.mark.django_db


def test_anyone_lists_hubs_with_the_communes_they_serve(api, hubs):
    body = api.get("/api/v1/hubs/").json()
    assert body["count"] == 2
    hub = next(r for r in body["results"] if r["id"] == hubs["H"].id)
    assert hub["commune"] == "19333"
    assert hub["serves"] == sorted([COMMUNE_A, "19333"])
    assert set(hub) >= {"id", "name", "commune", "address", "serves"}


def test_the_hub_list_query_count_is_pinned(api, hubs):
    with CaptureQueriesContext(connection) as queries:
        api.get("/api/v1/hubs/")
    assert len(queries) == 3  # count, page, prefetch of served communes


def test_an_admin_creates_a_hub(api, admin_user):
    response = api.as_user(admin_user).post(
        "/api/v1/hubs/",
        {"name": "Điểm Lao Bảo", "commune": "19432", "address": "Lao Bảo", "serves": [COMMUNE_B]},
        format="json",
    )
    assert response.status_code == 201, response.content
    hub = Hub.objects.get(name="Điểm Lao Bảo")
    assert response.json()["id"] == hub.id
    assert list(hub.serves.values_list("code", flat=True)) == [COMMUNE_B]


def test_an_admin_edits_the_communes_a_hub_serves(api, admin_user, hubs):
    response = api.as_user(admin_user).patch(
        f"/api/v1/hubs/{hubs['H'].id}/", {"serves": [COMMUNE_B]}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["serves"] == [COMMUNE_B]
    assert list(hubs["H"].serves.values_list("code", flat=True)) == [COMMUNE_B]


def test_an_unknown_commune_is_refused_and_nothing_is_written(api, admin_user):
    response = api.as_user(admin_user).post(
        "/api/v1/hubs/",
        {"name": "Điểm Huế", "commune": "19333", "address": "x", "serves": ["46000"]},
        format="json",
    )
    error = assert_error(response, 400, "unknown_commune", "serves")
    assert "46000" in error["message"]
    assert not Hub.objects.filter(name="Điểm Huế").exists()


@pytest.mark.parametrize("persona", ["anonymous", "donor", "officer_a", "coordinator_h"])
def test_only_admins_create_hubs(api, personas, persona):
    response = api.as_user(personas[persona]).post(
        "/api/v1/hubs/", {"name": "X", "commune": "19333", "address": "x"}, format="json"
    )
    assert response.status_code in (401, 403)
    assert response.json()["error"]["code"] in ("not_authenticated", "permission_denied")
    assert not Hub.objects.filter(name="X").exists()
