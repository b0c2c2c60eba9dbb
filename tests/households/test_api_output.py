"""The household list's hand-built rows (households.api.HouseholdOutput.to_representation) are
exactly what DRF renders from the declared fields, for every kind of household."""

from __future__ import annotations

import pytest
from rest_framework import serializers

from households.api import HouseholdOutput
from households.models import Household
from tests.households.conftest import cccd

pytestmark = pytest.mark.django_db


def test_the_fast_rows_equal_drfs_own(make_household, officer_a, villages):
    make_household(officer_a, cccd=cccd(1))
    make_household(officer_a, cccd=cccd(2), village=villages["A"].id, elderly=2)
    serializer = HouseholdOutput()
    rows = list(Household.objects.select_related("village"))
    assert len(rows) == 2
    for household in rows:
        fast = serializer.to_representation(household)
        generic = serializers.ModelSerializer.to_representation(serializer, household)
        assert fast == generic
        assert list(fast) == list(generic)  # the same order too
