"""Every write to households: nomination, edits, consent, the verification decisions and the
data-subject requests. Each is atomic and leaves an event row. Pages and API call these, so the
rules (scope, four eyes, consent, dedup) hold whichever door is used."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.scoping import scope_for
from core.errors import ApplicationError, Conflict, Forbidden, NotFound
from households.fast_insert import insert_rows
from households.lifecycle import household_transition
from households.models import ConsentRecord, Household, HouseholdEvent
from households.validation import check_consent, check_facts
from places.models import Commune, Village

S = Household.Status
# Who may nominate and edit, and who may decide on a nomination.
NOMINATING_ROLES = (Role.OFFICER,)
DECIDING_ROLES = (Role.VERIFIER,)
EDITABLE = (S.DRAFT, S.NEEDS_CHANGES)


def _raise_field_errors(errors: dict[str, str], *, code: str = "invalid") -> None:
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


def commune_for_nomination(*, actor, code) -> Commune:
    """The commune by its code, if the actor nominates there; else a clear error."""
    code = str(code or "").strip()
    commune = Commune.objects.filter(code=code).first() if code else None
    if commune is None:
        message = _("“%(code)s” is not the code of a commune of Quảng Trị.") % {"code": code}
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


def _locked(household_id: int) -> Household:
    household = (
        Household.objects.select_for_update().select_related("commune").filter(id=household_id)
    ).first()
    if household is None:
        raise NotFound(_("There is no such household."))
    return household


def _require(actor, household: Household, roles: tuple[str, ...]) -> None:
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


def _save(household: Household, **kwargs) -> None:
    """Save, turning the one-active-household-per-CCCD constraint into a 409."""
    try:
        with transaction.atomic():
            household.save(**kwargs)
    except IntegrityError as error:
        if is_cccd_conflict(error):
            raise duplicate_error() from None
        raise


def _event(household: Household, actor, kind: str, *, reason: str = "", data=None):
    return HouseholdEvent.objects.create(
        household=household,
        actor=actor,
        kind=kind,
        old_status=household.status,
        new_status=household.status,
        reason=reason,
        data=data or {},
    )


def _record_consent(household: Household, actor, consent: dict, *, withdrawn=False):
    record = ConsentRecord.objects.create(
        household=household,
        processing=consent["processing"],
        share_story=consent["share_story"],
        share_photo=consent["share_photo"],
        method=consent["method"],
        witness_name=consent.get("witness_name", ""),
        withdrawn=withdrawn,
        recorded_by=actor,
    )
    household.consent_processing = consent["processing"]
    household.consent_share_story = consent["share_story"]
    household.consent_share_photo = consent["share_photo"]
    household.save(
        update_fields=[
            "consent_processing",
            "consent_share_story",
            "consent_share_photo",
            "updated_at",
        ]
    )
    _event(
        household,
        actor,
        HouseholdEvent.Kind.CONSENT,
        data={
            "processing": record.processing,
            "share_story": record.share_story,
            "share_photo": record.share_photo,
            "method": record.method,
            "withdrawn": withdrawn,
        },
    )
    return record


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
    _raise_field_errors(errors)
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
        _record_consent(household, actor, clean_consent)
    return household


@transaction.atomic
def household_update(*, household_id: int, actor, **changes) -> Household:
    """Edit a draft or a returned nomination. The editor is remembered (four eyes)."""
    household = _locked(household_id)
    _require(actor, household, NOMINATING_ROLES)
    if household.status not in EDITABLE or household.is_anonymised:
        raise Conflict(
            _("Only a draft or a nomination returned for changes can be edited."),
            code="not_editable",
        )
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
    _raise_field_errors(errors)
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
        _event(household, actor, HouseholdEvent.Kind.EDITED, data={"fields": sorted(changed)})
    if clean_consent is not None:
        _record_consent(household, actor, clean_consent)
    return household


@transaction.atomic
def household_record_consent(
    *,
    household_id: int,
    actor,
    processing,
    share_story=False,
    share_photo=False,
    method="",
    witness_name="",
) -> ConsentRecord:
    household = _locked(household_id)
    _require(actor, household, NOMINATING_ROLES)
    if household.is_anonymised or household.status == S.INACTIVE:
        raise Conflict(_("This household is no longer on the list."), code="inactive")
    consent = {
        "processing": processing,
        "share_story": share_story,
        "share_photo": share_photo,
        "method": method or None,
        "witness_name": witness_name,
    }
    clean, errors = check_consent(consent)
    _raise_field_errors(errors)
    if clean is None or not clean["processing"]:
        raise ApplicationError(
            _("To withdraw consent to processing, use “Withdraw consent”: it removes the data."),
            code="use_withdraw",
            fields={"consent": [_("Consent to processing is needed to keep a household listed.")]},
        )
    return _record_consent(household, actor, clean)


@transaction.atomic
def household_submit(*, household_id: int, actor) -> Household:
    """Send a nomination to the verifier. No consent to processing, no submission."""
    household = _locked(household_id)
    _require(actor, household, NOMINATING_ROLES)
    if not household.consent_processing:
        message = _(
            "Record the household's consent to the processing of its data before submitting."
        )
        raise ApplicationError(message, code="consent_required", fields={"consent": [message]})
    return household_transition(household_id=household.id, to=S.SUBMITTED, actor=actor)


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
    """Nominated it, edited it or recorded its consent: such a person may not decide on it."""
    if household.created_by_id == user.id:
        return True
    return HouseholdEvent.objects.filter(
        household_id=household.id,
        actor_id=user.id,
        kind__in=[HouseholdEvent.Kind.EDITED, HouseholdEvent.Kind.CONSENT],
    ).exists()


def _decide(household_id: int, actor) -> Household:
    household = _locked(household_id)
    _require(actor, household, DECIDING_ROLES)
    if has_worked_on(household, actor):
        raise Forbidden(
            _(
                "Four eyes: you nominated or edited this household, so another verifier "
                "must decide on it."
            ),
            code="four_eyes",
        )
    return household


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        message = _("Give a reason: the officer will read it.")
        raise ApplicationError(message, code="reason_required", fields={"reason": [message]})
    return reason


@transaction.atomic
def household_verify(*, household_id: int, actor, near_duplicate_reason: str = "") -> Household:
    """A second person approves a submitted nomination. Near-duplicates must be confirmed as
    different households with a reason, which is kept in the event."""
    household = _decide(household_id, actor)
    duplicates = list(near_duplicates_of(household).values_list("id", flat=True))
    data = {}
    if duplicates:
        near_duplicate_reason = (near_duplicate_reason or "").strip()
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
    household = _decide(household_id, actor)
    return household_transition(
        household_id=household.id, to=S.REJECTED, actor=actor, reason=_reason(reason)
    )


@transaction.atomic
def household_request_changes(*, household_id: int, actor, reason: str) -> Household:
    household = _decide(household_id, actor)
    return household_transition(
        household_id=household.id, to=S.NEEDS_CHANGES, actor=actor, reason=_reason(reason)
    )


def _scrub(household: Household, actor, reason: str) -> None:
    household.head_name = ""
    household.cccd_hash = None
    household.cccd_last4 = ""
    household.village = None
    household.need = ""
    household.poverty_certificate_no = ""
    household.consent_processing = False
    household.consent_share_story = False
    household.consent_share_photo = False
    household.anonymised_at = timezone.now()
    household.save()
    household.consents.update(witness_name="")
    _event(household, actor, HouseholdEvent.Kind.ANONYMISED, reason=reason)


@transaction.atomic
def household_anonymise(*, household_id: int, actor, reason: str) -> Household:
    """A data-subject deletion request: name, CCCD hash and last digits, village, need text and
    certificate number go; counts, commune, priority and history stay (the statistics remain).
    A household still waiting for a phone leaves the list (inactive); one that holds or received
    a phone keeps its status, so the phone's journey stays whole. It cannot be undone, so the
    request it answers (when and how the household asked) is required and kept in the event."""
    household = _locked(household_id)
    _require(actor, household, NOMINATING_ROLES + DECIDING_ROLES)
    reason = (reason or "").strip()
    if not reason:
        message = _("Describe the household's request.")
        raise ApplicationError(message, code="reason_required", fields={"reason": [message]})
    if household.is_anonymised:
        return household
    if household.status not in (S.ALLOCATED, S.SERVED, S.INACTIVE):
        household = household_transition(
            household_id=household.id,
            to=S.INACTIVE,
            actor=actor,
            reason=reason,
        )
    _scrub(household, actor, reason)
    return household


@transaction.atomic
def household_withdraw_consent(
    *,
    household_id: int,
    actor,
    method: str,
    witness_name: str = "",
) -> Household:
    """The household withdraws consent to processing: it leaves the list and is anonymised. It
    cannot be undone, so how the withdrawal was given (method, witness) is required, as for
    consent itself."""
    household = _locked(household_id)
    _require(actor, household, NOMINATING_ROLES)
    if method not in ConsentRecord.Method.values:  # no default: it is recorded as given
        _raise_field_errors(
            {
                "method": _(
                    "Choose how consent was given: signed paper form, thumbprint or before a "
                    "witness."
                )
            }
        )
    if household.is_anonymised:
        return household
    _clean, errors = check_consent(
        {"processing": True, "method": method, "witness_name": witness_name}
    )
    _raise_field_errors(errors)
    _record_consent(
        household,
        actor,
        {
            "processing": False,
            "share_story": False,
            "share_photo": False,
            "method": method,
            "witness_name": witness_name,
        },
        withdrawn=True,
    )
    if household.status != S.INACTIVE:
        household = household_transition(
            household_id=household.id,
            to=S.INACTIVE,
            actor=actor,
            reason=_("Consent withdrawn"),
        )
    _scrub(household, actor, _("Consent withdrawn"))
    return household


@transaction.atomic
def household_export_personal_data(*, household_id: int, actor) -> dict:
    """Everything we hold about one household, for its right of access (JSON). The export
    itself is logged."""
    household = _locked(household_id)
    _require(actor, household, NOMINATING_ROLES + DECIDING_ROLES)
    household = (
        Household.objects.select_related("commune", "village", "created_by")
        .prefetch_related("consents", "events")
        .get(id=household.id)
    )
    local = timezone.localtime
    data = {
        "id": household.id,
        "exported_at": local().isoformat(),
        "commune": {"code": household.commune_id, "name": household.commune.name},
        "village": household.village.name if household.village else None,
        "head_name": household.head_name,
        "cccd_last4": household.cccd_last4,
        "cccd_note": str(
            _("The full citizen ID number is not stored: only a keyed hash and its last 4 digits.")
        ),
        "members": household.members,
        "school_age_children": household.school_age_children,
        "elderly": household.elderly,
        "disabled": household.disabled,
        "poverty_status": household.poverty_status,
        "poverty_certificate_no": household.poverty_certificate_no,
        "poverty_certificate_year": household.poverty_certificate_year,
        "deprivations": household.deprivations,
        "phone_situation": household.phone_situation,
        "coverage_4g": household.coverage_4g,
        "need": household.need,
        "status": household.status,
        "priority": household.priority,
        "nominated_by": household.created_by.get_full_name(),
        "created_at": local(household.created_at).isoformat(),
        "anonymised_at": local(household.anonymised_at).isoformat()
        if household.anonymised_at
        else None,
        "consents": [
            {
                "processing": c.processing,
                "share_story": c.share_story,
                "share_photo": c.share_photo,
                "method": c.method,
                "witness_name": c.witness_name,
                "withdrawn": c.withdrawn,
                "recorded_at": local(c.recorded_at).isoformat(),
            }
            for c in household.consents.all()
        ],
        "events": [
            {
                "kind": e.kind,
                "from": e.old_status,
                "to": e.new_status,
                "reason": e.reason,
                "at": local(e.at).isoformat(),
            }
            for e in household.events.all()
        ],
    }
    _event(household, actor, HouseholdEvent.Kind.EXPORTED)
    return data


# ------------------------------------------------------------------------------ Excel import


def _import_report(checked, *, committed: bool, batch=None) -> dict:
    return {
        "import_id": batch.id if batch else None,
        "rows": checked.rows,
        "valid": checked.ok,
        "committed": committed,
        "created": len(checked.households) if committed else 0,
        "errors": [e.as_dict() for e in checked.errors],
    }


def _file_error(error) -> ApplicationError:
    return ApplicationError(error.message, code=error.code, fields={"file": [error.message]})


def household_import(*, actor, content: bytes, file_name: str = "", commit: bool = False) -> dict:
    """Check an Excel file of nominations; with commit, create all its households or none.

    Returns {"rows", "valid", "committed", "created", "errors": [{"row", "column", "message"}]}.
    A file that cannot be read raises ApplicationError (not_excel, wrong_headers, no_rows…);
    a commit with row errors raises ApplicationError `import_invalid` carrying the report."""
    from households.excel import ImportFileError, check_file

    if not scope_for(actor).has_role(*NOMINATING_ROLES):
        raise Forbidden(_("Only commune officers can import households."), code="role_required")
    try:
        checked = check_file(content, actor=actor)
    except ImportFileError as error:
        raise _file_error(error) from None
    if not commit:
        return _import_report(checked, committed=False)
    if not checked.ok:
        report = _import_report(checked, committed=False)
        error = ApplicationError(
            _("%(n)s errors in the file: nothing was imported. Correct them and upload again.")
            % {"n": len(checked.errors)},
            code="import_invalid",
            fields={"file": [e["message"] for e in report["errors"][:20]]},
        )
        error.report = report
        raise error
    batch = _commit_checked(checked, actor=actor, file_name=file_name)
    return _import_report(checked, committed=True, batch=batch)


@transaction.atomic
def _commit_checked(checked, *, actor, file_name: str, batch=None):
    from households.models import HouseholdImport

    now = timezone.now()
    if batch is None:
        batch = HouseholdImport.objects.create(
            uploaded_by=actor, file_name=file_name[:200], rows=checked.rows
        )
    for household in checked.households:
        household.created_by = actor
        household.import_batch = batch
        household.created_at = household.updated_at = now
    try:
        with transaction.atomic():
            insert_rows(Household, checked.households)
    except IntegrityError as error:
        if is_cccd_conflict(error):
            # Someone registered one of these people between the check and the commit.
            raise duplicate_error() from None
        raise
    ids = dict(Household.objects.filter(import_batch=batch).values_list("cccd_hash", "id"))
    events = []
    consents = []
    for household, consent in zip(checked.households, checked.consents, strict=True):
        household.id = ids[household.cccd_hash]
        events.append(
            HouseholdEvent(
                household_id=household.id,
                actor=actor,
                old_status="",
                new_status=S.DRAFT,
                data={"import": batch.id},
                at=now,
            )
        )
        if consent:
            consents.append(
                ConsentRecord(
                    household_id=household.id,
                    recorded_by=actor,
                    recorded_at=now,
                    **consent,
                )
            )
            events.append(
                HouseholdEvent(
                    household_id=household.id,
                    actor=actor,
                    kind=HouseholdEvent.Kind.CONSENT,
                    old_status=S.DRAFT,
                    new_status=S.DRAFT,
                    data={"method": consent["method"], "import": batch.id},
                    at=now,
                )
            )
    insert_rows(HouseholdEvent, events)
    insert_rows(ConsentRecord, consents)
    batch.status = HouseholdImport.Status.COMMITTED
    batch.created = len(checked.households)
    batch.rows = checked.rows
    batch.error_count = 0
    batch.content = b""  # names and ID numbers do not outlive the import
    batch.committed_at = now
    batch.save()
    return batch


@transaction.atomic
def household_import_upload(*, actor, content: bytes, file_name: str):
    """Keep an uploaded file between its preview and its commit (pages work without scripts,
    so the file must wait on the server). Returns (import, report)."""
    from households.models import HouseholdImport

    report = household_import(actor=actor, content=content, file_name=file_name)
    # A newer upload replaces the officer's waiting previews: files with names and ID numbers
    # are not left lying around.
    HouseholdImport.objects.filter(
        uploaded_by=actor, status=HouseholdImport.Status.PREVIEWED
    ).update(status=HouseholdImport.Status.DISCARDED, content=b"")
    batch = HouseholdImport.objects.create(
        uploaded_by=actor,
        file_name=(file_name or "")[:200],
        content=content if report["valid"] else b"",
        rows=report["rows"],
        error_count=len(report["errors"]),
    )
    report["import_id"] = batch.id
    return batch, report


def household_import_commit(*, actor, import_id: int) -> dict:
    """Commit a previewed upload: checked again (the list may have changed), all or nothing."""
    from households.excel import ImportFileError, check_file
    from households.models import HouseholdImport

    batch = HouseholdImport.objects.filter(id=import_id, uploaded_by=actor).first()
    if batch is None:
        raise NotFound(_("There is no such import."))
    if batch.status != HouseholdImport.Status.PREVIEWED or not batch.content:
        raise Conflict(_("This file has already been imported or discarded."), code="import_done")
    try:
        checked = check_file(bytes(batch.content), actor=actor)
    except ImportFileError as error:
        raise _file_error(error) from None
    if not checked.ok:
        error = ApplicationError(
            _("%(n)s errors in the file: nothing was imported. Correct them and upload again.")
            % {"n": len(checked.errors)},
            code="import_invalid",
        )
        error.report = _import_report(checked, committed=False, batch=batch)
        raise error
    with transaction.atomic():
        locked = HouseholdImport.objects.select_for_update().get(id=batch.id)
        if locked.status != HouseholdImport.Status.PREVIEWED:
            raise Conflict(
                _("This file has already been imported or discarded."), code="import_done"
            )
        _commit_checked(checked, actor=actor, file_name=batch.file_name, batch=locked)
    return _import_report(checked, committed=True, batch=batch)
