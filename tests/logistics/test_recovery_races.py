"""The recovery paths twice at once (issue 14): two coordinators release the same allocation, a
release races a loss report, two officers record the same return, two owners resolve the same
ticket. Exactly one wins; the other gets a clean refusal or the winner's answer, and nothing is
written twice. Only PostgreSQL runs the transactions truly in parallel."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from core.errors import ApplicationError
from donations.models import DeviceEvent
from households.models import HouseholdEvent
from logistics.models import HandoverReturn, LossReport, TicketEvent
from logistics.services import recovery, tickets
from matching.models import AllocationEvent
from tests.logistics.season import delivered, ready_phone, run_and_approve, waiting_household
from tests.threads import run_together

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises writers, so there is no race to test; CI runs this on PostgreSQL",
    ),
]


def _race(*calls):
    """Runs the calls at the same moment; returns what each returned or the error code."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def go(index: int) -> None:
        try:
            barrier.wait(timeout=20)
            outcomes[index] = calls[index]()
        except ApplicationError as error:
            outcomes[index] = error.code
        except Exception as error:  # pragma: no cover - reported by the assertions
            outcomes[index] = repr(error)
        finally:
            connections.close_all()

    run_together(go, len(calls))
    return outcomes


@pytest.fixture
def promised(coordinator_h, officer_a, verifier, hubs, communes):
    device = ready_phone(coordinator_h, hubs["H"])
    household = waiting_household(officer_a, verifier, communes["A"])
    _run, (allocation,) = run_and_approve(coordinator_h, hubs["H"])
    return device, household, allocation


def test_two_releases_at_once_release_once(promised, coordinator_h, officer_a):
    device, household, allocation = promised
    outcomes = _race(
        lambda: (
            recovery.allocation_release(
                allocation_id=allocation.id, reason="refused", actor=coordinator_h
            ).status
        ),
        lambda: (
            recovery.allocation_release(
                allocation_id=allocation.id, reason="moved", household="waiting", actor=officer_a
            ).status
        ),
    )
    assert sorted(outcomes) == ["allocation_not_live", "released"]
    assert AllocationEvent.objects.filter(allocation=allocation, new_status="released").count() == 1
    assert DeviceEvent.objects.filter(device=device, new_status="ready").count() == 2  # QA, release
    assert HouseholdEvent.objects.filter(household=household, old_status="allocated").count() == 1


def test_a_release_racing_a_loss_report_leaves_one_story(promised, coordinator_h, officer_a):
    device, _household, allocation = promised
    outcomes = _race(
        lambda: (
            recovery.allocation_release(
                allocation_id=allocation.id, reason="refused", actor=coordinator_h
            ).status
        ),
        lambda: (
            recovery.device_report_lost(
                device_id=device.id, reason="Rơi trên đường", last_seen="Đèo", actor=officer_a
            ).status_before
        ),
    )
    device.refresh_from_db()
    allocation.refresh_from_db()
    assert allocation.status == "released"
    assert AllocationEvent.objects.filter(allocation=allocation, new_status="released").count() == 1
    if outcomes[0] == "released":
        # Released first: the phone was ready again when it was lost at the hub.
        assert outcomes[1] == "ready" and device.status == "lost"
        assert allocation.end_reason == "refused"
    else:
        # Lost first: the allocation was no longer live for the release.
        assert outcomes == ["allocation_not_live", "allocated"] and device.status == "lost"
        assert allocation.end_reason == "lost"
    assert LossReport.objects.count() == 1


def test_two_returns_at_once_return_once(coordinator_h, officer_a, verifier, hubs, communes):
    _device, household, handover = delivered(
        coordinator_h, officer_a, verifier, hubs["H"], communes["A"]
    )
    outcomes = _race(
        lambda: (
            recovery.handover_return(handover_id=handover.id, reason="broken", actor=officer_a).id
        ),
        lambda: (
            recovery.handover_return(
                handover_id=handover.id, reason="broken", actor=coordinator_h
            ).id
        ),
    )
    (record,) = HandoverReturn.objects.all()
    assert outcomes == [record.id, record.id]
    assert HouseholdEvent.objects.filter(household=household, old_status="served").count() == 1


def test_two_resolutions_at_once_resolve_once(coordinator_h, officer_a, verifier, hubs, communes):
    _device, _household, handover = delivered(
        coordinator_h, officer_a, verifier, hubs["H"], communes["A"]
    )
    ticket = tickets.ticket_open(
        handover_id=handover.id, kind="broken", description="Vỡ màn", actor=officer_a
    )
    outcomes = _race(
        lambda: (
            tickets.ticket_resolve(
                ticket_id=ticket.id, outcome="replaced", resolution="Đổi máy", actor=coordinator_h
            ).outcome
        ),
        lambda: (
            tickets.ticket_resolve(
                ticket_id=ticket.id, outcome="closed", resolution="Đóng", actor=officer_a
            ).outcome
        ),
    )
    assert sorted(outcomes) in (["replaced", "ticket_resolved"], ["closed", "ticket_resolved"])
    assert TicketEvent.objects.filter(ticket=ticket, new_status="resolved").count() == 1
    assert HandoverReturn.objects.count() == (1 if "replaced" in outcomes else 0)
