"""Turns the database into the engine's input, fast: only the needed columns, no model objects.

At a million households this is most of a run's time, so households come back as numpy columns
(matching.engine.HouseholdColumns) built from one values_list query."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.conf import settings

from donations.models import Device as DeviceRow
from households.models import Household as HouseholdRow
from matching.engine import Device, HouseholdColumns, Policy, Problem
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
    the communes those hubs serve."""
    policy = policy or policy_from_settings()
    serves_rows = Hub.serves.through.objects.filter(hub_id__in=hub_ids).values_list(
        "hub_id", "commune_id"
    )
    hub_serves: dict[int, list[str]] = {hub_id: [] for hub_id in hub_ids}
    for hub_id, code in serves_rows:
        hub_serves[hub_id].append(code)
    communes = sorted({code for codes in hub_serves.values() for code in codes})

    device_rows = (
        DeviceRow.objects.filter(status=DeviceRow.Status.READY, hub_id__in=hub_ids)
        .exclude(allocations__is_live=True)
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
        Device(
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

    rows = list(
        HouseholdRow.objects.filter(status=HouseholdRow.Status.VERIFIED, commune_id__in=communes)
        .exclude(allocations__is_live=True)
        .values_list(
            "id", "commune_id", "priority_score", "school_age_children", "disabled", "elderly"
        )
    )
    if rows:
        ids, codes, priority, school, disabled, elderly = zip(*rows, strict=True)
        code_array = np.array(codes)
        present, commune_index = np.unique(code_array, return_inverse=True)
        households = HouseholdColumns(
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
    else:
        households = HouseholdColumns.from_records([])
    problem = Problem(
        devices=devices,
        households=households,
        hub_serves=hub_serves,
        transfer_costs=transfer_costs_from_settings(),
        policy=policy,
        seed=seed,
    )
    return Loaded(problem=problem, devices=len(devices), households=len(households))
