"""Synthetic instances for the matching benchmarks and tests: believable Quảng Trị shapes.

78 communes served by 8 hubs (a few communes by two), priorities 0–120 skewed towards the
mountain communes, a third of phones fit for school, NFC on 40%, a tenth of donors preferring a
commune and a twentieth insisting on it."""

from __future__ import annotations

import numpy as np

from matching.engine import NEEDS, HouseholdColumns, Problem, ReadyPhone
from matching.engine.model import Policy


def _households(rng, commune_index, communes, priority) -> HouseholdColumns:
    """The waiting households (their needs drawn here, after their communes and priorities)."""
    n_households = len(commune_index)
    return HouseholdColumns(
        ids=np.arange(1, n_households + 1, dtype=np.int64),
        commune_index=commune_index,
        communes=communes,
        priority=priority,
        need_index=rng.choice(len(NEEDS), size=n_households, p=[0.35, 0.1, 0.2, 0.35]).astype(
            np.int8
        ),
    )


def _phones(hub, ram, camera, nfc, rule_draw, rule_commune, communes) -> list[ReadyPhone]:
    """The ready phones from their drawn columns: a twentieth "only" a commune, a tenth more
    "prefer" one."""
    return [
        ReadyPhone(
            id=i + 1,
            hub=int(hub[i]),
            ram_gb=float(ram[i]),
            has_camera=bool(camera[i]),
            has_nfc=bool(nfc[i]),
            rule="only" if rule_draw[i] < 0.05 else "prefer" if rule_draw[i] < 0.15 else "none",
            rule_commune=communes[int(rule_commune[i])] if rule_draw[i] < 0.15 else None,
        )
        for i in range(len(hub))
    ]


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
    households = _households(rng, commune_index, communes, priority)
    ram = rng.choice([2.0, 3.0, 4.0, 6.0], size=n_devices, p=[0.4, 0.3, 0.2, 0.1])
    camera = rng.random(n_devices) < 0.9
    nfc = rng.random(n_devices) < 0.4
    hub = rng.integers(1, n_hubs + 1, size=n_devices)
    rule_draw = rng.random(n_devices)
    rule_commune = rng.integers(0, n_communes, size=n_devices)
    devices = _phones(hub, ram, camera, nfc, rule_draw, rule_commune, communes)
    return Problem(devices, households, hub_serves, policy=Policy(), seed=seed)


def national_problem(
    n_devices: int,
    n_households: int,
    *,
    provinces: int = 34,
    communes_per_province: int = 30,
    hubs_per_province: int = 3,
    seed: int = 2026,
) -> Problem:
    """The country: `provinces` blocks of the province shape above (each its own communes and
    hubs, a hub serving communes of its own province only, a few communes by two hubs), of
    unequal sizes (a province's weight drawn between 0.5 and 1.5), phones spread over the hubs
    by the same weights and a donor's commune always in the phone's province. Synthetic commune
    codes "P<province>C<commune>" are mapped to real ones by the bench's loader."""
    rng = np.random.default_rng(seed)
    per = communes_per_province
    communes = tuple(f"P{p:02d}C{i:03d}" for p in range(provinces) for i in range(per))
    hub_serves: dict[int, list[str]] = {}
    for p in range(provinces):
        for i in range(per):
            code = communes[p * per + i]
            hub_serves.setdefault(p * hubs_per_province + 1 + i % hubs_per_province, []).append(
                code
            )
            if i % 5 == 0:
                other = p * hubs_per_province + 1 + (i + 1) % hubs_per_province
                hub_serves.setdefault(other, []).append(code)
    size = rng.uniform(0.5, 1.5, provinces)
    mountain = rng.random(provinces * per) < 0.4
    weights = np.repeat(size, per) * np.where(mountain, 3.0, 1.0)
    weights /= weights.sum()
    commune_index = rng.choice(provinces * per, size=n_households, p=weights).astype(np.int32)
    priority = np.clip(
        rng.normal(45, 18, n_households) + np.where(mountain[commune_index], 20, 0), 0, 120
    ).astype(np.int64)
    households = _households(rng, commune_index, communes, priority)
    province = rng.choice(provinces, size=n_devices, p=size / size.sum())
    hub = province * hubs_per_province + 1 + rng.integers(0, hubs_per_province, size=n_devices)
    ram = rng.choice([2.0, 3.0, 4.0, 6.0], size=n_devices, p=[0.4, 0.3, 0.2, 0.1])
    camera = rng.random(n_devices) < 0.9
    nfc = rng.random(n_devices) < 0.4
    rule_draw = rng.random(n_devices)
    rule_commune = province * per + rng.integers(0, per, size=n_devices)
    devices = _phones(hub, ram, camera, nfc, rule_draw, rule_commune, communes)
    return Problem(devices, households, hub_serves, policy=Policy(), seed=seed)
