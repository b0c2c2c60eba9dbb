"""Re-scoring stored priority scores (formula in households/priority.py). A household's score is
recomputed on every save; these re-score households that did not change themselves: when their
commune's flags change (households/services/communes.py) or when the formula gets a new version
(`python manage.py rescore_households`), so the stored scores never mix versions silently."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet

from households.models import Household
from households.priority import compute_for


def households_rescore(households: QuerySet[Household]) -> int:
    """Recompute the priority of `households` (rows locked; run inside a transaction) and save
    those whose score, version or breakdown differ. Returns how many changed."""
    changed = []
    rows = (
        households.select_related("commune")
        .select_for_update(of=("self",))
        .order_by("id")
        .iterator(chunk_size=2000)
    )
    for household in rows:
        scored = compute_for(household)
        stored = (
            household.priority_score,
            household.priority_version,
            household.priority_breakdown,
        )
        if scored != stored:
            (
                household.priority_score,
                household.priority_version,
                household.priority_breakdown,
            ) = scored
            changed.append(household)
    Household.objects.bulk_update(changed, Household.PRIORITY_FIELDS, batch_size=500)
    return len(changed)


@transaction.atomic
def households_rescore_stale(*, every: bool = False) -> tuple[int, int]:
    """Re-score every household scored with another formula version than the current one (or
    every household, with `every`), in one transaction: all are re-scored or none. Returns
    (households examined, households whose stored score changed)."""
    households = Household.objects.all()
    if not every:
        households = households.exclude(priority_version=settings.HOUSEHOLD_PRIORITY_VERSION)
    examined = households.count()
    return examined, households_rescore(households)
