"""The exact engine: one min-cost flow on the grouped graph, solved by OR-Tools.

    source ─(count)→ device group ─(fit + preference − transfer)→ household group
           ─(one arc per distinct priority in the group, capacity = how many share it)→ commune
           ─(concave fairness segments, then a free arc)→ sink;       source ─(bypass)→ sink

Costs are the negated units of the objective, so the minimum cost is the maximum objective.
Why grouping is exact is argued in matching/engine/__init__.py and tested against the ungrouped
reference in tests/matching/test_engine_exactness.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from time import perf_counter

import numpy as np
from ortools.graph.python import min_cost_flow

from matching.engine.model import (
    NEEDS,
    Policy,
    Problem,
    TransferTable,
    fairness_segments,
    fit_units,
    is_usable,
    lottery,
)

TERMS = ("priority", "fit", "donor_preference", "transfer", "fairness")
RULE_NAMES = ("none", "prefer", "only")
RULE_CODES = {name: code for code, name in enumerate(RULE_NAMES)}

LOTTERY_HOUSEHOLDS = 1
LOTTERY_DEVICES = 2


class EngineError(RuntimeError):
    """The flow solver did not reach an optimal solution."""


@dataclass
class Pair:
    device: int
    household: int
    score: float
    explanation: list[dict]


@dataclass
class Result:
    """The assignment as parallel arrays; `terms[i]` holds pair i's units per TERMS."""

    device_ids: np.ndarray
    household_ids: np.ndarray
    terms: np.ndarray
    objective_units: int
    policy: Policy
    seed: int
    coverage: list[dict] = field(default_factory=list)
    devices_in: int = 0
    unusable_devices: int = 0
    households_in: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    stats: dict[str, int] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.device_ids)

    @property
    def objective(self) -> float:
        return self.policy.points(self.objective_units)

    @property
    def unmatched_devices(self) -> int:
        return self.devices_in - self.unusable_devices - len(self)

    @property
    def unmatched_households(self) -> int:
        return self.households_in - len(self)

    def explanation(self, index: int) -> list[dict]:
        return [
            {"factor": name, "points": self.policy.points(int(units))}
            for name, units in zip(TERMS, self.terms[index].tolist(), strict=True)
        ]

    def pairs(self) -> Iterator[Pair]:
        points = self.policy.points
        for device, household, row in zip(
            self.device_ids.tolist(), self.household_ids.tolist(), self.terms.tolist(), strict=True
        ):
            yield Pair(
                device=device,
                household=household,
                score=points(sum(row)),
                explanation=[
                    {"factor": name, "points": points(units)}
                    for name, units in zip(TERMS, row, strict=True)
                ],
            )

    def scores_and_explanations_json(self) -> tuple[list[float], list[str]]:
        """Each pair's score and its explanation as JSON text: the points of each term in TERMS'
        order (matching.models.Proposal.explanation), built in bulk with numpy (the fast path of
        writing 300,000 proposals; the same values as pairs())."""
        scale = self.policy.scale
        points = np.round(self.terms / scale, 4)
        scores = np.round(self.terms.sum(axis=1) / scale, 4).tolist()
        columns = [points[:, k].astype(str) for k in range(points.shape[1])] if len(points) else []
        if not columns:
            return scores, []
        text = np.char.add("[", columns[0])
        for column in columns[1:]:
            text = np.char.add(np.char.add(text, ", "), column)
        return scores, np.char.add(text, "]").tolist()

    def as_set(self) -> set[tuple[int, int]]:
        return set(zip(self.device_ids.tolist(), self.household_ids.tolist(), strict=True))


def _hub_sort_key(hub) -> tuple[str, str]:
    return (type(hub).__name__, f"{hub:>20}" if isinstance(hub, int) else str(hub))


def _order_households(group: np.ndarray, pri: np.ndarray, lot: np.ndarray) -> np.ndarray:
    """Positions sorted by (group, priority desc, lottery). Lottery numbers are distinct (a
    bijective hash of distinct ids), so two sorts (lottery, then a stable sort by one combined
    key) give exactly np.lexsort((lot, -pri, group)), 2.5× faster at a million rows."""
    if not len(group):
        return np.zeros(0, dtype=np.int64)
    if np.abs(pri).max() >= 2**39 or group.max() >= 2**22:
        return np.lexsort((lot, -pri, group))
    by_lottery = np.argsort(lot)
    key = (group << 40) - pri
    return by_lottery[np.argsort(key[by_lottery], kind="stable")]


def _group_devices(devices: list, policy: Policy, seed: int):
    """(keys, members): one key (hub, tier, rule, rule commune) per group, and each group's
    device ids in lottery order. Vectorised: 100,000 phones in a few tens of milliseconds."""
    if not devices:
        return [], []
    hubs = sorted({d.hub for d in devices}, key=_hub_sort_key)
    hub_position = {hub: i for i, hub in enumerate(hubs)}
    rules = [d.rule if d.rule in ("prefer", "only") and d.rule_commune else "none" for d in devices]
    rule_communes = sorted(
        {d.rule_commune for d, r in zip(devices, rules, strict=True) if r != "none"}
    )
    rc_position = {code: i + 1 for i, code in enumerate(rule_communes)}
    n = len(devices)
    ids = np.fromiter((d.id for d in devices), dtype=np.int64, count=n)
    hub = np.fromiter((hub_position[d.hub] for d in devices), dtype=np.int64, count=n)
    ram = np.fromiter((float(d.ram_gb) for d in devices), dtype=np.float64, count=n)
    camera = np.fromiter((bool(d.has_camera) for d in devices), dtype=bool, count=n)
    nfc = np.fromiter((bool(d.has_nfc) for d in devices), dtype=bool, count=n)
    rule = np.fromiter((RULE_CODES[r] for r in rules), dtype=np.int64, count=n)
    rc = np.fromiter(
        (
            rc_position[d.rule_commune] if r != "none" else 0
            for d, r in zip(devices, rules, strict=True)
        ),
        dtype=np.int64,
        count=n,
    )
    school = (ram >= policy.student_min_ram_gb) & (camera | (not policy.student_needs_camera))
    tier = school.astype(np.int64) | (camera.astype(np.int64) << 1) | (nfc.astype(np.int64) << 2)
    key = ((hub * 8 + tier) * 3 + rule) * (len(rule_communes) + 1) + rc
    lot = lottery(ids, seed, LOTTERY_DEVICES)
    by_lottery = np.argsort(lot)
    order = by_lottery[np.argsort(key[by_lottery], kind="stable")]
    sorted_key = key[order]
    starts = np.flatnonzero(np.r_[True, sorted_key[1:] != sorted_key[:-1]])
    ends = np.r_[starts[1:], n]
    sorted_ids = ids[order]
    keys, members = [], []
    for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
        first = int(order[start])
        r = RULE_NAMES[int(rule[first])]
        keys.append(
            (
                hubs[int(hub[first])],
                int(tier[first]),
                r,
                rule_communes[int(rc[first]) - 1] if r != "none" else "",
            )
        )
        members.append(sorted_ids[start:end])
    return keys, members


def solve(problem: Problem) -> Result:
    """Build the min-cost flow network of `problem` and solve it exactly.

    Kept as one function (over 80 lines) on purpose: it is the hot path of bench/matching_bench.py
    and works on local arrays end to end; its stages (usable phones, transfers, fairness floors,
    arcs, solve, read-back) follow one another below."""
    policy = problem.policy
    seed = int(problem.seed)
    started = perf_counter()

    households = problem.household_columns()
    all_devices = list(problem.devices)
    devices = [d for d in all_devices if is_usable(d)]
    n_households, n_devices = len(households), len(devices)
    transfers = TransferTable(problem.hub_serves, problem.transfer_costs, policy)
    communes = households.communes
    n_communes = len(communes)

    # ---- households: sort by (group, priority desc, lottery); runs of equal priority ------------
    pri = np.rint(households.priority * policy.priority_weight * policy.scale).astype(np.int64)
    group = households.commune_index.astype(np.int64) * len(NEEDS) + households.need_index
    lot = lottery(households.ids, seed, LOTTERY_HOUSEHOLDS)
    order = _order_households(group, pri, lot)
    g_sorted, p_sorted = group[order], pri[order]
    if n_households:
        starts_mask = np.ones(n_households, dtype=bool)
        starts_mask[1:] = (g_sorted[1:] != g_sorted[:-1]) | (p_sorted[1:] != p_sorted[:-1])
        run_starts = np.flatnonzero(starts_mask)
        group_mask = np.ones(n_households, dtype=bool)
        group_mask[1:] = g_sorted[1:] != g_sorted[:-1]
        group_starts = np.flatnonzero(group_mask)
    else:
        run_starts = group_starts = np.zeros(0, dtype=np.int64)
    run_lengths = np.diff(np.append(run_starts, n_households))
    run_group, run_pri = g_sorted[run_starts], p_sorted[run_starts]
    group_keys = g_sorted[group_starts]
    group_sizes = np.diff(np.append(group_starts, n_households))
    need_per_commune = np.bincount(households.commune_index, minlength=n_communes)

    # ---- devices: group by hub × tier × donor rule; within a group, lottery order --------------
    device_keys, device_members = _group_devices(devices, policy, seed)

    # ---- graph ----------------------------------------------------------------------------------
    flow = min_cost_flow.SimpleMinCostFlow()
    source, sink = 0, 1
    dg_node0 = 2
    hg_node0 = dg_node0 + len(device_keys)
    commune_node0 = hg_node0 + len(group_keys)
    tails: list[int] = []
    heads: list[int] = []
    caps: list[int] = []
    costs: list[int] = []

    def arc(tail: int, head: int, cap: int, cost: int) -> None:
        tails.append(tail)
        heads.append(head)
        caps.append(cap)
        costs.append(cost)

    arc(source, sink, n_devices, 0)
    for index, members in enumerate(device_members):
        arc(source, dg_node0 + index, len(members), 0)
    # Device group × household group arcs, computed as one matrix: value = fit + pref − transfer.
    hg_commune = (group_keys // len(NEEDS)).astype(np.int64)
    hg_need = (group_keys % len(NEEDS)).astype(np.int64)
    fit_table = np.full((8, len(NEEDS)), -1, dtype=np.int64)
    fit_ok = np.zeros((8, len(NEEDS)), dtype=bool)
    for tier in range(8):
        for n, need in enumerate(NEEDS):
            value = fit_units(tier, need, policy)
            if value is not None:
                fit_table[tier, n], fit_ok[tier, n] = value, True
    hubs = sorted({key[0] for key in device_keys}, key=_hub_sort_key)
    hub_position = {hub: i for i, hub in enumerate(hubs)}
    transfer_table = np.zeros((len(hubs), n_communes), dtype=np.int64)
    transfer_ok = np.zeros((len(hubs), n_communes), dtype=bool)
    for i, hub in enumerate(hubs):
        for c, commune in enumerate(communes):
            value = transfers.units(hub, commune)
            if value is not None:
                transfer_table[i, c], transfer_ok[i, c] = value, True
    commune_position = {code: c for c, code in enumerate(communes)}
    dg_hub = np.array([hub_position[k[0]] for k in device_keys], dtype=np.int64)
    dg_tier = np.array([k[1] for k in device_keys], dtype=np.int64)
    dg_rule = np.array(
        [("none", "prefer", "only").index(k[2]) for k in device_keys], dtype=np.int64
    )
    dg_rc = np.array([commune_position.get(k[3], -1) for k in device_keys], dtype=np.int64)
    dg_size = np.array([len(m) for m in device_members], dtype=np.int64)
    if len(device_keys) and len(group_keys):
        same_commune = dg_rc[:, None] == hg_commune[None, :]
        fit_m = fit_table[dg_tier[:, None], hg_need[None, :]]
        transfer_m = transfer_table[dg_hub[:, None], hg_commune[None, :]]
        pref_m = np.where(
            (dg_rule[:, None] == 1) & same_commune, policy.units(policy.donor_preference_bonus), 0
        )
        valid = (
            fit_ok[dg_tier[:, None], hg_need[None, :]]
            & transfer_ok[dg_hub[:, None], hg_commune[None, :]]
            & ((dg_rule[:, None] != 2) | same_commune)
        )
        arc_dg, arc_hg = np.nonzero(valid)
        arc_fit = fit_m[arc_dg, arc_hg]
        arc_pref = pref_m[arc_dg, arc_hg]
        arc_transfer = -transfer_m[arc_dg, arc_hg]
        arc_cap = np.minimum(dg_size[arc_dg], group_sizes[arc_hg])
        # Pair arcs come first in the solver's arc list, so their indices are 0..n−1.
        pair_tails = (dg_node0 + arc_dg).astype(np.int32)
        pair_heads = (hg_node0 + arc_hg).astype(np.int32)
        pair_caps = arc_cap.astype(np.int64)
        pair_costs = (-(arc_fit + arc_pref + arc_transfer)).astype(np.int64)
        arc_index = np.arange(len(arc_dg), dtype=np.int32)
    else:
        arc_index = arc_dg = arc_hg = arc_fit = arc_pref = arc_transfer = np.zeros(0, np.int64)
        arc_index = arc_index.astype(np.int32)
        pair_tails = pair_heads = np.zeros(0, dtype=np.int32)
        pair_caps = pair_costs = np.zeros(0, dtype=np.int64)
    hg_commune = hg_commune.tolist()
    group_position = {key: index for index, key in enumerate(group_keys.tolist())}
    for g, p, length in zip(
        run_group.tolist(), run_pri.tolist(), run_lengths.tolist(), strict=True
    ):
        h_index = group_position[g]
        arc(hg_node0 + h_index, commune_node0 + hg_commune[h_index], length, -p)
    commune_segments: list[list[tuple[int, int]]] = []
    floors: list[int] = []
    for c in range(n_communes):
        need = int(need_per_commune[c])
        floor, segments = fairness_segments(need, n_devices, n_households, policy)
        floors.append(floor)
        commune_segments.append(segments)
        used = 0
        for capacity, bonus in segments:
            arc(commune_node0 + c, sink, capacity, -bonus)
            used += capacity
        if need > used:
            arc(commune_node0 + c, sink, need - used, 0)
    n_arcs = len(pair_tails) + len(tails)
    if n_arcs:
        flow.add_arcs_with_capacity_and_unit_cost(
            np.concatenate((pair_tails, np.array(tails, dtype=np.int32))),
            np.concatenate((pair_heads, np.array(heads, dtype=np.int32))),
            np.concatenate((pair_caps, np.array(caps, dtype=np.int64))),
            np.concatenate((pair_costs, np.array(costs, dtype=np.int64))),
        )
    flow.set_node_supply(source, n_devices)
    flow.set_node_supply(sink, -n_devices)
    built = perf_counter()

    status = flow.solve()
    if status != flow.OPTIMAL:
        raise EngineError(f"min-cost flow ended with status {status}")
    solved = perf_counter()

    # ---- the assignment: top-k households of each group, devices in lottery order --------------
    arc_flow = flow.flows(arc_index) if len(arc_index) else np.zeros(0, dtype=np.int64)
    used = np.flatnonzero(arc_flow)
    pair_arcs = zip(
        arc_dg[used].tolist(),
        arc_hg[used].tolist(),
        arc_fit[used].tolist(),
        arc_pref[used].tolist(),
        arc_transfer[used].tolist(),
        strict=True,
    )
    pair_flows = arc_flow[used].tolist()
    taken_in_group = [0] * len(group_keys)
    taken_in_dgroup = [0] * len(device_keys)
    device_chunks: list[np.ndarray] = []
    household_chunks: list[np.ndarray] = []
    term_chunks: list[tuple[int, int, int, int]] = []  # fit, pref, −transfer, count
    for (d_index, h_index, fit, pref, transfer), units in zip(pair_arcs, pair_flows, strict=True):
        d_from = taken_in_dgroup[d_index]
        device_chunks.append(device_members[d_index][d_from : d_from + units])
        taken_in_dgroup[d_index] = d_from + units
        h_from = int(group_starts[h_index]) + taken_in_group[h_index]
        household_chunks.append(order[h_from : h_from + units])
        taken_in_group[h_index] += units
        term_chunks.append((fit, pref, transfer, units))
    if device_chunks:
        device_ids = np.concatenate(device_chunks)
        positions = np.concatenate(household_chunks)
        counts = [t[3] for t in term_chunks]
        fit_col = np.repeat([t[0] for t in term_chunks], counts)
        pref_col = np.repeat([t[1] for t in term_chunks], counts)
        transfer_col = np.repeat([t[2] for t in term_chunks], counts)
    else:
        device_ids = np.zeros(0, dtype=np.int64)
        positions = np.zeros(0, dtype=np.int64)
        fit_col = pref_col = transfer_col = np.zeros(0, dtype=np.int64)
    household_ids = households.ids[positions]
    pri_col = pri[positions]
    commune_col = households.commune_index[positions].astype(np.int64)

    # Fairness, attributed within each commune to its matched households by (priority, lottery).
    fairness_col = np.zeros(len(positions), dtype=np.int64)
    matched_per_commune = np.bincount(commune_col, minlength=n_communes)
    if len(positions):
        by_commune = np.lexsort((lot[positions], -pri_col, commune_col))
        commune_start = np.concatenate(([0], np.cumsum(matched_per_commune)[:-1]))
        for c in np.flatnonzero(matched_per_commune).tolist():
            start, at = int(commune_start[c]), 0
            for capacity, bonus in commune_segments[c]:
                take = min(capacity, int(matched_per_commune[c]) - at)
                if take <= 0:
                    break
                fairness_col[by_commune[start + at : start + at + take]] = bonus
                at += take
    terms = np.column_stack((pri_col, fit_col, pref_col, transfer_col, fairness_col)).astype(
        np.int64
    )
    objective_units = -int(flow.optimal_cost())
    if int(terms.sum()) != objective_units:
        raise EngineError("the extracted assignment does not reproduce the optimal objective")
    coverage = [
        {
            "commune": communes[c],
            "need": int(need_per_commune[c]),
            "floor": floors[c],
            "matched": int(matched_per_commune[c]),
        }
        for c in range(n_communes)
    ]
    finished = perf_counter()
    return Result(
        device_ids=device_ids,
        household_ids=household_ids,
        terms=terms,
        objective_units=objective_units,
        policy=policy,
        seed=seed,
        coverage=coverage,
        devices_in=len(all_devices),
        unusable_devices=len(all_devices) - n_devices,
        households_in=n_households,
        timings={
            "build": round(built - started, 4),
            "solve": round(solved - built, 4),
            "extract": round(finished - solved, 4),
        },
        stats={
            "device_groups": len(device_keys),
            "household_groups": len(group_keys),
            "priority_arcs": len(run_starts),
            "nodes": commune_node0 + n_communes,
            "arcs": n_arcs,
        },
    )
