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
    # lapsed: the commune published a newer poverty list (households/services/renewal.py)
    S.VERIFIED: {S.ALLOCATED, S.LAPSED, S.INACTIVE},
    S.LAPSED: {S.VERIFIED, S.INACTIVE},  # re-confirmed by an officer, or off the new list
    # submitted again only by an officer's appeal (households/services/verification.py), which
    # a verifier other than the one who rejected decides
    S.REJECTED: {S.SUBMITTED, S.INACTIVE},
    # back to verified (waiting) when an allocation is released before delivery
    S.ALLOCATED: {S.SERVED, S.VERIFIED, S.INACTIVE},
    # back to verified (waiting) when its phone comes back (logistics/services/recovery.py)
    S.SERVED: {S.VERIFIED, S.INACTIVE},
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
    *,
    household_id: int,
    to: str,
    actor,
    reason: str = "",
    data: dict | None = None,
    also: dict | None = None,
) -> Household:
    """Move a household to `to`, or raise Conflict naming the allowed moves. A repeated move
    (a retry, a double click) changes nothing. Writes one HouseholdEvent per move; `also` sets
    more fields in the same save."""
    return HOUSEHOLD.move(
        obj_id=household_id, to=to, actor=actor, reason=reason, data=data, also=also
    )
