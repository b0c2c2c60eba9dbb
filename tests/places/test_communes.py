import csv
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from places.loading import DATA_FILE, load_communes
from places.models import Commune

pytestmark = pytest.mark.django_db


def test_it_has_the_78_units_of_the_new_quang_tri():
    kinds = Counter(Commune.objects.values_list("kind", flat=True))
    assert kinds == {"commune": 69, "ward": 8, "special_zone": 1}
    assert Commune.objects.get(code="19588").name == "Xã Tà Rụt"


def test_its_flags_come_from_the_reviewed_data_file():
    with DATA_FILE.open(encoding="utf-8") as handle:
        rows = {row["code"]: row for row in csv.DictReader(handle)}
    assert set(rows) == set(Commune.objects.values_list("code", flat=True))
    for commune in Commune.objects.all():
        assert commune.is_mountain == (rows[commune.code]["mountain"] == "true"), commune
        assert commune.is_extremely_difficult == (
            rows[commune.code]["extremely_difficult"] == "true"
        )
        assert commune.flags_basis == rows[commune.code]["basis"]
    assert Commune.objects.filter(is_mountain=True).count() == 30
    assert Commune.objects.filter(is_extremely_difficult=True).count() == 19


def test_reloading_keeps_an_admins_correction():
    # Corrections go through households/services/communes.py (tested in tests/households).
    commune = Commune.objects.get(code="19597")
    commune.is_mountain = False
    commune.flags_basis = "Corrected by Decision 60/QĐ-BDTTG"
    commune.save()

    assert load_communes(Commune) == 0
    commune.refresh_from_db()
    assert commune.is_mountain is False
    assert commune.flags_basis == "Corrected by Decision 60/QĐ-BDTTG"
    assert Commune.objects.count() == 78


def test_the_api_lists_them_to_anyone(api):
    response = api.get("/api/v1/communes/", {"page_size": 200})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 78
    assert {"count", "next", "previous", "results"} <= set(body)
    item = next(r for r in body["results"] if r["code"] == "19588")
    assert item == {
        "code": "19588",
        "name": "Xã Tà Rụt",
        "province": "44",
        "kind": "commune",
        "is_mountain": True,
        "is_extremely_difficult": True,
    }


def test_the_api_filters_mountain_communes(api):
    body = api.get("/api/v1/communes/", {"is_mountain": "true", "page_size": 200}).json()
    assert body["count"] == 30
    assert all(r["is_mountain"] for r in body["results"])


def test_the_page_size_is_capped_at_200(api):
    body = api.get("/api/v1/communes/", {"page_size": 1000}).json()
    assert len(body["results"]) == 78  # under the cap; the cap itself is checked below
    from core.api import Pagination

    assert Pagination.max_page_size == 200


def test_the_list_takes_two_queries(api):
    with CaptureQueriesContext(connection) as queries:
        api.get("/api/v1/communes/", {"page_size": 200})
    assert len(queries) == 2  # count + page


def test_an_unknown_commune_is_a_404_in_the_error_shape(api):
    response = api.get("/api/v1/communes/99999/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
