"""The four-eyes verification: a verifier who did not nominate, edit or record the consent of a
household verifies it, rejects it or returns it for changes (with a reason the officer reads)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import ApplicationError, Forbidden
from core.text import nfc
from households.lifecycle import HOUSEHOLD, household_transition
from households.models import Household
from households.selectors import steps_by
from households.services.shared import DECIDING_ROLES, S, locked_household, require_role


def near_duplicates_of(household: Household):
    """Other listed households with the same name (no diacritics, no case) in the same village."""
    if not household.village_id or not household.head_name_key:
        return Household.objects.none()
    return (
        Household.objects.filter(
            village_id=household.village_id,
            head_name_key=household.head_name_key,
            status__in=Household.ACTIVE_STATUSES,
        )
        .exclude(id=household.id)
        .order_by("id")
    )


def has_worked_on(household: Household, user) -> bool:
    """Took a step in its history (nominated, edited, recorded consent, submitted...): such a
    person may not decide on it (households.selectors.steps_by)."""
    if household.created_by_id == user.id:
        return True
    return steps_by(user.id).filter(household_id=household.id).exists()


def _decide(household_id: int, actor, to: str) -> Household:
    """Lock the household and check, in this order: the verifier's role, that the table allows
    the decision now (a 409 says more than four eyes about a household no longer submitted), and
    four eyes."""
    household = locked_household(household_id)
    require_role(actor, household, DECIDING_ROLES)
    HOUSEHOLD.check_move(household.status, to)
    if has_worked_on(household, actor):
        raise Forbidden(
            _(
                "Four eyes: you nominated, edited or submitted this household, so another "
                "verifier must decide on it."
            ),
            code="four_eyes",
        )
    return household


def _reason(reason: str) -> str:
    reason = nfc(reason or "").strip()
    if not reason:
        message = _("Give a reason: the officer will read it.")
        raise ApplicationError(message, code="reason_required", fields={"reason": [message]})
    return reason


@transaction.atomic
def household_verify(*, household_id: int, actor, near_duplicate_reason: str = "") -> Household:
    """A second person approves a submitted nomination. Near-duplicates must be confirmed as
    different households with a reason, which is kept in the event."""
    household = _decide(household_id, actor, S.VERIFIED)
    duplicates = list(near_duplicates_of(household).values_list("id", flat=True))
    data = {}
    if duplicates:
        near_duplicate_reason = nfc(near_duplicate_reason or "").strip()
        if not near_duplicate_reason:
            message = _(
                "Households with the same name are listed in this village (%(ids)s). Say why "
                "this is a different household before verifying."
            ) % {"ids": ", ".join(f"#{i}" for i in duplicates)}
            raise ApplicationError(
                message,
                code="near_duplicate_unconfirmed",
                fields={"near_duplicate_reason": [message]},
            )
        data = {"near_duplicates": duplicates, "near_duplicate_reason": near_duplicate_reason}
    return household_transition(household_id=household.id, to=S.VERIFIED, actor=actor, data=data)


@transaction.atomic
def household_reject(*, household_id: int, actor, reason: str) -> Household:
    household = _decide(household_id, actor, S.REJECTED)
    return household_transition(
        household_id=household.id, to=S.REJECTED, actor=actor, reason=_reason(reason)
    )


@transaction.atomic
def household_request_changes(*, household_id: int, actor, reason: str) -> Household:
    household = _decide(household_id, actor, S.NEEDS_CHANGES)
    return household_transition(
        household_id=household.id, to=S.NEEDS_CHANGES, actor=actor, reason=_reason(reason)
    )
