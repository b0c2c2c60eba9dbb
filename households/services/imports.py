"""The Excel import of nominations: check a file (preview), keep it between preview and commit,
and commit all its households or none. Reading and checking the file is households/excel/."""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.scoping import scope_for
from core.errors import ApplicationError, Conflict, Forbidden, NotFound
from core.outbox import owe
from households.excel.reading import ImportFileError, check_file, check_size
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
        "preview": _preview(checked),
    }


def _file_error(error) -> ApplicationError:
    return ApplicationError(error.message, code=error.code, fields={"file": [error.message]})


def household_import(*, actor, content: bytes, file_name: str = "", commit: bool = False) -> dict:
    """Check an Excel file of nominations; with commit, create all its households or none.

    Returns {"rows", "valid", "committed", "created", "errors": [{"row", "column", "message"}]}.
    A file that cannot be read raises ApplicationError (not_excel, wrong_headers, no_rows…);
    a commit with row errors raises ApplicationError `import_invalid` carrying the report."""

    _require_officer(actor)
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
    batch.report = {}
    batch.committed_at = now
    batch.save()
    return batch


PREVIEW_ROWS = 50  # the rows a preview lists (its first page)
ERRORS_KEPT = 1000  # the row errors a checked upload keeps for its page


def _preview(checked) -> list[dict]:
    """The first rows read, as the preview lists them (the uploader's own data)."""
    rows = []
    for number, household, consent in zip(
        checked.numbers[:PREVIEW_ROWS],
        checked.households[:PREVIEW_ROWS],
        checked.consents[:PREVIEW_ROWS],
        strict=True,
    ):
        rows.append(
            {
                "row": number,
                "head_name": household.head_name,
                "commune": household.commune.name,
                "village": household.village.name if household.village_id else "",
                "members": household.members,
                "poverty_status": household.poverty_status,
                "priority": household.priority_score,
                "consent": bool(consent and consent.get("processing")),
            }
        )
    return rows


def _require_officer(actor) -> None:
    if not scope_for(actor).has_role(*NOMINATING_ROLES):
        raise Forbidden(_("Only commune officers can import households."), code="role_required")


def household_import_upload(*, actor, content: bytes, file_name: str) -> HouseholdImport:
    """Keep an uploaded file and have a worker check it (a list of thousands of rows takes
    seconds; its page shows how many rows are checked so far). Pages work without scripts, so
    the file waits on the server between its check and its commit. In the embedded mode (eager
    Celery) the check runs at once and the upload comes back checked."""
    _require_officer(actor)
    try:
        check_size(content)
    except ImportFileError as error:
        raise _file_error(error) from None
    eager = settings.CELERY_TASK_ALWAYS_EAGER
    with transaction.atomic():
        # A newer upload replaces the officer's waiting ones: files with names and ID numbers
        # are not left lying around.
        HouseholdImport.objects.filter(
            uploaded_by=actor,
            status__in=[HouseholdImport.Status.PREVIEWED, HouseholdImport.Status.CHECKING],
        ).update(status=HouseholdImport.Status.DISCARDED, content=b"", report={})
        batch = HouseholdImport.objects.create(
            uploaded_by=actor,
            file_name=(file_name or "")[:200],
            content=content,
            status=HouseholdImport.Status.CHECKING,
            report={"language": get_language() or settings.LANGUAGE_CODE},
        )
        if not eager:
            # Queued through the outbox with the upload: a broker that is down cannot turn the
            # upload into a 500, and the check starts as soon as the broker is back.
            owe(
                "households.tasks.household_import_check_enqueue",
                batch.id,
                key=f"import:{batch.id}",
            )
    if eager:
        from households.tasks import household_import_check_task

        household_import_check_task.delay(batch.id)
        batch.refresh_from_db()
    return batch


def household_import_check(*, import_id: int) -> HouseholdImport | None:
    """Check an upload waiting for its check (in a worker), saving how many rows were read as
    it goes, then its errors and a preview of its first rows. The messages are in the
    uploader's language. None when there is nothing to check (discarded meanwhile, or checked
    by an earlier delivery of the task)."""
    batch = (
        HouseholdImport.objects.select_related("uploaded_by")
        .filter(id=import_id, status=HouseholdImport.Status.CHECKING)
        .first()
    )
    if batch is None:
        return None
    waiting = HouseholdImport.objects.filter(id=import_id, status=HouseholdImport.Status.CHECKING)

    def progress(rows: int) -> None:
        waiting.update(rows_checked=rows)

    with translation.override(batch.report.get("language") or settings.LANGUAGE_CODE):
        try:
            checked = check_file(bytes(batch.content), actor=batch.uploaded_by, progress=progress)
        except ImportFileError as error:
            waiting.update(
                status=HouseholdImport.Status.DISCARDED,
                content=b"",
                report={"problem": str(error.message), "code": error.code},
            )
            return HouseholdImport.objects.get(id=import_id)
        errors = [e.as_dict() for e in checked.errors]
        report = {"errors": errors[:ERRORS_KEPT], "preview": _preview(checked)}
    fields = {
        "status": HouseholdImport.Status.PREVIEWED,
        "rows": checked.rows,
        "rows_checked": checked.rows,
        "error_count": len(errors),
        "report": report,
    }
    if not checked.ok:
        fields["content"] = b""  # nothing can be imported from it: its data is not kept
    waiting.update(**fields)
    return HouseholdImport.objects.get(id=import_id)


def household_import_commit(*, actor, import_id: int) -> dict:
    """Commit a previewed upload: checked again (the list may have changed), all or nothing."""
    batch = HouseholdImport.objects.filter(id=import_id, uploaded_by=actor).first()
    if batch is None:
        raise NotFound(_("There is no such import."))
    if batch.status == HouseholdImport.Status.CHECKING:
        raise Conflict(_("The file is still being checked."), code="import_checking")
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
