"""Fixtures for matching tests: verified households and ready phones made directly with the
models (the households and donations apps own their services; here only the rows matter)."""

from __future__ import annotations

import pytest

from tests.matching.factories import device_create, household_create, nominator_create


@pytest.fixture
def nominator(db, communes):
    return nominator_create()


@pytest.fixture
def make_household(nominator):
    def make(commune, **kwargs):
        return household_create(commune, nominator=nominator, **kwargs)

    return make


@pytest.fixture
def make_device(db):
    return device_create


@pytest.fixture
def stock(hubs, communes, make_household, make_device):
    """Hub H (serves A and C) and hub K (serves B): phones and waiting households at both."""
    return {
        "devices_h": [make_device(hubs["H"]) for _ in range(3)],
        "devices_k": [make_device(hubs["K"]) for _ in range(2)],
        "households_a": [make_household(communes["A"], priority=60 + i) for i in range(3)],
        "households_b": [make_household(communes["B"], priority=40 + i) for i in range(2)],
    }
