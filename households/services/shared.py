"""What the household services share: who may act (roles, scope), the locked row, the field
errors, the one-active-household-per-CCCD conflict and the event row of an act that moves no
status. Each topic's services are in the sibling modules (editing, verification, privacy,
imports, communes)."""

from __future__ import annotations

from django.db import IntegrityError
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.scoping import scope_for
from core.errors import ApplicationError, Conflict, Forbidden, NotFound
from households.models import Household, HouseholdEvent

S = Household.Status
# Who may nominate and edit, and who may decide on a nomination.
NOMINATING_ROLES = (Role.OFFICER,)
DECIDING_ROLES = (Role.VERIFIER,)


def raise_field_errors(errors: dict[str, str], *, code: str = "invalid") -> None:
    if errors:
        first = next(iter(errors.values()))
        raise ApplicationError(first, code=code, fields={k: [v] for k, v in errors.items()})


def duplicate_error() -> Conflict:
    message = _(
        "A household with this citizen ID is already registered and active (possibly in "
        "another commune). One person heads one household on the list."
    )
    return Conflict(message, code="duplicate_household", fields={"cccd": [message]})


def is_cccd_conflict(error: IntegrityError) -> bool:
    text = str(error)
    return "one_active_household_per_cccd" in text or "cccd_hash" in text


def locked_household(household_id: int) -> Household:
    household = (
        Household.objects.select_for_update().select_related("commune").filter(id=household_id)
    ).first()
    if household is None:
        raise NotFound(_("There is no such household."))
    return household


def require_role(actor, household: Household, roles: tuple[str, ...]) -> None:
    scope = scope_for(actor)
    if scope.covers_commune(household.commune_id, *roles):
        return
    if scope.covers_commune(household.commune_id, *(NOMINATING_ROLES + DECIDING_ROLES)):
        if roles == DECIDING_ROLES:
            message = _("Only a verifier of this commune can decide on a nomination.")
        else:
            message = _("Only a commune officer of this commune can do this.")
        raise Forbidden(message, code="role_required")
    # Out of scope looks like absent: a staff member of another commune learns nothing.
    raise NotFound(_("There is no such household."))


def record_act(household: Household, actor, kind: str, *, reason: str = "", data=None):
    return HouseholdEvent.objects.create(
        household=household,
        actor=actor,
        kind=kind,
        old_status=household.status,
        new_status=household.status,
        reason=reason,
        data=data or {},
    )
