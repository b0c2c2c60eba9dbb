"""The four-eyes verification: a verifier who did not nominate, edit or record the consent of a
household verifies it, rejects it or returns it for changes (with a reason the officer reads).
An officer of the commune may appeal a rejection (`household_appeal`): the household goes back
to the verifiers' queue, and the verifier who rejected it may not decide it again (a rejection
is a step in the household's history for households.selectors.steps_by)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.errors import ApplicationError, Conflict, Forbidden
from core.text import nfc
from households.lifecycle import HOUSEHOLD, household_transition
from households.models import Household, HouseholdEvent
from households.selectors import steps_by
from households.services.renewal import latest_year
from households.services.shared import (
    DECIDING_ROLES,
    NOMINATING_ROLES,
    S,
    duplicate_error,
    is_cccd_conflict,
    locked_household,
    require_role,
)


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


def rejected_by(household: Household, user) -> bool:
    """The user rejected this household once (then only another verifier decides its appeal)."""
    return household.events.filter(
        actor_id=user.id, kind=HouseholdEvent.Kind.STATUS, new_status=S.REJECTED
    ).exists()


def _decide(household_id: int, actor, to: str) -> Household:
    """Lock the household and check, in this order: the verifier's role, that the table allows
    the decision now (a 409 says more than four eyes about a household no longer submitted), and
    four eyes."""
    household = locked_household(household_id)
    require_role(actor, household, DECIDING_ROLES)
    # Only a submitted nomination is decided: the table also lets an allocated or served
    # household become verified again, but that is a release or a return, not a decision.
    if household.status != S.SUBMITTED:
        raise HOUSEHOLD.refuse(household.status, to)
    HOUSEHOLD.check_move(household.status, to)
    if rejected_by(household, actor):
        raise Forbidden(
            _(
                "Four eyes: you rejected this household before, so another verifier must "
                "decide on its appeal."
            ),
            code="four_eyes",
        )
    if has_worked_on(household, actor):
        raise Forbidden(
            _(
                "Four eyes: you nominated, edited or submitted this household, so another "
                "verifier must decide on it."
            ),
            code="four_eyes",
        )
    return household


def _require_current_certificate(household: Household) -> None:
    """A household whose certificate is older than its commune's latest published poverty list
    is not verified (it would be matched on a lapsed certificate): the officer updates it."""
    latest = latest_year(household.commune_id)
    if latest and (household.poverty_certificate_year or 0) < latest:
        message = _(
            "The commune's poverty list of %(year)s is published, and this household's "
            "certificate is older: return it for changes so the officer records the new one."
        ) % {"year": latest}
        raise Conflict(
            message, code="certificate_lapsed", fields={"poverty_certificate_year": [message]}
        )


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
    _require_current_certificate(household)
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


@transaction.atomic
def household_appeal(*, household_id: int, actor, reason: str) -> Household:
    """An officer of the commune appeals a rejection with a reason: the household is submitted
    again, to the verifiers' queue, where the verifier who rejected it may not decide it. 409
    `not_rejected` for a household that is not rejected; 409 `duplicate_household` when its
    citizen ID is meanwhile held by another active household."""
    household = locked_household(household_id)
    require_role(actor, household, NOMINATING_ROLES)
    if household.status != S.REJECTED or household.is_anonymised:
        raise Conflict(
            _("Only a rejected household can be appealed (this one is “%(status)s”).")
            % {"status": household.get_status_display()},
            code="not_rejected",
        )
    reason = _reason(reason)
    rejection = (
        household.events.filter(kind=HouseholdEvent.Kind.STATUS, new_status=S.REJECTED)
        .order_by("-at", "-id")
        .first()
    )
    data = {"appeal": True, "rejected_by": rejection.actor_id if rejection else None}
    try:
        with transaction.atomic():
            return household_transition(
                household_id=household.id, to=S.SUBMITTED, actor=actor, reason=reason, data=data
            )
    except IntegrityError as error:
        if is_cccd_conflict(error):
            raise duplicate_error() from None
        raise
