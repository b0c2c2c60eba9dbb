"""The matching engine: exact, explainable, reproducible. Plain Python + numpy + OR-Tools.

Input (model.py): ready phones (`ReadyPhone`: hub, RAM, camera, NFC, 4G, VoLTE, the donor's
commune rule), verified households waiting for one (`WaitingHousehold`: commune, priority points,
need kind; or the columnar `HouseholdColumns` for a million rows), which hubs serve which communes,
hub-to-hub transfer costs, a `Policy` and a seed. Output (flow.py `Result`): the pairs with their
explanation, the objective, per-commune coverage against the floor, unmatched counts and timings.

The objective (maximised; every term is in points, computed as integers in 1/`scale` points)
------------------------------------------------------------------------------------------------
    W(M) = Σ_{(d,h) ∈ M} [ w·priority(h) + fit(d,h) + pref(d,h) − transfer(d,h) ]
         + Σ_c F_c(m_c)

- priority(h): the household's priority points (its documented, versioned score), weight w.
- fit(d,h): + fit_school_student when a student household gets a phone fit for school;
  + fit_nfc if the phone has NFC (VNeID moves by NFC); + fit_camera if it has a working camera.
- pref(d,h): + donor_preference_bonus when the donor asked to *prefer* h's commune.
- transfer(d,h): 0 when d's hub serves h's commune, else the cheapest hub-to-hub transfer to a
  hub that serves it (explicit cost, else `default_transfer_cost`; None = not reachable).
- F_c(m): the fairness bonus of commune c with m matched households. c's floor is
  ⌊need_c · min(1, D/N)⌋ (its share of the D usable phones in proportion to its N-share of the
  verified households); each of the first `pct_1`% of the floor earns bonus_1, the next up to
  `pct_2`% earn bonus_2 < bonus_1, …, the rest nothing: concave and piecewise linear.
- W(∅) = 0. Matching is optional: a pair is made only when it adds to W.

Hard rules (pairs that break them are never arcs): one phone per household and one household per
phone; a phone without 4G *and* VoLTE is never allocated; a donor's "only my commune" is never
broken; a student household only gets a phone that fits school use (RAM ≥ student_min_ram_gb and a
working camera); a phone only reaches a commune some hub serves.

Why the grouped graph is exact
------------------------------
Devices with the same (hub, tier, donor rule) are interchangeable: every term above depends on a
device only through those. Households with the same (commune, need kind) differ only in their
priority, which is additive and household-specific. So take any optimal ungrouped assignment M*;
in each household group let k be the number it matches. Replacing the group's matched households
by the group's k highest priorities keeps every device term, every commune count m_c (hence F_c)
and feasibility, and does not lower Σ priority: it is optimal too. The grouped flow sends k units
into the group node and leaves it through one arc per distinct priority (capacity = how many
households share it, cost = −priority); a min-cost flow fills the cheapest (highest-priority) arcs
first, so the grouped optimum equals the top-k choice, i.e. W(M*). Conversely every grouped flow
decomposes into an ungrouped assignment of the same W. Fairness arcs leave the commune node with
falling bonuses (concavity), so the solver fills them in order and the flow cost is exactly
−Σ F_c(m_c). Integral capacities give an integral optimal flow. Which of several households with
the same priority in a group is chosen (and which device of a group goes where) does not change W:
that choice is the run's lottery, a splitmix64 hash of (seed, id), so the same input and seed give
the same output. tests/matching/test_engine_exactness.py checks W(engine) = W(ungrouped reference)
on random and adversarial instances (hypothesis), and the reference against brute force.
"""

from matching.engine.flow import TERMS, EngineError, Pair, Result, solve
from matching.engine.model import (
    NEEDS,
    HouseholdColumns,
    Policy,
    Problem,
    ReadyPhone,
    WaitingHousehold,
)

__all__ = [
    "NEEDS",
    "TERMS",
    "EngineError",
    "HouseholdColumns",
    "Pair",
    "Policy",
    "Problem",
    "ReadyPhone",
    "Result",
    "WaitingHousehold",
    "solve",
]
