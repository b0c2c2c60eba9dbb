"""Synthetic instances for the matching benchmarks and tests: believable Quảng Trị shapes.

78 communes served by 8 hubs (a few communes by two), priorities 0–120 skewed towards the
mountain communes, a third of phones fit for school, NFC on 40%, a tenth of donors preferring a
commune and a twentieth insisting on it."""

from __future__ import annotations

import numpy as np

from matching.engine import NEEDS, HouseholdColumns, Problem, ReadyPhone
from matching.engine.model import Policy


def synthetic_problem(
    n_devices: int, n_households: int, *, seed: int = 2026, n_communes: int = 78, n_hubs: int = 8
) -> Problem:
    rng = np.random.default_rng(seed)
    communes = tuple(f"{19000 + i * 7}" for i in range(n_communes))
    hub_serves: dict[int, list[str]] = {h: [] for h in range(1, n_hubs + 1)}
    for i, code in enumerate(communes):
        hub_serves[1 + i % n_hubs].append(code)
        if i % 5 == 0:
            hub_serves[1 + (i + 1) % n_hubs].append(code)
    mountain = rng.random(n_communes) < 0.4
    weights = np.where(mountain, 3.0, 1.0)
    weights /= weights.sum()
    commune_index = rng.choice(n_communes, size=n_households, p=weights).astype(np.int32)
    priority = np.clip(
        rng.normal(45, 18, n_households) + np.where(mountain[commune_index], 20, 0), 0, 120
    ).astype(np.int64)
    households = HouseholdColumns(
        ids=np.arange(1, n_households + 1, dtype=np.int64),
        commune_index=commune_index,
        communes=communes,
        priority=priority,
        need_index=rng.choice(len(NEEDS), size=n_households, p=[0.35, 0.1, 0.2, 0.35]).astype(
            np.int8
        ),
    )
    ram = rng.choice([2.0, 3.0, 4.0, 6.0], size=n_devices, p=[0.4, 0.3, 0.2, 0.1])
    camera = rng.random(n_devices) < 0.9
    nfc = rng.random(n_devices) < 0.4
    hub = rng.integers(1, n_hubs + 1, size=n_devices)
    rule_draw = rng.random(n_devices)
    rule_commune = rng.integers(0, n_communes, size=n_devices)
    devices = [
        ReadyPhone(
            id=i + 1,
            hub=int(hub[i]),
            ram_gb=float(ram[i]),
            has_camera=bool(camera[i]),
            has_nfc=bool(nfc[i]),
            rule="only" if rule_draw[i] < 0.05 else "prefer" if rule_draw[i] < 0.15 else "none",
            rule_commune=communes[int(rule_commune[i])] if rule_draw[i] < 0.15 else None,
        )
        for i in range(n_devices)
    ]
    return Problem(devices, households, hub_serves, policy=Policy(), seed=seed)
