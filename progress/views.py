"""Public progress pages: the numbers per commune (table + charts: phones per month and the
communes' coverage as tiles, progress/charts.py), the open-data CSV and the
honour roll. Anonymous, server-rendered, no JavaScript; aggregates only (see selectors)."""

from __future__ import annotations

import csv
import io

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import pgettext
from django.views.decorators.http import require_safe

from progress import charts, selectors


def home(request):
    """The home page, with the live numbers (cached aggregates)."""
    return render(request, "home.html", {"stats": selectors.public_stats()})


def _chart(rows: list[dict]) -> list[dict]:
    """Bar widths (0–100, of the largest commune's verified households) for the SVG chart, for
    the communes that have anything to show."""
    shown = [
        r
        for r in rows
        if r["households_verified"] or r["households_served"] or r["devices_delivered"]
    ]
    top = max(
        [
            max(r["households_verified"], r["households_served"], r["devices_delivered"])
            for r in shown
        ]
        or [1]
    )

    def width(n: int) -> int:  # of the SVG's 1000 units; integers, so no locale's comma
        return round(1000 * n / top) if n else 0

    return [
        {
            **r,
            "w_verified": width(r["households_verified"]),
            "w_served": width(r["households_served"]),
            "w_delivered": width(r["devices_delivered"]),
        }
        for r in shown
    ]


def _active_province(code: str) -> tuple[dict, list[dict]]:
    """A province the programme works in (404 for the others: no public page), and all of them."""
    provinces = selectors.active_provinces()
    province = next((p for p in provinces if p["code"] == code), None)
    if province is None:
        raise Http404
    return province, provinces


@require_safe
def communes(request):
    return _communes_page(request, None, None)


@require_safe
def province(request, code: str):
    """One province's page: its communes and totals, its CSV."""
    return _communes_page(request, *_active_province(code))


@require_safe
def country(request):
    """The whole deployment: its totals and the provinces the programme works in."""
    stats = selectors.public_stats()
    return render(
        request,
        "progress/country.html",
        {"stats": stats, "totals": stats["totals"], "provinces": stats["provinces"]},
    )


def _communes_page(request, province: dict | None, provinces: list[dict] | None):
    code = province["code"] if province else None
    stats = selectors.public_stats(code)
    rows, sort = selectors.commune_rows(stats, sort=request.GET.get("sort"))
    pictures = selectors.public_charts(code)
    return render(
        request,
        "progress/communes.html",
        {
            "province": province,
            "provinces": provinces if province else stats.get("provinces", []),
            "stats": stats,
            "totals": stats["totals"],
            "rows": rows,
            "sort": sort,
            "bars": _chart(rows),
            "columns": [
                ("name", pgettext("commune or ward", "Commune")),
                # Short headings under "Households" / "Phones" (fits a 360 px screen).
                ("verified", pgettext("households", "Verified")),
                ("waiting", pgettext("households", "Waiting")),
                ("allocated", pgettext("households", "On its way")),
                ("served", pgettext("households", "Served")),
                ("delivered", pgettext("phones", "Delivered")),
            ],
            "mountain_count": sum(1 for r in rows if r["is_mountain"]),
            "months": charts.months_chart(
                pictures["delivered_per_month"], today=timezone.localdate()
            ),
            "map": charts.coverage_map(stats["communes"], pictures["districts"]),
        },
    )


@require_safe
def communes_csv(request):
    return _csv(None)


@require_safe
def province_csv(request, code: str):
    return _csv(_active_province(code)[0])


def _csv(province: dict | None):
    """The per-commune aggregates as CSV: UTF-8 with a BOM (Excel then reads the Vietnamese
    names right), the API's keys as the header, one row per commune, sorted by name."""
    stats = selectors.public_stats(province["code"] if province else None)
    rows, _sort = selectors.commune_rows(stats, sort="name")
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(selectors.COMMUNE_FIELDS)
    for row in rows:
        values = [row[f] for f in selectors.COMMUNE_FIELDS]
        writer.writerow([str(v).lower() if isinstance(v, bool) else v for v in values])
    response = HttpResponse(out.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    name = f"noi-song-tien-do-{province['code']}.csv" if province else "noi-song-tien-do.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = f"public, max-age={selectors.cache_seconds()}"
    return response


@require_safe
def honour(request):
    roll = selectors.honour_roll()
    return render(
        request,
        "progress/honour.html",
        {
            "roll": roll,
            "cache_seconds": selectors.cache_seconds(),
            "pledged": sum(d["pledged"] for d in roll),
            "delivered": sum(d["delivered"] for d in roll),
        },
    )
