"""Turns the database into the engine's input, fast: only the needed columns, no model objects.

At a million households this is most of a run's time, so households come back as numpy columns
(matching.engine.HouseholdColumns) built from one values_list query."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db import connection
from django.db.models import Exists, OuterRef

from donations.models import Device
from households.models import Household
from matching.engine import HouseholdColumns, Policy, Problem, ReadyPhone
from matching.models import Allocation
from places.models import Hub


def policy_from_settings() -> Policy:
    return Policy.from_dict(settings.MATCHING_POLICY)


def transfer_costs_from_settings() -> dict[tuple[int, int], float]:
    costs = {}
    for key, points in settings.MATCHING_TRANSFER_COSTS.items():
        a, b = (int(part) for part in str(key).split("-"))
        costs[(a, b)] = float(points)
    return costs


@dataclass
class Loaded:
    problem: Problem
    devices: int
    households: int


def need_kinds(school: np.ndarray, disabled: np.ndarray, elderly: np.ndarray) -> np.ndarray:
    """Household.need_kind, vectorised: student, else disability, else elderly, else general."""
    return np.where(school > 0, 0, np.where(disabled > 0, 1, np.where(elderly > 0, 2, 3))).astype(
        np.int8
    )


def load_problem(*, hub_ids: list[int], seed: int, policy: Policy | None = None) -> Loaded:
    """Ready phones at `hub_ids` with no live allocation, and verified households with none in
    the communes those hubs serve (a household owed a replacement with the policy's
    `replacement_bonus` added to its priority: first in line)."""
    policy = policy or policy_from_settings()
    serves_rows = Hub.serves.through.objects.filter(hub_id__in=hub_ids).values_list(
        "hub_id", "commune_id"
    )
    hub_serves: dict[int, list[str]] = {hub_id: [] for hub_id in hub_ids}
    for hub_id, code in serves_rows:
        hub_serves[hub_id].append(code)
    communes = sorted({code for codes in hub_serves.values() for code in codes})

    device_rows = (
        Device.objects.filter(status=Device.Status.READY, hub_id__in=hub_ids)
        .exclude(Exists(Allocation.objects.filter(device=OuterRef("pk"), is_live=True)))
        .values_list(
            "id",
            "hub_id",
            "ram_gb",
            "has_camera",
            "has_nfc",
            "supports_4g",
            "supports_volte",
            "pledge__commune_preference_id",
            "pledge__preference_strict",
        )
    )
    devices = [
        ReadyPhone(
            id=row[0],
            hub=row[1],
            ram_gb=float(row[2]),
            has_camera=row[3],
            has_nfc=row[4],
            supports_4g=row[5],
            supports_volte=row[6],
            rule="none" if row[7] is None else ("only" if row[8] else "prefer"),
            rule_commune=row[7],
        )
        for row in device_rows
    ]

    bonus = int(policy.replacement_bonus)
    if connection.vendor == "postgresql":
        households = _households_postgresql(communes, bonus)
    else:
        households = _households_portable(communes, bonus)
    problem = Problem(
        devices=devices,
        households=households,
        hub_serves=hub_serves,
        transfer_costs=transfer_costs_from_settings(),
        policy=policy,
        seed=seed,
    )
    return Loaded(problem=problem, devices=len(devices), households=len(households))


# Household.need_kind in SQL: student, else disability, else elderly, else general (NEEDS order).
NEED_SQL = (
    "CASE WHEN h.school_age_children > 0 THEN 0 WHEN h.disabled > 0 THEN 1"
    " WHEN h.elderly > 0 THEN 2 ELSE 3 END"
)


def _households_postgresql(communes: list[str], bonus: int) -> HouseholdColumns:
    """One row per commune with its households as arrays: psycopg parses them in C, ~3× faster
    than a million row tuples at the 1M benchmark. A household owed a replacement gets `bonus`
    priority points."""
    priority = (
        f"h.priority_score + CASE WHEN h.replacement_owed_at IS NULL THEN 0 ELSE {bonus:d} END"
    )
    sql = (
        f"SELECT h.commune_id, array_agg(h.id), array_agg({priority}), array_agg({NEED_SQL})"
        f" FROM {Household._meta.db_table} h"
        " WHERE h.status = %s AND h.commune_id = ANY(%s) AND NOT EXISTS ("
        f"   SELECT 1 FROM {Allocation._meta.db_table} a WHERE a.household_id = h.id AND a.is_live)"
        " GROUP BY h.commune_id ORDER BY h.commune_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [Household.Status.VERIFIED, communes])
        rows = cursor.fetchall()
    if not rows:
        return HouseholdColumns.from_records([])
    sizes = [len(row[1]) for row in rows]
    return HouseholdColumns(
        ids=np.concatenate([np.array(row[1], dtype=np.int64) for row in rows]),
        commune_index=np.repeat(np.arange(len(rows), dtype=np.int32), sizes),
        communes=tuple(row[0] for row in rows),
        priority=np.concatenate([np.array(row[2], dtype=np.int64) for row in rows]),
        need_index=np.concatenate([np.array(row[3], dtype=np.int8) for row in rows]),
    )


def _households_portable(communes: list[str], bonus: int) -> HouseholdColumns:
    rows = list(
        Household.objects.filter(status=Household.Status.VERIFIED, commune_id__in=communes)
        .exclude(Exists(Allocation.objects.filter(household=OuterRef("pk"), is_live=True)))
        .values_list(
            "id",
            "commune_id",
            "priority_score",
            "school_age_children",
            "disabled",
            "elderly",
            "replacement_owed_at",
        )
    )
    if not rows:
        return HouseholdColumns.from_records([])
    ids, codes, scores, school, disabled, elderly, owed = zip(*rows, strict=True)
    priority = [s + (bonus if o is not None else 0) for s, o in zip(scores, owed, strict=True)]
    present, commune_index = np.unique(np.array(codes), return_inverse=True)
    return HouseholdColumns(
        ids=np.array(ids, dtype=np.int64),
        commune_index=commune_index.astype(np.int32),
        communes=tuple(str(code) for code in present),
        priority=np.array(priority, dtype=np.int64),
        need_index=need_kinds(
            np.array(school, dtype=np.int32),
            np.array(disabled, dtype=np.int32),
            np.array(elderly, dtype=np.int32),
        ),
    )
