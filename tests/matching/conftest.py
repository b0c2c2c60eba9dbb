"""Factories for matching tests: verified households and ready phones made directly with the
models (the households and donations apps own their services; here only the rows matter)."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest

# The browser fixtures, for the coordinator's journey in test_browser_journey.py.
from tests.browser.conftest import browser, page  # noqa: F401

_counter = itertools.count(1)

NEED_FIELDS = {
    "student": {"school_age_children": 2},
    "disability": {"disabled": 1},
    "elderly": {"elderly": 1},
    "general": {},
}


@pytest.fixture
def nominator(db, communes):
    from accounts.models import User

    return User.objects.create_user(email="nominator@test.vn", password="x" * 20, name="Cán bộ")


@pytest.fixture
def make_household(nominator):
    from households.models import Household

    def make(commune, *, priority=50, need="general", status="verified", name=None):
        n = next(_counter)
        return Household.objects.create(
            commune_id=getattr(commune, "code", commune),
            head_name=name or f"Hồ Văn Hộ {n}",
            members=4,
            poverty_status="poor",
            phone_situation="none",
            coverage_4g="good",
            created_by=nominator,
            status=status,
            priority_score=priority,
            priority_version="2026.1",
            priority_breakdown=[
                {"factor": "poverty", "points": priority // 2},
                {"factor": "no_phone", "points": priority - priority // 2},
            ],
            **NEED_FIELDS[need],
        )

    return make


@pytest.fixture
def make_device(db):
    from donations.models import Device, Donor, Pledge

    def make(
        hub,
        *,
        ram_gb="4",
        camera=True,
        nfc=False,
        status="ready",
        prefer=None,
        only=None,
        lte=True,
        volte=True,
    ):
        pledge = None
        if prefer or only:
            donor = Donor.objects.create(name="Nhà hảo tâm", email=f"d{next(_counter)}@test.vn")
            pledge = Pledge.objects.create(
                donor=donor,
                commune_preference_id=getattr(prefer or only, "code", prefer or only),
                preference_strict=bool(only),
            )
        return Device.objects.create(
            pledge=pledge,
            brand="Samsung",
            model="Galaxy A12",
            ram_gb=Decimal(str(ram_gb)),
            storage_gb=64,
            has_camera=camera,
            has_nfc=nfc,
            supports_4g=lte,
            supports_volte=volte,
            condition="good",
            hub=hub,
            status=status,
        )

    return make


@pytest.fixture
def stock(hubs, communes, make_household, make_device):
    """Hub H (serves A and C) and hub K (serves B): phones and waiting households at both."""
    return {
        "devices_h": [make_device(hubs["H"]) for _ in range(3)],
        "devices_k": [make_device(hubs["K"]) for _ in range(2)],
        "households_a": [make_household(communes["A"], priority=60 + i) for i in range(3)],
        "households_b": [make_household(communes["B"], priority=40 + i) for i in range(2)],
    }
