"""Tickets about delivered phones (issue 14): opened by a follow-up that reports a problem, by an
officer of the commune or a coordinator of the hub; assigned; resolved (fixed, replaced,
returned, closed); overdue ones on the dashboards and reminded once a day through the outbox."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from core.errors import ApplicationError, Conflict, NotFound
from core.models import OutboxMessage
from core.outbox import send_one
from logistics.models import HandoverReturn, Ticket, TicketEvent
from logistics.services import tickets
from logistics.services.delivery import follow_up_record
from tests.conftest import assert_error
from tests.logistics.season import delivered

pytestmark = pytest.mark.django_db


@pytest.fixture
def handed(coordinator_h, officer_a, verifier, hubs, communes):
    """A phone of hub H handed over to a household of commune A: (device, household, handover)."""
    return delivered(coordinator_h, officer_a, verifier, hubs["H"], communes["A"])


def test_a_follow_up_that_reports_a_problem_opens_a_ticket(handed, officer_a, api):
    _device, _household, handover = handed
    response = api.as_user(officer_a).post(
        f"/api/v1/handovers/{handover.id}/follow-up/",
        {"in_use": True, "problems": "Pin chỉ dùng được nửa ngày", "problem_kind": "broken"},
        format="json",
    )
    assert response.status_code == 201, response.content
    ticket = Ticket.objects.get()
    assert response.json()["ticket"] == ticket.id
    assert (ticket.kind, ticket.status, ticket.opened_by) == ("broken", "open", officer_a)
    assert ticket.follow_up == handover.follow_up and ticket.owner is None
    assert ticket.due_at - ticket.opened_at == timedelta(days=7)
    (event,) = TicketEvent.objects.filter(ticket=ticket)
    assert (event.old_status, event.new_status, event.actor) == ("", "open", officer_a)


def test_a_follow_up_without_a_problem_opens_none(handed, officer_a):
    _device, _household, handover = handed
    follow_up_record(handover_id=handover.id, in_use=True, actor=officer_a)
    assert not Ticket.objects.exists()


def test_an_officer_opens_one_and_a_coordinator_owns_and_fixes_it(
    handed, officer_a, coordinator_h, api
):
    device, household, handover = handed
    client = api.as_user(officer_a)
    created = client.post(
        "/api/v1/tickets/",
        {"handover": handover.id, "kind": "sim", "description": "Hết gói cước"},
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["status"], body["device"], body["commune"]) == (
        "open",
        device.tracking_code,
        household.commune_id,
    )
    ticket_id = body["id"]
    coordinator = api.as_user(coordinator_h)
    assigned = coordinator.post(
        f"/api/v1/tickets/{ticket_id}/assign/", {"to": coordinator_h.id}, format="json"
    )
    assert assigned.json()["status"] == "assigned" and assigned.json()["owner"] == coordinator_h.id
    resolved = coordinator.post(
        f"/api/v1/tickets/{ticket_id}/resolve/",
        {"outcome": "fixed", "resolution": "Nạp thêm gói 12 tháng"},
        format="json",
    )
    assert resolved.status_code == 200, resolved.content
    assert resolved.json()["status"] == "resolved" and resolved.json()["outcome"] == "fixed"
    moves = list(
        TicketEvent.objects.filter(ticket_id=ticket_id).values_list("old_status", "new_status")
    )
    assert moves == [("", "open"), ("open", "assigned"), ("assigned", "resolved")]
    device.refresh_from_db()
    assert device.status == "delivered"  # fixed in place
    # Listed by status, and the list does not grow in queries with its rows.
    assert [t["id"] for t in client.get("/api/v1/tickets/?status=resolved").json()["results"]] == [
        ticket_id
    ]
    assert client.get("/api/v1/tickets/?status=open").json()["count"] == 0
    assert_error(client.get("/api/v1/tickets/?status=lost"), 400, "invalid", "status")


def test_the_ticket_list_is_pinned(handed, officer_a, api, django_assert_num_queries):
    _device, _household, handover = handed
    client = api.as_user(officer_a)
    tickets.ticket_open(handover_id=handover.id, kind="other", description="a", actor=officer_a)
    client.get("/api/v1/tickets/")
    # token, user, scope (2), count, page (tickets with phones, households, owners)
    with django_assert_num_queries(6):
        client.get("/api/v1/tickets/")
    for _ in range(4):
        tickets.ticket_open(handover_id=handover.id, kind="other", description="b", actor=officer_a)
    with django_assert_num_queries(6):
        assert client.get("/api/v1/tickets/").json()["count"] == 5


def test_an_owner_must_be_able_to_act_on_it(handed, officer_a, officer_b, coordinator_k, donor):
    _device, _household, handover = handed
    ticket = tickets.ticket_open(
        handover_id=handover.id, kind="locked", description="Khoá FRP", actor=officer_a
    )
    for wrong in (officer_b, coordinator_k, donor):
        with pytest.raises(ApplicationError) as refused:
            tickets.ticket_assign(ticket_id=ticket.id, to_user_id=wrong.id, actor=officer_a)
        assert refused.value.code == "invalid_owner"
    ticket.refresh_from_db()
    assert ticket.status == "open" and ticket.owner is None


def test_reassigning_records_an_act_and_repeating_writes_nothing(handed, officer_a, coordinator_h):
    _device, _household, handover = handed
    ticket = tickets.ticket_open(
        handover_id=handover.id, kind="broken", description="Vỡ màn", actor=officer_a
    )
    tickets.ticket_assign(ticket_id=ticket.id, to_user_id=officer_a.id, actor=officer_a)
    tickets.ticket_assign(ticket_id=ticket.id, to_user_id=officer_a.id, actor=officer_a)
    tickets.ticket_assign(ticket_id=ticket.id, to_user_id=coordinator_h.id, actor=officer_a)
    ticket.refresh_from_db()
    assert ticket.owner == coordinator_h
    rows = list(
        TicketEvent.objects.filter(ticket=ticket).values_list("old_status", "new_status", "data")
    )
    assert rows[1:] == [
        ("open", "assigned", {"owner": officer_a.id}),
        ("assigned", "assigned", {"owner": coordinator_h.id, "previous_owner": officer_a.id}),
    ]


def test_replaced_brings_the_phone_back_and_puts_the_household_first_in_line(
    handed, officer_a, coordinator_h
):
    device, household, handover = handed
    ticket = tickets.ticket_open(
        handover_id=handover.id, kind="unused", description="Không dùng được", actor=officer_a
    )
    tickets.ticket_resolve(
        ticket_id=ticket.id, outcome="replaced", resolution="Đổi máy khác", actor=coordinator_h
    )
    device.refresh_from_db()
    household.refresh_from_db()
    assert device.status == "returned"
    assert household.status == "verified" and household.replacement_owed_at is not None
    record = HandoverReturn.objects.get(handover=handover)
    assert (record.reason, record.household_outcome, record.phone_fault) == (
        "unused",
        "waiting",
        True,
    )
    event = TicketEvent.objects.filter(ticket=ticket).last()
    assert event.data == {"outcome": "replaced", "handover_return": record.id}
    # A retry with the same outcome answers as it is; another outcome is a 409.
    again = tickets.ticket_resolve(
        ticket_id=ticket.id, outcome="replaced", resolution="x", actor=coordinator_h
    )
    assert again.resolution == "Đổi máy khác"
    with pytest.raises(Conflict) as refused:
        tickets.ticket_resolve(
            ticket_id=ticket.id, outcome="closed", resolution="x", actor=coordinator_h
        )
    assert refused.value.code == "ticket_resolved"
    assert HandoverReturn.objects.count() == 1


def test_returned_leaves_the_household_as_said(handed, officer_a):
    device, household, handover = handed
    ticket = tickets.ticket_open(
        handover_id=handover.id, kind="other", description="Gia đình chuyển đi", actor=officer_a
    )
    tickets.ticket_resolve(
        ticket_id=ticket.id,
        outcome="returned",
        resolution="Thu hồi máy",
        household="ineligible",
        actor=officer_a,
    )
    household.refresh_from_db()
    device.refresh_from_db()
    assert (device.status, household.status) == ("returned", "inactive")


def test_a_lost_phone_cannot_come_back(handed, officer_a):
    device, _household, handover = handed
    ticket = tickets.ticket_open(
        handover_id=handover.id, kind="lost", description="Bị mất trộm", actor=officer_a
    )
    with pytest.raises(Conflict) as refused:
        tickets.ticket_resolve(
            ticket_id=ticket.id, outcome="replaced", resolution="x", actor=officer_a
        )
    assert refused.value.code == "lost_cannot_return"
    tickets.ticket_resolve(
        ticket_id=ticket.id, outcome="closed", resolution="Đã báo công an xã", actor=officer_a
    )
    device.refresh_from_db()
    assert device.status == "delivered"


def test_someone_elses_ticket_is_not_found(handed, officer_a, officer_b, coordinator_k, api):
    _device, _household, handover = handed
    ticket = tickets.ticket_open(
        handover_id=handover.id, kind="broken", description="x", actor=officer_a
    )
    for stranger in (officer_b, coordinator_k):
        with pytest.raises(NotFound):
            tickets.ticket_resolve(
                ticket_id=ticket.id, outcome="closed", resolution="x", actor=stranger
            )
        client = api.as_user(stranger)
        assert_error(client.get(f"/api/v1/tickets/{ticket.id}/"), 404, "not_found")
        opened = client.post(
            "/api/v1/tickets/",
            {"handover": handover.id, "kind": "broken", "description": "x"},
            format="json",
        )
        assert_error(opened, 404, "not_found")
        assert client.get("/api/v1/tickets/").json()["count"] == 0
    assert Ticket.objects.count() == 1


def test_opening_with_an_idempotency_key_twice_opens_one(handed, officer_a, api):
    _device, _household, handover = handed
    client = api.as_user(officer_a)
    body = {"handover": handover.id, "kind": "broken", "description": "Vỡ màn"}
    first = client.post("/api/v1/tickets/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    second = client.post("/api/v1/tickets/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"] and second["Idempotent-Replayed"] == "true"
    assert Ticket.objects.count() == 1


def test_an_overdue_ticket_reminds_its_owner_once_a_day(
    handed, officer_a, coordinator_h, client, django_capture_on_commit_callbacks
):
    _device, _household, handover = handed
    ticket = tickets.ticket_open(
        handover_id=handover.id, kind="broken", description="Vỡ màn", actor=officer_a
    )
    assert tickets.tickets_remind_overdue() == 0  # not due yet
    later = timezone.now() + timedelta(days=8)
    assert tickets.tickets_remind_overdue(now=later) == 1
    assert tickets.tickets_remind_overdue(now=later + timedelta(hours=1)) == 0  # same day
    (owed,) = OutboxMessage.objects.filter(task="logistics.tasks.email_ticket_overdue")
    assert owed.args == [ticket.id]
    # Without an owner, the hub's coordinators are reminded.
    mail.outbox.clear()
    assert send_one(owed.id)
    assert [m.to for m in mail.outbox] == [[coordinator_h.email]]
    assert f"#{ticket.id}" in mail.outbox[0].subject
    # The next day: one more; with an owner, the owner.
    tickets.ticket_assign(ticket_id=ticket.id, to_user_id=officer_a.id, actor=coordinator_h)
    assert tickets.tickets_remind_overdue(now=later + timedelta(days=1)) == 1
    second = OutboxMessage.objects.filter(task="logistics.tasks.email_ticket_overdue").last()
    mail.outbox.clear()
    send_one(second.id)
    assert [m.to for m in mail.outbox] == [[officer_a.email]]
    # A resolved ticket is not reminded.
    tickets.ticket_resolve(ticket_id=ticket.id, outcome="fixed", resolution="ok", actor=officer_a)
    assert tickets.tickets_remind_overdue(now=later + timedelta(days=2)) == 0


def test_overdue_tickets_show_on_the_dashboards(handed, officer_a, coordinator_h, client):
    _device, _household, handover = handed
    ticket = tickets.ticket_open(
        handover_id=handover.id, kind="broken", description="Vỡ màn", actor=officer_a
    )
    Ticket.objects.filter(id=ticket.id).update(due_at=timezone.now() - timedelta(days=1))
    client.force_login(coordinator_h)
    page = client.get("/kho/tong-quan/").content.decode()
    assert f"/phieu-su-co/{ticket.id}/" in page
    client.force_login(officer_a)
    page = client.get("/ban-giao/").content.decode()
    assert f"/phieu-su-co/{ticket.id}/" in page and "quá hạn" in page


def test_the_beat_task_reminds(settings, handed, officer_a):
    from logistics.tasks import remind_overdue_tickets

    _device, _household, handover = handed
    ticket = tickets.ticket_open(
        handover_id=handover.id, kind="broken", description="Vỡ màn", actor=officer_a
    )
    Ticket.objects.filter(id=ticket.id).update(due_at=timezone.now() - timedelta(hours=1))
    assert remind_overdue_tickets.delay().get() == 1
    assert "logistics-overdue-tickets" in settings.CELERY_BEAT_SCHEDULE


def test_anonymising_the_household_takes_its_name_out_of_tickets_and_returns(
    handed, officer_a, coordinator_h
):
    from households.services.privacy import household_anonymise
    from logistics.services.recovery import handover_return

    _device, household, handover = handed
    name = household.head_name
    ticket = tickets.ticket_open(
        handover_id=handover.id,
        kind="broken",
        description=f"Bà {name} báo máy không lên nguồn",
        actor=officer_a,
    )
    handover_return(
        handover_id=handover.id, reason="broken", notes=f"Gặp {name} tại nhà", actor=officer_a
    )
    tickets.ticket_resolve(
        ticket_id=ticket.id, outcome="replaced", resolution=f"Đã báo {name}", actor=coordinator_h
    )
    household_anonymise(household_id=household.id, actor=officer_a, reason="Chủ hộ yêu cầu")
    ticket.refresh_from_db()
    record = HandoverReturn.objects.get(handover=handover)
    texts = [ticket.description, ticket.resolution, record.notes]
    texts += [e.reason for e in TicketEvent.objects.filter(ticket=ticket)]
    assert all(name not in text for text in texts), texts
    assert "không lên nguồn" in ticket.description
