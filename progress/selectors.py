"""Public progress: aggregates only, never a household.

Everything here is public (no scoping: anonymous visitors read it), so nothing here may name or
point at a household: no name, CCCD digit, village, phone, or row per household — only counts
per commune and province-wide totals. Per-commune counts of households are aggregates of a public
programme in communes of thousands of people; we publish them as they are.

Definitions (the same in the home page, /tien-do/, the CSV and GET /api/v1/stats/):

Households (per commune, by ``Household.commune``):
  * ``verified`` — households whose need a verifier has confirmed and who are still in the
    programme: status ``verified``, ``allocated`` or ``served``. It grows as work is done.
  * ``waiting``  — households verified and waiting for a phone: status ``verified`` (confirmed,
    no phone allocated yet). Nominations not yet verified (``submitted``, ``needs_changes``) are
    NOT counted: they may still be rejected, and the public figure is the need donors can fill
    today. A household with a phone allocated or on its way (``allocated``) no longer waits on a
    donor and is not counted either.
  * ``served``   — households that received their phone: status ``served``.
  Drafts, rejected and inactive households are not counted anywhere.

Devices:
  * ``pledged``   — every phone donors promised (or the fund bought), whatever became of it,
    except those whose pledge was cancelled (status ``cancelled``). Province-wide only.
  * ``ready``     — phones wiped and checked, not yet handed over: status ``ready``,
    ``allocated`` or ``dispatched``. Province-wide only: a phone has no commune until delivered.
  * ``delivered`` — phones handed to a household and still there: status ``delivered`` or
    ``followed_up``, counted per commune by where they were delivered
    (``donations.DeviceOutcome.commune``); the province total is the sum of the communes, so a
    delivered phone without an outcome record is not counted.

Speed: four aggregate queries (communes; households grouped by commune and status, answered from
the ``household_commune_status`` index; devices grouped by status; outcomes grouped by commune),
whatever the number of households. The result is a plain dict (no translated text), cached for
``settings.PROGRESS_CACHE_SECONDS`` (60 s) under ``STATS_CACHE_KEY`` and never invalidated: a
figure is at most that old (while one request recomputes an expired figure, the others get the
previous one, kept ten times longer: no stampede). bench/progress_bench.py measures it with a
million households on PostgreSQL: the four queries take ~0.2 s (a parallel index-only scan of
household_commune_status; ~0.45 s with index scans switched off), a cached read ~0.06 ms, so no
further index is needed.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.cache import CACHE_ERRORS
from donations.models import Device, DeviceOutcome, Donor, Gift
from households.models import Household
from places.models import Commune, Province

STATS_CACHE_KEY = "progress:stats:v1"
HONOUR_CACHE_KEY = "progress:honour:v1"
LOCK_SECONDS = 30  # longest a recomputation may hold the lock
log = logging.getLogger("noisong.progress")
_local_copies: dict[str, tuple[float, object]] = {}  # with the cache down: key → (until, value)

HOUSEHOLD_VERIFIED = ("verified", "allocated", "served")
HOUSEHOLD_WAITING = ("verified",)
HOUSEHOLD_SERVED = ("served",)
DEVICE_NOT_PLEDGED = ("cancelled",)
DEVICE_READY = ("ready", "allocated", "dispatched")
DEVICE_DELIVERED = ("delivered", "followed_up")

# The columns of a commune row, in the order of the CSV (the API uses the same keys).
COMMUNE_FIELDS = (
    "code",
    "name",
    "is_mountain",
    "households_verified",
    "households_waiting",
    "households_served",
    "devices_delivered",
)
TOTAL_FIELDS = (
    "households_verified",
    "households_waiting",
    "households_served",
    "devices_pledged",
    "devices_ready",
    "devices_delivered",
)


def cache_seconds() -> int:
    return getattr(settings, "PROGRESS_CACHE_SECONDS", 60)


def stats_compute(province: str | None = None) -> dict:
    """The aggregates, straight from the database (four queries). Prefer `public_stats`.

    `province` (a code): that province's communes, and the phones at its hubs (or, before a
    hub receives them, on their way to one of its hubs). Without it: the whole deployment — the
    communes of the provinces the programme works in, every phone — and a `provinces` list with
    each active province's totals. A phone on no hub's way yet (sent by post, to pick up) is
    counted in the deployment's totals only."""
    communes = Commune.objects.filter(
        **({"province_id": province} if province else {"province__active": True})
    )
    province_of: dict[str, str] = {}
    names: dict[str, str] = {}
    rows = {}
    for c in communes.order_by("name", "code").values(
        "code", "name", "is_mountain", "province_id", "province__name"
    ):
        province_of[c["code"]] = c["province_id"]
        names[c["province_id"]] = c["province__name"]
        rows[c["code"]] = {
            "code": c["code"],
            "name": c["name"],
            "is_mountain": c["is_mountain"],
            "households_verified": 0,
            "households_waiting": 0,
            "households_served": 0,
            "devices_delivered": 0,
        }
    # GROUP BY commune_id, status over the household_commune_status index: no row is read.
    grouped = (
        Household.objects.order_by()
        .values_list("commune_id", "status")
        .annotate(n=Count("*"))
        .filter(status__in=HOUSEHOLD_VERIFIED)
    )
    for commune_id, status, n in grouped:
        row = rows.get(commune_id)
        if row is None:
            continue
        row["households_verified"] += n
        if status in HOUSEHOLD_WAITING:
            row["households_waiting"] += n
        if status in HOUSEHOLD_SERVED:
            row["households_served"] += n
    delivered = (
        DeviceOutcome.objects.order_by()
        .filter(device__status__in=DEVICE_DELIVERED)
        .values_list("commune_id")
        .annotate(n=Count("*"))
    )
    for commune_id, n in delivered:
        if commune_id in rows:
            rows[commune_id]["devices_delivered"] += n
    # Phones by (province of their hub, or of the hub they are on their way to; status).
    by_province = (
        Device.objects.order_by()
        .annotate(p=Coalesce("hub__commune__province_id", "pledge__hub__commune__province_id"))
        .values_list("p", "status")
        .annotate(n=Count("*"))
    )
    by_status: dict[str | None, dict[str, int]] = {}
    for code, status, n in by_province:
        counts = by_status.setdefault(code, {})
        counts[status] = counts.get(status, 0) + n
    communes_list = list(rows.values())
    stats = {
        "generated_at": timezone.now().isoformat(),
        "cache_seconds": cache_seconds(),
        "totals": _totals(communes_list, _merged(by_status, province)),
        "communes": communes_list,
    }
    if province is None:
        stats["provinces"] = [
            {
                "code": code,
                "name": names[code],
                **_totals(
                    [r for r in communes_list if province_of[r["code"]] == code],
                    by_status.get(code, {}),
                ),
            }
            for code in sorted(names)
        ]
    return stats


def province_exists(code: str) -> bool:
    return Province.objects.filter(code=code).exists()


def active_provinces() -> list[dict]:
    """[{"code", "name"}] of the provinces the programme works in, in official order."""
    return list(Province.objects.filter(active=True).order_by("code").values("code", "name"))


def _merged(by_status: dict, province: str | None) -> dict[str, int]:
    """Phones by status: one province's, or all of them (province None)."""
    if province is not None:
        return by_status.get(province, {})
    merged: dict[str, int] = {}
    for counts in by_status.values():
        for status, n in counts.items():
            merged[status] = merged.get(status, 0) + n
    return merged


def _totals(communes: list[dict], by_status: dict[str, int]) -> dict[str, int]:
    totals = {
        key: sum(r[key] for r in communes)
        for key in ("households_verified", "households_waiting", "households_served")
    }
    totals["devices_pledged"] = sum(
        n for status, n in by_status.items() if status not in DEVICE_NOT_PLEDGED
    )
    totals["devices_ready"] = sum(by_status.get(s, 0) for s in DEVICE_READY)
    totals["devices_delivered"] = sum(r["devices_delivered"] for r in communes)
    return totals


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


# GET ?sort=… on /tien-do/: the column a visitor sorts by (largest first; ties by name A→Z).
SORTS = {
    "name": None,
    "verified": "households_verified",
    "waiting": "households_waiting",
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


def honour_roll_compute() -> list[dict]:
    """Donors who chose a public name (``Donor.public_name``) and gave: the name, phones pledged
    (not cancelled) and phones delivered. Nothing else about the donor, nothing about the
    households. One query."""
    device_q = "pledges__devices__status"
    paid_gift = Gift.objects.filter(donor=OuterRef("pk"), status="paid")
    donors = (
        Donor.objects.exclude(public_name="")
        .annotate(
            pledged=Count("pledges__devices", filter=~Q(**{f"{device_q}__in": DEVICE_NOT_PLEDGED})),
            delivered=Count("pledges__devices", filter=Q(**{f"{device_q}__in": DEVICE_DELIVERED})),
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
