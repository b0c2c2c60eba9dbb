"""Solvers that check the engine: the same objective, solved without grouping.

- `evaluate`: the objective of any assignment, recomputed from scratch (raises on a broken rule).
- `reference_flow`: min-cost flow on the UNGROUPED graph (one node per device, per household;
  one arc per allowed pair), with the same concave fairness arcs. Exact; small instances only.
- `reference_assignment`: scipy's linear_sum_assignment on the dense pair matrix; exact when
  fairness is off (a pure assignment problem), used as a check independent of OR-Tools.
- `brute_force`: every partial assignment of a tiny instance; checks `reference_flow` itself.
- `greedy`: households by priority (then lottery) each take the best free phone: the baseline.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
from ortools.graph.python import min_cost_flow

from matching.engine.flow import LOTTERY_HOUSEHOLDS
from matching.engine.model import (
    NEEDS,
    Problem,
    TransferTable,
    fairness_segments,
    fairness_value,
    fit_units,
    is_usable,
    lottery,
    pair_units,
    preference_units,
    tier_of,
)


class RuleBroken(AssertionError):
    """A solver's answer breaks a hard rule (a bug, never bad input)."""


def _setup(problem: Problem):
    households = problem.household_records()
    devices = list(problem.devices)
    usable = [d for d in devices if is_usable(d)]
    transfers = TransferTable(problem.hub_serves, problem.transfer_costs, problem.policy)
    need = Counter(h.commune for h in households)
    segments = {
        commune: fairness_segments(count, len(usable), len(households), problem.policy)[1]
        for commune, count in need.items()
    }
    return households, devices, usable, transfers, segments


def evaluate(problem: Problem, pairs) -> int:
    """W(pairs) in units. Raises RuleBroken if a pair breaks a hard rule or anything repeats."""
    households, devices, _, transfers, segments = _setup(problem)
    by_device = {d.id: d for d in devices}
    by_household = {h.id: h for h in households}
    seen_devices: set[int] = set()
    seen_households: set[int] = set()
    total = 0
    matched: Counter = Counter()
    for device_id, household_id in pairs:
        if device_id in seen_devices or household_id in seen_households:
            raise RuleBroken(f"pair ({device_id}, {household_id}) repeats a phone or a household")
        seen_devices.add(device_id)
        seen_households.add(household_id)
        device, household = by_device[device_id], by_household[household_id]
        terms = pair_units(device, household, problem.policy, transfers)
        if terms is None:
            raise RuleBroken(f"pair ({device_id}, {household_id}) breaks a hard rule")
        total += sum(terms)
        matched[household.commune] += 1
    for commune, count in matched.items():
        total += fairness_value(count, segments[commune])
    return total


def reference_flow(problem: Problem) -> tuple[int, list[tuple[int, int]]]:
    """Exact optimum on the ungrouped graph: (objective units, pairs)."""
    households, _, usable, transfers, segments = _setup(problem)
    communes = sorted(segments)
    flow = min_cost_flow.SimpleMinCostFlow()
    source, sink = 0, 1
    d0 = 2
    h0 = d0 + len(usable)
    c0 = h0 + len(households)
    commune_node = {code: c0 + i for i, code in enumerate(communes)}
    flow.add_arc_with_capacity_and_unit_cost(source, sink, len(usable), 0)
    pair_arcs = []
    for i, device in enumerate(usable):
        flow.add_arc_with_capacity_and_unit_cost(source, d0 + i, 1, 0)
        for j, household in enumerate(households):
            terms = pair_units(device, household, problem.policy, transfers)
            if terms is None:
                continue
            arc = flow.add_arc_with_capacity_and_unit_cost(d0 + i, h0 + j, 1, -sum(terms))
            pair_arcs.append((arc, device.id, household.id))
    for j, household in enumerate(households):
        flow.add_arc_with_capacity_and_unit_cost(h0 + j, commune_node[household.commune], 1, 0)
    for code in communes:
        used = 0
        for capacity, bonus in segments[code]:
            flow.add_arc_with_capacity_and_unit_cost(commune_node[code], sink, capacity, -bonus)
            used += capacity
        rest = sum(1 for h in households if h.commune == code) - used
        if rest > 0:
            flow.add_arc_with_capacity_and_unit_cost(commune_node[code], sink, rest, 0)
    flow.set_node_supply(source, len(usable))
    flow.set_node_supply(sink, -len(usable))
    if flow.solve() != flow.OPTIMAL:
        raise RuntimeError("reference flow not optimal")
    pairs = [(d, h) for arc, d, h in pair_arcs if flow.flow(arc)]
    return -flow.optimal_cost(), pairs


def reference_assignment(problem: Problem) -> tuple[int, list[tuple[int, int]]]:
    """Exact optimum by scipy's linear_sum_assignment; only valid when fairness contributes
    nothing (the objective is then a sum over pairs, i.e. an assignment problem)."""
    from scipy.optimize import linear_sum_assignment

    households, _, usable, transfers, _ = _setup(problem)
    if not usable or not households:
        return 0, []
    profit = np.zeros((len(usable), len(households)), dtype=np.int64)
    for i, device in enumerate(usable):
        for j, household in enumerate(households):
            terms = pair_units(device, household, problem.policy, transfers)
            if terms is not None and sum(terms) > 0:
                profit[i, j] = sum(terms)
    rows, cols = linear_sum_assignment(profit, maximize=True)
    pairs = [
        (usable[i].id, households[j].id)
        for i, j in zip(rows.tolist(), cols.tolist(), strict=True)
        if profit[i, j] > 0
    ]
    return int(profit[rows, cols].sum()), pairs


def brute_force(problem: Problem) -> int:
    """The best objective over every partial assignment (tiny instances only)."""
    households, _, usable, _, _ = _setup(problem)
    best = 0

    def walk(i: int, used: frozenset, pairs: list) -> None:
        nonlocal best
        if i == len(usable):
            best = max(best, evaluate(problem, pairs))
            return
        walk(i + 1, used, pairs)
        for household in households:
            if household.id in used:
                continue
            pairs.append((usable[i].id, household.id))
            try:
                evaluate(problem, pairs[-1:])
            except RuleBroken:
                pairs.pop()
                continue
            walk(i + 1, used | {household.id}, pairs)
            pairs.pop()

    walk(0, frozenset(), [])
    return best


def greedy(problem: Problem) -> tuple[int, list[tuple[int, int]]]:
    """Greedy by priority: each household in turn (priority, then the run's lottery) takes the free
    phone group with the best pair value, if the pair adds to the objective. Works on groups, so
    it also runs at a million households."""
    policy = problem.policy
    columns = problem.household_columns()
    usable = [d for d in problem.devices if is_usable(d)]
    transfers = TransferTable(problem.hub_serves, problem.transfer_costs, policy)
    groups: dict[tuple, list[int]] = {}
    for device in usable:
        rule = device.rule if device.rule in ("prefer", "only") and device.rule_commune else "none"
        key = (device.hub, tier_of(device, policy), rule, device.rule_commune or "")
        groups.setdefault(key, []).append(device.id)
    keys = list(groups)
    left = {key: sorted(groups[key], reverse=True) for key in keys}
    ranked: dict[tuple[int, int], list[tuple[int, tuple]]] = {}
    pri = np.rint(columns.priority * policy.priority_weight * policy.scale).astype(np.int64)
    order = np.lexsort((lottery(columns.ids, problem.seed, LOTTERY_HOUSEHOLDS), -pri))
    need_count = np.bincount(columns.commune_index, minlength=len(columns.communes))
    segments = [fairness_segments(int(n), len(usable), len(columns), policy)[1] for n in need_count]
    matched = Counter()
    pairs: list[tuple[int, int]] = []
    total = 0
    remaining = len(usable)
    ids, communes_idx, needs_idx = columns.ids, columns.commune_index, columns.need_index
    for position in order.tolist():
        if remaining == 0:
            break
        c, n = int(communes_idx[position]), int(needs_idx[position])
        options = ranked.get((c, n))
        if options is None:
            commune, need = columns.communes[c], NEEDS[n]
            options = []
            for key in keys:
                hub, tier, rule, rule_commune = key
                fit = fit_units(tier, need, policy)
                pref = preference_units(rule, rule_commune or None, commune, policy)
                transfer = transfers.units(hub, commune)
                if fit is None or pref is None or transfer is None:
                    continue
                options.append((fit + pref - transfer, key))
            options.sort(key=lambda o: -o[0])
            ranked[(c, n)] = options
        for value, key in options:
            if not left[key]:
                continue
            if value + int(pri[position]) <= 0:
                break
            pairs.append((left[key].pop(), int(ids[position])))
            total += value + int(pri[position])
            matched[c] += 1
            remaining -= 1
            break
    for c, count in matched.items():
        total += fairness_value(count, segments[c])
    return total, pairs
