"""Factories for logistics tests: phones at a given stage, households, allocations."""

from __future__ import annotations

import itertools

import pytest

from tests.conftest import COMMUNE_A
from tests.logistics.records import HOUSEHOLD

_serial = itertools.count(100000)


def new_imei() -> str:
    from logistics.services.bench import imei_complete

    return imei_complete(f"35{next(_serial):06d}{next(_serial) % 1000000:06d}")


@pytest.fixture
def make_device(db):
    from donations.models import Device, Donor, Pledge

    def make(*, hub=None, status="pledged", imei=None, donor_kind="business", **fields):
        donor = Donor.objects.create(
            name=fields.pop("donor_name", "Công ty Ánh Dương"),
            email="csr@anhduong.vn",
            kind=donor_kind,
        )
        pledge = Pledge.objects.create(donor=donor, hub=hub)
        values = {
            "brand": "Samsung",
            "model": "Galaxy A14 5G",
            "ram_gb": 4,
            "storage_gb": 64,
            "condition": "good",
            "has_nfc": True,
        }
        values.update(fields)
        if imei is None and status != "pledged":
            imei = new_imei()
        return Device.objects.create(
            pledge=pledge, hub=hub, status=status, imei=imei or "", **values
        )

    return make


@pytest.fixture
def make_household(db, officer_a):
    from households.models import Household

    def make(*, commune=COMMUNE_A, status="verified", village=None, **fields):
        values = {**HOUSEHOLD, "school_age_children": 2, **fields}
        return Household.objects.create(
            commune_id=commune, village=village, status=status, created_by=officer_a, **values
        )

    return make


@pytest.fixture
def allocate(db, admin_user):
    """Puts a ready device and a verified household through both doors into a live allocation."""
    from donations.lifecycle import device_transition
    from households.lifecycle import household_transition
    from matching.models import Allocation

    def allocate(device, household):
        device_transition(device_id=device.id, to="allocated", actor=admin_user)
        household_transition(household_id=household.id, to="allocated", actor=admin_user)
        Allocation.objects.create(device=device, household=household, is_live=True)
        device.refresh_from_db()
        household.refresh_from_db()
        return device

    return allocate


@pytest.fixture
def allocated(make_device, make_household, allocate, hubs, villages):
    """A phone at hub H allocated to a household of commune A (Tà Rụt)."""
    household = make_household(village=villages["A"])
    device = make_device(hub=hubs["H"], status="ready")
    allocate(device, household)
    return device, household


@pytest.fixture
def planned(allocated, coordinator_h):
    """The allocated phone on a planned batch to commune A."""
    from datetime import date

    from logistics.services.delivery import batch_create

    device, household = allocated
    batch = batch_create(
        hub_id=device.hub_id,
        commune_code=household.commune_id,
        planned_date=date(2026, 12, 1),
        carrier="officer",
        carrier_name="Hồ Văn A",
        device_codes=[device.tracking_code],
        actor=coordinator_h,
    )
    return device, household, batch


@pytest.fixture
def dispatched(planned, coordinator_h):
    """The allocated phone on a dispatched batch to commune A."""
    from logistics.services.delivery import batch_dispatch

    device, household, batch = planned
    batch = batch_dispatch(batch_id=batch.id, actor=coordinator_h)
    device.refresh_from_db()
    return device, household, batch


PASS_CHECKS = {
    "lte": True,
    "volte": True,
    "nfc": True,
    "battery_health": 91,
    "screen": True,
    "camera": True,
    "charging": True,
    "speaker": True,
    "microphone": True,
}
FULL_SETUP = {
    "vietnamese_language": True,
    "vietnamese_keyboard": True,
    "vneid": True,
    "zalo": True,
    "public_service_app": True,
}
