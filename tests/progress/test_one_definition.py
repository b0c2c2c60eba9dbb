"""The public numbers, one definition (API.md, issue 14): a season walked through the services
(tests/progress/season.py) with phones delivered, returned and handed over again, allocated, on
their way and lost. Every place that shows the numbers — the API, the CSV, /tien-do/ (table,
totals, chart), the home page, the hub dashboard — is parsed and must give the same figures,
and households served must equal the phones delivered and not returned."""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser

import pytest
from django.core.cache import cache

from donations.lifecycle import (
    LOST,
    NOT_GIVEN,
    ON_THE_WAY,
    READY_OR_ON_THE_WAY,
    WITH_A_HOUSEHOLD,
    may_move,
)
from donations.models import Device
from households.lifecycle import HOUSEHOLD, IN_PROGRAMME, WAITING
from logistics import numbers
from progress import selectors
from tests.conftest import COMMUNE_A, COMMUNE_C
from tests.progress.season import EXPECTED_COMMUNES, EXPECTED_TOTALS, HEAD, build_season

pytestmark = pytest.mark.django_db

S = Device.Status
COUNTS = numbers.COMMUNE_COUNTS


@pytest.fixture
def season(officer_a, coordinator_h, coordinator_k, admin_user, hubs, communes):
    return build_season(
        officer=officer_a,
        coordinator_h=coordinator_h,
        coordinator_k=coordinator_k,
        admin=admin_user,
        hubs=hubs,
    )


class _Numbers(HTMLParser):
    """Reads the figures a page marks with `data-key` (a number box, a table cell), grouped by
    the `data-code` of the row they are in ("total" for a table's foot, "" outside a row), and
    the chart's bars (`data-households_served` … on an element with a `data-code`)."""

    def __init__(self):
        super().__init__()
        self.figures: dict[str, dict[str, int]] = {}
        self.bars: dict[str, dict[str, int]] = {}
        self._code = ""
        self._rows: list[tuple[str, str]] = []  # (tag, code) of the open rows
        self._key: str | None = None
        self._depth = 0
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "data-code" in attrs:
            self._rows.append((tag, attrs["data-code"]))
            self._code = attrs["data-code"]
            bar = {k[5:]: int(v) for k, v in attrs.items() if k[5:] in COUNTS}
            if bar:
                self.bars[attrs["data-code"]] = bar
        if self._key is not None:
            self._depth += 1
        elif "data-key" in attrs:
            self._key, self._depth, self._text = attrs["data-key"], 0, []

    def handle_endtag(self, tag):
        if self._key is not None:
            if self._depth == 0:
                number = re.findall(r"\d[\d.,]*", " ".join(self._text))[-1]
                value = int(re.sub(r"\D", "", number))
                self.figures.setdefault(self._code, {})[self._key] = value
                self._key = None
            else:
                self._depth -= 1
        if self._rows and self._rows[-1][0] == tag and self._key is None:
            self._rows.pop()
            self._code = self._rows[-1][1] if self._rows else ""

    def handle_data(self, data):
        if self._key is not None:
            self._text.append(data)


def _parsed(html: str) -> _Numbers:
    parser = _Numbers()
    parser.feed(html)
    return parser


def _only(rows: dict, keys) -> dict:
    return {code: {k: v for k, v in row.items() if k in keys} for code, row in rows.items()}


def test_the_status_groups_are_the_life_cycles_own():
    """The groups the numbers count agree with the tables of allowed moves."""
    # A phone with a household can come back (returned); one on its way can be delivered.
    assert {s for s in S.values if may_move(s, S.RETURNED)} == WITH_A_HOUSEHOLD
    assert {
        s for s in S.values if may_move(s, S.DISPATCHED) or may_move(s, S.DELIVERED)
    } == ON_THE_WAY
    assert ON_THE_WAY < READY_OR_ON_THE_WAY and S.READY in READY_OR_ON_THE_WAY
    assert {S.LOST} == LOST and {S.CANCELLED} == NOT_GIVEN
    # Lost and cancelled are ends: nothing leaves them.
    assert all(not may_move(s, to) for s in LOST | NOT_GIVEN for to in S.values)
    assert WAITING <= IN_PROGRAMME
    assert all(HOUSEHOLD.may_move(s, "allocated") for s in WAITING)


def test_the_season_gives_the_expected_numbers_per_commune_and_in_total(season):
    counted = numbers.numbers_compute()
    rows = {r["code"]: r for r in counted["communes"]}
    assert _only(rows, COUNTS) == {
        code: EXPECTED_COMMUNES.get(code, dict.fromkeys(COUNTS, 0)) for code in rows
    }
    assert counted["totals"] == EXPECTED_TOTALS
    # Households served = phones delivered and not returned, per commune and in total, and both
    # are what the phones' own statuses say.
    for row in counted["communes"]:
        assert row["households_served"] == row["devices_delivered"], row["code"]
    held = Device.objects.filter(status__in=WITH_A_HOUSEHOLD).count()
    assert counted["totals"]["households_served"] == held == 3
    assert Device.objects.filter(status="returned").count() == 0  # P3 went round again
    # The household that gave its phone back waits again (issue 14's return path), and the
    # numbers agree with its status.
    assert season.households["A3"].status == "verified"


def test_every_page_and_the_api_give_the_same_numbers(
    season, client, api, coordinator_h, admin_user
):
    codes = [r["code"] for r in numbers.numbers_compute()["communes"]]
    expected_rows = {code: EXPECTED_COMMUNES.get(code, dict.fromkeys(COUNTS, 0)) for code in codes}
    # The API.
    body = api.get("/api/v1/stats/").json()
    assert body["totals"] == EXPECTED_TOTALS
    assert _only({r["code"]: r for r in body["communes"]}, COUNTS) == expected_rows
    # The CSV.
    raw = client.get("/tien-do/du-lieu.csv").content.decode("utf-8-sig")
    csv_rows = {r["code"]: {k: int(r[k]) for k in COUNTS} for r in csv.DictReader(io.StringIO(raw))}
    assert csv_rows == expected_rows
    # /tien-do/: the number boxes, the table (every commune and the province's foot), the chart.
    page = _parsed(client.get("/tien-do/").content.decode())
    assert page.figures.pop("") == EXPECTED_TOTALS
    assert page.figures.pop("total") == {k: EXPECTED_TOTALS[k] for k in COUNTS}
    assert page.figures == expected_rows
    shown = {c: r for c, r in expected_rows.items() if any(r.values())}
    assert page.bars == {
        code: {k: r[k] for k in ("households_verified", "households_served", "devices_delivered")}
        for code, r in shown.items()
    }
    # The home page.
    assert _parsed(client.get("/").content.decode()).figures == {"": EXPECTED_TOTALS}
    # The hub dashboard: the communes hub H serves (A and C), and every commune for an admin.
    client.force_login(coordinator_h)
    dashboard = _parsed(client.get("/kho/tong-quan/").content.decode()).figures
    columns = dashboard[next(iter(dashboard))].keys()
    assert dashboard == {
        code: {k: EXPECTED_COMMUNES[code][k] for k in columns} for code in (COMMUNE_A, COMMUNE_C)
    }
    client.force_login(admin_user)
    dashboard = _parsed(client.get("/kho/tong-quan/").content.decode()).figures
    assert dashboard == {
        code: {k: row[k] for k in columns} for code, row in EXPECTED_COMMUNES.items()
    }


def test_the_numbers_follow_the_phones_at_once_once_the_cache_expires(season, coordinator_h):
    """A phone that comes back takes its household out of the served; handed over again it
    counts for its new household (the latest handover), never twice."""
    from logistics.services import delivery

    before = selectors.public_stats()["totals"]
    delivery.follow_up_record(
        handover_id=season.handovers["P1"].id,
        in_use=False,
        problems="Màn hình vỡ.",
        send_back=True,
        actor=coordinator_h,
    )
    assert selectors.public_stats()["totals"] == before  # cached
    cache.clear()
    after = selectors.public_stats()["totals"]
    assert after["households_served"] == after["devices_delivered"] == 2
    assert after["households_verified"] == before["households_verified"]


def test_the_hub_list_and_the_dashboard_agree_on_every_count(
    season, client, coordinator_h, admin_user
):
    for user in (coordinator_h, admin_user):
        client.force_login(user)
        hub_list = client.get("/kho/").content.decode()
        badges = {
            label.strip(): int(n)
            for label, n in re.findall(
                r'class="badge" href="\?status=[a-z_]+">([^<:]+): (\d+)<', hub_list
            )
        }
        html = client.get("/kho/tong-quan/").content.decode()
        bars = dict(
            re.findall(
                r'<li data-status="([a-z_]+)"><span>[^<]*</span>.*?<span>(\d+)</span></li>', html
            )
        )
        labels = {s: str(S(s).label) for s in S.values}
        assert len(badges) >= 6, badges  # pledged, received, ready, allocated, …, lost
        assert {labels[s]: int(n) for s, n in bars.items() if int(n)} == badges, user
        # The table's rows add up to its foot, and the foot is the bars.
        foot = re.search(r"<tfoot><tr><th>[^<]*</th>(.*?)</tr></tfoot>", html).group(1)
        figures = [int(n) for n in re.findall(r"<td[^>]*>(\d+)</td>", foot)]  # labelled cells
        assert figures[:-1] == [int(n) for n in bars.values()]
        assert figures[-1] == sum(figures[:-1])
    # The lost phone shows on the hub dashboard.
    assert bars["lost"] == "1"


@pytest.mark.parametrize(
    ("url", "queries"),
    # (with each active province's totals: two queries, logistics.numbers.province_totals)
    [("/tien-do/", 9), ("/tien-do/du-lieu.csv", 7), ("/api/v1/stats/", 7), ("/", 7)],
)
def test_the_public_pages_count_in_few_queries(
    season, client, django_assert_num_queries, url, queries
):
    cache.clear()
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


def test_no_page_with_the_numbers_names_a_household(season, client):
    for url in ("/", "/tien-do/", "/tien-do/du-lieu.csv", "/api/v1/stats/"):
        assert HEAD not in client.get(url).content.decode("utf-8-sig")
