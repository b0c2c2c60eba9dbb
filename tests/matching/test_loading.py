"""The loader gives the engine exactly the free phones and waiting households, with the need kind
of Household.need_kind (computed in SQL on PostgreSQL, in numpy elsewhere)."""

from __future__ import annotations

import pytest

from matching.engine import NEEDS
from matching.loading import load_problem
from matching.models import Allocation

pytestmark = pytest.mark.django_db


def test_it_loads_free_phones_and_waiting_households_with_their_need(
    hubs, communes, make_household, make_device, nominator
):
    from households.models import Household

    made = [
        make_household(communes["A"], need=need, priority=10 * i) for i, need in enumerate(NEEDS)
    ]
    both = make_household(communes["C"], need="general")
    Household.objects.filter(id=both.id).update(school_age_children=1, disabled=2)
    make_household(communes["A"], status="submitted")  # not verified yet
    make_household(communes["B"])  # served by K only
    taken = make_household(communes["A"])
    free = make_device(hubs["H"], prefer=communes["A"])
    strict = make_device(hubs["H"], only=communes["C"])
    busy = make_device(hubs["H"])
    make_device(hubs["H"], status="refurbishing")
    make_device(hubs["K"])
    Allocation.objects.create(device=busy, household=taken)

    loaded = load_problem(hub_ids=[hubs["H"].id], seed=3)
    records = {h.id: h for h in loaded.problem.household_records()}
    expected = {h.id: Household.objects.get(id=h.id).need_kind for h in [*made, both]}
    assert {i: r.need for i, r in records.items()} == expected
    assert records[both.id].need == "student"
    assert {i: r.priority for i, r in records.items()} == {
        **{h.id: h.priority_score for h in made},
        both.id: both.priority_score,
    }
    devices = {d.id: d for d in loaded.problem.devices}
    assert set(devices) == {free.id, strict.id}
    assert (devices[free.id].rule, devices[free.id].rule_commune) == ("prefer", communes["A"].code)
    assert (devices[strict.id].rule, devices[strict.id].rule_commune) == (
        "only",
        communes["C"].code,
    )
    assert sorted(loaded.problem.hub_serves[hubs["H"].id]) == sorted(
        [communes["A"].code, communes["C"].code]
    )
