"""A small season, walked through the services: phones delivered, followed up, returned and
handed over again, allocated, on their way, lost; households waiting, allocated, served. The
public numbers of this world are written out in EXPECTED, so every page can be held to them.

Hub H (Đông Hà) serves communes A and C, hub K (Khe Sanh) serves B (tests/conftest.py)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date

from tests.conftest import COMMUNE_A, COMMUNE_B, COMMUNE_C

HEAD = "Hồ Thị Mùa Vụ"  # + a number: every head's name starts so (no page may show it)
_imeis = itertools.count(1)

# The public numbers of the season (logistics/numbers.py).
EXPECTED_COMMUNES = {
    # A1 served, A2 served (followed up), A3 gave its phone back (waiting again: issue 14's
    # return path), A4 has a phone on a planned batch, A5's phone was lost (waiting again), A6
    # waits.
    COMMUNE_A: {
        "households_verified": 6,
        "households_waiting": 3,
        "households_allocated": 1,
        "households_served": 2,
        "devices_delivered": 2,
    },
    COMMUNE_B: {
        "households_verified": 1,
        "households_waiting": 1,
        "households_allocated": 0,
        "households_served": 0,
        "devices_delivered": 0,
    },
    # C1 holds A3's returned phone, handed over again; C2's phone is on its way; C3 waits.
    COMMUNE_C: {
        "households_verified": 3,
        "households_waiting": 1,
        "households_allocated": 1,
        "households_served": 1,
        "devices_delivered": 1,
    },
}
EXPECTED_TOTALS = {
    "households_verified": 10,
    "households_waiting": 5,
    "households_allocated": 2,
    "households_served": 3,
    "devices_delivered": 3,
    "devices_pledged": 8,  # P1–P8 (P9's pledge was cancelled)
    "devices_ready": 3,  # P4 allocated, P5 dispatched, P7 ready
    "devices_lost": 1,  # P6
}
SIM = {"iccid": "8984048000011112222", "carrier": "viettel", "plan_expires": date(2027, 3, 31)}


@dataclass
class Season:
    households: dict[str, object] = field(default_factory=dict)
    phones: dict[str, object] = field(default_factory=dict)
    handovers: dict[str, object] = field(default_factory=dict)


def _imei() -> str:
    from logistics.services.bench import imei_complete

    return imei_complete(f"3579{next(_imeis):010d}")


def build_season(*, officer, coordinator_h, coordinator_k, admin, hubs) -> Season:
    from donations.lifecycle import device_transition
    from donations.models import Device, Donor, Pledge
    from households.lifecycle import household_transition
    from households.models import Household
    from logistics.services import bench, delivery, recovery
    from matching.models import Allocation

    season = Season()
    donor = Donor.objects.create(name="Công ty Mùa Vụ", email="muavu@test.vn", kind="business")
    pledge = Pledge.objects.create(donor=donor)
    for key, commune in [
        *[(f"A{i}", COMMUNE_A) for i in range(1, 7)],
        ("B1", COMMUNE_B),
        *[(f"C{i}", COMMUNE_C) for i in range(1, 4)],
    ]:
        season.households[key] = Household.objects.create(
            commune_id=commune,
            head_name=f"{HEAD} {key}",
            cccd_last4="4321",
            poverty_status="poor",
            phone_situation="none",
            coverage_4g="good",
            school_age_children=1,
            consent_processing=True,
            consent_share_story=True,
            consent_share_photo=True,
            status=Household.Status.VERIFIED,
            created_by=officer,
        )

    def phone(key: str, hub=None, status: str = "ready", **extra) -> Device:
        season.phones[key] = Device.objects.create(
            pledge=extra.pop("pledge", pledge),
            hub=hub,
            brand="Samsung",
            model="Galaxy A15",
            ram_gb=4,
            storage_gb=64,
            condition="good",
            status=status,
            imei=_imei() if status != "pledged" else "",
            **extra,
        )
        return season.phones[key]

    def allocate(device, household) -> None:
        device_transition(device_id=device.id, to="allocated", actor=admin)
        household_transition(household_id=household.id, to="allocated", actor=admin)
        Allocation.objects.create(device=device, household=household, approved_by=admin)

    def planned(device, household):
        allocate(device, household)
        return delivery.batch_create(
            hub_id=device.hub_id,
            commune_code=household.commune_id,
            planned_date=date(2026, 12, 1),
            carrier="officer",
            carrier_name="Cán bộ xã",
            device_codes=[device.tracking_code],
            actor=coordinator_h,
        )

    def dispatched(device, household) -> None:
        batch = planned(device, household)
        delivery.batch_dispatch(batch_id=batch.id, actor=coordinator_h)

    def handed_over(key: str, device, household, **extra):
        dispatched(device, household)
        # The officer of commune A, or the coordinator of the phone's hub elsewhere.
        actor = officer if household.commune_id == COMMUNE_A else coordinator_h
        season.handovers[key] = delivery.handover_create(
            device_id=device.id,
            household_id=household.id,
            received_by=household.head_name,
            recipient_cccd_last4="4321",
            training_given=True,
            story="Cả nhà gọi video được cho người thân.",
            actor=actor,
            **extra,
        )
        return season.handovers[key]

    h = season.households
    hub_h = hubs["H"]
    # P1 delivered to A1; P2 delivered to A2 and followed up.
    handed_over("P1", phone("P1", hub_h), h["A1"])
    handed_over("P2", phone("P2", hub_h), h["A2"])
    delivery.follow_up_record(
        handover_id=season.handovers["P2"].id, in_use=True, notes="Dùng hằng ngày.", actor=officer
    )
    # P3 delivered to A3, sent back at the follow-up, received, wiped and checked again (with its
    # SIM recorded at QA), then handed to C1.
    p3 = phone("P3", hub_h)
    handed_over("P3-first", p3, h["A3"])
    delivery.follow_up_record(
        handover_id=season.handovers["P3-first"].id,
        in_use=False,
        problems="Loa ngoài không kêu.",
        send_back=True,
        actor=officer,
    )
    bench.device_receive(device_id=p3.id, hub_id=hub_h.id, imei=p3.imei, actor=coordinator_h)
    bench.wipe_record_create(
        device_id=p3.id,
        method="factory_reset",
        accounts={"google_frp": True, "samsung": True, "vneid": True},
        actor=coordinator_h,
    )
    bench.qa_record_create(
        device_id=p3.id,
        checks=dict.fromkeys(
            ("lte", "volte", "screen", "camera", "charging", "speaker", "microphone"), True
        ),
        battery_health=90,
        nfc=True,
        setup=dict.fromkeys(
            ("vietnamese_language", "vietnamese_keyboard", "vneid", "zalo", "public_service_app"),
            True,
        ),
        sim=SIM,
        actor=coordinator_h,
    )
    handed_over("P3", p3, h["C1"])
    # P4 on a planned batch to A4; P5 on its way to C2.
    planned(phone("P4", hub_h), h["A4"])
    dispatched(phone("P5", hub_h), h["C2"])
    # P6 lost on the way to A5: its allocation ends, A5 waits again.
    p6 = phone("P6", hub_h)
    dispatched(p6, h["A5"])
    recovery.device_report_lost(
        device_id=p6.id, reason="Rơi trên đèo", last_seen="Đèo Sa Mù", actor=coordinator_h
    )
    # P7 ready at hub K; P8 pledged (no hub yet); P9 of a cancelled pledge.
    phone("P7", hubs["K"])
    phone("P8", status="pledged")
    cancelled = Pledge.objects.create(donor=donor, status="cancelled")
    phone("P9", status="cancelled", pledge=cancelled)
    for household in season.households.values():
        household.refresh_from_db()
    for device in season.phones.values():
        device.refresh_from_db()
    return season
