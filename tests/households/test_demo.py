"""The demo data: households in every state a household reaches without a phone, across several
communes, made through the services."""

import random

import pytest

from households.models import Household

pytestmark = pytest.mark.django_db


def test_the_demo_has_households_in_every_state_short_of_a_phone_and_runs_twice(communes):
    from accounts import demo as accounts_demo
    from households import demo as households_demo
    from places import demo as places_demo

    ctx = {"rng": random.Random(2026)}
    for module in (places_demo, accounts_demo, households_demo):
        module.load(ctx)
    # Allocated and served come from the phones that reach them (the matching and logistics
    # demos: tests/matching/test_execution.py), never from a bare status change here.
    by_phones = {"allocated", "served"}
    every_other = set(Household.Status.values) - by_phones
    assert set(Household.objects.values_list("status", flat=True)) == every_other
    assert Household.objects.values("commune").distinct().count() == 3
    assert all(
        sum(r["points"] for r in h.priority_breakdown) == h.priority_score
        for h in Household.objects.all()
    )
    count = Household.objects.count()
    households_demo.load(ctx)
    assert Household.objects.count() == count
    assert set(ctx["households"]) == every_other
