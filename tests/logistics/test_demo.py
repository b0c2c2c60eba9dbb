"""The demo data puts phones in every stage, with their evidence, and can run twice."""

import random

import pytest

from donations.models import Device
from logistics.models import DeliveryBatch, FollowUp, Handover, QARecord, WipeRecord

pytestmark = pytest.mark.django_db


def test_the_demo_puts_phones_in_every_stage(communes):
    from accounts import demo as accounts_demo
    from logistics import demo
    from places import demo as places_demo

    ctx = {"rng": random.Random(2026)}
    places_demo.load(ctx)
    accounts_demo.load(ctx)
    demo.load(ctx)
    demo.load(ctx)  # a second run adds nothing
    statuses = set(Device.objects.values_list("status", flat=True))
    # Every stage but the side exits no demo phone stays in (rejected moves on at once).
    assert statuses == set(Device.Status.values) - {"rejected", "cancelled"}
    assert Device.objects.count() == 20
    assert WipeRecord.objects.exists() and QARecord.objects.filter(passed=True).exists()
    assert DeliveryBatch.objects.count() == 1
    assert Handover.objects.count() == 4 and FollowUp.objects.count() == 2
