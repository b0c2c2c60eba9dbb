"""A season's building blocks for the recovery tests, every step through the real services (so
every record and event row exists as in production): a donor's phone received, wiped and checked
at a hub; a household nominated, submitted and verified; a matching run approved; a batch
dispatched; a handover."""

from __future__ import annotations

import itertools
from datetime import date

from tests.logistics.conftest import FULL_SETUP, PASS_CHECKS, new_imei

_names = itertools.count(1)


def ready_phone(coordinator, hub, *, donor_language: str = "vi", **fields):
    """A pledged phone of its own donor, received at `hub`, wiped and QA-passed: ready."""
    from donations.models import Device, Donor, Pledge
    from logistics.services.bench import wipe_record_create

    n = next(_names)
    donor = Donor.objects.create(
        name=f"Nhà hảo tâm {n}", email=f"donor{n}@example.org", language=donor_language
    )
    pledge = Pledge.objects.create(donor=donor, hub=hub)
    values = {"brand": "Samsung", "model": "Galaxy A15", "ram_gb": 4, "storage_gb": 64}
    values.update(fields)
    device = Device.objects.create(pledge=pledge, condition="good", has_nfc=True, **values)
    receive(device, coordinator, hub)
    wipe_record_create(
        device_id=device.id,
        method="factory_reset",
        accounts={"google_frp": True, "vneid": True, "samsung": True, "icloud": True},
        actor=coordinator,
    )
    qa_pass(device, coordinator)
    device.refresh_from_db()
    assert device.status == "ready", device.status
    return device


def receive(device, coordinator, hub):
    from logistics.services.bench import device_receive

    return device_receive(
        device_id=device.id, hub_id=hub.id, imei=device.imei or new_imei(), actor=coordinator
    )


def qa_pass(device, coordinator):
    from logistics.services.bench import qa_record_create

    checks = {k: v for k, v in PASS_CHECKS.items() if k not in ("nfc", "battery_health")}
    return qa_record_create(
        device_id=device.id,
        checks=checks,
        battery_health=PASS_CHECKS["battery_health"],
        nfc=True,
        setup=FULL_SETUP,
        actor=coordinator,
    )


def waiting_household(officer, verifier, commune, **facts):
    """A household nominated by `officer`, verified by `verifier`: waiting for a phone."""
    from households.services.editing import household_create, household_submit
    from households.services.verification import household_verify
    from tests.households.conftest import household_data

    facts.setdefault("head_name", f"Hồ Văn Thử {next(_names)}")
    household = household_create(actor=officer, **household_data(commune, **facts))
    household_submit(household_id=household.id, actor=officer)
    return household_verify(household_id=household.id, actor=verifier)


def run_and_approve(coordinator, hub):
    """A matching run over `hub`, every proposal approved: the run and its allocations."""
    from matching.models import Allocation
    from matching.services import match_run_approve, match_run_create

    run = match_run_create(actor=coordinator, hub_ids=[hub.id], seed=11)
    outcome = match_run_approve(run_id=run.id, actor=coordinator)
    return run, list(Allocation.objects.filter(proposal_id__in=outcome.approved))


def dispatch(device, household, coordinator):
    from logistics.services.delivery import batch_create, batch_dispatch

    batch = batch_create(
        hub_id=device.hub_id,
        commune_code=household.commune_id,
        planned_date=date(2026, 12, 1),
        carrier="officer",
        device_codes=[device.tracking_code],
        actor=coordinator,
    )
    return batch_dispatch(batch_id=batch.id, actor=coordinator)


def hand_over(device, household, actor):
    from households.models import Household
    from logistics.services.delivery import handover_create

    household = Household.objects.get(id=household.id)
    return handover_create(
        device_id=device.id,
        household_id=household.id,
        received_by=household.head_name,
        recipient_cccd_last4=household.cccd_last4,
        actor=actor,
    )


def delivered(coordinator, officer, verifier, hub, commune, **facts):
    """A phone matched, dispatched and handed over to a new household: (device, household,
    handover)."""
    device = ready_phone(coordinator, hub)
    household = waiting_household(officer, verifier, commune, **facts)
    _run, allocations = run_and_approve(coordinator, hub)
    assert [(a.device_id, a.household_id) for a in allocations] == [(device.id, household.id)]
    dispatch(device, household, coordinator)
    handover = hand_over(device, household, officer)
    device.refresh_from_db()
    household.refresh_from_db()
    return device, household, handover


__all__ = [
    "delivered",
    "dispatch",
    "hand_over",
    "qa_pass",
    "ready_phone",
    "receive",
    "run_and_approve",
    "waiting_household",
]
