"""The data the engine takes and gives, the policy, and the scoring terms every solver shares.

Plain Python (and numpy): no Django here, so the engine can be tested, benchmarked and reasoned
about on its own. Points are decimals for people; internally every term is an integer number of
`Policy.scale`-ths of a point, so the flow solver works on exact integers and every solver (the
grouped engine, the ungrouped reference, brute force, greedy) computes the very same objective.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

NEEDS: tuple[str, ...] = ("student", "disability", "elderly", "general")
NEED_INDEX = {need: index for index, need in enumerate(NEEDS)}
RULES: tuple[str, ...] = ("none", "prefer", "only")
RULE_INDEX = {rule: index for index, rule in enumerate(RULES)}


@dataclass(frozen=True, slots=True)
class ReadyPhone:
    """A ready phone as the engine sees it (not the donations.models.Device row). `rule` is its donor's commune rule: none, prefer `rule_commune`, or only it."""

    id: int
    hub: int | str
    ram_gb: float
    has_camera: bool = True
    has_nfc: bool = False
    supports_4g: bool = True
    supports_volte: bool = True
    rule: str = "none"
    rule_commune: str | None = None


@dataclass(frozen=True, slots=True)
class WaitingHousehold:
    """A verified household waiting for a phone, as the engine sees it (not the
    households.models.Household row): its commune, its priority points and its need kind (NEEDS)."""

    id: int
    commune: str
    priority: int
    need: str = "general"


@dataclass
class HouseholdColumns:
    """The same households as parallel numpy arrays: the fast path for a million rows.

    `commune_index[i]` indexes `communes`; `need_index[i]` indexes NEEDS."""

    ids: np.ndarray
    commune_index: np.ndarray
    communes: tuple[str, ...]
    priority: np.ndarray
    need_index: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def from_records(cls, households: Sequence[WaitingHousehold]) -> HouseholdColumns:
        communes = tuple(sorted({h.commune for h in households}))
        position = {code: index for index, code in enumerate(communes)}
        return cls(
            ids=np.fromiter((h.id for h in households), dtype=np.int64, count=len(households)),
            commune_index=np.fromiter(
                (position[h.commune] for h in households), dtype=np.int32, count=len(households)
            ),
            communes=communes,
            priority=np.fromiter(
                (h.priority for h in households), dtype=np.int64, count=len(households)
            ),
            need_index=np.fromiter(
                (NEED_INDEX[h.need] for h in households), dtype=np.int8, count=len(households)
            ),
        )

    def records(self) -> list[WaitingHousehold]:
        return [
            WaitingHousehold(int(i), self.communes[c], int(p), NEEDS[n])
            for i, c, p, n in zip(
                self.ids.tolist(),
                self.commune_index.tolist(),
                self.priority.tolist(),
                self.need_index.tolist(),
                strict=True,
            )
        ]


@dataclass(frozen=True)
class Policy:
    """Weights and thresholds of the objective (see matching/engine/__init__.py). Points.

    fairness_steps: ((percent of the commune's floor, bonus per household), ...), cumulative
    percentages rising and bonuses strictly falling, so the bonus is concave in the count."""

    version: str = "2026.1"
    priority_weight: float = 1.0
    student_min_ram_gb: float = 3.0
    student_needs_camera: bool = True
    fit_school_student: float = 20.0
    fit_nfc: float = 10.0
    fit_camera: float = 5.0
    donor_preference_bonus: float = 15.0
    default_transfer_cost: float | None = 10.0
    fairness_steps: tuple[tuple[int, float], ...] = ((100, 40.0),)
    scale: int = 100
    # Priority points added (by the Django layer, matching/loading.py) to a household owed a
    # replacement: its phone failed through no fault of its own, so it is first in line.
    replacement_bonus: int = 0

    def __post_init__(self) -> None:
        last_pct, last_bonus = 0, float("inf")
        for pct, bonus in self.fairness_steps:
            if pct <= last_pct or bonus >= last_bonus or bonus <= 0:
                raise ValueError("fairness_steps must rise in percent and fall in bonus (> 0)")
            last_pct, last_bonus = pct, bonus

    def units(self, points: float) -> int:
        return round(points * self.scale)

    def points(self, units: int | float) -> float:
        return round(units / self.scale, 4)

    @classmethod
    def from_dict(cls, data: dict) -> Policy:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        if "fairness_steps" in known:
            known["fairness_steps"] = tuple(tuple(step) for step in known["fairness_steps"])
        return cls(**known)


@dataclass
class Problem:
    devices: Sequence[ReadyPhone]
    households: Sequence[WaitingHousehold] | HouseholdColumns
    hub_serves: dict[int | str, Iterable[str]]
    transfer_costs: dict[tuple[int | str, int | str], float] = field(default_factory=dict)
    policy: Policy = field(default_factory=Policy)
    seed: int = 0

    def household_columns(self) -> HouseholdColumns:
        if isinstance(self.households, HouseholdColumns):
            return self.households
        return HouseholdColumns.from_records(list(self.households))

    def household_records(self) -> list[WaitingHousehold]:
        if isinstance(self.households, HouseholdColumns):
            return self.households.records()
        return list(self.households)


# ---- scoring terms, shared by every solver ------------------------------------------------------


def is_usable(device: ReadyPhone) -> bool:
    """4G with VoLTE, or the phone is never allocated (2G/3G are switched off in Vietnam)."""
    return bool(device.supports_4g and device.supports_volte)


def school_ok(ram_gb: float, has_camera: bool, policy: Policy) -> bool:
    return ram_gb >= policy.student_min_ram_gb and (has_camera or not policy.student_needs_camera)


def tier_of(device: ReadyPhone, policy: Policy) -> int:
    """Capability tier: bit 0 fits school use, bit 1 camera, bit 2 NFC."""
    return (
        int(school_ok(float(device.ram_gb), device.has_camera, policy))
        | (int(bool(device.has_camera)) << 1)
        | (int(bool(device.has_nfc)) << 2)
    )


def fit_units(tier: int, need: str, policy: Policy) -> int | None:
    """Fit of a tier to a need, or None when the pair is forbidden (a student without a school phone)."""
    units = 0
    if need == "student":
        if not tier & 1:
            return None
        units += policy.units(policy.fit_school_student)
    if tier & 4:
        units += policy.units(policy.fit_nfc)
    if tier & 2:
        units += policy.units(policy.fit_camera)
    return units


def preference_units(
    rule: str, rule_commune: str | None, commune: str, policy: Policy
) -> int | None:
    """The donor's commune rule: None when "only" forbids the commune, the bonus when preferred."""
    if rule == "only":
        return 0 if commune == rule_commune else None
    if rule == "prefer" and commune == rule_commune:
        return policy.units(policy.donor_preference_bonus)
    return 0


def priority_units(priority: int, policy: Policy) -> int:
    return policy.units(priority * policy.priority_weight)


class TransferTable:
    """Cost (units) of bringing a phone of hub h to commune c: 0 when h serves c, else the cheapest
    transfer to a hub that serves c (explicit pair cost, else the policy default); None if none."""

    def __init__(self, hub_serves, transfer_costs, policy: Policy) -> None:
        self.serves = {hub: frozenset(codes) for hub, codes in hub_serves.items()}
        self.costs = dict(transfer_costs)
        self.policy = policy
        self._cache: dict[tuple, int | None] = {}

    def hub_to_hub(self, a, b) -> float | None:
        if a == b:
            return 0.0
        if (a, b) in self.costs:
            return self.costs[(a, b)]
        return self.policy.default_transfer_cost

    def units(self, hub, commune: str) -> int | None:
        key = (hub, commune)
        if key in self._cache:
            return self._cache[key]
        if commune in self.serves.get(hub, ()):
            best: float | None = 0.0
        else:
            best = None
            for other, codes in self.serves.items():
                if other == hub or commune not in codes:
                    continue
                cost = self.hub_to_hub(hub, other)
                if cost is not None and (best is None or cost < best):
                    best = cost
        value = None if best is None else self.policy.units(best)
        self._cache[key] = value
        return value


def pair_units(
    device: ReadyPhone, household: WaitingHousehold, policy: Policy, transfers: TransferTable
) -> tuple[int, int, int, int] | None:
    """(priority, fit, preference, −transfer) in units for one pair, or None if a hard rule forbids it."""
    if not is_usable(device):
        return None
    fit = fit_units(tier_of(device, policy), household.need, policy)
    if fit is None:
        return None
    pref = preference_units(device.rule, device.rule_commune, household.commune, policy)
    if pref is None:
        return None
    transfer = transfers.units(device.hub, household.commune)
    if transfer is None:
        return None
    return priority_units(household.priority, policy), fit, pref, -transfer


def fairness_segments(
    need: int, usable_devices: int, total_households: int, policy: Policy
) -> tuple[int, list[tuple[int, int]]]:
    """A commune's floor and its concave bonus as (capacity, units per household) segments.

    floor = ⌊need × min(1, D / N)⌋ — its share of the phones in proportion to its verified need."""
    if total_households == 0:
        return 0, []
    if usable_devices >= total_households:
        floor = need
    else:
        floor = (usable_devices * need) // total_households
    segments: list[tuple[int, int]] = []
    reached = 0
    for pct, bonus in policy.fairness_steps:
        cap = min(need, (floor * pct) // 100)
        if cap > reached:
            segments.append((cap - reached, policy.units(bonus)))
            reached = cap
    return floor, segments


def fairness_value(count: int, segments: list[tuple[int, int]]) -> int:
    total, left = 0, count
    for capacity, bonus in segments:
        take = min(left, capacity)
        total += take * bonus
        left -= take
    return total


def lottery(ids: np.ndarray, seed: int, salt: int) -> np.ndarray:
    """A seeded, order-independent lottery number per id (splitmix64 of seed, salt and id)."""
    with np.errstate(over="ignore"):
        x = ids.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
        x ^= np.uint64((seed * 0x2545F4914F6CDD1D + salt * 0x632BE59BD9B4E019) & (2**64 - 1))
        x ^= x >> np.uint64(30)
        x *= np.uint64(0xBF58476D1CE4E5B9)
        x ^= x >> np.uint64(27)
        x *= np.uint64(0x94D049BB133111EB)
        x ^= x >> np.uint64(31)
    return x
