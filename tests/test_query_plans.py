"""The lookups that grow with the data use an index on PostgreSQL (the production database). The
planner is told to avoid sequential scans and sorts where it can, so that the tiny test tables
still show which index a query can use; a query with no usable index shows none."""

import pytest
from django.db import connection

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="query plans are PostgreSQL's (CI runs them)"
    ),
]


def _plan(queryset) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
    return queryset.explain()


def test_accounts_are_found_by_email_in_any_case_through_an_index():
    from accounts.models import User

    plan = _plan(User.objects.filter(email__iexact="Someone@Example.org"))
    assert "accounts_user_email_ci" in plan


def test_donors_are_found_by_email_in_any_case_through_an_index():
    from donations.models import Donor

    plan = _plan(Donor.objects.filter(email__iexact="Someone@Example.org", user__isnull=True))
    assert "donations_donor_email_ci" in plan


def test_an_officers_household_list_is_read_in_priority_order_from_an_index(officer_a):
    from households.selectors import household_list

    plan = _plan(household_list(user=officer_a)[:50])
    assert "household_commune_priority" in plan
    assert "Sort" not in plan
