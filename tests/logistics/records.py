"""Real evidence for tests that walk a phone through its door by hand: the records logistics
keeps (a wipe record, a passing QA record, a handover of that phone), since the door checks them."""

from __future__ import annotations

from tests.conftest import COMMUNE_A

# A household's facts, for tests that need one (the conftest's make_household starts from these).
HOUSEHOLD = {
    "head_name": "Hồ Văn Phúc",
    "cccd_last4": "4321",
    "poverty_status": "poor",
    "phone_situation": "none",
    "coverage_4g": "good",
    "consent_processing": True,
}


def evidence_of(device, to: str, actor, *, household=None) -> dict | None:
    """The evidence a move of `device` to `to` needs, made as a real record (None: no need)."""
    from households.models import Household
    from logistics.models import Handover, QARecord, WipeRecord

    if to == "wiped":
        record = WipeRecord.objects.create(device=device, method="factory_reset", operator=actor)
        return {"wipe_record": record.id}
    if to == "ready":
        record = QARecord.objects.create(device=device, battery_health=90, passed=True, actor=actor)
        return {"qa_record": record.id}
    if to == "delivered":
        household = household or Household.objects.create(
            commune_id=COMMUNE_A, created_by=actor, **HOUSEHOLD
        )
        handover = Handover.objects.create(
            device=device,
            household=household,
            received_by=household.head_name,
            recipient_cccd_last4=household.cccd_last4,
            recorded_by=actor,
        )
        return {"handover": handover.id}
    return None


def walk(device, stages, actor, *, household=None) -> None:
    """Move `device` through `stages` by its door, each with its evidence."""
    from donations.lifecycle import device_transition

    for to in stages:
        evidence = evidence_of(device, to, actor, household=household)
        device_transition(device_id=device.id, to=to, actor=actor, evidence=evidence)
