"""Issue 15, finding 15: the public progress page draws phones delivered per month and the
communes' coverage as server-rendered SVG (title, desc and a table alternative each), from the
same definitions as the numbers; no script, nothing from another site."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from logistics.models import Handover
from logistics.numbers import held_handovers
from progress import charts
from tests.conftest import COMMUNE_A, COMMUNE_B, COMMUNE_C

pytestmark = pytest.mark.django_db


def _section(page: str, title_id: str) -> str:
    start = page.index(f'aria-labelledby="{title_id}"')
    return page[start : page.index("</section>", start)]


def test_the_page_draws_phones_delivered_per_month(progress_data, client):
    cache.clear()
    # The four delivered phones of the fixture: two this month, one two months ago, one three
    # years ago (before the chart's twelve months).
    today = timezone.localdate()
    this_month = datetime(today.year, today.month, 1, 9, tzinfo=timezone.get_current_timezone())
    two_ago = this_month - timedelta(days=55)
    held = list(held_handovers())  # the handovers of the phones still with a household
    moments = [this_month, this_month, two_ago, this_month - timedelta(days=3 * 365)]
    for handover, moment in zip(held, moments, strict=True):
        Handover.objects.filter(id=handover.id).update(at=moment)
    Handover.objects.filter(device__status="returned").update(
        at=this_month  # came back from its household: not counted
    )
    page = client.get("/tien-do/").content.decode()
    months = _section(page, "months-title")
    svg = months[months.index("<svg") : months.index("</svg>")]
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert svg.count('class="m-bar"') == 12
    values = re.findall(r'<text class="m-value"[^>]*>(\d+)</text>', svg)
    labels = re.findall(r'<text class="m-label"[^>]*>(\d+)</text>', svg)
    assert len(labels) == 12 and labels[-1] == f"{today.month:02d}"
    assert sorted(int(v) for v in values) == [1, 2]
    table = months[months.index("<table") :]
    rows = re.findall(r'<th scope="row">([^<]+)</th><td class="num">(\d+)</td>', table)
    assert len(rows) == 12
    assert rows[-1] == (f"Tháng {today.month} {today.year}", "2")
    assert [int(n) for _label, n in rows].count(1) == 1
    assert "Ngoài ra 1 điện thoại đã trao trước 12 tháng này." in months


def test_a_month_is_a_month_of_vietnam_time(progress_data):
    from progress import selectors

    held = held_handovers()
    first = held.first()
    Handover.objects.filter(id__in=held.exclude(id=first.id).values("id")).update(
        at=datetime(2026, 6, 15, 3, 0, tzinfo=UTC)
    )
    # 18:30 UTC on 30 November is 01:30 on 1 December in Vietnam.
    Handover.objects.filter(id=first.id).update(at=datetime(2026, 11, 30, 18, 30, tzinfo=UTC))
    assert selectors.charts_compute()["delivered_per_month"] == {"2026-12": 1, "2026-06": 3}


def test_the_months_chart_counts_each_month_and_what_came_before():
    chart = charts.months_chart(
        {"2026-12": 4, "2026-11": 2, "2025-12": 1, "2025-01": 7}, today=date(2026, 12, 9)
    )
    assert chart["bars"][0]["key"] == "2026-01"
    assert [b["devices"] for b in chart["bars"]][-2:] == [2, 4]
    assert chart["total"] == 6 and chart["earlier"] == 8 and chart["top"] == 4
    tallest = chart["bars"][-1]
    assert (tallest["height"], tallest["y"]) == (120, 20)
    assert chart["bars"][-2]["height"] == 60


def test_the_map_colours_each_commune_by_its_coverage_in_rows_by_former_district(
    progress_data, client
):
    cache.clear()
    page = client.get("/tien-do/").content.decode()
    section = _section(page, "map-title")
    svg = section[
        section.index('<svg class="tilemap"') : section.index(
            "</svg>", section.index('<svg class="tilemap"')
        )
    ]
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert svg.count('<rect class="tile') == 78  # every commune of the province
    # The numbers' one definition (served: holding a delivered phone that has not come back):
    # Tà Rụt 3 of 8 verified (38%); Đông Hà ward 1 of 4 (25%); Hướng Phùng 0 of 3.
    tiles = dict(
        re.findall(r"<title>([^<:]+): [^<]*</title><rect class=\"tile (c-[a-z0-9]+)\"", svg)
    )
    assert tiles["Xã Tà Rụt"] == "c-25" and tiles["Phường Đông Hà"] == "c-25"
    assert tiles["Xã Hướng Phùng"] == "c-0"
    assert list(tiles.values()).count("c-none") == 75
    assert "Xã Tà Rụt: 3 trên 8 hộ đã xác minh đã nhận máy (38%)" in svg
    rows = re.findall(r'<text class="t-district"[^>]*>([^<]+)</text>', svg)
    assert rows[0] == "Minh Hóa" and rows[-1] == "Hải Lăng" and len(rows) == 18
    assert rows.index("Hướng Hóa") < rows.index("Đa Krông")
    table = section[section.index("<table") :]
    assert '<td class="num">3 / 8</td><td class="num">38%</td>' in table
    assert table.count('<th scope="row">') == 78
    assert "Huyện Hướng Hóa" in table


def test_the_pictures_load_nothing_from_elsewhere_and_no_script(progress_data, client):
    page = client.get("/tien-do/").content.decode()
    assert "<script" not in page
    assert not re.search(r'(src|href)="(https?:)?//', page)


@pytest.mark.parametrize(
    ("verified", "served", "band", "pct"),
    [
        (0, 0, "c-none", None),
        (10, 0, "c-0", 0),
        (1000, 1, "c-1", 1),
        (4, 1, "c-25", 25),
        (4, 2, "c-50", 50),
        (4, 3, "c-75", 75),
        (5, 5, "c-full", 100),
    ],
)
def test_the_coverage_bands(verified, served, band, pct):
    assert charts._band(verified, served) == (band, pct)


def test_communes_of_an_unknown_district_come_after_the_known_ones():
    rows = [
        {
            "code": c,
            "name": n,
            "is_mountain": False,
            "households_verified": 0,
            "households_served": 0,
        }
        for c, n in [(COMMUNE_A, "Xã Tà Rụt"), (COMMUNE_B, "Xã Hướng Phùng"), (COMMUNE_C, "Mới")]
    ]
    districts = {COMMUNE_A: "Huyện Đa Krông (Quảng Trị)", COMMUNE_B: "Huyện Hướng Hóa (Quảng Trị)"}
    drawn = charts.coverage_map(rows, districts)
    assert [d["district"] for d in drawn["districts"]] == ["Huyện Hướng Hóa", "Huyện Đa Krông", "—"]
