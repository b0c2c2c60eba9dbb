"""Gives the allocations made before issue 14 their status, and repairs what the bug of issue 14
left wrong: a phone sent back after delivery kept its allocation live and its household "served".

- a live allocation whose phone was handed over to its household: delivered (is_live stays: it
  holds the phone and the household), unless the phone has come back since (its status is no
  longer delivered or followed up): returned (not live), and its household, still "served" and
  holding no other phone, waits again (verified), with an event row saying why;
- an allocation no longer live: released.
"""

from django.db import migrations
from django.utils import timezone

HOLDING_DEVICE = ("delivered", "followed_up")


def forwards(apps, schema_editor):
    Allocation = apps.get_model("matching", "Allocation")
    AllocationEvent = apps.get_model("matching", "AllocationEvent")
    Handover = apps.get_model("logistics", "Handover")
    Household = apps.get_model("households", "Household")
    HouseholdEvent = apps.get_model("households", "HouseholdEvent")
    now = timezone.now()
    Allocation.objects.filter(is_live=False).update(status="released")
    handed = {
        (h["device_id"], h["household_id"]): h["at"]
        for h in Handover.objects.order_by("at").values("device_id", "household_id", "at")
    }
    rows = Allocation.objects.filter(is_live=True).select_related("device").iterator()
    for allocation in rows:
        at = handed.get((allocation.device_id, allocation.household_id))
        if at is None:
            continue  # not yet delivered: live
        if allocation.device.status in HOLDING_DEVICE:
            allocation.status, allocation.delivered_at = "delivered", at
            allocation.save(update_fields=["status", "delivered_at"])
            continue
        allocation.status, allocation.delivered_at, allocation.is_live = "returned", at, False
        allocation.released_at, allocation.end_reason = now, "other"
        allocation.release_reason = "The phone came back before issue 14 recorded returns."
        allocation.save(
            update_fields=[
                "status",
                "delivered_at",
                "is_live",
                "released_at",
                "end_reason",
                "release_reason",
            ]
        )
        AllocationEvent.objects.create(
            allocation=allocation,
            old_status="delivered",
            new_status="returned",
            reason=allocation.release_reason,
            data={"repair": "issue 14"},
        )
        household = Household.objects.get(id=allocation.household_id)
        holds_another = Allocation.objects.filter(
            household_id=household.id, is_live=True
        ).exists()
        if household.status == "served" and not holds_another:
            HouseholdEvent.objects.create(
                household=household,
                old_status="served",
                new_status="verified",
                reason="Its phone came back to the hub: it waits for another one.",
                data={"repair": "issue 14", "device": allocation.device_id},
            )
            Household.objects.filter(id=household.id).update(status="verified", updated_at=now)


class Migration(migrations.Migration):
    dependencies = [
        ("logistics", "0006_loss_returns_tickets"),
        ("matching", "0005_allocation_status_and_events"),
        ("households", "0008_lapsed_status_replacement_and_poverty_lists"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
