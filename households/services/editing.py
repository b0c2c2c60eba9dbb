"""Nomination and editing: an officer creates a household (draft), edits it while it is a draft
or returned for changes, and submits it to the verifier. Each write is atomic and leaves an
event row."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.scoping import scope_for
from core.errors import ApplicationError, Conflict, Forbidden
from households.lifecycle import household_transition
from households.models import Household, HouseholdEvent
from households.services.privacy import record_consent
from households.services.shared import (
    NOMINATING_ROLES,
    S,
    duplicate_error,
    is_cccd_conflict,
    locked_household,
    raise_field_errors,
    record_act,
    require_role,
)
from households.validation import check_consent, check_facts
from places.models import Commune, Village

EDITABLE = (S.DRAFT, S.NEEDS_CHANGES)


def commune_for_nomination(*, actor, code) -> Commune:
    """The commune by its code, if the actor nominates there; else a clear error."""
    code = str(code or "").strip()
    commune = Commune.objects.filter(code=code, province__active=True).first() if code else None
    if commune is None:
        message = _("“%(code)s” is not the code of a commune where the programme works.") % {
            "code": code
        }
        raise ApplicationError(message, code="unknown_commune", fields={"commune": [message]})
    if not scope_for(actor).covers_commune(commune.code, *NOMINATING_ROLES):
        message = _("You are not assigned to %(commune)s, so you cannot nominate there.") % {
            "commune": commune.name
        }
        raise Forbidden(message, code="commune_not_in_scope", fields={"commune": [message]})
    return commune


def _village_in(commune: Commune, village) -> Village | None:
    if village in (None, ""):
        return None
    village_id = village.pk if isinstance(village, Village) else village
    try:
        found = Village.objects.filter(commune=commune, id=int(village_id)).first()
    except (TypeError, ValueError):
        found = None
    if found is None:
        message = _("This village is not in %(commune)s.") % {"commune": commune.name}
        raise ApplicationError(message, code="invalid_village", fields={"village": [message]})
    return found


def _save(household: Household, **kwargs) -> None:
    """Save, turning the one-active-household-per-CCCD constraint into a 409."""
    try:
        with transaction.atomic():
            household.save(**kwargs)
    except IntegrityError as error:
        if is_cccd_conflict(error):
            raise duplicate_error() from None
        raise


@transaction.atomic
def household_create(
    *,
    actor,
    commune,
    head_name,
    cccd,
    poverty_status,
    phone_situation,
    coverage_4g,
    village=None,
    members=1,
    school_age_children=0,
    elderly=0,
    disabled=0,
    poverty_certificate_no="",
    poverty_certificate_year=None,
    deprivations=(),
    need="",
    consent: dict | None = None,
) -> Household:
    """Nominate a household (status draft). The officer must cover the commune; the CCCD is
    checked, then kept only as a keyed hash plus its last 4 digits."""
    facts = {
        "head_name": head_name,
        "cccd": cccd,
        "members": members,
        "school_age_children": school_age_children,
        "elderly": elderly,
        "disabled": disabled,
        "poverty_status": poverty_status,
        "poverty_certificate_no": poverty_certificate_no,
        "poverty_certificate_year": poverty_certificate_year,
        "deprivations": deprivations,
        "phone_situation": phone_situation,
        "coverage_4g": coverage_4g,
        "need": need,
    }
    clean, errors = check_facts(facts)
    clean_consent, consent_errors = check_consent(consent)
    errors.update(consent_errors)
    target = commune_for_nomination(actor=actor, code=getattr(commune, "code", commune))
    raise_field_errors(errors)
    checked = clean.pop("cccd")
    household = Household(
        commune=target,
        village=_village_in(target, village),
        cccd_hash=checked.hash,
        cccd_last4=checked.last4,
        created_by=actor,
        **clean,
    )
    _save(household)
    HouseholdEvent.objects.create(
        household=household, actor=actor, old_status="", new_status=S.DRAFT
    )
    if clean_consent:
        record_consent(household, actor, clean_consent)
    return household


@transaction.atomic
def check_editable(household: Household, actor) -> None:
    """Who may edit which household: an officer of its commune, while it is a draft or returned
    for changes (Forbidden, NotFound or Conflict otherwise). The edit page asks this before it
    shows the form, so nobody fills in a form they may not save."""
    require_role(actor, household, NOMINATING_ROLES)
    if household.status not in EDITABLE or household.is_anonymised:
        raise Conflict(
            _("Only a draft or a nomination returned for changes can be edited."),
            code="not_editable",
        )


def household_update(*, household_id: int, actor, **changes) -> Household:
    """Edit a draft or a returned nomination. The editor is remembered (four eyes)."""
    household = locked_household(household_id)
    check_editable(household, actor)
    consent = changes.pop("consent", None)
    clean, errors = check_facts(changes, partial=True)
    clean_consent, consent_errors = check_consent(consent) if consent is not None else (None, {})
    errors.update(consent_errors)
    if "commune" in changes:
        commune = commune_for_nomination(
            actor=actor, code=getattr(changes["commune"], "code", changes["commune"])
        )
    else:
        commune = household.commune
    raise_field_errors(errors)
    changed: list[str] = []
    if commune.code != household.commune_id:
        household.commune = commune
        changed.append("commune")
    if "village" in changes or "commune" in changed:
        village = _village_in(commune, changes.get("village", household.village_id))
        if (village.pk if village else None) != household.village_id:
            household.village = village
            changed.append("village")
    checked = clean.pop("cccd", None)
    if checked is not None and checked.hash != household.cccd_hash:
        household.cccd_hash, household.cccd_last4 = checked.hash, checked.last4
        changed.append("cccd")
    for field, value in clean.items():
        if getattr(household, field) != value:
            setattr(household, field, value)
            changed.append(field)
    if changed:
        _save(household)
        # Field names only, never values: the event log must not become a copy of the data.
        record_act(household, actor, HouseholdEvent.Kind.EDITED, data={"fields": sorted(changed)})
    if clean_consent is not None:
        record_consent(household, actor, clean_consent)
    return household


@transaction.atomic
def household_submit(*, household_id: int, actor) -> Household:
    """Send a nomination to the verifier. No consent to processing, no submission."""
    household = locked_household(household_id)
    require_role(actor, household, NOMINATING_ROLES)
    if household.status == S.REJECTED:
        raise Conflict(
            _("A rejected household goes back to the verifiers only by an appeal, with a reason."),
            code="appeal_required",
        )
    if not household.consent_processing:
        message = _(
            "Record the household's consent to the processing of its data before submitting."
        )
        raise ApplicationError(message, code="consent_required", fields={"consent": [message]})
    return household_transition(household_id=household.id, to=S.SUBMITTED, actor=actor)


BULK_SUBMIT_MAX = 5000  # households in one bulk submission (an import's size)


def households_submit(*, household_ids, actor) -> dict:
    """Submit several nominations at once (the ticked rows of an import): each through
    `household_submit` in its own transaction, so one that cannot go yet (no consent recorded,
    say) does not hold back the others. Returns {"submitted": [ids], "refused": [{"id", "code",
    "message"}]}; a household submitted already counts as submitted (a double click)."""
    if not scope_for(actor).has_role(*NOMINATING_ROLES):
        raise Forbidden(_("Only commune officers can submit nominations."), code="role_required")
    ids = None
    if isinstance(household_ids, list | tuple):
        try:
            ids = sorted({int(i) for i in household_ids})
        except (TypeError, ValueError):
            ids = None
    if not ids:
        message = _("Tick at least one household.")
        raise ApplicationError(message, code="nothing_chosen", fields={"households": [message]})
    if len(ids) > BULK_SUBMIT_MAX:
        message = _("Submit at most %(n)s households at once.") % {"n": BULK_SUBMIT_MAX}
        raise ApplicationError(message, code="too_many", fields={"households": [message]})
    submitted, refused = [], []
    for household_id in ids:
        try:
            household_submit(household_id=household_id, actor=actor)
        except ApplicationError as error:
            refused.append({"id": household_id, "code": error.code, "message": str(error.message)})
        else:
            submitted.append(household_id)
    return {"submitted": submitted, "refused": refused}
