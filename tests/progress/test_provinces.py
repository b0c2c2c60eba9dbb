"""Public numbers per province and for the country (issue 17): stats_compute(province), the
stats API's ?province= and provinces list, the country page, a page and a CSV per province."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.cache import cache

from progress import selectors
from tests.conftest import COMMUNE_D, PROVINCE_B, assert_error, make_second_province
from tests.matching.factories import device_create, household_create, nominator_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_provinces(communes, hubs):
    """Quảng Trị: 3 waiting households in A, 1 phone ready at hub H; Huế: 2 waiting households
    in D, 2 phones ready at hub H2 and 1 pledged for hub H2 (not received yet)."""
    from donations.models import Donor, Pledge

    hue = make_second_province()
    nominator = nominator_create()
    for _ in range(3):
        household_create(communes["A"], nominator=nominator)
    for _ in range(2):
        household_create(hue["commune"], nominator=nominator)
    device_create(hubs["H"])
    device_create(hue["hub"])
    device_create(hue["hub"])
    donor = Donor.objects.create(name="Tâm", email="tam@example.org")
    on_its_way = device_create(None, status="pledged")
    on_its_way.pledge = Pledge.objects.create(donor=donor, hub=hue["hub"], dropoff="hub")
    on_its_way.save(update_fields=["pledge"])
    device_create(None, status="pledged")  # by post: on no hub's way yet
    return hue


def test_each_province_counts_its_own_communes_and_phones(two_provinces):
    hue = selectors.stats_compute(PROVINCE_B)
    assert "provinces" not in hue
    assert len(hue["communes"]) == 40
    assert {r["code"] for r in hue["communes"] if r["households_waiting"]} == {COMMUNE_D}
    assert hue["totals"]["households_waiting"] == 2
    assert hue["totals"]["devices_ready"] == 2
    assert hue["totals"]["devices_pledged"] == 3  # 2 ready + 1 on its way to hub H2

    quang_tri = selectors.stats_compute("44")
    assert len(quang_tri["communes"]) == 78
    assert quang_tri["totals"]["households_waiting"] == 3
    assert quang_tri["totals"]["devices_ready"] == 1


def test_the_country_adds_them_up_and_lists_the_provinces(two_provinces):
    country = selectors.stats_compute()
    assert len(country["communes"]) == 78 + 40
    assert country["totals"]["households_waiting"] == 5
    assert country["totals"]["devices_ready"] == 3
    assert country["totals"]["devices_pledged"] == 5  # the phone sent by post counts here only
    assert [(p["code"], p["name"]) for p in country["provinces"]] == [
        ("44", "Quảng Trị"),
        ("46", "Thành phố Huế"),
    ]
    assert [p["households_waiting"] for p in country["provinces"]] == [3, 2]
    assert [p["devices_pledged"] for p in country["provinces"]] == [1, 3]


def test_the_stats_api_takes_a_province(api, two_provinces):
    body = api.get("/api/v1/stats/", {"province": PROVINCE_B}).json()
    assert set(body) == {"generated_at", "cache_seconds", "totals", "communes"}
    assert body["totals"]["households_waiting"] == 2 and len(body["communes"]) == 40

    country = api.get("/api/v1/stats/").json()
    assert [p["code"] for p in country["provinces"]] == ["44", "46"]

    assert_error(api.get("/api/v1/stats/", {"province": "99"}), 400, "unknown_province", "province")


def test_each_province_is_cached_apart(two_provinces, django_assert_num_queries):
    cache.clear()
    selectors.public_stats(PROVINCE_B)
    with django_assert_num_queries(0):
        assert selectors.public_stats(PROVINCE_B)["totals"]["households_waiting"] == 2
    with django_assert_num_queries(7):
        assert selectors.public_stats()["totals"]["households_waiting"] == 5


def test_the_country_page_lists_the_active_provinces(
    client, two_provinces, django_assert_num_queries
):
    cache.clear()
    with django_assert_num_queries(7):
        response = client.get("/tien-do/ca-nuoc/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<a href="/tien-do/tinh/44/">Quảng Trị</a>' in html
    assert '<a href="/tien-do/tinh/46/">Thành phố Huế</a>' in html
    assert "Hà Nội" not in html  # not switched on


def test_a_province_page_and_its_csv(client, two_provinces):
    page = client.get("/tien-do/tinh/46/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Xã A Lưới 1" in html and "Xã Tà Rụt" not in html
    assert 'href="/tien-do/tinh/46/du-lieu.csv"' in html
    assert 'href="/api/v1/stats/?province=46"' in html

    response = client.get("/tien-do/tinh/46/du-lieu.csv")
    assert "noi-song-tien-do-46.csv" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 40
    assert {r["code"]: int(r["households_waiting"]) for r in rows}[COMMUNE_D] == 2


def test_no_page_for_a_province_the_programme_does_not_work_in(client, communes):
    assert client.get("/tien-do/tinh/01/").status_code == 404
    assert client.get("/tien-do/tinh/01/du-lieu.csv").status_code == 404
    assert client.get("/tien-do/tinh/xx/").status_code == 404


def test_the_commune_page_links_the_provinces_when_there_are_several(client, two_provinces):
    html = client.get("/tien-do/").content.decode()
    assert 'href="/tien-do/ca-nuoc/"' in html and 'href="/tien-do/tinh/46/"' in html
