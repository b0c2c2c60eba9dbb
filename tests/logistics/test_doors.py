"""The doors logistics owns or feeds: a delivery batch moves through BATCH (one event row per
move, with its actor), and the device's evidence is checked (a record of that phone; for QA, one
that passed). A forbidden move is a 409 and writes nothing."""

from __future__ import annotations

import pytest

from core.errors import Conflict
from donations.lifecycle import device_transition
from donations.models import DeviceEvent
from logistics.lifecycle import BATCH
from logistics.models import DeliveryBatch, DeliveryBatchEvent, QARecord, WipeRecord
from tests.conftest import assert_error
from tests.logistics.records import evidence_of

pytestmark = pytest.mark.django_db


def moves(batch) -> list[tuple]:
    return list(
        DeliveryBatchEvent.objects.filter(batch=batch)
        .order_by("id")
        .values_list("old_status", "new_status", "actor_id")
    )


# --- the batch's door ------------------------------------------------------------------------


def test_dispatch_and_handover_each_write_one_batch_event_with_its_actor(
    api, coordinator_h, officer_a, dispatched
):
    from tests.logistics.test_delivery_api import handover_body

    device, household, batch = dispatched
    assert moves(batch) == [("planned", "dispatched", coordinator_h.id)]
    batch.refresh_from_db()
    assert batch.status == "dispatched" and batch.dispatched_at
    response = api.as_user(officer_a).post(
        "/api/v1/handovers/", handover_body(device, household), format="multipart"
    )
    assert response.status_code == 201, response.content
    batch.refresh_from_db()
    assert batch.status == "completed" and batch.completed_at
    # "completed" is the move of whoever handed over the last phone.
    assert moves(batch) == [
        ("planned", "dispatched", coordinator_h.id),
        ("dispatched", "completed", officer_a.id),
    ]


def test_a_return_that_empties_the_batch_completes_it_by_its_actor(coordinator_h, dispatched):
    from logistics.services.delivery import batch_return_device

    device, _household, batch = dispatched
    batch_return_device(batch_id=batch.id, device_id=device.id, actor=coordinator_h)
    batch.refresh_from_db()
    assert batch.status == "completed"
    assert moves(batch)[-1] == ("dispatched", "completed", coordinator_h.id)


def test_a_second_dispatch_is_a_409_naming_the_allowed_moves_and_writes_nothing(
    api, coordinator_h, dispatched
):
    device, _household, batch = dispatched
    events, device_events = DeliveryBatchEvent.objects.count(), DeviceEvent.objects.count()
    response = api.as_user(coordinator_h).post(f"/api/v1/batches/{batch.id}/dispatch/")
    error = assert_error(response, 409, "invalid_transition", "allowed")
    assert error["fields"]["allowed"] == ["completed"]
    assert "Đã hoàn thành" in error["message"]  # the allowed move, named
    assert DeliveryBatchEvent.objects.count() == events
    assert DeviceEvent.objects.count() == device_events
    batch.refresh_from_db()
    device.refresh_from_db()
    assert batch.status == "dispatched" and device.status == "dispatched"


@pytest.mark.parametrize(
    ("now", "to", "allowed"),
    [
        ("dispatched", "planned", ["completed"]),
        ("completed", "dispatched", []),
        ("completed", "planned", []),
    ],
)
def test_the_batch_door_refuses_a_move_off_its_table_and_writes_nothing(
    coordinator_h, dispatched, now, to, allowed
):
    _device, _household, batch = dispatched
    DeliveryBatch.objects.filter(id=batch.id).update(status=now)
    before = DeliveryBatchEvent.objects.count()
    with pytest.raises(Conflict) as caught:
        BATCH.move(obj_id=batch.id, to=to, actor=coordinator_h)
    assert caught.value.status == 409 and caught.value.code == "invalid_transition"
    assert caught.value.fields["allowed"] == allowed
    assert DeliveryBatchEvent.objects.count() == before
    assert DeliveryBatch.objects.get(id=batch.id).status == now


def test_a_planned_batch_with_every_phone_taken_back_completes_without_leaving(
    coordinator_h, planned
):
    from logistics.services.delivery import batch_return_device

    device, _household, batch = planned
    batch_return_device(batch_id=batch.id, device_id=device.id, actor=coordinator_h)
    assert moves(batch) == [("planned", "completed", coordinator_h.id)]
    device.refresh_from_db()
    assert device.status == "allocated"


# --- the device's evidence, checked -----------------------------------------------------------


def assert_refused_and_nothing_written(device, to, actor, evidence):
    before = DeviceEvent.objects.count()
    status = device.status
    with pytest.raises(Conflict) as caught:
        device_transition(device_id=device.id, to=to, actor=actor, evidence=evidence)
    assert caught.value.status == 409 and caught.value.code == "evidence_missing"
    assert DeviceEvent.objects.count() == before
    device.refresh_from_db()
    assert device.status == status


def test_ready_needs_a_passing_qa_record_of_that_phone(coordinator_h, hubs, make_device):
    device = make_device(hub=hubs["H"], status="refurbishing")
    other = make_device(hub=hubs["H"], status="refurbishing")
    of_other = evidence_of(other, "ready", coordinator_h)
    failing = QARecord.objects.create(
        device=device, battery_health=40, passed=False, actor=coordinator_h
    )
    for evidence in [
        None,
        of_other,
        {"qa_record": failing.id},
        {"qa_record": 987654},
        {"qa_record": "demo"},
        {"qa_record": True},
    ]:
        assert_refused_and_nothing_written(device, "ready", coordinator_h, evidence)
    device_transition(
        device_id=device.id,
        to="ready",
        actor=coordinator_h,
        evidence=evidence_of(device, "ready", coordinator_h),
    )
    device.refresh_from_db()
    assert device.status == "ready"


def test_wiped_needs_a_wipe_record_of_that_phone(coordinator_h, hubs, make_device):
    device = make_device(hub=hubs["H"], status="received")
    other = make_device(hub=hubs["H"], status="received")
    for evidence in [
        None,
        evidence_of(other, "wiped", coordinator_h),
        {"wipe_record": "demo"},
        {"wipe_record": 987654},
    ]:
        assert_refused_and_nothing_written(device, "wiped", coordinator_h, evidence)
    record = WipeRecord.objects.create(device=device, method="tool", operator=coordinator_h)
    device_transition(
        device_id=device.id, to="wiped", actor=coordinator_h, evidence={"wipe_record": record.id}
    )
    assert DeviceEvent.objects.get(device=device).data == {"wipe_record": record.id}


def test_delivered_needs_a_handover_of_that_phone(
    coordinator_h, dispatched, make_device, make_household, hubs
):
    device, household, _batch = dispatched
    other = make_device(hub=hubs["H"], status="dispatched")
    for evidence in [
        None,
        evidence_of(other, "delivered", coordinator_h, household=make_household()),
        {"handover": "demo"},
        {"handover": 987654},
    ]:
        assert_refused_and_nothing_written(device, "delivered", coordinator_h, evidence)
    proof = evidence_of(device, "delivered", coordinator_h, household=household)
    device_transition(device_id=device.id, to="delivered", actor=coordinator_h, evidence=proof)
    device.refresh_from_db()
    assert device.status == "delivered"


# --- the bench asks the device's table -------------------------------------------------------


def test_the_bench_offers_and_takes_the_steps_the_device_table_allows(
    api, client, coordinator_h, hubs, make_device
):
    """A ready phone found faulty may be repaired (ready → refurbishing is in the table), then
    needs a passing QA again; it may not be wiped again (ready → wiped is not)."""
    from tests.logistics.test_bench_api import step

    device = make_device(hub=hubs["H"], status="ready")
    client.force_login(coordinator_h)
    page = client.get(f"/kho/thiet-bi/{device.tracking_code}/").content.decode()
    assert "/repair/" in page and "/reject/" in page
    assert "/wipe/" not in page and "/qa/" not in page and "/receive/" not in page
    refused = step(api, coordinator_h, device, "wipe", {"method": "tool", "accounts_removed": True})
    assert_error(refused, 409, "invalid_transition", "allowed")
    repaired = step(api, coordinator_h, device, "repair", {"description": "Thay loa"})
    assert repaired.status_code == 200, repaired.content
    event = DeviceEvent.objects.get(device=device)
    assert (event.old_status, event.new_status, event.actor) == (
        "ready",
        "refurbishing",
        coordinator_h,
    )
