"""The demo data: households in every state, across several communes, made through the services."""

import random

import pytest

from households.models import Household

pytestmark = pytest.mark.django_db


def test_the_demo_has_households_in_every_state_and_runs_twice(communes):
    from accounts import demo as accounts_demo
    from households import demo as households_demo
    from places import demo as places_demo

    ctx = {"rng": random.Random(2026)}
    for module in (places_demo, accounts_demo, households_demo):
        module.load(ctx)
    assert set(Household.objects.values_list("status", flat=True)) == set(Household.Status.values)
    assert Household.objects.values("commune").distinct().count() == 3
    assert all(
        sum(r["points"] for r in h.priority_breakdown) == h.priority_score
        for h in Household.objects.all()
    )
    count = Household.objects.count()
    households_demo.load(ctx)
    assert Household.objects.count() == count
    assert set(ctx["households"]) == set(Household.Status.values)
