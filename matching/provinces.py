"""Matching across hubs and provinces: which phones may meet which households, and each
province's part of a run.

Phones stay in their province. A run's hubs may lie in several provinces (an administrator's run
of every hub, a coordinator of hubs in two provinces); unless the run allows transfers
(`MatchRun.allow_transfer`, chosen by the coordinator who starts it), each province is a part of
its own — its hubs' ready phones, the waiting households of its communes, its own fairness
floors — solved on its own, and nothing of one province reaches another. (A hub serves communes
of its own province only: places.services.) With transfers allowed the run is one part: a phone
may reach a household of another province at the transfer cost between the two hubs
(settings.MATCHING_TRANSFER_COSTS, else the policy's default_transfer_cost), and the fairness
floors, computed over the whole run, send phones where the need is greatest.

A donor's home province (Pledge.province_preference; a commune is the engine's own rule):
- no transfers: a phone for "only" another province than its hub's is left out of the run (it
  waits, counted as `phones_held`); otherwise the province changes nothing, since the phone can
  only reach its own province's households anyway;
- transfers allowed: "only P": the phone reaches P's households only; "prefer P": taking it
  outside P costs the policy's donor_preference_bonus on top of the transfer (the pair's
  explanation shows it under "transfer"). Both work by giving the phone a hub of its own in the
  engine's input ("<hub>>P" or "<hub>~P") with explicit transfer costs; the engine is unchanged.

The engine solves each part (`Plan.solve`); the parts' results are joined into one, and
`Plan.summary` counts each province's part for the run page and the API (`MatchRun.provinces`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from donations.models import Device
from matching.engine import HouseholdColumns, Policy, Problem, Result, solve
from matching.loading import load_problem
from places.models import Commune, Hub, Province


@dataclass
class Plan:
    parts: list[Problem]
    allow_transfer: bool
    hub_province: dict[int, str]  # the run's hubs
    device_province: dict[int, str]  # every phone loaded, by its hub
    commune_province: dict[str, str]
    held: dict[int, str] = field(default_factory=dict)  # phone id → the province it waits for
    devices: int = 0
    households: int = 0

    def solve(self, solver=solve) -> Result:
        """Every part solved on its own (by `solver`, the engine's `solve`), joined into one."""
        results = [solver(problem) for problem in self.parts]
        return join(results, held=len(self.held))

    def summary(self, result: Result) -> list[dict]:
        """One row per province of the run: its hubs, phones, waiting households, proposals,
        phones that came from another province or went to one, phones held for another one,
        and what is left. Households and proposals are counted from the result's coverage (one
        row per commune); pairs are looked at one by one only when the run allows transfers."""
        provinces = sorted(set(self.hub_province.values()))
        names = dict(Province.objects.filter(code__in=provinces).values_list("code", "name"))
        counts = (
            "hubs", "devices", "households", "proposals", "transfers_in", "transfers_out",
            "phones_held",
        )  # fmt: skip
        rows = {
            code: {"province": code, "name": names.get(code, code), **dict.fromkeys(counts, 0)}
            for code in provinces
        }
        for code in self.hub_province.values():
            rows[code]["hubs"] += 1
        for code in self.device_province.values():
            rows[code]["devices"] += 1
        for device_id in self.held:  # (counted at their hub's province)
            rows[self.device_province[device_id]]["phones_held"] += 1
        for coverage in result.coverage:
            row = rows.get(self.commune_province.get(coverage["commune"]))
            if row is not None:
                row["households"] += coverage["need"]
                row["proposals"] += coverage["matched"]
        if self.allow_transfer:
            for device_from, household_in in self._pair_provinces(result):
                if device_from != household_in:
                    rows[household_in]["transfers_in"] += 1
                    rows[device_from]["transfers_out"] += 1
        for row in rows.values():
            matched_here = row["proposals"] - row["transfers_in"] + row["transfers_out"]
            row["unmatched_devices"] = row["devices"] - matched_here
            row["unmatched_households"] = row["households"] - row["proposals"]
        return list(rows.values())

    def _pair_provinces(self, result: Result) -> list[tuple[str, str]]:
        """(the phone's province, the household's) of every pair of a one-part run."""
        if not len(result):
            return []
        (part,) = self.parts
        columns = part.household_columns()
        per_commune = np.array(
            [self.commune_province.get(code, "") for code in columns.communes], dtype=object
        )
        order = np.argsort(columns.ids)
        at = order[np.searchsorted(columns.ids[order], result.household_ids)]
        household_in = per_commune[columns.commune_index[at]].tolist()
        device_from = [self.device_province[d] for d in result.device_ids.tolist()]
        return list(zip(device_from, household_in, strict=True))


def _columns_of(columns: HouseholdColumns, keep: set[str]) -> HouseholdColumns:
    """The households of the communes in `keep` (the lottery hashes ids, so order is free)."""
    kept = np.array([code in keep for code in columns.communes], dtype=bool)
    if kept.all():
        return columns
    mask = kept[columns.commune_index] if len(columns) else np.zeros(0, dtype=bool)
    new_index = np.cumsum(kept) - 1
    return HouseholdColumns(
        ids=columns.ids[mask],
        commune_index=new_index[columns.commune_index[mask]].astype(np.int32),
        communes=tuple(code for code, k in zip(columns.communes, kept, strict=True) if k),
        priority=columns.priority[mask],
        need_index=columns.need_index[mask],
    )


def join(results: list[Result], *, held: int = 0) -> Result:
    """The parts' results as one: pairs, objective, coverage and counts added up."""
    if len(results) == 1 and not held:
        return results[0]
    first = results[0] if results else None
    policy = first.policy if first else Policy()
    timings: dict[str, float] = {}
    stats: dict[str, int] = {}
    for result in results:
        for key, value in result.timings.items():
            timings[key] = round(timings.get(key, 0) + value, 4)
        for key, value in result.stats.items():
            stats[key] = stats.get(key, 0) + value
    empty_terms = np.zeros((0, 5), dtype=np.int64)
    return Result(
        device_ids=np.concatenate([r.device_ids for r in results] or [np.zeros(0, np.int64)]),
        household_ids=np.concatenate([r.household_ids for r in results] or [np.zeros(0, np.int64)]),
        terms=np.concatenate([r.terms for r in results] or [empty_terms]),
        objective_units=sum(r.objective_units for r in results),
        policy=policy,
        seed=first.seed if first else 0,
        coverage=[row for r in results for row in r.coverage],
        devices_in=sum(r.devices_in for r in results) + held,
        unusable_devices=sum(r.unusable_devices for r in results),
        households_in=sum(r.households_in for r in results),
        timings=timings,
        stats=stats,
    )


def _hub_cost(problem: Problem, a, b) -> float | None:
    if a == b:
        return 0.0
    if (a, b) in problem.transfer_costs:
        return problem.transfer_costs[(a, b)]
    return problem.policy.default_transfer_cost


def _with_donor_provinces(
    problem: Problem, rules: dict[int, tuple[str, bool]], hub_province: dict[int, str]
) -> Problem:
    """Transfers allowed: a phone for a province gets a hub of its own whose transfer costs say
    where it may go ("only": the province's hubs; "prefer": anywhere, at a cost outside it)."""
    if not rules:
        return problem
    bonus = problem.policy.donor_preference_bonus
    costs = dict(problem.transfer_costs)
    devices = []
    for device in problem.devices:
        rule = rules.get(device.id)
        if rule is None:
            devices.append(device)
            continue
        province, strict = rule
        key = f"{device.hub}{'>' if strict else '~'}{province}"
        if (key, device.hub) not in costs:
            for other in problem.hub_serves:
                cost = _hub_cost(problem, device.hub, other)
                if hub_province.get(other) != province and cost is not None:
                    cost = None if strict else cost + bonus
                costs[(key, other)] = cost
        devices.append(replace(device, hub=key))
    return replace(problem, devices=devices, transfer_costs=costs)


def load_plan(*, hub_ids: list[int], seed: int, policy=None, allow_transfer: bool) -> Plan:
    """The run's problem (matching.loading) in parts: one per province, or one when the run
    allows transfers between provinces (see the module)."""
    loaded = load_problem(hub_ids=hub_ids, seed=seed, policy=policy)
    problem = loaded.problem
    hub_province = dict(
        Hub.objects.filter(id__in=hub_ids).values_list("id", "commune__province_id")
    )
    columns = problem.household_columns()
    commune_province = dict(
        Commune.objects.filter(code__in=columns.communes).values_list("code", "province_id")
    )
    device_province = {d.id: hub_province[d.hub] for d in problem.devices}
    # The loaded phones whose donor chose a province (few: read apart, not with every phone).
    chosen = Device.objects.filter(
        hub_id__in=hub_ids,
        status=Device.Status.READY,
        pledge__province_preference__isnull=False,
    ).values_list("id", "pledge__province_preference_id", "pledge__preference_strict")
    rules = {
        device_id: (province, strict)
        for device_id, province, strict in chosen
        if device_id in device_province
    }
    plan = Plan(
        parts=[],
        allow_transfer=allow_transfer,
        hub_province=hub_province,
        device_province=device_province,
        commune_province=commune_province,
        devices=loaded.devices,
        households=loaded.households,
    )
    if allow_transfer:
        plan.parts = [_with_donor_provinces(problem, rules, hub_province)]
        return plan
    plan.held = {
        device_id: province
        for device_id, (province, strict) in rules.items()
        if strict and province != device_province[device_id]
    }
    provinces = sorted(set(hub_province.values()))
    if len(provinces) == 1 and not plan.held:
        plan.parts = [problem]
        return plan
    for province in provinces:
        hubs = {h for h, p in hub_province.items() if p == province}
        communes = {c for c, p in commune_province.items() if p == province}
        plan.parts.append(
            replace(
                problem,
                devices=[d for d in problem.devices if d.hub in hubs and d.id not in plan.held],
                households=_columns_of(columns, communes),
                hub_serves={h: codes for h, codes in problem.hub_serves.items() if h in hubs},
                transfer_costs={
                    pair: cost
                    for pair, cost in problem.transfer_costs.items()
                    if pair[0] in hubs and pair[1] in hubs
                },
            )
        )
    return plan
