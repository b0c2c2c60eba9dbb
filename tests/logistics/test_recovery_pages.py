"""The pages of the recovery paths (issue 14), used as their people would: a coordinator releases
an allocation and reports a phone lost; an officer records a phone coming back, opens a ticket
from the commune's page; a coordinator owns and resolves it. In Vietnamese first."""

from __future__ import annotations

import pytest

from logistics.models import HandoverReturn, LossReport, Ticket
from matching.models import Allocation
from tests.logistics.season import delivered, ready_phone, run_and_approve, waiting_household

pytestmark = pytest.mark.django_db


@pytest.fixture
def promised(coordinator_h, officer_a, verifier, hubs, communes):
    device = ready_phone(coordinator_h, hubs["H"])
    household = waiting_household(officer_a, verifier, communes["A"])
    _run, (allocation,) = run_and_approve(coordinator_h, hubs["H"])
    return device, household, allocation


def test_a_coordinator_releases_from_the_phone_page(promised, coordinator_h, client):
    device, household, allocation = promised
    client.force_login(coordinator_h)
    page = client.get(f"/kho/thiet-bi/{device.tracking_code}/").content.decode()
    release_url = f"/phan-bo/{allocation.id}/giai-phong/"
    assert release_url in page and "Huỷ phân bổ" in page
    form = client.get(release_url)
    assert form.status_code == 200 and "Hộ chuyển đi nơi khác" in form.content.decode()
    refused = client.post(release_url, {"reason": "nonsense"})
    assert refused.status_code == 400
    done = client.post(release_url, {"reason": "refused", "household": "waiting", "notes": ""})
    assert done.status_code == 302 and done["Location"] == "/phan-bo/"
    allocation.refresh_from_db()
    household.refresh_from_db()
    assert allocation.status == "released" and household.status == "verified"
    listed = client.get("/phan-bo/?show=ended").content.decode()
    assert device.tracking_code in listed and "Hộ từ chối nhận máy" in listed


def test_an_officer_sees_and_releases_the_phones_of_the_commune(promised, officer_a, client):
    device, _household, allocation = promised
    client.force_login(officer_a)
    page = client.get("/phan-bo/").content.decode()
    assert device.tracking_code in page and f"/phan-bo/{allocation.id}/giai-phong/" in page
    client.post(
        f"/phan-bo/{allocation.id}/giai-phong/", {"reason": "died", "household": "ineligible"}
    )
    allocation.refresh_from_db()
    assert allocation.status == "released"


def test_a_coordinator_reports_a_phone_lost_and_the_dashboard_shows_it(coordinator_h, hubs, client):
    device = ready_phone(coordinator_h, hubs["H"])
    client.force_login(coordinator_h)
    url = f"/kho/thiet-bi/{device.tracking_code}/bao-mat/"
    assert "Báo thất lạc" in client.get(url).content.decode()
    assert client.post(url, {"last_seen": "", "reason": ""}).status_code == 400
    done = client.post(url, {"last_seen": "Kệ B3 của kho", "reason": "Không thấy khi kiểm kê"})
    assert done.status_code == 302
    report = LossReport.objects.get(device=device)
    assert report.actor == coordinator_h
    dashboard = client.get("/kho/tong-quan/").content.decode()
    assert "Kệ B3 của kho" in dashboard and device.tracking_code in dashboard
    assert "Thất lạc" in dashboard  # the lost column of the counts


def test_an_officer_records_the_return_and_opens_a_ticket_from_the_commune_page(
    coordinator_h, officer_a, verifier, hubs, communes, client
):
    device, household, handover = delivered(
        coordinator_h, officer_a, verifier, hubs["H"], communes["A"]
    )
    client.force_login(officer_a)
    commune = client.get("/xa/19588/").content.decode()
    new_ticket = f"/ban-giao/{handover.id}/bao-su-co/"
    assert new_ticket in commune and device.tracking_code in commune
    created = client.post(new_ticket, {"kind": "locked", "description": "Khoá tài khoản"})
    ticket = Ticket.objects.get()
    assert created["Location"] == f"/phieu-su-co/{ticket.id}/"
    assert (ticket.kind, ticket.opened_by) == ("locked", officer_a)
    handover_page = client.get(f"/ban-giao/{handover.id}/").content.decode()
    assert f"/phieu-su-co/{ticket.id}/" in handover_page
    back = client.post(
        f"/ban-giao/{handover.id}/tra-lai/", {"reason": "locked", "household": "waiting"}
    )
    assert back.status_code == 302
    record = HandoverReturn.objects.get(handover=handover)
    assert record.phone_fault
    again = client.get(f"/ban-giao/{handover.id}/tra-lai/").content.decode()
    assert "Đã mang về" in again  # the return is shown, no second form
    assert Allocation.objects.get(device=device, household=household).status == "returned"


def test_a_coordinator_owns_and_resolves_a_ticket(
    coordinator_h, officer_a, verifier, hubs, communes, client
):
    from logistics.services.tickets import ticket_open

    _device, _household, handover = delivered(
        coordinator_h, officer_a, verifier, hubs["H"], communes["A"]
    )
    ticket = ticket_open(
        handover_id=handover.id, kind="broken", description="Vỡ màn", actor=officer_a
    )
    client.force_login(coordinator_h)
    page = client.get(f"/phieu-su-co/{ticket.id}/").content.decode()
    assert "Người phụ trách" in page and "Giải quyết" in page
    client.post(f"/phieu-su-co/{ticket.id}/", {"action": "assign", "to": coordinator_h.id})
    ticket.refresh_from_db()
    assert ticket.owner == coordinator_h and ticket.status == "assigned"
    bad = client.post(f"/phieu-su-co/{ticket.id}/", {"action": "resolve", "outcome": "fixed"})
    assert bad.status_code == 400
    client.post(
        f"/phieu-su-co/{ticket.id}/",
        {"action": "resolve", "outcome": "fixed", "resolution": "Thay màn hình"},
    )
    ticket.refresh_from_db()
    assert (ticket.status, ticket.outcome) == ("resolved", "fixed")
    listed = client.get("/phieu-su-co/?status=resolved").content.decode()
    assert f"/phieu-su-co/{ticket.id}/" in listed


def test_the_ticket_list_page_is_pinned(
    coordinator_h, officer_a, verifier, hubs, communes, client, django_assert_num_queries
):
    from logistics.services.tickets import ticket_open

    _device, _household, handover = delivered(
        coordinator_h, officer_a, verifier, hubs["H"], communes["A"]
    )
    ticket_open(handover_id=handover.id, kind="other", description="a", actor=officer_a)
    client.force_login(officer_a)
    client.get("/phieu-su-co/")
    # session, user, scope (3), count, page
    with django_assert_num_queries(7):
        client.get("/phieu-su-co/")
    for _ in range(3):
        ticket_open(handover_id=handover.id, kind="other", description="b", actor=officer_a)
    with django_assert_num_queries(7):
        client.get("/phieu-su-co/")


def test_the_allocations_and_commune_pages_are_pinned(
    coordinator_h, officer_a, verifier, hubs, communes, client, django_assert_num_queries
):
    from logistics.services.tickets import ticket_open

    def more():
        _device, _household, handover = delivered(
            coordinator_h, officer_a, verifier, hubs["H"], communes["A"]
        )
        ticket_open(handover_id=handover.id, kind="other", description="a", actor=officer_a)

    more()
    client.force_login(officer_a)
    client.get("/phan-bo/?show=all")
    client.get("/xa/19588/")
    # session, user, scope (3), count, page
    with django_assert_num_queries(7):
        client.get("/phan-bo/?show=all")
    # session, user, scope (3), the commune, handovers (with returns), their open tickets, the
    # commune's open tickets
    with django_assert_num_queries(9):
        client.get("/xa/19588/")
    more()
    more()
    with django_assert_num_queries(7):
        client.get("/phan-bo/?show=all")
    with django_assert_num_queries(9):
        client.get("/xa/19588/")
