"""One active household per CCCD is the database's promise, also when two officers submit the
same person at the same moment. Only PostgreSQL runs the two transactions truly in parallel."""

import threading

import pytest
from django.db import connection, connections

from core.errors import Conflict
from households.models import Household
from households.services.editing import household_create
from tests.households.conftest import cccd, household_data


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises writers, so there is no race to test; CI runs this on PostgreSQL",
)
def test_two_officers_creating_the_same_person_at_once_leave_one_household(
    communes, officer_a, officer_verifier_a
):
    number = cccd(777)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def nominate(actor):
        try:
            barrier.wait(timeout=10)
            household_create(actor=actor, **household_data(communes["A"], cccd=number))
            outcomes.append("created")
        except Conflict as error:
            outcomes.append(error.code)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=nominate, args=(a,)) for a in (officer_a, officer_verifier_a)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["created", "duplicate_household"]
    assert Household.objects.filter(cccd_last4=number[-4:]).count() == 1
