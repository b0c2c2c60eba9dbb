"""Bank statements: read a CSV or xlsx statement and mark VietQR gifts paid by the memo in
each transfer's description. Safe to re-run: a statement line pays at most once."""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import ApplicationError, Forbidden
from core.media import removed_unless_done, save_file
from core.outbox import owe
from core.text import nfc
from core.xlsx import Limits, NotAnXlsx, TooLarge, read_sheet
from donations import money, vietqr
from donations.models import Gift, HeldMoney, StatementImport, StatementLine
from donations.services.errors import field_error
from donations.services.gifts import GIFT, gift_transition

STATEMENT_CELL_CHARACTERS = 2000  # a bank's transfer text is a few hundred at most
MEMO_RE = re.compile(r"NS[" + vietqr.MEMO_ALPHABET + r"]{8}")
HEADERS = {
    "date": ("date", "ngay", "ngày", "ngay giao dich", "ngày giao dịch", "booking date"),
    "amount": ("amount", "so tien", "số tiền", "credit", "ghi co", "ghi có", "số tiền ghi có"),
    "description": (
        "description",
        "noi dung",
        "nội dung",
        "memo",
        "dien giai",
        "diễn giải",
        "details",
    ),
    "reference": (
        "reference",
        "ma giao dich",
        "mã giao dịch",
        "so tham chieu",
        "số tham chiếu",
        "ref",
    ),
}


@dataclass
class StatementRow:
    number: int
    booked_on: date | None
    amount: int
    description: str
    reference: str


def _header_map(header: list) -> dict[str, int]:
    found = {}
    for index, cell in enumerate(header):
        name = nfc(str(cell or "")).strip().lower()
        for key, names in HEADERS.items():
            if name in names and key not in found:
                found[key] = index
    return found


def _parse_amount(value) -> int:
    if isinstance(value, (int, float)):
        if value != int(value):
            raise ValueError
        return int(value)
    text = str(value or "").strip().replace(" ", "").replace("VND", "").replace("đ", "")
    if re.fullmatch(r"\d{1,3}([.,]\d{3})+", text):
        text = re.sub(r"[.,]", "", text)
    if not re.fullmatch(r"\d+", text):
        raise ValueError
    return int(text)


def _parse_date(value) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and 20_000 < value < 80_000:
        # a date cell of a workbook: Excel's day number (1900 system; day 0 is 1899-12-30)
        return date(1899, 12, 30) + timedelta(days=int(value))
    text = str(value).strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M"):
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 (a calendar date)
        except ValueError:
            continue
    raise ValueError


def statement_rows(*, content: bytes, filename: str) -> tuple[list[StatementRow], list[dict]]:
    """Read a CSV or xlsx statement: the rows it could read and a list of broken rows."""
    raw = _statement_table(content, filename)
    header_at = next((i for i, row in enumerate(raw[:20]) if len(_header_map(row)) >= 2), None)
    if header_at is None:
        raise field_error(
            _(
                "The statement needs a header row with at least the columns “amount” and "
                "“description” (or “Số tiền” and “Nội dung”)."
            ),
            "invalid_statement",
            "file",
        )
    columns = _header_map(raw[header_at])
    if "amount" not in columns or "description" not in columns:
        raise field_error(
            _(
                "The statement needs the columns “amount” and “description” (or “Số tiền” and “Nội dung”)."
            ),
            "invalid_statement",
            "file",
        )
    rows, broken = [], []
    for number, row in enumerate(raw[header_at + 1 :], start=header_at + 2):
        if not any(str(c or "").strip() for c in row):
            continue
        try:
            rows.append(_statement_row(number, row, columns))
        except ValueError as error:
            broken.append({"row": number, "error": str(error)})
    return rows, broken


def _statement_table(content: bytes, filename: str) -> list[list]:
    """The cells of a .xlsx (its first sheet) or .csv statement, row by row. An upload is hostile
    until read: size, rows and cells are bounded (settings.STATEMENT_MAX_*), the .xlsx goes
    through core.xlsx's bounded reader, and every refusal is a 400 on the file."""
    if len(content) > settings.STATEMENT_MAX_BYTES:
        raise _refused(
            _("The statement is larger than %(mb)s MB. Split it by date into several files.")
            % {"mb": settings.STATEMENT_MAX_BYTES // (1024 * 1024)}
        )
    if _statement_kind(filename) == "xlsx":
        return _xlsx_table(content)
    return _csv_table(content)


def _statement_kind(filename: str) -> str:
    name = (filename or "").lower()
    for kind in ("xlsx", "csv"):
        if name.endswith("." + kind):
            return kind
    raise field_error(
        _("Upload the statement as a .csv or .xlsx file."), "invalid_statement", "file"
    )


def _refused(message: str):
    return field_error(message, "invalid_statement", "file")


def _too_many_rows():
    return _refused(
        _("The statement has more than %(n)s lines. Split it by date into several files.")
        % {"n": settings.STATEMENT_MAX_ROWS}
    )


def _xlsx_table(content: bytes) -> list[list]:
    limits = Limits(rows=settings.STATEMENT_MAX_ROWS + 20, columns=64)
    table: list[list] = []
    try:
        for number, values in read_sheet(content, sheet_name="", limits=limits):
            if number > limits.rows:
                raise _too_many_rows()
            table.extend([] for _gap in range(number - 1 - len(table)))  # empty rows kept
            table.append(values)
    except TooLarge as refused:
        raise _refused(refused.message) from None
    except NotAnXlsx:
        raise _refused(_("This is not an Excel (.xlsx) file we can read.")) from None
    return table


def _csv_table(content: bytes) -> list[list]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refused(_("Save the CSV file as UTF-8 and upload it again.")) from None
    try:
        dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;\t")
    except csv.Error:  # one column, or no delimiter in the first lines: read it as commas
        dialect = csv.excel
    cell_too_long = _refused(
        _("A cell of the statement holds more than %(n)s characters.")
        % {"n": STATEMENT_CELL_CHARACTERS}
    )
    table: list[list] = []
    try:
        for row in csv.reader(io.StringIO(text), dialect):
            if any(len(cell) > STATEMENT_CELL_CHARACTERS for cell in row):
                raise cell_too_long
            table.append(row)
            if len(table) > settings.STATEMENT_MAX_ROWS + 20:
                raise _too_many_rows()
    except csv.Error as error:  # a cell past the csv module's own limit, a broken quote...
        if "field larger than field limit" in str(error):
            raise cell_too_long from None
        raise _refused(
            _("This CSV file cannot be read. Export it again from the bank as CSV (UTF-8).")
        ) from None
    return table


def _statement_row(number: int, row: list, columns: dict[str, int]) -> StatementRow:
    """One line of the statement; ValueError saying what is wrong with it."""

    def cell(key):
        index = columns.get(key)
        return row[index] if index is not None and index < len(row) else None

    try:
        amount = _parse_amount(cell("amount"))
    except ValueError:
        raise ValueError(
            _("The amount “%(v)s” is not a whole number.") % {"v": cell("amount")}
        ) from None
    try:
        booked_on = _parse_date(cell("date"))
    except ValueError:
        raise ValueError(_("The date “%(v)s” is not a date.") % {"v": cell("date")}) from None
    description = nfc(str(cell("description") or "")).strip()
    if not description:
        raise ValueError(_("The description is empty."))
    reference = str(cell("reference") or "").strip()[:100]
    return StatementRow(number, booked_on, amount, description[:500], reference)


def _line_key(row: StatementRow) -> str:
    basis = row.reference or f"{row.booked_on}|{row.amount}|{row.description}"
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()


def _unmatched_reason(gift: Gift | None, row: StatementRow) -> str | None:
    """Why a statement line pays no gift, or None when it pays `gift`."""
    if gift is None:
        return _("No gift has this memo.")
    if gift.status == Gift.Status.PAID:
        return _("Gift %(memo)s was already paid by another line.") % {"memo": gift.memo}
    if not GIFT.may_move(gift.status, Gift.Status.PAID):
        return GIFT.refuse(gift.status, Gift.Status.PAID).message
    if row.amount < gift.amount:
        return _("%(got)s is less than the %(want)s pledged for %(memo)s.") % {
            "got": money.format_amount(row.amount, "VND"),
            "want": money.format_amount(gift.amount, "VND"),
            "memo": gift.memo,
        }
    return None


def statement_reconcile(*, content: bytes, filename: str, actor) -> StatementImport:
    """Mark VietQR gifts paid from a bank statement, by the memo in the transfer description.
    Safe to re-run: a line already used (same reference, or same date, amount and text) is
    counted as already reconciled and pays nothing twice.

    A short statement is reconciled now, all or nothing. A long one (over
    settings.STATEMENT_SYNC_ROWS lines, or a workbook over STATEMENT_SYNC_BYTES) is kept and
    reconciled in the background by `statement_process`, which the caller follows by the
    statement's `status` and `processed`.

    Every đồng ends somewhere visible: total = matched + already + held + not ours. A line above
    its gift pays the gift and holds the rest for review; a line naming several gifts pays none
    and is held whole; money for a gift that cannot take it is held; a line without a memo of
    ours is not ours. Held money is settled by a person (donations.services.held)."""
    from accounts.scoping import scope_for

    scope = scope_for(actor)
    if not scope.has_role("coordinator"):
        raise Forbidden(_("Only coordinators reconcile bank statements."), code="forbidden")
    rows = broken = None
    if _statement_kind(filename) == "csv" or len(content) <= settings.STATEMENT_SYNC_BYTES:
        # a CSV is read in well under a second even at the size limit, so its errors (header,
        # cells, rows) are told at once; a large workbook is read by the worker
        rows, broken = statement_rows(content=content, filename=filename)
    if rows is None or len(rows) > settings.STATEMENT_SYNC_ROWS:
        return _statement_queue(content=content, filename=filename, actor=actor)
    with transaction.atomic():
        statement = StatementImport.objects.create(
            uploaded_by=actor, filename=filename[:255], rows=len(rows) + len(broken), errors=broken
        )
        for row in rows:
            statement.total_amount += row.amount
            _reconcile_line(statement, row, actor)
        statement.processed = len(rows)
        statement.save()
    return statement


def _statement_queue(*, content: bytes, filename: str, actor) -> StatementImport:
    """Keep a long statement and owe its reconciliation to the worker."""
    if len(content) > settings.STATEMENT_MAX_BYTES:
        raise _refused(
            _("The statement is larger than %(mb)s MB. Split it by date into several files.")
            % {"mb": settings.STATEMENT_MAX_BYTES // (1024 * 1024)}
        )
    saved: list = []
    with removed_unless_done(saved), transaction.atomic():
        statement = StatementImport.objects.create(
            uploaded_by=actor, filename=filename[:255], status=StatementImport.Status.QUEUED
        )
        save_file(statement.upload, filename, ContentFile(content))
        saved.append(statement.upload)
        statement.save(update_fields=["upload"])
        owe("donations.tasks.statement_process", statement.id, key=f"statement:{statement.id}")
    return statement


def statement_process(*, statement_id: int, chunk: int = 500) -> StatementImport:
    """Reconcile a kept statement in chunks of `chunk` lines, each chunk one transaction that
    also records how far it got, so a worker that dies loses nothing and a task delivered again
    (or twice at once: the statement row is locked) goes on from there and pays nothing twice."""
    statement = StatementImport.objects.select_related("uploaded_by").get(pk=statement_id)
    if statement.status not in (StatementImport.Status.QUEUED, StatementImport.Status.RUNNING):
        return statement
    actor = statement.uploaded_by
    try:
        with statement.upload.open("rb") as upload:
            content = upload.read()
        rows, broken = statement_rows(content=content, filename=statement.filename)
    except ApplicationError as error:
        StatementImport.objects.filter(pk=statement.pk).update(
            status=StatementImport.Status.FAILED, failure=str(error.message)[:500]
        )
        _statement_file_drop(statement)
        statement.refresh_from_db()
        return statement
    while True:
        with transaction.atomic():
            statement = StatementImport.objects.select_for_update().get(pk=statement_id)
            if statement.status == StatementImport.Status.QUEUED:
                statement.status = StatementImport.Status.RUNNING
                statement.rows = len(rows) + len(broken)
                statement.errors = broken[: settings.STATEMENT_REPORT_LINES]
            elif statement.status != StatementImport.Status.RUNNING:
                return statement
            start = statement.processed
            for row in rows[start : start + chunk]:
                statement.total_amount += row.amount
                _reconcile_line(statement, row, actor)
            statement.processed = min(start + chunk, len(rows))
            if statement.processed >= len(rows):
                statement.status = StatementImport.Status.DONE
            statement.save()
        if statement.status == StatementImport.Status.DONE:
            _statement_file_drop(statement)
            return statement


def _statement_file_drop(statement: StatementImport) -> None:
    """The upload is not kept once reconciled (or refused): the lines that matter are rows now."""
    if statement.upload:
        with contextlib.suppress(OSError):
            statement.upload.delete(save=False)
        StatementImport.objects.filter(pk=statement.pk).update(upload="")


def _unmatched(statement: StatementImport, row: StatementRow, reason: str) -> None:
    """List a line that paid no gift in the report (the first STATEMENT_REPORT_LINES of them; the
    count and the money are always complete)."""
    statement.unmatched_count += 1
    if len(statement.unmatched) < settings.STATEMENT_REPORT_LINES:
        statement.unmatched.append(_line_report(row, reason))


def _line_report(row: StatementRow, reason: str, amount: int | None = None) -> dict:
    return {
        "row": row.number,
        "amount": row.amount if amount is None else amount,
        "description": row.description,
        "reference": row.reference,
        "reason": str(reason),
    }


def _hold(
    statement: StatementImport, row: StatementRow, reason: str, amount: int, gifts: list[Gift]
) -> None:
    """Hold `amount` of the line for a person to decide (donations.services.held settles it)."""
    statement.held_amount += amount
    if len(statement.held) < settings.STATEMENT_REPORT_LINES:
        statement.held.append(_line_report(row, reason, amount))
    held = HeldMoney.objects.create(
        key=_line_key(row),
        statement=statement,
        row=row.number,
        amount=amount,
        remaining=amount,
        description=row.description,
        reference=row.reference,
        reason=str(reason)[:500],
    )
    held.gifts.set(gifts)


def _seen(key: str) -> bool:
    """Was this line used already: it paid a gift, or its money is held."""
    return (
        StatementLine.objects.filter(key=key).exists() or HeldMoney.objects.filter(key=key).exists()
    )


def _reconcile_line(statement: StatementImport, row: StatementRow, actor) -> None:
    key = _line_key(row)
    if _seen(key):
        statement.already += 1
        statement.already_amount += row.amount
        return
    memos = sorted(set(MEMO_RE.findall(re.sub(r"[\s\-_.]", "", row.description.upper()))))
    gifts = list(
        Gift.objects.select_for_update().filter(method="vietqr", memo__in=memos).order_by("id")
        if memos
        else []
    )
    if gifts and _seen(key):
        statement.already += 1  # a parallel upload used this line while we waited for the lock
        statement.already_amount += row.amount
        return
    if len(gifts) > 1:
        reason = _("The line names %(n)s gifts (%(memos)s): a person must split it.") % {
            "n": len(gifts),
            "memos": ", ".join(g.memo for g in gifts),
        }
        _unmatched(statement, row, reason)
        _hold(statement, row, reason, row.amount, gifts)
        return
    gift = gifts[0] if gifts else None
    reason = _unmatched_reason(gift, row)
    if reason:
        _unmatched(statement, row, reason)
        if gift is None:
            statement.not_ours_amount += row.amount
        else:
            _hold(statement, row, reason, row.amount, [gift])
        return
    StatementLine.objects.create(
        key=key,
        gift=gift,
        statement=statement,
        booked_on=row.booked_on,
        amount=row.amount,
        description=row.description,
        reference=row.reference,
    )
    gift_transition(
        gift_id=gift.id,
        to=Gift.Status.PAID,
        source=f"statement:{statement.id}",
        actor=actor,
        data={"row": row.number, "reference": row.reference, "amount": row.amount},
        also={"bank_reference": row.reference},
    )
    statement.matched += 1
    statement.matched_amount += gift.amount
    if row.amount > gift.amount:
        excess = row.amount - gift.amount
        reason = _("%(extra)s more than the %(want)s given for %(memo)s: refund or keep?") % {
            "extra": money.format_amount(excess, "VND"),
            "want": money.format_amount(gift.amount, "VND"),
            "memo": gift.memo,
        }
        _hold(statement, row, reason, excess, [gift])


def statements_resume() -> int:
    """Go on with statements left queued or running by a worker that died (nothing is paid twice:
    see statement_process); the number taken up."""
    from django.utils import timezone

    stale = timezone.now() - timedelta(seconds=settings.STATEMENT_STALE_SECONDS)
    ids = list(
        StatementImport.objects.filter(
            status__in=(StatementImport.Status.QUEUED, StatementImport.Status.RUNNING),
            updated_at__lt=stale,
        ).values_list("id", flat=True)
    )
    for statement_id in ids:
        statement_process(statement_id=statement_id)
    return len(ids)
