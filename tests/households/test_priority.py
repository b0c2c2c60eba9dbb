"""The priority formula: documented, versioned, recomputed on save, breakdown sums to the score."""

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from households import priority
from households.models import Household


@hsettings(max_examples=200, deadline=None)
@given(
    poverty=st.sampled_from(Household.Poverty.values),
    deprivations=st.lists(st.sampled_from(Household.Deprivation.values), max_size=3),
    children=st.integers(0, 50),
    elderly=st.integers(0, 50),
    disabled=st.integers(0, 50),
    phone=st.sampled_from(Household.PhoneSituation.values),
    mountain=st.booleans(),
    coverage=st.sampled_from(Household.Coverage.values),
)
def test_it_sums_the_breakdown_to_the_score_for_any_household(
    poverty, deprivations, children, elderly, disabled, phone, mountain, coverage
):
    score, version, breakdown = priority.compute(
        poverty_status=poverty,
        deprivations=deprivations,
        school_age_children=children,
        elderly=elderly,
        disabled=disabled,
        phone_situation=phone,
        is_mountain=mountain,
        coverage_4g=coverage,
    )
    assert sum(row["points"] for row in breakdown) == score
    assert [row["factor"] for row in breakdown] == list(priority.FACTORS)
    assert version == "2026.1"


def test_it_gives_each_factor_its_documented_points():
    score, _version, breakdown = priority.compute(
        poverty_status="poor",
        deprivations=["no_internet", "no_info_access"],
        school_age_children=5,  # capped at 3
        elderly=1,
        disabled=1,
        phone_situation="none",
        is_mountain=True,
        coverage_4g="good",
    )
    points = {row["factor"]: row["points"] for row in breakdown}
    assert points == {
        "poverty": 30,
        "deprivations": 20,
        "school_age_children": 24,
        "elderly": 4,
        "disability": 6,
        "phone_situation": 15,
        "mountain_commune": 10,
        "coverage_4g": 5,
    }
    assert score == 114


def test_the_weights_come_from_settings(settings):
    settings.HOUSEHOLD_PRIORITY_WEIGHTS = {
        **settings.HOUSEHOLD_PRIORITY_WEIGHTS,
        "mountain_commune": 99,
    }
    settings.HOUSEHOLD_PRIORITY_VERSION = "test.9"
    score, version, _ = priority.compute(
        poverty_status="other",
        deprivations=[],
        school_age_children=0,
        elderly=0,
        disabled=0,
        phone_situation="",
        is_mountain=True,
        coverage_4g="none",
    )
    assert (score, version) == (99, "test.9")


@pytest.mark.django_db
def test_the_mountain_factor_follows_the_commune_flag(make_household, officer_a, communes):
    household = make_household(officer_a)
    assert communes["A"].is_mountain
    points = {r["factor"]: r["points"] for r in household.priority_breakdown}
    assert points["mountain_commune"] == 10


@pytest.mark.django_db
def test_it_recomputes_the_score_on_every_save(make_household, officer_a):
    household = make_household(officer_a, school_age_children=0)
    before = household.priority_score
    household.school_age_children = 2
    household.save()
    household.refresh_from_db()
    assert household.priority_score == before + 16
    assert sum(r["points"] for r in household.priority_breakdown) == household.priority_score
    # A partial save that touches an input recomputes too.
    household.phone_situation = "shared_smartphone"
    household.save(update_fields=["phone_situation"])
    household.refresh_from_db()
    assert household.priority_score == before + 16 - 12 + 4
