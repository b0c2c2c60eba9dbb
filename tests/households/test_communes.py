"""A commune's flags change through one service, which re-scores the commune's households in
the same transaction and writes an event row; `rescore_households` re-scores stale versions."""

from io import StringIO

import pytest
from django.core.management import call_command

from core.errors import ApplicationError, Forbidden
from households.models import CommuneFlagsEvent, Household
from households.services.communes import commune_flags_reset, commune_flags_update
from places.models import Commune

pytestmark = pytest.mark.django_db

MOUNTAIN_POINTS = 10


def _stored(household_id: int) -> tuple:
    h = Household.objects.get(id=household_id)
    return h.priority_score, h.priority_version, h.priority_breakdown, h.updated_at


def _mountain_points(household_id: int) -> int:
    breakdown = Household.objects.get(id=household_id).priority_breakdown
    return next(r["points"] for r in breakdown if r["factor"] == "mountain_commune")


def test_a_flag_change_rescores_the_communes_households_only(
    make_household, officer_a, officer_b, admin_user, communes
):
    in_a = [make_household(officer_a).id for _ in range(2)]
    in_b = make_household(officer_b, communes["B"]).id
    scores_a = {i: Household.objects.get(id=i).priority_score for i in in_a}
    before_b = _stored(in_b)
    assert communes["A"].is_mountain is True

    event = commune_flags_update(
        commune_code=communes["A"].code,
        actor=admin_user,
        is_mountain=False,
        basis="Quyết định 60/QĐ-BDTTG",
    )

    commune = Commune.objects.get(code=communes["A"].code)
    assert commune.is_mountain is False and commune.flags_basis == "Quyết định 60/QĐ-BDTTG"
    for i in in_a:
        assert Household.objects.get(id=i).priority_score == scores_a[i] - MOUNTAIN_POINTS
        assert _mountain_points(i) == 0
    assert _stored(in_b) == before_b  # another commune's households are untouched
    assert CommuneFlagsEvent.objects.count() == 1
    assert event.commune_id == communes["A"].code and event.actor == admin_user
    assert event.data == {
        "changes": {"is_mountain": {"from": True, "to": False}},
        "basis": "Quyết định 60/QĐ-BDTTG",
        "rescored": 2,
        "priority_version": "2026.1",
    }


def test_the_hardship_flag_changes_no_score_but_is_recorded(
    make_household, officer_a, admin_user, communes
):
    household = make_household(officer_a).id
    before = _stored(household)[:3]
    event = commune_flags_update(
        commune_code=communes["A"].code,
        actor=admin_user,
        is_extremely_difficult=False,
        basis="Quyết định 861/QĐ-TTg hết hiệu lực",
    )
    assert _stored(household)[:3] == before
    assert event.data["changes"] == {"is_extremely_difficult": {"from": True, "to": False}}
    assert event.data["rescored"] == 0


def test_no_change_writes_nothing(admin_user, communes):
    commune = communes["A"]
    assert (
        commune_flags_update(
            commune_code=commune.code, actor=admin_user, is_mountain=commune.is_mountain
        )
        is None
    )
    assert not CommuneFlagsEvent.objects.exists()


def test_a_flag_change_needs_a_basis_and_an_admin(make_household, officer_a, admin_user, communes):
    household = make_household(officer_a).id
    before = _stored(household)
    code = communes["A"].code
    with pytest.raises(Forbidden):
        commune_flags_update(commune_code=code, actor=officer_a, is_mountain=False, basis="x")
    Commune.objects.filter(code=code).update(flags_basis="")
    with pytest.raises(ApplicationError) as raised:
        commune_flags_update(commune_code=code, actor=admin_user, is_mountain=False)
    assert raised.value.code == "basis_required"
    assert Commune.objects.get(code=code).is_mountain is True
    assert _stored(household) == before
    assert not CommuneFlagsEvent.objects.exists()


def test_reset_goes_back_to_the_reviewed_file_through_the_service(
    make_household, officer_a, admin_user, communes
):
    household = make_household(officer_a).id
    score = Household.objects.get(id=household).priority_score
    code = communes["A"].code
    commune_flags_update(commune_code=code, actor=admin_user, is_mountain=False, basis="Sửa")
    assert Household.objects.get(id=household).priority_score == score - MOUNTAIN_POINTS

    events = commune_flags_reset(actor=None)

    assert [e.commune_id for e in events] == [code]
    assert Commune.objects.get(code=code).is_mountain is True
    assert Household.objects.get(id=household).priority_score == score
    assert commune_flags_reset(actor=None) == []  # nothing left to change


def test_the_commune_flags_command(make_household, officer_a, communes):
    household = make_household(officer_a).id
    score = Household.objects.get(id=household).priority_score
    out = StringIO()
    call_command(
        "commune_flags", communes["A"].code, "--mountain", "no", "--basis", "QĐ 60", stdout=out
    )
    assert "1 households re-scored" in out.getvalue()
    assert Household.objects.get(id=household).priority_score == score - MOUNTAIN_POINTS
    assert CommuneFlagsEvent.objects.get().actor is None


def test_rescore_households_rescores_only_stale_versions(
    make_household, officer_a, officer_b, communes
):
    stale = make_household(officer_a).id
    current = make_household(officer_b, communes["B"]).id
    fresh = Household.objects.get(id=stale)
    Household.objects.filter(id=stale).update(priority_version="2025.9", priority_score=1)
    # A current-version row whose score is off (no formula change): left alone without --all.
    Household.objects.filter(id=current).update(priority_score=2)

    out = StringIO()
    call_command("rescore_households", stdout=out)

    assert out.getvalue().strip() == "1 of 1 households re-scored (formula 2026.1)."
    h = Household.objects.get(id=stale)
    assert (h.priority_score, h.priority_version) == (fresh.priority_score, "2026.1")
    assert h.priority_breakdown == fresh.priority_breakdown
    assert Household.objects.get(id=current).priority_score == 2

    out = StringIO()
    call_command("rescore_households", "--all", stdout=out)
    assert out.getvalue().strip() == "1 of 2 households re-scored (formula 2026.1)."
    assert Household.objects.get(id=current).priority_score != 2


def test_stale_versions_are_reported_by_the_database_check(make_household, officer_a):
    from households.checks import stale_priority_scores

    household = make_household(officer_a)
    assert stale_priority_scores(databases=["default"]) == []
    Household.objects.filter(id=household.id).update(priority_version="2025.9")
    (warning,) = stale_priority_scores(databases=["default"])
    assert warning.id == "households.W001" and warning.msg.startswith("1 households")
    call_command("rescore_households", stdout=StringIO())
    assert stale_priority_scores(databases=["default"]) == []
