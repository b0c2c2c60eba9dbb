"""Reads of households, always narrowed through accounts/scoping.py: officers and verifiers see
the communes assigned to them, admins everything, coordinators, donors and the public nothing."""

from __future__ import annotations

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce

from accounts.models import Role
from accounts.scoping import filter_by_commune, scope_for
from core.errors import NotFound
from households.models import Household, HouseholdEvent, HouseholdImport, PovertyList, name_key
from places.models import Commune

STAFF_ROLES = (Role.OFFICER, Role.VERIFIER)


def nomination_communes(user) -> QuerySet[Commune]:
    """The communes where `user` may nominate (all those of the provinces the programme works
    in, for an admin), by name."""
    scope = scope_for(user)
    communes = Commune.objects.filter(province__active=True).order_by("name")
    if not scope.is_admin:
        communes = communes.filter(code__in=scope.communes(Role.OFFICER))
    return communes


def households_visible_to(user) -> QuerySet[Household]:
    return filter_by_commune(Household.objects.all(), user, *STAFF_ROLES)


def household_list(
    *, user, commune: str | None = None, status: str | None = None, q: str | None = None
) -> QuerySet[Household]:
    households = households_visible_to(user).select_related("commune", "village")
    if commune:
        households = households.filter(commune_id=commune)
    if status:
        households = households.filter(status=status)
    q = (q or "").strip()
    if q:
        if q.isdigit() and len(q) <= 4:
            households = households.filter(Q(cccd_last4=q) | Q(id=int(q)))
        else:
            households = households.filter(head_name_key__contains=name_key(q))
    return households.order_by("-priority_score", "id")


def household_get(*, user, household_id) -> Household:
    try:
        household_id = int(household_id)
    except (TypeError, ValueError):
        raise NotFound("") from None
    household = (
        households_visible_to(user)
        .select_related("commune", "village", "created_by")
        .filter(id=household_id)
        .first()
    )
    if household is None:
        from django.utils.translation import gettext as _

        raise NotFound(_("There is no such household."))
    return household


def household_timeline(*, household: Household) -> list[HouseholdEvent]:
    return list(household.events.select_related("actor").order_by("at", "id"))


def household_consents(*, household: Household) -> list:
    return list(household.consents.select_related("recorded_by").order_by("recorded_at", "id"))


def last_return(*, household: Household) -> HouseholdEvent | None:
    """The verifier's last decision that sent the nomination back or rejected it (the why)."""
    return (
        household.events.filter(
            kind=HouseholdEvent.Kind.STATUS,
            new_status__in=[Household.Status.NEEDS_CHANGES, Household.Status.REJECTED],
        )
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )


def _near_duplicate_exists():
    return Exists(
        Household.objects.filter(
            village_id=OuterRef("village_id"),
            head_name_key=OuterRef("head_name_key"),
            status__in=Household.ACTIVE_STATUSES,
        )
        .exclude(id=OuterRef("id"))
        .exclude(head_name_key="")
    )


# A verifier's own decisions (a return for changes, say) do not bar them from the next decision.
# A rejection does: a rejected household comes back only by an appeal, which another verifier
# decides (households.services.verification.household_appeal).
DECISIONS = (Household.Status.VERIFIED, Household.Status.NEEDS_CHANGES)


def steps_by(user_id: int) -> QuerySet[HouseholdEvent]:
    """The four-eyes rule's one definition: every step a person took in a household's history
    (nominating, editing, recording consent, submitting, rejecting, anything else) except
    verifying it or returning it for changes. Whoever took such a step may not decide on the
    household."""
    return HouseholdEvent.objects.filter(actor_id=user_id).exclude(
        kind=HouseholdEvent.Kind.STATUS, new_status__in=DECISIONS
    )


def verification_queue(*, user, commune: str | None = None) -> QuerySet[Household]:
    """Submitted nominations in the verifier's communes: the highest priority first, and among
    equals the one waiting longest (since its last submission, `waiting_since`). Each is marked
    with `has_near_duplicate`, `worked_on` (the verifier took a step in it: four eyes),
    `appealed` (rejected before, back by an officer's appeal) and `rejected_by_me`."""
    households = filter_by_commune(
        Household.objects.filter(status=Household.Status.SUBMITTED), user, Role.VERIFIER
    )
    if commune:
        households = households.filter(commune_id=commune)
    # When it was last submitted (a re-submission after changes waits from then); updated_at
    # moves with any edit or re-scoring, so it is only the fallback.
    submitted_at = (
        HouseholdEvent.objects.filter(
            household_id=OuterRef("id"),
            kind=HouseholdEvent.Kind.STATUS,
            new_status=Household.Status.SUBMITTED,
        )
        .order_by("-at", "-id")
        .values("at")[:1]
    )
    worked_on = Q(created_by_id=user.id) | Exists(
        steps_by(user.id).filter(household_id=OuterRef("id"))
    )
    rejections = HouseholdEvent.objects.filter(
        household_id=OuterRef("id"),
        kind=HouseholdEvent.Kind.STATUS,
        new_status=Household.Status.REJECTED,
    )
    appealed = Exists(rejections)
    return (
        households.select_related("commune", "village", "created_by")
        .annotate(has_near_duplicate=_near_duplicate_exists())
        .annotate(worked_on=ExpressionWrapper(worked_on, output_field=BooleanField()))
        .annotate(appealed=appealed, rejected_by_me=Exists(rejections.filter(actor_id=user.id)))
        .annotate(waiting_since=Coalesce(Subquery(submitted_at), F("updated_at")))
        .order_by("-priority_score", "waiting_since", "id")
    )


def imports_of(*, user) -> QuerySet[HouseholdImport]:
    return HouseholdImport.objects.filter(uploaded_by=user).defer("content")


def import_get(*, user, import_id) -> HouseholdImport:
    found = HouseholdImport.objects.filter(uploaded_by=user, id=import_id).first()
    if found is None:
        raise NotFound("")
    return found


def commune_households_for_export(*, user, commune: str) -> QuerySet[Household]:
    return (
        households_visible_to(user)
        .filter(commune_id=commune)
        .select_related("commune", "village")
        .order_by("village__name", "head_name_key", "id")
    )


def poverty_lists(*, user, commune: str | None = None) -> QuerySet[PovertyList]:
    """The poverty lists published in the user's communes (as an officer or verifier), newest
    first."""
    lists = filter_by_commune(PovertyList.objects.all(), user, *STAFF_ROLES)
    if commune:
        lists = lists.filter(commune_id=commune)
    return lists.select_related("commune").order_by("-year", "commune_id")


def renewal_communes(user) -> QuerySet[Commune]:
    """The communes whose renewal the user may see: officers' and verifiers' communes."""
    scope = scope_for(user)
    communes = Commune.objects.order_by("name")
    if not scope.is_admin:
        communes = communes.filter(code__in=scope.communes(*STAFF_ROLES))
    return communes


def lapsed_of(*, user, commune: str) -> QuerySet[Household]:
    """The commune's households waiting for re-confirmation (as the user may see them)."""
    return (
        households_visible_to(user)
        .filter(commune_id=commune, status=Household.Status.LAPSED)
        .select_related("village")
        .order_by("village__name", "head_name_key", "id")
    )


def renewal_summary(codes: list[str]) -> dict[str, tuple[int | None, int]]:
    """commune code → (its latest list's year, households waiting for re-confirmation), in two
    grouped queries."""
    years = dict(
        PovertyList.objects.filter(commune_id__in=codes)
        .values_list("commune_id")
        .annotate(latest=Max("year"))
    )
    lapsed = dict(
        Household.objects.filter(commune_id__in=codes, status=Household.Status.LAPSED)
        .order_by()
        .values_list("commune_id")
        .annotate(n=Count("id"))
    )
    return {code: (years.get(code), lapsed.get(code, 0)) for code in codes}
