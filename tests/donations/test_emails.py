"""Donor emails fire from the device door itself, after the commit, in the donor's language."""

import pytest
from django.core import mail
from django.utils import timezone

from donations.lifecycle import device_transition
from donations.services.outcomes import device_outcome_record
from tests.conftest import COMMUNE_A
from tests.donations.conftest import pledge_body
from tests.logistics.records import walk

pytestmark = pytest.mark.django_db


def _pledge(api, language):
    body = pledge_body()
    body["donor"]["language"] = language
    from donations.models import Pledge

    return Pledge.objects.get(id=api.post("/api/v1/pledges/", body, format="json").json()["id"])


def _move(device, to, actor, evidence=None):
    device_transition(device_id=device.id, to=to, actor=actor, evidence=evidence)


def test_milestones_email_the_donor_in_english(
    api, communes, coordinator_h, django_capture_on_commit_callbacks
):
    pledge = _pledge(api, "en")
    device = pledge.devices.get()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _move(device, "received", coordinator_h)
        walk(device, ["wiped", "ready", "allocated", "dispatched", "delivered"], coordinator_h)
        device_outcome_record(
            device_id=device.id,
            commune_code=COMMUNE_A,
            household_kind="elderly",
            delivered_at=timezone.now(),
            story="Bà dùng Zalo gọi cho con.",
            actor=coordinator_h,
        )
    subjects = [m.subject for m in mail.outbox]
    assert subjects == [
        f"Your phone {device.tracking_code} has arrived at a hub",
        f"Your phone {device.tracking_code} is ready for a family",
        f"Your phone {device.tracking_code} has reached a family",
    ]
    delivered = mail.outbox[-1].body
    assert "Xã Tà Rụt" in delivered and "Bà dùng Zalo" in delivered and "elderly" in delivered


def test_milestones_are_in_vietnamese_by_default_and_a_rejection_says_why(
    api, communes, coordinator_h, django_capture_on_commit_callbacks
):
    pledge = _pledge(api, "vi")
    device = pledge.devices.get()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _move(device, "received", coordinator_h)
        _move(device, "rejected", coordinator_h, {"reason": "iCloud locked", "next": "return"})
    assert mail.outbox[0].subject.startswith("Điện thoại")
    assert "iCloud locked" in mail.outbox[1].body
    assert device.tracking_code in mail.outbox[1].subject


def test_a_rolled_back_move_sends_nothing(
    api, communes, coordinator_h, django_capture_on_commit_callbacks
):
    from django.db import transaction

    device = _pledge(api, "en").devices.get()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                _move(device, "received", coordinator_h)
                raise RuntimeError("intake failed later")
        except RuntimeError:
            pass
    assert mail.outbox == []
    device.refresh_from_db()
    assert device.status == "pledged"


def test_the_door_still_refuses_bad_moves_with_the_allowed_list(api, communes, coordinator_h):
    from core.errors import Conflict

    device = _pledge(api, "en").devices.get()
    with pytest.raises(Conflict) as error:
        _move(device, "ready", coordinator_h, {"qa_record": 1})
    assert error.value.code == "invalid_transition"
    assert error.value.fields["allowed"] == ["cancelled", "lost", "received"]
