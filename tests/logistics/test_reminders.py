"""The beat tasks: the officer's 30-day follow-up reminder, the SIM data-plan reminder."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from logistics.models import Handover, SimCard
from logistics.tasks import send_follow_up_reminders, send_sim_expiry_reminders

pytestmark = pytest.mark.django_db(transaction=False)


def _handover(dispatched, officer_a, *, days_ago):
    from logistics.services.delivery import handover_create

    device, household, _batch = dispatched
    handover = handover_create(
        device_id=device.id,
        household_id=household.id,
        received_by="Hồ Thị Lan",
        recipient_cccd_last4=household.cccd_last4,
        actor=officer_a,
    )
    Handover.objects.filter(id=handover.id).update(at=timezone.now() - timedelta(days=days_ago))
    return handover


def test_the_officer_is_reminded_once_thirty_days_after_a_handover(
    dispatched, officer_a, officer_b, mailoutbox, django_capture_on_commit_callbacks
):
    handover = _handover(dispatched, officer_a, days_ago=settings.LOGISTICS_FOLLOW_UP_DAYS + 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_follow_up_reminders.delay().get() == 1
    assert [m.to for m in mailoutbox] == [[officer_a.email]]
    assert handover.device.tracking_code in mailoutbox[0].subject
    assert f"/ban-giao/{handover.id}/" in mailoutbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        assert send_follow_up_reminders.delay().get() == 0
    assert len(mailoutbox) == 1


def test_no_reminder_before_thirty_days(
    dispatched, officer_a, mailoutbox, django_capture_on_commit_callbacks
):
    _handover(dispatched, officer_a, days_ago=settings.LOGISTICS_FOLLOW_UP_DAYS - 2)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_follow_up_reminders.delay().get() == 0
    assert mailoutbox == []


def test_the_coordinators_hear_of_a_data_plan_ending_soon(
    coordinator_h, coordinator_k, hubs, make_device, mailoutbox, django_capture_on_commit_callbacks
):
    soon = make_device(hub=hubs["H"], status="ready")
    later = make_device(hub=hubs["H"], status="ready")
    today = timezone.localdate()
    SimCard.objects.create(device=soon, carrier="viettel", plan_expires=today + timedelta(days=5))
    SimCard.objects.create(device=later, carrier="viettel", plan_expires=today + timedelta(days=90))
    with django_capture_on_commit_callbacks(execute=True):
        assert send_sim_expiry_reminders.delay().get() == 1
    assert [m.to for m in mailoutbox] == [[coordinator_h.email]]
    assert soon.tracking_code in mailoutbox[0].subject
    assert SimCard.objects.get(device=soon).reminded_at is not None
    assert SimCard.objects.get(device=later).reminded_at is None


def test_the_reminders_are_on_the_beat_schedule():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "logistics.tasks.send_follow_up_reminders",
        "logistics.tasks.send_sim_expiry_reminders",
    } <= tasks
