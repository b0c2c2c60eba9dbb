"""Reading an uploaded file of nominations into checked rows; nothing is written here (the
services in households/services/imports.py write).

Reading is built for 10,000 rows: one pass over the sheet, lookups (communes, villages, known
CCCD hashes) fetched once, no query per row. See bench/households_import.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from django.conf import settings
from django.utils.translation import gettext as _

from core.text import nfc
from core.xlsx import NotAnXlsx, TooLarge, read_sheet
from households.fields import COLUMN_BY_KEY, FACTS, HEADER_BY_KEY, HEADERS, Kind
from households.models import Household, name_key
from households.selectors import nomination_communes
from households.validation import check_consent, check_facts
from places.models import Commune, Village

# Fields whose errors are shown on another column.
FIELD_TO_COLUMN = {"deprivations": "no_internet"}


class ImportFileError(Exception):
    """The file as a whole cannot be read (not Excel, wrong headers, no rows, too many rows)."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class CheckedFile:
    rows: int = 0
    households: list[Household] = field(default_factory=list)
    consents: list[dict | None] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)  # the Excel row of each household
    errors: list[RowError] = field(default_factory=list)
    communes: dict[str, Commune] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return nfc(str(value)).strip()  # a cell typed on some keyboards holds decomposed text


@lru_cache(maxsize=4096)
def _key(text: str) -> str:
    """name_key of the short values that repeat down a column (choices, yes/no, villages)."""
    return name_key(text)


def _lookup(table: dict[str, str]) -> dict[str, str]:
    """Accept the Vietnamese label or the API code, without regard to case or diacritics."""
    out = {name_key(label): code for label, code in table.items()}
    out.update({name_key(code): code for code in table.values()})
    return out


# Column key → its accepted values (label or code, normalised) → the code.
_LOOKUPS = {key: _lookup(column.values) for key, column in COLUMN_BY_KEY.items() if column.values}
_YES_NO = {"co": True, "khong": False, "yes": True, "no": False, "x": True, "1": True, "0": False}


def _wrong_headers(header: list) -> ImportFileError | None:
    found = [name_key(_text(h)) for h in header]
    while found and not found[-1]:
        found.pop()
    expected = [name_key(h) for h in HEADERS]
    if found == expected:
        return None
    missing = [h for h in HEADERS if name_key(h) not in found]
    extra = [_text(h) for h in header if _text(h) and name_key(_text(h)) not in expected]
    details = []
    if missing:
        details.append(_("missing: %(cols)s") % {"cols": ", ".join(missing)})
    if extra:
        details.append(_("unexpected: %(cols)s") % {"cols": ", ".join(extra)})
    if not details:
        details.append(_("the columns are in another order"))
    return ImportFileError(
        _("The headers of the first row are not those of the template (%(details)s).")
        % {"details": "; ".join(details)},
        "wrong_headers",
    )


def check_size(content: bytes) -> None:
    """Refuses a file past HOUSEHOLD_IMPORT_MAX_BYTES (before it is kept or read)."""
    if len(content) > settings.HOUSEHOLD_IMPORT_MAX_BYTES:
        raise ImportFileError(
            _("The file is larger than %(mb)s MB. Split it into several files.")
            % {"mb": settings.HOUSEHOLD_IMPORT_MAX_BYTES // (1024 * 1024)},
            "file_too_large",
        )


def read_rows(content: bytes):
    """Yields (excel row number, {key: raw value}) of every non-empty row; raises
    ImportFileError when the file is not an Excel workbook or its headers are not ours."""
    check_size(content)
    not_excel = ImportFileError(
        _(
            "This file is not an Excel workbook (.xlsx). Download the template, fill it in "
            "and upload it without changing its format."
        ),
        "not_excel",
    )
    try:
        rows = read_sheet(content, sheet_name="Danh sách hộ")
        _number, header = next(rows, (1, []))
    except TooLarge as refused:
        raise ImportFileError(refused.message, "file_too_large") from None
    except NotAnXlsx:
        raise not_excel from None
    wrong = _wrong_headers(header)
    if wrong is not None:
        raise wrong
    keys = list(COLUMN_BY_KEY)
    width = len(keys)
    limit = settings.HOUSEHOLD_IMPORT_MAX_ROWS
    count = 0
    try:
        for number, values in rows:
            values = values[:width]
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            count += 1
            if count > limit:
                raise ImportFileError(
                    _("The file has more than %(n)s households. Split it into several files.")
                    % {"n": limit},
                    "too_many_rows",
                )
            yield number, dict(zip(keys, values + [None] * (width - len(values)), strict=True))
    except TooLarge as refused:
        raise ImportFileError(refused.message, "file_too_large") from None
    except NotAnXlsx:
        raise not_excel from None


class _Row:
    """One raw row and the errors found in it, with readers of its cells."""

    def __init__(self, raw: dict) -> None:
        self.raw = raw
        self.errors: dict[str, str] = {}

    def text(self, key: str) -> str:
        return _text(self.raw[key])

    def choice(self, key: str) -> str:
        text = _text(self.raw[key])
        return _LOOKUPS[key].get(_key(text), text or "")

    def yes_no(self, key: str) -> bool:
        text = _key(_text(self.raw[key]))
        if not text:
            return False
        if text in _YES_NO:
            return _YES_NO[text]
        self.errors[key] = _("Write “Có” or “Không”.")
        return False

    def error(self, key: str, message) -> None:
        self.errors.setdefault(key, message)


class _Checker:
    """The lookups of one file, fetched once, and the CCCDs seen so far."""

    def __init__(self, actor) -> None:
        self.communes = {c.code: c for c in nomination_communes(actor)}
        self.all_communes = dict(
            Commune.objects.filter(province__active=True).values_list("code", "name")
        )
        self.villages = {
            (v.commune_id, name_key(v.name)): v
            for v in Village.objects.filter(commune_id__in=list(self.communes))
        }
        self.seen: dict[str, int] = {}
        self.pending: list[tuple[int, str]] = []  # (row, cccd hash) to check in the database

    def place(self, row: _Row) -> tuple[Commune | None, Village | None]:
        code = row.text("commune").split(" ", 1)[0].split("-", 1)[0].strip()
        commune = self.communes.get(code)
        if commune is None:
            if not code:
                row.errors["commune"] = _("Choose the commune.")
            elif code in self.all_communes:
                row.errors["commune"] = _("You are not assigned to %(commune)s.") % {
                    "commune": self.all_communes[code]
                }
            else:
                row.errors["commune"] = _(
                    "“%(code)s” is not the code of a commune where the programme works."
                ) % {"code": code}
        village = None
        village_name = row.text("village")
        if village_name and commune is not None:
            village = self.villages.get((commune.code, _key(village_name)))
            if village is None:
                row.errors["village"] = _("“%(village)s” is not a village of %(commune)s.") % {
                    "village": village_name,
                    "commune": commune.name,
                }
        return commune, village

    def consent(self, row: _Row) -> dict | None:
        method_text = row.text("consent_method")
        method = _LOOKUPS["consent_method"].get(_key(method_text), method_text or None)
        consent, errors = check_consent(
            {
                "processing": row.yes_no("consent_processing"),
                "share_story": row.yes_no("consent_share_story"),
                "share_photo": row.yes_no("consent_share_photo"),
                "method": method,
                "witness_name": row.text("witness_name"),
            }
        )
        for key, message in errors.items():
            if key not in ("consent_method", "witness_name"):
                key = "consent_processing"
            row.error(key, message)
        return consent

    def cccd_seen(self, row: _Row, number: int, digest: str) -> None:
        if digest in self.seen:
            row.error(
                "cccd",
                _("This citizen ID is already on row %(row)s of this file.")
                % {"row": self.seen[digest]},
            )
        else:
            self.seen[digest] = number
            self.pending.append((number, digest))


def _facts(row: _Row) -> dict:
    """The row's facts as the services take them (choices as codes, yes/no columns as a list)."""
    facts = {}
    for f in FACTS:
        if f.kind == Kind.CHOICE:
            facts[f.name] = row.choice(f.name)
        elif f.kind == Kind.OPTIONAL_TEXT:
            facts[f.name] = row.text(f.name)
        elif f.kind == Kind.MULTI:
            facts[f.name] = [c.key for c in f.columns if row.yes_no(c.key)]
        else:
            facts[f.name] = row.raw[f.name]
    return facts


PROGRESS_EVERY = 250  # rows between two reports of `check_file`'s progress


def check_file(content: bytes, *, actor, progress=None) -> CheckedFile:
    """Reads and checks every row; nothing is written. Households come back unsaved, with
    their priority computed, ready for bulk_create. `progress(rows)`, when given, is told how
    many rows were read every PROGRESS_EVERY rows."""
    result = CheckedFile()
    checker = _Checker(actor)
    result.communes = checker.communes
    for number, raw in read_rows(content):
        result.rows += 1
        if progress is not None and result.rows % PROGRESS_EVERY == 0:
            progress(result.rows)
        row = _Row(raw)
        commune, village = checker.place(row)
        clean, fact_errors = check_facts(_facts(row))
        for key, message in fact_errors.items():
            row.error(key, message)
        checked = clean.pop("cccd", None)
        consent = checker.consent(row)
        if checked is not None:
            checker.cccd_seen(row, number, checked.hash)
        if row.errors:
            for key, message in row.errors.items():
                column = HEADER_BY_KEY.get(FIELD_TO_COLUMN.get(key, key), key)
                result.errors.append(RowError(number, column, str(message)))
            continue
        household = Household(
            commune=commune,
            village=village,
            cccd_hash=checked.hash,
            cccd_last4=checked.last4,
            **clean,
        )
        if consent:
            household.consent_processing = consent["processing"]
            household.consent_share_story = consent["share_story"]
            household.consent_share_photo = consent["share_photo"]
        household.refresh_derived(is_mountain=commune.is_mountain)
        result.households.append(household)
        result.consents.append(consent)
        result.numbers.append(number)

    if result.rows == 0:
        raise ImportFileError(
            _("The file has no households: fill in the rows under the headers."), "no_rows"
        )
    _drop_known(result, checker.pending)
    result.errors.sort(key=lambda e: (e.row, HEADERS.index(e.column) if e.column in HEADERS else 0))
    return result


def _drop_known(result: CheckedFile, pending: list[tuple[int, str]]) -> None:
    """CCCDs already active on the list are row errors. One query per 2,000 IDs, not per row."""
    known: set[str] = set()
    hashes = [digest for _row, digest in pending]
    for start in range(0, len(hashes), 2000):
        known.update(
            Household.objects.filter(
                cccd_hash__in=hashes[start : start + 2000], status__in=Household.ACTIVE_STATUSES
            ).values_list("cccd_hash", flat=True)
        )
    if known:
        column = HEADER_BY_KEY["cccd"]
        message = _("A household with this citizen ID is already registered and active.")
        for number, digest in pending:
            if digest in known:
                result.errors.append(RowError(number, column, str(message)))
        kept = [
            i for i, household in enumerate(result.households) if household.cccd_hash not in known
        ]
        result.households = [result.households[i] for i in kept]
        result.consents = [result.consents[i] for i in kept]
        result.numbers = [result.numbers[i] for i in kept]
