"""The household life cycle: the allowed moves, and the one door every move goes through."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.lifecycle import Lifecycle
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

# Groups of statuses the public numbers count (logistics/numbers.py): a verifier confirmed the
# need and the household is still on the list; of those, the ones still waiting for a phone.
IN_PROGRAMME = frozenset({S.VERIFIED, S.ALLOCATED, S.SERVED})
WAITING = frozenset({S.VERIFIED})


HOUSEHOLD = Lifecycle(
    model=Household,
    event_model=HouseholdEvent,
    subject="household",
    allowed=ALLOWED,
    refusal=_("A household that is “%(now)s” cannot become “%(to)s”. Allowed: %(allowed)s."),
    save_fields=("updated_at",),
)


def household_transition(
    *, household_id: int, to: str, actor, reason: str = "", data: dict | None = None
) -> Household:
    """Move a household to `to`, or raise Conflict naming the allowed moves. A repeated move
    (a retry, a double click) changes nothing. Writes one HouseholdEvent per move."""
    return HOUSEHOLD.move(obj_id=household_id, to=to, actor=actor, reason=reason, data=data)
