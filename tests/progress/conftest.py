"""A known fixture for the public numbers: households in every status across communes A, B, C,
devices in several states, outcomes in A and C, donors with and without a public name."""

from __future__ import annotations

import pytest
from django.utils import timezone

HEAD_NAME = "Hồ Văn Bí Mật"
CCCD_LAST4 = "7391"
VILLAGE = "Bản Kín Đáo"

# commune → {status: how many}
HOUSEHOLDS = {
    "A": {
        "draft": 1,
        "submitted": 2,
        "needs_changes": 1,
        "verified": 4,
        "rejected": 1,
        "allocated": 1,
        "served": 3,
        "inactive": 1,
    },
    # The served household of B gave its phone back: its status still says served, the numbers
    # count what it holds (nothing).
    "B": {"submitted": 1, "verified": 2, "served": 1},
    "C": {"verified": 1, "allocated": 2, "rejected": 2, "served": 1},
}
# Expected per commune (logistics/numbers.py): verified = verified+allocated+served, waiting =
# verified, allocated = a live allocation of a phone on its way, served = holding a delivered
# phone that has not come back, delivered = those phones.
EXPECTED = {
    "A": {
        "households_verified": 8,
        "households_waiting": 4,
        "households_allocated": 1,
        "households_served": 3,
    },
    "B": {
        "households_verified": 3,
        "households_waiting": 2,
        "households_allocated": 0,
        "households_served": 0,
    },
    "C": {
        "households_verified": 4,
        "households_waiting": 1,
        "households_allocated": 2,
        "households_served": 1,
    },
}
# Devices: status → how many (each one a phone of a pledge).
DEVICES = {
    "pledged": 3,
    "received": 1,
    "wiped": 1,
    "ready": 2,
    "allocated": 2,  # to the allocated households of A and C
    "dispatched": 1,  # to the second allocated household of C
    "delivered": 3,  # 2 in A, 1 in C
    "followed_up": 1,  # in A
    "returned": 1,  # once delivered in B, given back: not counted as delivered
    "rejected": 1,
    "lost": 1,
    "cancelled": 2,
}
EXPECTED_DEVICES = {
    "devices_pledged": 17,  # all 19 but the 2 cancelled
    "devices_ready": 5,  # ready + allocated + dispatched
    "devices_delivered": 4,  # delivered + followed_up, with their households
    "devices_lost": 1,
}
EXPECTED_DELIVERED = {"A": 3, "B": 0, "C": 1}
EXPECTED_TOTALS = {
    "households_verified": 15,
    "households_waiting": 7,
    "households_allocated": 3,
    "households_served": 4,
    **EXPECTED_DEVICES,
}


@pytest.fixture
def progress_data(communes, officer_a, donor, other_donor):
    from donations.models import Device, DeviceOutcome, Donor, Gift, Pledge
    from households.models import Household
    from logistics.models import Handover
    from matching.models import Allocation
    from places.models import Village

    village = Village.objects.create(commune=communes["A"], name=VILLAGE)
    made: dict[tuple[str, str], list] = {}
    for key, statuses in HOUSEHOLDS.items():
        for status, count in statuses.items():
            for i in range(count):
                made.setdefault((key, status), []).append(
                    Household.objects.create(
                        commune=communes[key],
                        village=village if key == "A" else None,
                        head_name=f"{HEAD_NAME} {key}{status}{i}",
                        cccd_last4=CCCD_LAST4,
                        poverty_status="poor",
                        phone_situation="none",
                        coverage_4g="good",
                        status=status,
                        created_by=officer_a,
                    )
                )

    shown = Donor.objects.create(
        user=donor, name="Nguyễn Thị Riêng Tư", email="donor@test.vn", public_name="Gia đình Tâm"
    )
    hidden = Donor.objects.create(
        user=other_donor, name="Trần Văn Ẩn Danh", email="donor2@test.vn", public_name=""
    )
    money_only = Donor.objects.create(
        name="Công ty Quà", email="gift@test.vn", public_name="Công ty Quà Tặng"
    )
    cancelled_only = Donor.objects.create(
        name="Người Huỷ", email="cancel@test.vn", public_name="Người Đã Huỷ"
    )
    Gift.objects.create(
        donor=money_only,
        method="vietqr",
        amount=500000,
        currency="VND",
        status="paid",
        memo="NS-GIFT-1",
    )
    pledge_shown = Pledge.objects.create(donor=shown)
    pledge_hidden = Pledge.objects.create(donor=hidden)
    pledge_cancelled = Pledge.objects.create(donor=cancelled_only, status="cancelled")

    # Who each phone went to: (commune, household status, index) in the order of DEVICES.
    holders = {
        "allocated": iter([("A", "allocated", 0), ("C", "allocated", 0)]),
        "dispatched": iter([("C", "allocated", 1)]),
        "delivered": iter([("A", "served", 0), ("A", "served", 1), ("C", "served", 0)]),
        "followed_up": iter([("A", "served", 2)]),
        "returned": iter([("B", "served", 0)]),
    }
    n = 0
    for status, count in DEVICES.items():
        for _ in range(count):
            n += 1
            if status == "cancelled":
                pledge = pledge_cancelled
            else:
                pledge = pledge_shown if n % 2 else pledge_hidden
            device = Device.objects.create(
                pledge=pledge,
                brand="Samsung",
                model="A12",
                condition="good",
                status=status,
                imei=f"35{n:013d}",
            )
            holder = next(holders[status]) if status in holders else None
            if holder is None:
                continue
            key, household_status, index = holder
            household = made[(key, household_status)][index]
            # A returned phone's allocation ended with its return; the others are live.
            Allocation.objects.create(
                device=device, household=household, is_live=status != "returned"
            )
            if household_status == "allocated":
                continue
            Handover.objects.create(
                device=device,
                household=household,
                received_by=household.head_name,
                recipient_cccd_last4=CCCD_LAST4,
                recorded_by=officer_a,
            )
            DeviceOutcome.objects.create(
                device=device,
                commune=communes[key],
                household_kind="general",
                delivered_at=timezone.now(),
            )
    return {
        "village": village,
        "shown": shown,
        "hidden": hidden,
        "money_only": money_only,
        "cancelled_only": cancelled_only,
    }
