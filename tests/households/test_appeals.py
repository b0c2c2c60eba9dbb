"""Appeals (issue 14): an officer of the commune appeals a rejection with a reason; it goes back
to the verifiers' queue, and the verifier who rejected it may not decide it (four eyes)."""

from __future__ import annotations

import pytest

from accounts.services import staff_create
from core.errors import ApplicationError, Conflict, Forbidden, NotFound
from households.models import HouseholdEvent
from households.selectors import verification_queue
from households.services.editing import household_create, household_submit
from households.services.verification import (
    household_appeal,
    household_reject,
    household_verify,
)
from tests.conftest import COMMUNE_A, PASSWORD, assert_error
from tests.households.conftest import household_data

pytestmark = pytest.mark.django_db
CCCD = "045185739146"


@pytest.fixture
def second_verifier(communes):
    return staff_create(
        email="verifier2@test.vn",
        name="Trần Xác Minh",
        password=PASSWORD,
        roles=[{"role": "verifier", "communes": [COMMUNE_A]}],
        actor=None,
    )


@pytest.fixture
def rejected(officer_a, verifier, communes):
    household = household_create(actor=officer_a, **household_data(communes["A"]))
    household_submit(household_id=household.id, actor=officer_a)
    return household_reject(
        household_id=household.id, actor=verifier, reason="Chưa có giấy chứng nhận hộ nghèo"
    )


def test_an_appeal_sends_it_back_to_the_queue_for_another_verifier(
    rejected, officer_a, verifier, second_verifier
):
    appealed = household_appeal(
        household_id=rejected.id, actor=officer_a, reason="Hộ có giấy chứng nhận năm 2025"
    )
    assert appealed.status == "submitted"
    event = HouseholdEvent.objects.filter(household=rejected).last()
    assert (event.old_status, event.new_status, event.actor) == ("rejected", "submitted", officer_a)
    assert event.reason == "Hộ có giấy chứng nhận năm 2025"
    assert event.data == {"appeal": True, "rejected_by": verifier.id}
    # In the queue, marked as an appeal; the verifier who rejected it sees they may not decide.
    mine = verification_queue(user=verifier).get(id=rejected.id)
    assert mine.appealed and mine.worked_on
    theirs = verification_queue(user=second_verifier).get(id=rejected.id)
    assert theirs.appealed and not theirs.worked_on
    with pytest.raises(Forbidden) as refused:
        household_verify(household_id=rejected.id, actor=verifier)
    assert refused.value.code == "four_eyes"
    rejected.refresh_from_db()
    assert rejected.status == "submitted"
    household_verify(household_id=rejected.id, actor=second_verifier)
    rejected.refresh_from_db()
    assert rejected.status == "verified"


def test_the_rejecting_verifier_cannot_reject_the_appeal_either(rejected, officer_a, verifier, api):
    household_appeal(household_id=rejected.id, actor=officer_a, reason="Xin xem lại")
    response = api.as_user(verifier).post(
        f"/api/v1/households/{rejected.id}/reject/", {"reason": "Vẫn không đủ"}, format="json"
    )
    assert_error(response, 403, "four_eyes")
    assert HouseholdEvent.objects.filter(household=rejected, new_status="rejected").count() == 1


def test_the_api_twin(rejected, officer_a, api):
    client = api.as_user(officer_a)
    empty = client.post(f"/api/v1/households/{rejected.id}/appeal/", {}, format="json")
    assert_error(empty, 400, "reason_required", "reason")
    response = client.post(
        f"/api/v1/households/{rejected.id}/appeal/", {"reason": "Xin xem lại"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "submitted"
    again = client.post(
        f"/api/v1/households/{rejected.id}/appeal/", {"reason": "Xin xem lại"}, format="json"
    )
    assert_error(again, 409, "not_rejected")
    assert HouseholdEvent.objects.filter(household=rejected, new_status="submitted").count() == 2


def test_only_an_officer_of_the_commune_appeals(rejected, officer_b, verifier, coordinator_h):
    with pytest.raises(NotFound):
        household_appeal(household_id=rejected.id, actor=officer_b, reason="x")
    with pytest.raises(Forbidden):
        household_appeal(household_id=rejected.id, actor=verifier, reason="x")
    with pytest.raises((NotFound, Forbidden)):
        household_appeal(household_id=rejected.id, actor=coordinator_h, reason="x")
    rejected.refresh_from_db()
    assert rejected.status == "rejected"


def test_a_rejected_household_is_not_simply_submitted_again(rejected, officer_a):
    with pytest.raises(Conflict) as refused:
        household_submit(household_id=rejected.id, actor=officer_a)
    assert refused.value.code == "appeal_required"


def test_an_appeal_whose_citizen_id_is_taken_meanwhile_is_a_409(officer_a, verifier, communes):
    household = household_create(actor=officer_a, **household_data(communes["A"], cccd=CCCD))
    household_submit(household_id=household.id, actor=officer_a)
    household_reject(household_id=household.id, actor=verifier, reason="Trùng hộ")
    # The rejection freed the citizen ID: a new nomination of the same head took it.
    household_create(actor=officer_a, **household_data(communes["A"], cccd=CCCD))
    with pytest.raises(ApplicationError) as refused:
        household_appeal(household_id=household.id, actor=officer_a, reason="Xin xem lại")
    assert (refused.value.status, refused.value.code) == (409, "duplicate_household")
    household.refresh_from_db()
    assert household.status == "rejected"
    assert not HouseholdEvent.objects.filter(household=household, new_status="submitted")[1:]


def test_verifying_only_decides_submitted_nominations(officer_a, verifier, communes):
    """The table lets an allocated or served household become verified again (a release, a
    return); a verifier's decision does not: it is for submitted nominations only."""
    from households.lifecycle import household_transition

    household = household_create(actor=officer_a, **household_data(communes["A"]))
    household_submit(household_id=household.id, actor=officer_a)
    household_verify(household_id=household.id, actor=verifier)
    household_transition(household_id=household.id, to="allocated", actor=verifier)
    with pytest.raises(Conflict) as refused:
        household_verify(household_id=household.id, actor=verifier)
    assert refused.value.code == "invalid_transition"
    household.refresh_from_db()
    assert household.status == "allocated"
