"""Public progress: aggregates only, never a household.

Everything here is public (no scoping: anonymous visitors read it), so nothing here may name or
point at a household: no name, CCCD digit, village, phone, or row per household — only counts
per commune and totals. Per-commune counts of households are aggregates of a public programme
in communes of thousands of people; we publish them as they are.

The numbers have one definition, in logistics/numbers.py (API.md "Public numbers, one
definition"): households verified, waiting, allocated and served (holding a delivered phone that
has not come back), phones pledged, ready, delivered (the same rows as households served) and
lost. The home page, /tien-do/, the CSV and GET /api/v1/stats/ all show `public_stats()`, and the
hub dashboard counts its communes with the same function.

Speed: five aggregate queries (communes; households grouped by commune and status, answered from
the ``household_commune_status`` index; live allocations of phones on the way; the latest
handover of each phone still with a household; devices grouped by status), whatever the number
of households. The result is a plain dict (no translated text), cached for
``settings.PROGRESS_CACHE_SECONDS`` (60 s) under ``STATS_CACHE_KEY`` and never invalidated: a
figure is at most that old (while one request recomputes an expired figure, the others get the
previous one, kept ten times longer: no stampede). bench/progress_bench.py measures it with a
million households and 50,000 phones on PostgreSQL: the five queries take ~0.28 s (a parallel
index-only scan of household_commune_status; ~0.7 s with index scans off), a cached read ~0.03 ms.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from core.cache import CACHE_ERRORS
from donations.lifecycle import NOT_GIVEN, WITH_A_HOUSEHOLD
from donations.models import Donor, Gift
from logistics import numbers
from places.models import Commune, Province

STATS_CACHE_KEY = "progress:stats:v2"
HONOUR_CACHE_KEY = "progress:honour:v1"
LOCK_SECONDS = 30  # longest a recomputation may hold the lock
log = logging.getLogger("noisong.progress")
_local_copies: dict[str, tuple[float, object]] = {}  # with the cache down: key → (until, value)

# The columns of a commune row, in the order of the CSV (the API uses the same keys).
COMMUNE_FIELDS = ("code", "name", "is_mountain", *numbers.COMMUNE_COUNTS)
TOTAL_FIELDS = numbers.TOTAL_FIELDS


def cache_seconds() -> int:
    return getattr(settings, "PROGRESS_CACHE_SECONDS", 60)


def stats_compute(province: str | None = None) -> dict:
    """The aggregates, straight from the database (logistics.numbers). Prefer `public_stats`.

    `province` (a code): that province's communes and phones (numbers.numbers_compute). Without
    it: the communes of the provinces the programme works in and every phone, with a
    `provinces` list of each active province's totals (two more queries)."""
    stats = {
        "generated_at": timezone.now().isoformat(),
        "cache_seconds": cache_seconds(),
        **numbers.numbers_compute(province=province),
    }
    if province is None:
        stats["provinces"] = numbers.province_totals(stats["communes"])
    return stats


def _cached(key: str, compute):
    """`compute()`'s result from the cache, or computed and kept for PROGRESS_CACHE_SECONDS.

    No stampede when the figure expires under load (a campaign launch): a stale copy is kept ten
    times longer, and while one request recomputes (it holds a short lock taken with
    `cache.add`), the others get the stale copy instead of running the same aggregates.
    With the cache down, a copy kept in this process for as long serves instead (logged)."""
    try:
        return _cached_shared(key, compute)
    except CACHE_ERRORS as error:
        log.warning("public numbers kept in-process, the cache failed: %r", error)
        until, value = _local_copies.get(key, (0.0, None))
        if value is None or until <= time.monotonic():
            value = compute()
            _local_copies[key] = (time.monotonic() + cache_seconds(), value)
        return value


def _cached_shared(key: str, compute):
    value = cache.get(key)
    if value is not None:
        return value
    stale = cache.get(f"{key}:stale")
    if stale is not None and not cache.add(f"{key}:lock", 1, LOCK_SECONDS):
        return stale
    try:
        value = compute()
        seconds = cache_seconds()
        cache.set(key, value, seconds)
        cache.set(f"{key}:stale", value, seconds * 10)
    finally:
        cache.delete(f"{key}:lock")
    return value


def public_stats(province: str | None = None) -> dict:
    """The aggregates (of one province, or of the deployment), from the cache when they are
    there (0 queries), else computed and kept for PROGRESS_CACHE_SECONDS (see `_cached`).
    Callers must not mutate the result."""
    if province is None:
        return _cached(STATS_CACHE_KEY, stats_compute)
    return _cached(f"{STATS_CACHE_KEY}:{province}", lambda: stats_compute(province))


def province_exists(code: str) -> bool:
    return Province.objects.filter(code=code).exists()


def active_provinces() -> list[dict]:
    """[{"code", "name"}] of the provinces the programme works in, in official order."""
    return list(Province.objects.filter(active=True).order_by("code").values("code", "name"))


# GET ?sort=… on /tien-do/: the column a visitor sorts by (largest first; ties by name A→Z).
SORTS = {
    "name": None,
    "verified": "households_verified",
    "waiting": "households_waiting",
    "allocated": "households_allocated",
    "served": "households_served",
    "delivered": "devices_delivered",
    "mountain": "is_mountain",
}
DEFAULT_SORT = "waiting"


def commune_rows(stats: dict, *, sort: str | None) -> tuple[list[dict], str]:
    """The commune rows sorted by a known key; an unknown key falls back to DEFAULT_SORT."""
    sort = sort if sort in SORTS else DEFAULT_SORT
    from unidecode import unidecode

    rows = sorted(stats["communes"], key=lambda r: (unidecode(r["name"]).casefold(), r["code"]))
    field = SORTS[sort]
    if field:
        rows.sort(key=lambda r: r[field], reverse=True)  # stable: ties keep the name order
    return rows, sort


CHARTS_CACHE_KEY = "progress:charts:v1"


def charts_compute(province: str | None = None) -> dict:
    """What the progress page's pictures need beyond the stats (two queries): phones delivered
    per month of their handover in Vietnam time (``devices_delivered``'s rows: the latest handover
    of each phone still with a household, logistics.numbers.held_handovers; so the months add up
    to the total), and each commune's former district (public, from places). Plain data, cached
    like the stats."""
    from zoneinfo import ZoneInfo

    from django.db.models.functions import TruncMonth

    held = numbers.held_handovers()
    communes = Commune.objects.order_by()
    if province is None:
        communes = communes.filter(province__active=True)
    else:  # (one province's page: its households' phones and its communes)
        held = held.filter(household__commune__province_id=province)
        communes = communes.filter(province_id=province)
    months = (
        held.annotate(month=TruncMonth("at", tzinfo=ZoneInfo(settings.TIME_ZONE)))
        .values_list("month")
        .annotate(n=Count("*"))
    )
    return {
        "delivered_per_month": {
            month.strftime("%Y-%m"): n for month, n in months if month is not None
        },
        "districts": dict(communes.values_list("code", "old_districts")),
    }


def public_charts(province: str | None = None) -> dict:
    """`charts_compute`, cached like the stats (per province)."""
    if province is None:
        return _cached(CHARTS_CACHE_KEY, charts_compute)
    return _cached(f"{CHARTS_CACHE_KEY}:{province}", lambda: charts_compute(province))


def honour_roll_compute() -> list[dict]:
    """Donors who chose a public name (``Donor.public_name``) and gave: the name, phones pledged
    (not cancelled) and phones delivered. Nothing else about the donor, nothing about the
    households. One query."""
    device_q = "pledges__devices__status"
    paid_gift = Gift.objects.filter(donor=OuterRef("pk"), status="paid")
    donors = (
        Donor.objects.exclude(public_name="")
        .annotate(
            pledged=Count("pledges__devices", filter=~Q(**{f"{device_q}__in": NOT_GIVEN})),
            delivered=Count("pledges__devices", filter=Q(**{f"{device_q}__in": WITH_A_HOUSEHOLD})),
            gave_money=Exists(paid_gift),
        )
        .filter(Q(pledged__gt=0) | Q(gave_money=True))
        .order_by("-delivered", "-pledged", "public_name", "id")
        .values("public_name", "pledged", "delivered", "gave_money")
    )
    return [
        {
            "name": d["public_name"],
            "pledged": d["pledged"],
            "delivered": d["delivered"],
            "gave_money": d["gave_money"],
        }
        for d in donors
    ]


def honour_roll() -> list[dict]:
    """`honour_roll_compute`, cached like the stats."""
    return _cached(HONOUR_CACHE_KEY, honour_roll_compute)


# The honour page's rendered rows are cached too ({% cache … progress_honour LANG %}).
HONOUR_FRAGMENT = "progress_honour"


def honour_roll_forget() -> None:
    """Drop the cached honour roll (its rows, their stale copy and the page's rendered fragment
    in every language): a donor asked to be erased."""
    from django.core.cache.utils import make_template_fragment_key

    _local_copies.pop(HONOUR_CACHE_KEY, None)
    fragments = [
        make_template_fragment_key(HONOUR_FRAGMENT, [code]) for code, _n in settings.LANGUAGES
    ]
    try:
        cache.delete_many([HONOUR_CACHE_KEY, f"{HONOUR_CACHE_KEY}:stale", *fragments])
    except CACHE_ERRORS as error:
        log.warning("could not drop the cached honour roll: %r", error)
