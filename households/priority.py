"""The priority score of a household: one documented, versioned formula.

Version "2026.1" (weights in settings.HOUSEHOLD_PRIORITY_WEIGHTS, version in
settings.HOUSEHOLD_PRIORITY_VERSION). The score is the sum of these factors, and the breakdown
lists every factor with its points, so the breakdown always sums to the score:

- ``poverty`` — certified poverty status under the multidimensional standard (Decree 07/2021):
  poor 30, near-poor 15, other 0. The certificate is the strongest evidence of need.
- ``deprivations`` — 10 per information deprivation (no member uses the internet; no means of
  access to information). These are exactly the deprivations a phone removes.
- ``school_age_children`` — 8 per school-age child, at most 3 counted: online schooling needs a
  smartphone more than anything else.
- ``elderly`` — 4 per elderly member, at most 2: VNeID and pensions move online.
- ``disability`` — 6 per member with disability, at most 2: online public services save the trip.
- ``phone_situation`` — no phone 15, feature phone only 12 (2G is switched off in 2026),
  broken smartphone 8, shares a smartphone 4.
- ``mountain_commune`` — 10 when the commune is flagged mountain (`Commune.is_mountain`): the
  programme's focus, and where the distance to services is greatest.
- ``coverage_4g`` — good 5, weak 2, none 0: a phone serves the household only where 4G reaches
  the home.

A new formula gets a new version string. Every save of a household recomputes its score; the
scores of households that are not saved are brought up to date by `python manage.py
rescore_households` (those of another version; `--all` for every one) and, for the mountain
factor, by a change of the commune's flags (households/services/communes.py), so stored scores
never mix versions silently.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _

FACTORS = (
    "poverty",
    "deprivations",
    "school_age_children",
    "elderly",
    "disability",
    "phone_situation",
    "mountain_commune",
    "coverage_4g",
)

FACTOR_LABELS = {
    "poverty": _("Poverty status"),
    "deprivations": _("Information deprivations"),
    "school_age_children": _("School-age children"),
    "elderly": _("Elderly members"),
    "disability": _("Members with disability"),
    "phone_situation": _("Phone situation"),
    "mountain_commune": _("Mountain commune"),
    "coverage_4g": _("4G coverage at home"),
}


def compute(
    *,
    poverty_status: str,
    deprivations: list[str],
    school_age_children: int,
    elderly: int,
    disabled: int,
    phone_situation: str,
    is_mountain: bool,
    coverage_4g: str,
) -> tuple[int, str, list[dict]]:
    """Returns (score, version, breakdown) for the facts given."""
    w = settings.HOUSEHOLD_PRIORITY_WEIGHTS
    points = {
        "poverty": w["poverty"].get(poverty_status, 0),
        "deprivations": w["deprivation"] * len(set(deprivations or [])),
        "school_age_children": w["school_age_child"]
        * min(school_age_children or 0, w["school_age_children_cap"]),
        "elderly": w["elderly"] * min(elderly or 0, w["elderly_cap"]),
        "disability": w["disabled"] * min(disabled or 0, w["disabled_cap"]),
        "phone_situation": w["phone_situation"].get(phone_situation, 0),
        "mountain_commune": w["mountain_commune"] if is_mountain else 0,
        "coverage_4g": w["coverage_4g"].get(coverage_4g, 0),
    }
    breakdown = [{"factor": f, "points": int(points[f])} for f in FACTORS]
    return sum(p["points"] for p in breakdown), settings.HOUSEHOLD_PRIORITY_VERSION, breakdown


def compute_for(household, *, is_mountain: bool | None = None) -> tuple[int, str, list[dict]]:
    if is_mountain is None:
        is_mountain = household.commune.is_mountain
    return compute(
        poverty_status=household.poverty_status,
        deprivations=household.deprivations,
        school_age_children=household.school_age_children,
        elderly=household.elderly,
        disabled=household.disabled,
        phone_situation=household.phone_situation,
        is_mountain=is_mountain,
        coverage_4g=household.coverage_4g,
    )
