"""The public numbers, one definition (API.md "Public numbers, one definition").

Every place that shows them reads them from here: the home page, /tien-do/ and its CSV,
GET /api/v1/stats/ (all through progress.selectors, which caches them) and the hub dashboard
(for the communes its hubs serve). They live in logistics, not in progress, because the hub
dashboard is a logistics page and an app imports only from the apps below it.

Households, counted in the household's commune:
  * ``households_verified``  — a verifier confirmed the need and the household is still on the
    list: status in ``households.lifecycle.IN_PROGRAMME`` (verified, allocated, served).
  * ``households_waiting``   — verified and waiting for a phone: status in ``WAITING``.
  * ``households_allocated`` — a phone is set aside for the household and not yet handed over:
    a live allocation whose phone is in ``donations.lifecycle.ON_THE_WAY``.
  * ``households_served``    — households holding a delivered phone that has not come back: the
    household of the latest handover of every phone in ``WITH_A_HOUSEHOLD`` (delivered,
    followed up). A phone that came back (returned), was lost or was handed over again counts
    for the household that holds it now, or for nobody.
Phones:
  * ``devices_delivered`` — phones in ``WITH_A_HOUSEHOLD``, counted where their household lives:
    the same rows as ``households_served``, so the two are equal unless one household holds
    two phones (then the difference is the truth, not an error of counting).
  * ``devices_pledged`` — every phone promised, except those of a cancelled pledge (``NOT_GIVEN``).
  * ``devices_ready``   — wiped and checked, not yet handed over (``READY_OR_ON_THE_WAY``).
  * ``devices_lost``    — lost in transit or at a hub (``LOST``).
  Pledged, ready and lost phones have no commune: they are counted for the whole deployment.

The status groups are the life cycles' own (donations/lifecycle.py, households/lifecycle.py);
nothing here keeps a list of statuses of its own.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce

from donations.lifecycle import LOST, NOT_GIVEN, ON_THE_WAY, READY_OR_ON_THE_WAY, WITH_A_HOUSEHOLD
from donations.models import Device
from households.lifecycle import IN_PROGRAMME, WAITING
from households.models import Household
from logistics.models import Handover
from matching.models import Allocation
from places.models import Commune

# The counts of a commune row, in the order of the CSV (the API uses the same keys).
COMMUNE_COUNTS = (
    "households_verified",
    "households_waiting",
    "households_allocated",
    "households_served",
    "devices_delivered",
)
DEVICE_TOTALS = ("devices_pledged", "devices_ready", "devices_lost")
TOTAL_FIELDS = (*COMMUNE_COUNTS, *DEVICE_TOTALS)


def held_handovers() -> QuerySet[Handover]:
    """The handover through which each phone still with a household got there: the latest
    handover of every phone in WITH_A_HOUSEHOLD (a phone handed over twice, after a return,
    counts once, for its second household)."""
    later = Handover.objects.filter(device_id=OuterRef("device_id"), id__gt=OuterRef("id"))
    return (
        Handover.objects.order_by()
        .filter(device__status__in=WITH_A_HOUSEHOLD)
        .exclude(Exists(later))
    )


def _in(queryset: QuerySet, field: str, codes: frozenset[str] | None) -> QuerySet:
    return queryset if codes is None else queryset.filter(**{f"{field}__in": codes})


def commune_counts(codes: Iterable[str] | None = None) -> dict[str, dict[str, int]]:
    """{commune code: the COMMUNE_COUNTS} for the communes named (all when None), in three
    aggregate queries; a commune with nothing to count has no entry."""
    codes = None if codes is None else frozenset(codes)
    table: dict[str, dict[str, int]] = {}

    def row(code: str) -> dict[str, int]:
        return table.setdefault(code, dict.fromkeys(COMMUNE_COUNTS, 0))

    # GROUP BY commune_id, status over the household_commune_status index: no row is read.
    grouped = _in(
        Household.objects.order_by().filter(status__in=IN_PROGRAMME), "commune_id", codes
    ).values_list("commune_id", "status")
    for commune_id, status, n in grouped.annotate(n=Count("*")):
        counts = row(commune_id)
        counts["households_verified"] += n
        if status in WAITING:
            counts["households_waiting"] += n
    allocated = _in(
        Allocation.objects.order_by().filter(is_live=True, device__status__in=ON_THE_WAY),
        "household__commune_id",
        codes,
    ).values_list("household__commune_id")
    for commune_id, n in allocated.annotate(n=Count("household_id", distinct=True)):
        row(commune_id)["households_allocated"] += n
    held = _in(held_handovers(), "household__commune_id", codes).values_list(
        "household__commune_id"
    )
    for commune_id, households, devices in held.annotate(
        households=Count("household_id", distinct=True), devices=Count("device_id", distinct=True)
    ):
        counts = row(commune_id)
        counts["households_served"] += households
        counts["devices_delivered"] += devices
    return table


def device_totals(devices: QuerySet[Device] | None = None) -> dict[str, int]:
    """The DEVICE_TOTALS of `devices` (every phone when None), in one query."""
    devices = Device.objects.all() if devices is None else devices
    by_status = dict(devices.order_by().values_list("status").annotate(n=Count("*")))
    return {
        "devices_pledged": sum(n for s, n in by_status.items() if s not in NOT_GIVEN),
        "devices_ready": sum(by_status.get(s, 0) for s in READY_OR_ON_THE_WAY),
        "devices_lost": sum(by_status.get(s, 0) for s in LOST),
    }


def province_devices(province: str) -> QuerySet[Device]:
    """A province's phones: at one of its hubs, or, before a hub receives them, on their way to
    one of its hubs (the pledge's drop-off hub). A phone on no hub's way yet (sent by post, to
    pick up) belongs to no province: it counts in the deployment's totals only."""
    return Device.objects.filter(
        Q(hub__commune__province_id=province)
        | Q(hub__isnull=True, pledge__hub__commune__province_id=province)
    )


def numbers_compute(codes: Iterable[str] | None = None, *, province: str | None = None) -> dict:
    """{"totals": TOTAL_FIELDS, "communes": [one row per commune, by name]}: the communes named,
    or those of `province`, or else those of every province the programme works in, with their
    code, name and mountain flag and their COMMUNE_COUNTS (zeros where nothing happened). The
    totals are the sums of the rows; the device totals count every phone (the province's with
    `province`: province_devices). Five queries whatever the number of households."""
    codes = None if codes is None else frozenset(codes)
    communes = _in(Commune.objects.order_by("name", "code"), "code", codes)
    if codes is None:
        where = {"province_id": province} if province else {"province__active": True}
        communes = communes.filter(**where)
    counts = commune_counts(codes)
    zero = dict.fromkeys(COMMUNE_COUNTS, 0)
    rows = [
        {**c, **counts.get(c["code"], zero)} for c in communes.values("code", "name", "is_mountain")
    ]
    totals = {key: sum(r[key] for r in rows) for key in COMMUNE_COUNTS}
    totals.update(device_totals(province_devices(province) if province else None))
    return {"totals": totals, "communes": rows}


def province_totals(rows: list[dict]) -> list[dict]:
    """[{"code", "name", TOTAL_FIELDS}] of each province the programme works in, from the
    deployment's commune rows (numbers_compute) and one query for its phones: two queries."""
    provinces: dict[str, dict] = {}
    province_of: dict[str, str] = {}
    active = Commune.objects.filter(province__active=True).order_by()
    for code, province, name in active.values_list("code", "province_id", "province__name"):
        province_of[code] = province
        if province not in provinces:
            provinces[province] = {"code": province, "name": name, **dict.fromkeys(TOTAL_FIELDS, 0)}
    for row in rows:
        totals = provinces.get(province_of.get(row["code"]))
        if totals is not None:
            for key in COMMUNE_COUNTS:
                totals[key] += row[key]
    where = Coalesce("hub__commune__province_id", "pledge__hub__commune__province_id")
    by_province: dict[str, dict[str, int]] = {}
    for code, status, n in (
        Device.objects.order_by()
        .annotate(p=where)
        .values_list("p", "status")
        .annotate(n=Count("*"))
    ):
        by_province.setdefault(code, {})[status] = n
    for code, totals in provinces.items():
        by_status = by_province.get(code, {})
        totals["devices_pledged"] = sum(n for s, n in by_status.items() if s not in NOT_GIVEN)
        totals["devices_ready"] = sum(by_status.get(s, 0) for s in READY_OR_ON_THE_WAY)
        totals["devices_lost"] = sum(by_status.get(s, 0) for s in LOST)
    return [provinces[code] for code in sorted(provinces)]
