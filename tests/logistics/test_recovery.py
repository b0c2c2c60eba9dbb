"""The recovery paths of issue 14 through their services and their API twins: a live allocation
released before delivery, a phone lost, a phone returned after delivery (and the bug found: a
phone sent back at the follow-up kept its allocation and its household stayed "served"). Each
test checks the rows and the events, not only the answer."""

from __future__ import annotations

import pytest
from django.core import mail

from core.errors import ApplicationError, Conflict, NotFound
from core.models import OutboxMessage
from donations.models import Device, DeviceEvent
from households.models import HouseholdEvent
from logistics.models import BatchItem, DeliveryBatch, HandoverReturn, LossReport
from logistics.services import recovery
from logistics.services.delivery import follow_up_record
from matching.models import Allocation, AllocationEvent, Proposal
from matching.services import match_run_create
from tests.conftest import assert_error
from tests.logistics.season import (
    delivered,
    dispatch,
    qa_pass,
    ready_phone,
    receive,
    run_and_approve,
    waiting_household,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def promised(coordinator_h, officer_a, verifier, hubs, communes):
    """A ready phone of hub H matched (an approved run) with a household of commune A."""
    device = ready_phone(coordinator_h, hubs["H"])
    household = waiting_household(officer_a, verifier, communes["A"])
    _run, (allocation,) = run_and_approve(coordinator_h, hubs["H"])
    return device, household, allocation


def _statuses(device, household, allocation):
    device.refresh_from_db()
    household.refresh_from_db()
    allocation.refresh_from_db()
    return device.status, household.status, allocation.status, allocation.is_live


# --- release ---------------------------------------------------------------------------------


def test_an_approved_match_writes_the_allocations_first_event(promised, coordinator_h):
    _device, _household, allocation = promised
    (event,) = AllocationEvent.objects.filter(allocation=allocation)
    assert (event.old_status, event.new_status, event.actor) == ("", "live", coordinator_h)
    assert event.data["proposal"] == allocation.proposal_id


def test_a_household_that_refused_leaves_and_the_phone_is_ready_again(promised, officer_a):
    device, household, allocation = promised
    released = recovery.allocation_release(
        allocation_id=allocation.id, reason="refused", notes="Gia đình từ chối", actor=officer_a
    )
    assert released.status == "released"
    assert _statuses(device, household, allocation) == ("ready", "inactive", "released", False)
    assert allocation.end_reason == "refused" and allocation.released_at is not None
    assert allocation.release_reason == "Gia đình từ chối"
    move = DeviceEvent.objects.filter(device=device).last()
    assert (move.old_status, move.new_status, move.actor) == ("allocated", "ready", officer_a)
    assert move.data["qa_record"] == device.qa_records.get().id  # the check it passed still holds
    out = HouseholdEvent.objects.filter(household=household).last()
    assert (out.old_status, out.new_status) == ("allocated", "inactive")
    event = AllocationEvent.objects.filter(allocation=allocation).last()
    assert (event.old_status, event.new_status, event.actor) == ("live", "released", officer_a)
    assert event.data["reason"] == "refused" and event.data["household"] == "ineligible"
    household.refresh_from_db()
    assert household.replacement_owed_at is None


def test_a_phone_that_failed_is_checked_again_and_its_household_waits_first_in_line(
    promised, coordinator_h
):
    device, household, allocation = promised
    recovery.allocation_release(
        allocation_id=allocation.id, reason="phone_failed", actor=coordinator_h
    )
    assert _statuses(device, household, allocation) == (
        "refurbishing",
        "verified",
        "released",
        False,
    )
    assert household.replacement_owed_at is not None
    # A new passing check makes it ready again (the door wants a new QA record).
    qa_pass(device, coordinator_h)
    device.refresh_from_db()
    assert device.status == "ready" and device.qa_records.count() == 2
    with pytest.raises(ApplicationError) as refused:
        recovery.allocation_release(
            allocation_id=allocation.id, reason="phone_failed", recheck=False, actor=coordinator_h
        )
    assert refused.value.fields == {"recheck": [refused.value.message]}


def test_both_are_proposed_again_by_the_next_run(promised, coordinator_h, hubs):
    device, household, allocation = promised
    recovery.allocation_release(
        allocation_id=allocation.id, reason="moved", household="waiting", actor=coordinator_h
    )
    assert _statuses(device, household, allocation) == ("ready", "verified", "released", False)
    run = match_run_create(actor=coordinator_h, hub_ids=[hubs["H"].id], seed=3)
    assert list(run.proposals.values_list("device_id", "household_id")) == [
        (device.id, household.id)
    ]
    _run, (again,) = run_and_approve(coordinator_h, hubs["H"])
    assert again.id != allocation.id and again.status == "live" and again.is_live


def test_a_phone_on_its_way_leaves_its_batch(promised, coordinator_h):
    device, household, allocation = promised
    batch = dispatch(device, household, coordinator_h)
    recovery.allocation_release(
        allocation_id=allocation.id, reason="died", household="ineligible", actor=coordinator_h
    )
    assert _statuses(device, household, allocation) == ("ready", "inactive", "released", False)
    moves = list(DeviceEvent.objects.filter(device=device).values_list("new_status", flat=True))
    assert moves[-3:] == ["dispatched", "allocated", "ready"]
    assert BatchItem.objects.get(batch=batch, device=device).outcome == "returned"
    assert DeliveryBatch.objects.get(id=batch.id).status == "completed"


def test_only_a_live_allocation_is_released(promised, coordinator_h, api):
    device, _household, allocation = promised
    recovery.allocation_release(allocation_id=allocation.id, reason="refused", actor=coordinator_h)
    events = AllocationEvent.objects.count()
    client = api.as_user(coordinator_h)
    again = client.post(
        f"/api/v1/allocations/{allocation.id}/release/", {"reason": "refused"}, format="json"
    )
    assert_error(again, 409, "allocation_not_live")
    assert AllocationEvent.objects.count() == events
    device.refresh_from_db()
    assert device.status == "ready"


def test_someone_elses_allocation_is_not_found(promised, coordinator_k, officer_b, api):
    _device, _household, allocation = promised
    for stranger in (coordinator_k, officer_b):
        with pytest.raises(NotFound):
            recovery.allocation_release(
                allocation_id=allocation.id, reason="refused", actor=stranger
            )
        response = api.as_user(stranger).post(
            f"/api/v1/allocations/{allocation.id}/release/", {"reason": "refused"}, format="json"
        )
        assert_error(response, 404, "not_found")
    allocation.refresh_from_db()
    assert allocation.status == "live"


def test_the_api_lists_and_releases(promised, officer_a, api, django_assert_num_queries):
    device, household, allocation = promised
    client = api.as_user(officer_a)
    listed = client.get(f"/api/v1/allocations/?device={device.tracking_code}&live=true").json()
    assert listed["count"] == 1
    assert listed["results"][0] == {
        "id": allocation.id,
        "device": device.tracking_code,
        "household": household.id,
        "status": "live",
        "created_at": listed["results"][0]["created_at"],
        "delivered_at": None,
        "released_at": None,
        "reason": "",
        "notes": "",
    }
    assert client.get("/api/v1/allocations/?live=false").json()["count"] == 0
    assert_error(client.get("/api/v1/allocations/?live=maybe"), 400, "invalid", "live")
    bad = client.post(
        f"/api/v1/allocations/{allocation.id}/release/", {"reason": "bored"}, format="json"
    )
    assert_error(bad, 400, "invalid", "reason")
    response = client.post(
        f"/api/v1/allocations/{allocation.id}/release/",
        {"reason": "ineligible", "household": "ineligible", "notes": "Đã thoát nghèo"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "released" and response.json()["reason"] == "ineligible"
    assert client.get("/api/v1/allocations/?live=false").json()["count"] == 1
    # The list's queries do not grow with its rows (token, user, scope (2), count, page).
    with django_assert_num_queries(6):
        client.get("/api/v1/allocations/")


# --- lost ------------------------------------------------------------------------------------


def test_a_phone_lost_on_its_way_frees_its_household_and_tells_the_donor(
    coordinator_h, officer_a, verifier, hubs, communes, django_capture_on_commit_callbacks
):
    device = ready_phone(coordinator_h, hubs["H"], donor_language="en")
    household = waiting_household(officer_a, verifier, communes["A"])
    _run, (allocation,) = run_and_approve(coordinator_h, hubs["H"])
    batch = dispatch(device, household, coordinator_h)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        report = recovery.device_report_lost(
            device_id=device.id,
            reason="Rơi khỏi xe máy trên đường",
            last_seen="Đèo Sa Mù, 12/3",
            actor=officer_a,
        )
    assert _statuses(device, household, allocation) == ("lost", "verified", "released", False)
    assert household.replacement_owed_at is not None
    assert allocation.end_reason == "lost"
    assert (report.actor, report.status_before, report.hub_id) == (
        officer_a,
        "dispatched",
        hubs["H"].id,
    )
    assert report.batch_id == batch.id and report.allocation_id == allocation.id
    assert BatchItem.objects.get(batch=batch).outcome == "lost"
    assert DeliveryBatch.objects.get(id=batch.id).status == "completed"
    event = DeviceEvent.objects.filter(device=device).last()
    assert (event.old_status, event.new_status, event.data) == (
        "dispatched",
        "lost",
        {"loss_report": report.id},
    )
    (email,) = mail.outbox
    assert email.to == [device.pledge.donor.email]
    assert email.subject == f"About your phone {device.tracking_code}: we are sorry"
    assert "keeps its place in line" in email.body and household.head_name not in email.body
    # A retry answers with the same report and writes nothing.
    rows = (LossReport.objects.count(), DeviceEvent.objects.count(), OutboxMessage.objects.count())
    again = recovery.device_report_lost(
        device_id=device.id, reason="x", last_seen="y", actor=coordinator_h
    )
    assert again == report
    assert rows == (
        LossReport.objects.count(),
        DeviceEvent.objects.count(),
        OutboxMessage.objects.count(),
    )


def test_a_phone_lost_at_the_hub_needs_where_and_what(coordinator_h, hubs, api):
    device = ready_phone(coordinator_h, hubs["H"])
    client = api.as_user(coordinator_h)
    url = f"/api/v1/devices/{device.tracking_code}/lost/"
    assert_error(client.post(url, {"reason": " ", "last_seen": ""}, format="json"), 400, "invalid")
    response = client.post(
        url, {"reason": "Không tìm thấy khi kiểm kê", "last_seen": "Kệ B3"}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "lost" and body["loss_report"]["last_seen"] == "Kệ B3"
    assert body["loss_report"]["status_before"] == "ready"
    lost = DeviceEvent.objects.get(device=device, new_status="lost")
    owed = OutboxMessage.objects.filter(task="donations.tasks.email_device_milestone")
    assert owed.filter(args=[lost.id]).count() == 1


def test_a_delivered_phone_is_not_lost_but_a_ticket(
    coordinator_h, officer_a, verifier, hubs, communes
):
    device, _household, _handover = delivered(
        coordinator_h, officer_a, verifier, hubs["H"], communes["A"]
    )
    with pytest.raises(Conflict) as refused:
        recovery.device_report_lost(
            device_id=device.id, reason="mất", last_seen="nhà", actor=officer_a
        )
    assert refused.value.code == "delivered_open_a_ticket"
    assert not LossReport.objects.exists()


def test_another_hub_cannot_report_it(coordinator_k, coordinator_h, officer_b, hubs, api):
    device = ready_phone(coordinator_h, hubs["H"])
    for stranger in (coordinator_k, officer_b):
        response = api.as_user(stranger).post(
            f"/api/v1/devices/{device.tracking_code}/lost/",
            {"reason": "mất", "last_seen": "kho"},
            format="json",
        )
        assert_error(response, 404, "not_found")
    device.refresh_from_db()
    assert device.status == "ready" and not LossReport.objects.exists()


# --- return after delivery ---------------------------------------------------------------------


def test_a_broken_phone_comes_back_goes_through_intake_and_is_matched_again(
    coordinator_h, officer_a, verifier, hubs, communes, api
):
    device, household, handover = delivered(
        coordinator_h, officer_a, verifier, hubs["H"], communes["A"]
    )
    allocation = Allocation.objects.get(device=device, household=household)
    assert (allocation.status, allocation.is_live, allocation.delivered_at) == (
        "delivered",
        True,
        handover.at,
    )
    response = api.as_user(officer_a).post(
        f"/api/v1/handovers/{handover.id}/return/",
        {"reason": "broken", "household": "waiting", "notes": "Màn hình không lên"},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["device_status"], body["household_status"]) == ("returned", "verified")
    assert body["phone_fault"] and body["replacement_owed"]
    assert _statuses(device, household, allocation) == ("returned", "verified", "returned", False)
    record = HandoverReturn.objects.get(handover=handover)
    assert (record.reason, record.household_outcome, record.actor) == (
        "broken",
        "waiting",
        officer_a,
    )
    event = AllocationEvent.objects.filter(allocation=allocation).last()
    assert (event.old_status, event.new_status) == ("delivered", "returned")
    back = HouseholdEvent.objects.filter(household=household).last()
    assert (back.old_status, back.new_status, back.data["replacement_owed"]) == (
        "served",
        "verified",
        True,
    )
    # Through intake again, wiped, checked: ready, and matched again like any other phone.
    receive(device, coordinator_h, hubs["H"])
    from logistics.services.bench import wipe_record_create

    wipe_record_create(
        device_id=device.id,
        method="factory_reset",
        accounts={"google_frp": True, "vneid": True, "samsung": True},
        actor=coordinator_h,
    )
    qa_pass(device, coordinator_h)
    other = waiting_household(officer_a, verifier, communes["A"], head_name="Pả Thị Mới")
    _run, (next_allocation,) = run_and_approve(coordinator_h, hubs["H"])
    # The household owed a replacement is first in line, before the other (equal score).
    assert (next_allocation.device_id, next_allocation.household_id) == (device.id, household.id)
    other.refresh_from_db()
    assert other.status == "verified"
    # A retry of the return answers the same and writes nothing.
    events = DeviceEvent.objects.count()
    again = api.as_user(officer_a).post(
        f"/api/v1/handovers/{handover.id}/return/", {"reason": "broken"}, format="json"
    )
    assert again.status_code == 200 and again.json()["id"] == record.id
    assert DeviceEvent.objects.count() == events


def test_the_bug_found_a_phone_sent_back_at_the_follow_up_frees_its_household(
    coordinator_h, officer_a, verifier, hubs, communes
):
    """Issue 14: a phone sent back after delivery, received, wiped and QA'd to ready kept its
    live allocation to the old household, which stayed "served" and was never proposed again."""
    device, household, handover = delivered(
        coordinator_h, officer_a, verifier, hubs["H"], communes["A"]
    )
    follow_up_record(
        handover_id=handover.id,
        in_use=False,
        problems="Máy bị khoá tài khoản Google",
        problem_kind="locked",
        send_back=True,
        actor=officer_a,
    )
    device.refresh_from_db()
    household.refresh_from_db()
    assert (device.status, household.status) == ("returned", "verified")
    assert not Allocation.objects.filter(device=device, is_live=True).exists()
    receive(device, coordinator_h, hubs["H"])
    from logistics.services.bench import wipe_record_create

    wipe_record_create(
        device_id=device.id,
        method="flash",
        accounts={"google_frp": True, "vneid": True, "samsung": True},
        actor=coordinator_h,
    )
    qa_pass(device, coordinator_h)
    run = match_run_create(actor=coordinator_h, hub_ids=[hubs["H"].id], seed=5)
    assert list(Proposal.objects.filter(run=run).values_list("device_id", "household_id")) == [
        (device.id, household.id)
    ]
    # One ticket opened by the follow-up's problem.
    assert handover.tickets.get().kind == "locked"


def test_a_household_that_moved_away_leaves_and_served_needs_another_phone(
    coordinator_h, officer_a, verifier, hubs, communes
):
    device, household, handover = delivered(
        coordinator_h, officer_a, verifier, hubs["H"], communes["A"]
    )
    with pytest.raises(Conflict) as refused:
        recovery.handover_return(
            handover_id=handover.id, reason="moved", household="served", actor=coordinator_h
        )
    assert refused.value.code == "household_not_served"
    assert not HandoverReturn.objects.exists()
    recovery.handover_return(
        handover_id=handover.id, reason="moved", household="ineligible", actor=coordinator_h
    )
    household.refresh_from_db()
    assert household.status == "inactive" and household.replacement_owed_at is None
    device.refresh_from_db()
    assert device.status == "returned"


def test_another_commune_cannot_return_it(
    coordinator_h, officer_a, officer_b, coordinator_k, verifier, hubs, communes, api
):
    _device, _household, handover = delivered(
        coordinator_h, officer_a, verifier, hubs["H"], communes["A"]
    )
    for stranger in (officer_b, coordinator_k):
        response = api.as_user(stranger).post(
            f"/api/v1/handovers/{handover.id}/return/", {"reason": "broken"}, format="json"
        )
        assert_error(response, 404, "not_found")
    assert not HandoverReturn.objects.exists()


def test_a_device_page_offers_no_bench_step_to_a_promised_phone(promised, coordinator_h, api):
    """The table lets an allocated phone become ready or refurbishing again only through a
    release: the bench refuses a QA or a repair of a promised phone."""
    device, _household, _allocation = promised
    response = api.as_user(coordinator_h).post(
        f"/api/v1/devices/{device.tracking_code}/repair/",
        {"description": "Thay pin"},
        format="json",
    )
    assert_error(response, 409, "phone_promised")
    device.refresh_from_db()
    assert device.status == "allocated"
    assert Device.objects.get(id=device.id).repairs.count() == 0


def test_the_migration_repairs_the_phones_that_came_back_before_the_fix(
    coordinator_h, officer_a, verifier, hubs, communes
):
    """Rows as the bug left them: a handed-over phone sent back (now ready again) whose
    allocation stayed live, its household "served"; and a phone still with its household."""
    import importlib

    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    from logistics.models import Handover

    back, stuck, _ = delivered(coordinator_h, officer_a, verifier, hubs["H"], communes["A"])
    kept, holder, _ = delivered(coordinator_h, officer_a, verifier, hubs["H"], communes["A"])
    Allocation.objects.update(status="live", delivered_at=None)  # before the statuses existed
    Device.objects.filter(id=back.id).update(status="ready")
    assert Handover.objects.count() == 2

    name = "0007_allocation_statuses_and_returned_phones"
    migration = importlib.import_module(f"logistics.migrations.{name}")
    apps = MigrationLoader(connection).project_state(("logistics", name)).apps
    migration.forwards(apps, None)

    returned = Allocation.objects.get(device=back)
    assert (returned.status, returned.is_live, returned.end_reason) == ("returned", False, "other")
    assert Allocation.objects.get(device=kept).status == "delivered"
    stuck.refresh_from_db()
    holder.refresh_from_db()
    assert (stuck.status, holder.status) == ("verified", "served")
    repaired = HouseholdEvent.objects.filter(household=stuck).last()
    assert (repaired.old_status, repaired.new_status, repaired.data["repair"]) == (
        "served",
        "verified",
        "issue 14",
    )
