"""The Excel import of nominations: check a file (preview), keep it between preview and commit,
and commit all its households or none. Reading and checking the file is households/excel/."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scoping import scope_for
from core.errors import ApplicationError, Conflict, Forbidden, NotFound
from households.excel.reading import ImportFileError, check_file
from households.fast_insert import insert_rows
from households.models import ConsentRecord, Household, HouseholdEvent, HouseholdImport
from households.services.shared import NOMINATING_ROLES, S, duplicate_error, is_cccd_conflict


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
