"""The public numbers against a known fixture (tests/progress/conftest.py): the selector, the
API, the CSV, the pages; no personal data anywhere; query counts pinned; the cache."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.cache import cache

from progress import selectors
from tests.conftest import COMMUNE_A, COMMUNE_B, COMMUNE_C
from tests.progress.conftest import (
    CCCD_LAST4,
    EXPECTED,
    EXPECTED_DELIVERED,
    EXPECTED_TOTALS,
    HEAD_NAME,
    VILLAGE,
)

pytestmark = pytest.mark.django_db

CODES = {"A": COMMUNE_A, "B": COMMUNE_B, "C": COMMUNE_C}
PUBLIC_URLS = [
    "/",
    "/tien-do/",
    "/tien-do/?sort=delivered",
    "/tien-do/du-lieu.csv",
    "/tien-do/vinh-danh/",
    "/api/v1/stats/",
]


def _row(stats, key):
    return next(r for r in stats["communes"] if r["code"] == CODES[key])


def test_it_counts_households_and_devices_per_commune_by_the_documented_rules(progress_data):
    stats = selectors.stats_compute()
    for key, expected in EXPECTED.items():
        row = _row(stats, key)
        for field, value in expected.items():
            assert row[field] == value, (key, field)
        assert row["devices_delivered"] == EXPECTED_DELIVERED[key]
    assert stats["totals"] == EXPECTED_TOTALS
    # Every commune has a row (the 78 units), all-zero where nothing happened.
    from places.models import Commune

    assert len(stats["communes"]) == Commune.objects.count() == 78
    quiet = [r for r in stats["communes"] if r["code"] not in CODES.values()]
    assert all(
        r["households_verified"] == r["households_waiting"] == r["devices_delivered"] == 0
        for r in quiet
    )
    assert _row(stats, "A")["is_mountain"] is True
    assert _row(stats, "C")["is_mountain"] is False


def test_it_returns_zeros_when_nothing_has_happened(communes):
    stats = selectors.stats_compute()
    assert set(stats["totals"].values()) == {0}


def test_it_serves_the_stats_api_to_anyone_with_totals_and_rows_sorted_by_name(
    progress_data, api, personas
):
    for persona in ("anonymous", "donor", "officer_a", "admin"):
        response = api.as_user(personas[persona]).get("/api/v1/stats/")
        assert response.status_code == 200, persona
    body = response.json()
    # Without ?province=: the whole deployment, with each active province's totals.
    assert set(body) == {"generated_at", "cache_seconds", "totals", "communes", "provinces"}
    # (the fixture's phones are on no hub's way: they count in the deployment's totals only)
    assert body["provinces"] == [
        {
            "code": "44",
            "name": "Quảng Trị",
            **body["totals"],
            "devices_pledged": 0,
            "devices_ready": 0,
            "devices_lost": 0,
        }
    ]
    assert body["cache_seconds"] == 60
    assert set(body["totals"]) == set(selectors.TOTAL_FIELDS)
    assert body["totals"] == EXPECTED_TOTALS
    assert all(set(r) == set(selectors.COMMUNE_FIELDS) for r in body["communes"])
    row_a = next(r for r in body["communes"] if r["code"] == COMMUNE_A)
    assert row_a == {
        "code": COMMUNE_A,
        "name": row_a["name"],
        "is_mountain": True,
        **EXPECTED["A"],
        "devices_delivered": 3,
    }
    from unidecode import unidecode

    names = [unidecode(r["name"]).casefold() for r in body["communes"]]
    assert names == sorted(names)


def test_it_refuses_writes_on_the_stats_api(progress_data, api):
    assert api.post("/api/v1/stats/", {}, format="json").status_code == 405


def test_it_gives_a_csv_with_bom_that_parses_and_matches_the_api(progress_data, client, api):
    response = client.get("/tien-do/du-lieu.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel shows the Vietnamese names
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert list(rows[0]) == list(selectors.COMMUNE_FIELDS)
    api_rows = api.get("/api/v1/stats/").json()["communes"]
    assert len(rows) == len(api_rows) == 78
    for csv_row, api_row in zip(rows, api_rows, strict=True):
        assert csv_row["code"] == api_row["code"]
        assert csv_row["name"] == api_row["name"]
        assert csv_row["is_mountain"] == str(api_row["is_mountain"]).lower()
        for field in selectors.COMMUNE_FIELDS[3:]:
            assert int(csv_row[field]) == api_row[field], field
    assert any("Tà Rụt" in r["name"] for r in rows)


def test_it_shows_the_numbers_on_the_home_page(progress_data, client):
    html = client.get("/").content.decode()
    assert 'class="numbers"' in html
    for value in ("17", "5", "4", "1", "15", "7", "3"):  # see EXPECTED_TOTALS
        assert f"<dd>{value}</dd>" in html
    assert "/tien-do/" in html and "/tien-do/vinh-danh/" in html and "/tien-do/du-lieu.csv" in html
    # The links the donations app put on the home page are still there.
    assert "/tang-dien-thoai/" in html and "/ung-ho/" in html and "/t/" in html


def test_it_shows_the_commune_table_with_mountain_marks_and_a_chart(progress_data, client):
    html = client.get("/tien-do/").content.decode()
    assert html.count('class="mountain">') == sum(
        r["is_mountain"] for r in selectors.stats_compute()["communes"]
    )
    assert "<svg" in html and 'class="bars"' in html
    # Three communes have something to chart.
    assert html.count('class="pbar"') == 3
    assert "<script" not in html


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("verified", "ACB"),  # 8, 4, 3
        ("waiting", "ABC"),  # 4, 2, 1
        ("allocated", "CAB"),  # 2, 1, 0
        ("served", "ACB"),  # 3, 1, 0
        ("delivered", "ACB"),  # 3, 1, 0
        ("unknown", "ABC"),  # falls back to waiting
        ("", "ABC"),
    ],
)
def test_it_sorts_the_table_by_a_get_parameter(progress_data, client, communes, sort, order):
    html = client.get(f"/tien-do/?sort={sort}").content.decode()
    body = html[html.index("progress-table") :]
    positions = [body.index(communes[key].name) for key in order]
    assert positions == sorted(positions)
    # Largest first: the other 75 communes have zeros, so the first row is the fixture's.
    assert body.split('<th scope="row">')[1].startswith(communes[order[0]].name)


def test_it_sorts_by_name_a_to_z(progress_data, client, communes):
    html = client.get("/tien-do/?sort=delivered").content.decode()
    body = html[html.index("progress-table") :]
    # delivered: A 3, C 1, B 0.
    assert body.index(communes["A"].name) < body.index(communes["C"].name)
    assert body.index(communes["C"].name) < body.index(communes["B"].name)
    rows, sort = selectors.commune_rows(selectors.public_stats(), sort="name")
    assert sort == "name"
    html = client.get("/tien-do/?sort=name").content.decode()
    body = html[html.index("progress-table") :]
    assert body.index(rows[0]["name"]) < body.index(rows[-1]["name"])
    assert 'aria-sort="ascending"' in html


def test_it_lists_only_opted_in_donors_on_the_honour_roll(progress_data, client):
    roll = selectors.honour_roll_compute()
    assert roll == [
        {"name": "Gia đình Tâm", "pledged": 9, "delivered": 2, "gave_money": False},
        {"name": "Công ty Quà Tặng", "pledged": 0, "delivered": 0, "gave_money": True},
    ]
    html = client.get("/tien-do/vinh-danh/").content.decode()
    assert "Gia đình Tâm" in html and "Công ty Quà Tặng" in html
    # Neither the hidden donor, nor the one whose only pledge was cancelled, nor real names.
    for absent in ("Trần Văn Ẩn Danh", "Người Đã Huỷ", "Nguyễn Thị Riêng Tư", "donor@test.vn"):
        assert absent not in html


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_it_never_shows_household_personal_data(progress_data, client, url):
    body = client.get(url).content.decode("utf-8-sig")
    assert HEAD_NAME not in body
    assert CCCD_LAST4 not in body
    assert VILLAGE not in body


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        # communes, households by (commune, status), live allocations of phones on the way,
        # the latest handover of each phone with a household, devices by status; and each
        # active province's totals: its communes, its phones by status (two)
        ("/tien-do/", 9),  # and the two of the pictures: delivered per month, districts
        ("/tien-do/du-lieu.csv", 7),
        ("/api/v1/stats/", 7),
        ("/", 7),
        ("/tien-do/vinh-danh/", 1),  # donors with their counts in one query
    ],
)
def test_it_pins_queries_and_the_cache_makes_the_second_request_free(
    progress_data, client, django_assert_num_queries, url, queries
):
    cache.clear()
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(0):
        assert client.get(url).status_code == 200


def test_it_keeps_the_aggregates_for_the_configured_seconds(progress_data, settings, monkeypatch):
    seen = {}

    def fake_set(key, value, timeout):
        seen[key] = timeout

    monkeypatch.setattr(cache, "set", fake_set)
    settings.PROGRESS_CACHE_SECONDS = 30
    selectors.public_stats()
    selectors.honour_roll()
    stats, honour = selectors.STATS_CACHE_KEY, selectors.HONOUR_CACHE_KEY
    assert seen == {stats: 30, f"{stats}:stale": 300, honour: 30, f"{honour}:stale": 300}


def test_it_serves_the_stale_copy_while_another_request_recomputes(
    progress_data, django_assert_num_queries
):
    first = selectors.public_stats()
    cache.delete(selectors.STATS_CACHE_KEY)  # expired; the stale copy remains
    assert cache.add(f"{selectors.STATS_CACHE_KEY}:lock", 1, 30)  # another request recomputes
    with django_assert_num_queries(0):
        assert selectors.public_stats() == first
    cache.delete(f"{selectors.STATS_CACHE_KEY}:lock")  # it is done (or gave up)
    with django_assert_num_queries(7):
        assert selectors.public_stats()["totals"] == first["totals"]
    assert cache.get(f"{selectors.STATS_CACHE_KEY}:lock") is None  # the lock is released


def test_it_serves_cached_figures_until_they_expire(progress_data, officer_a, communes):
    from households.models import Household

    before = selectors.public_stats()["totals"]["households_waiting"]
    Household.objects.create(
        commune=communes["B"],
        head_name="Mới",
        poverty_status="poor",
        phone_situation="none",
        coverage_4g="good",
        status="verified",
        created_by=officer_a,
    )
    assert selectors.public_stats()["totals"]["households_waiting"] == before  # cached
    cache.delete(selectors.STATS_CACHE_KEY)  # as when the 60 s have passed
    assert selectors.public_stats()["totals"]["households_waiting"] == before + 1


def test_it_speaks_vietnamese_by_default_and_english_on_request(progress_data, client):
    html = client.get("/tien-do/").content.decode()
    assert "<h1>Tiến độ theo xã</h1>" in html and "Đang chờ" in html
    client.cookies["django_language"] = "en"
    html = client.get("/tien-do/").content.decode()
    assert "<h1>Progress by commune</h1>" in html and "Waiting" in html
    # The open data does not change with the language.
    assert (
        client.get("/tien-do/du-lieu.csv")
        .content.decode("utf-8-sig")
        .startswith(",".join(selectors.COMMUNE_FIELDS))
    )
