"""Bank statements: read a CSV or xlsx statement and mark VietQR gifts paid by the memo in
each transfer's description. Safe to re-run: a statement line pays at most once."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import Forbidden
from core.text import nfc
from core.xlsx import Limits, NotAnXlsx, TooLarge, read_sheet
from donations import money, vietqr
from donations.models import Gift, StatementImport, StatementLine
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
    name = (filename or "").lower()
    if len(content) > settings.STATEMENT_MAX_BYTES:
        raise _refused(
            _("The statement is larger than %(mb)s MB. Split it by date into several files.")
            % {"mb": settings.STATEMENT_MAX_BYTES // (1024 * 1024)}
        )
    if name.endswith(".xlsx"):
        return _xlsx_table(content)
    if name.endswith(".csv"):
        return _csv_table(content)
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
    counted as already reconciled and pays nothing twice. All or nothing.

    Every đồng ends somewhere visible: total = matched + already + held + not ours. A line above
    its gift pays the gift and holds the rest for review; a line naming several gifts pays none
    and is held whole; money for a gift that cannot take it is held; a line without a memo of
    ours is not ours."""
    from accounts.scoping import scope_for

    scope = scope_for(actor)
    if not scope.has_role("coordinator"):
        raise Forbidden(_("Only coordinators reconcile bank statements."), code="forbidden")
    rows, broken = statement_rows(content=content, filename=filename)
    with transaction.atomic():
        statement = StatementImport.objects.create(
            uploaded_by=actor, filename=filename[:255], rows=len(rows) + len(broken), errors=broken
        )
        for row in rows:
            statement.total_amount += row.amount
            _reconcile_line(statement, row, actor)
        statement.save()
    return statement


def _line_report(row: StatementRow, reason: str, amount: int | None = None) -> dict:
    return {
        "row": row.number,
        "amount": row.amount if amount is None else amount,
        "description": row.description,
        "reference": row.reference,
        "reason": str(reason),
    }


def _hold(statement: StatementImport, row: StatementRow, reason: str, amount: int) -> None:
    statement.held_amount += amount
    statement.held.append(_line_report(row, reason, amount))


def _reconcile_line(statement: StatementImport, row: StatementRow, actor) -> None:
    key = _line_key(row)
    if StatementLine.objects.filter(key=key).exists():
        statement.already += 1
        statement.already_amount += row.amount
        return
    memos = sorted(set(MEMO_RE.findall(re.sub(r"[\s\-_.]", "", row.description.upper()))))
    gifts = list(
        Gift.objects.select_for_update().filter(method="vietqr", memo__in=memos).order_by("id")
        if memos
        else []
    )
    if len(gifts) > 1:
        reason = _("The line names %(n)s gifts (%(memos)s): a person must split it.") % {
            "n": len(gifts),
            "memos": ", ".join(g.memo for g in gifts),
        }
        statement.unmatched.append(_line_report(row, reason))
        _hold(statement, row, reason, row.amount)
        return
    gift = gifts[0] if gifts else None
    if gift is not None and StatementLine.objects.filter(key=key).exists():
        statement.already += 1  # a parallel upload used this line while we waited
        statement.already_amount += row.amount
        return
    reason = _unmatched_reason(gift, row)
    if reason:
        statement.unmatched.append(_line_report(row, reason))
        if gift is None:
            statement.not_ours_amount += row.amount
        else:
            _hold(statement, row, reason, row.amount)
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
        _hold(statement, row, reason, excess)
