"""The household life cycle: the allowed moves, and the one door every move goes through."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import Conflict
from households.models import Household, HouseholdEvent

S = Household.Status

ALLOWED: dict[str, set[str]] = {
    S.DRAFT: {S.SUBMITTED, S.INACTIVE},
    S.SUBMITTED: {S.VERIFIED, S.REJECTED, S.NEEDS_CHANGES, S.INACTIVE},
    S.NEEDS_CHANGES: {S.SUBMITTED, S.INACTIVE},
    S.VERIFIED: {S.ALLOCATED, S.INACTIVE},
    S.REJECTED: {S.INACTIVE},
    S.ALLOCATED: {
        S.SERVED,
        S.VERIFIED,
        S.INACTIVE,
    },  # back to verified when an allocation is released
    S.SERVED: {S.INACTIVE},
    S.INACTIVE: set(),
}


@transaction.atomic
def household_transition(
    *, household_id: int, to: str, actor, reason: str = "", data: dict | None = None
) -> Household:
    """Move a household to `to`, or raise Conflict naming the allowed moves. A repeated move
    (a retry, a double click) changes nothing. Writes one HouseholdEvent per move."""
    household = Household.objects.select_for_update().get(id=household_id)
    if household.status == to:
        return household
    allowed = ALLOWED.get(household.status, set())
    if to not in allowed:
        raise Conflict(
            _("A household that is “%(now)s” cannot become “%(to)s”. Allowed: %(allowed)s.")
            % {
                "now": S(household.status).label,
                "to": S(to).label,
                "allowed": ", ".join(str(S(a).label) for a in sorted(allowed)) or "—",
            },
            code="invalid_transition",
        )
    HouseholdEvent.objects.create(
        household=household,
        actor=actor,
        old_status=household.status,
        new_status=to,
        reason=reason,
        data=data or {},
    )
    household.status = to
    household.save(update_fields=["status", "updated_at"])
    return household
