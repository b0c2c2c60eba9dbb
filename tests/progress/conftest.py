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
    "B": {"submitted": 1, "verified": 2, "served": 1},
    "C": {"verified": 1, "allocated": 2, "rejected": 2},
}
# Expected per commune: verified = verified+allocated+served, waiting = verified, served.
EXPECTED = {
    "A": {"households_verified": 8, "households_waiting": 4, "households_served": 3},
    "B": {"households_verified": 3, "households_waiting": 2, "households_served": 1},
    "C": {"households_verified": 3, "households_waiting": 1, "households_served": 0},
}
# Devices: status → how many (each one a phone of a pledge).
DEVICES = {
    "pledged": 3,
    "received": 1,
    "wiped": 1,
    "ready": 2,
    "allocated": 1,
    "dispatched": 1,
    "delivered": 3,  # 2 delivered in A, 1 in C
    "followed_up": 1,  # in A
    "returned": 1,  # once delivered in B, given back: not counted as delivered
    "rejected": 1,
    "cancelled": 2,
}
EXPECTED_DEVICES = {
    "devices_pledged": 15,  # all 17 but the 2 cancelled
    "devices_ready": 4,  # ready + allocated + dispatched
    "devices_delivered": 4,  # delivered + followed_up with an outcome
}
EXPECTED_DELIVERED = {"A": 3, "B": 0, "C": 1}


@pytest.fixture
def progress_data(communes, officer_a, donor, other_donor):
    from donations.models import Device, DeviceOutcome, Donor, Gift, Pledge
    from households.models import Household
    from places.models import Village

    village = Village.objects.create(commune=communes["A"], name=VILLAGE)
    for key, statuses in HOUSEHOLDS.items():
        for status, count in statuses.items():
            for i in range(count):
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

    delivered_in = iter(["A", "A", "C"])
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
            where = None
            if status == "delivered":
                where = next(delivered_in)
            elif status == "followed_up":
                where = "A"
            elif status == "returned":
                where = "B"
            if where:
                DeviceOutcome.objects.create(
                    device=device,
                    commune=communes[where],
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
