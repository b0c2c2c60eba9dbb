"""A small, fast and bounded reader of the cell values of one sheet of an .xlsx file.

openpyxl builds an object per cell and per shared string; for the 10,000-row import that alone
took ~4.5 s of the 15 s budget. This reader streams the sheet XML with ElementTree.iterparse and
yields plain values (str, int, float, bool, None), which is all the import needs (the template
has no dates or formulas worth evaluating: a formula's cached value is read). It understands the
files Excel, LibreOffice, Google Sheets and openpyxl write, transitional or strict namespaces.

Every upload is hostile until read: a 1 MB file can unpack to gigabytes. So the reader trusts
nothing it is told. Each part it reads is bounded in decompressed bytes (whatever the zip header
says), a cell reference past column XFD (16,384, Excel's own last column) is refused, as are a
cell over 32,767 characters (Excel's own limit), more shared strings or rows than `Limits`
allows, and a read that takes longer than its wall time. A refusal is `TooLarge`, a `NotAnXlsx`
with a message for people.
"""

from __future__ import annotations

import io
import posixpath
import re
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from xml.etree.ElementTree import ParseError, iterparse

from django.utils.translation import gettext as _


class NotAnXlsx(Exception):
    """The upload is not a readable .xlsx workbook."""


class TooLarge(NotAnXlsx):
    """The workbook is over one of the reader's bounds; `message` says which, for people."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# Excel's own bounds (https://support.microsoft.com: "Excel specifications and limits").
LAST_COLUMN = 16_384  # XFD
CELL_CHARACTERS = 32_767


@dataclass(frozen=True)
class Limits:
    """What one read may cost. The defaults fit a 20,000-row import with room to spare."""

    part_bytes: int = 64 * 1024 * 1024  # any one XML part, decompressed
    shared_strings: int = 500_000
    rows: int = 100_000
    columns: int = 256  # cells past this column are not read (the templates use far fewer)
    seconds: float = 60.0  # a last resort: the byte bounds refuse hostile files long before


DEFAULT_LIMITS = Limits()


class _Bounded(io.RawIOBase):
    """A zip member's stream that stops with TooLarge past `limit` bytes or past the deadline."""

    def __init__(self, raw, limit: int, deadline: float) -> None:
        self.raw, self.limit, self.deadline, self.seen = raw, limit, deadline, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        chunk = self.raw.read(min(len(buffer), 1 << 16))
        self.seen += len(chunk)
        if self.seen > self.limit:
            raise TooLarge(
                _("The file unpacks to more than %(mb)d MB. Remove what the import does not need.")
                % {"mb": self.limit // (1024 * 1024)}
            )
        if time.monotonic() > self.deadline:
            raise TooLarge(_("The file takes too long to read. Split it into several files."))
        buffer[: len(chunk)] = chunk
        return len(chunk)

    def close(self) -> None:
        self.raw.close()
        super().close()


def _open(archive: zipfile.ZipFile, name: str, limits: Limits, deadline: float):
    info = archive.getinfo(name)
    if info.file_size > limits.part_bytes:  # refused before a byte is unpacked
        raise TooLarge(
            _("The file unpacks to more than %(mb)d MB. Remove what the import does not need.")
            % {"mb": limits.part_bytes // (1024 * 1024)}
        )
    return io.BufferedReader(_Bounded(archive.open(info), limits.part_bytes, deadline))


_COLUMN = re.compile(r"[A-Z]+")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _column_index(ref: str | None, fallback: int) -> int:
    if not ref:
        return fallback
    match = _COLUMN.match(ref)
    if not match:
        return fallback
    letters = match.group(0)
    if len(letters) > 3:  # past XFD whatever the letters: refuse before computing a huge number
        raise TooLarge(_("A cell lies past Excel's last column (XFD)."))
    index = 0
    for ch in letters:
        index = index * 26 + (ord(ch) - 64)
    if index > LAST_COLUMN:
        raise TooLarge(_("A cell lies past Excel's last column (XFD)."))
    return index - 1


def _cell_text(text: str) -> str:
    if len(text) > CELL_CHARACTERS:
        raise TooLarge(
            _("A cell holds more than %(n)s characters, Excel's own limit.")
            % {"n": CELL_CHARACTERS}
        )
    return text


def _sheet_path(archive: zipfile.ZipFile, wanted: str, limits: Limits, deadline: float) -> str:
    sheets: list[tuple[str, str]] = []
    with _open(archive, "xl/workbook.xml", limits, deadline) as handle:
        for _event, element in iterparse(handle):
            if _local(element.tag) == "sheet":
                rel = next((v for k, v in element.attrib.items() if _local(k) == "id"), "")
                sheets.append((element.get("name", ""), rel))
    targets: dict[str, str] = {}
    with _open(archive, "xl/_rels/workbook.xml.rels", limits, deadline) as handle:
        for _event, element in iterparse(handle):
            if _local(element.tag) == "Relationship":
                targets[element.get("Id", "")] = element.get("Target", "")
    if not sheets:
        raise NotAnXlsx("no sheet")
    rel = next((r for name, r in sheets if name == wanted), sheets[0][1])
    target = targets.get(rel, "")
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join("xl", target))


def _shared_strings(archive: zipfile.ZipFile, limits: Limits, deadline: float) -> list[str]:
    """The shared strings, streamed: each <si> is cleared once read, and the part is bounded."""
    if "xl/sharedStrings.xml" not in archive.namelist():
        return []
    strings: list[str] = []
    with _open(archive, "xl/sharedStrings.xml", limits, deadline) as handle:
        for _event, element in iterparse(handle):
            if _local(element.tag) == "si":
                # Plain text or rich-text runs; phonetic hints (rPh) are not part of the value.
                parts = [
                    t.text or ""
                    for run in element
                    if _local(run.tag) in ("t", "r")
                    for t in ([run] if _local(run.tag) == "t" else run)
                    if _local(t.tag) == "t"
                ]
                strings.append(_cell_text("".join(parts)))
                element.clear()
                if len(strings) > limits.shared_strings:
                    raise TooLarge(_("The file holds too many different texts. Split it."))
    return strings


def _number(text: str):
    if text.lstrip("-").isdigit():
        return int(text)
    value = float(text)
    return int(value) if value.is_integer() and abs(value) < 1e15 else value


def read_sheet(
    content: bytes, *, sheet_name: str, limits: Limits = DEFAULT_LIMITS
) -> Iterator[tuple[int, list]]:
    """Yields (row number, [values by column]) for every row present in the sheet (the first
    sheet when none has `sheet_name`). Raises NotAnXlsx, or TooLarge past one of `limits`."""
    deadline = time.monotonic() + limits.seconds
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        path = _sheet_path(archive, sheet_name, limits, deadline)
        strings = _shared_strings(archive, limits, deadline)
        handle = _open(archive, path, limits, deadline)
    except TooLarge:
        raise
    except (zipfile.BadZipFile, KeyError, ParseError, OSError, ValueError, EOFError) as error:
        raise NotAnXlsx(str(error)) from None
    try:
        rows_read = 0
        row_number = 0
        events = iterparse(handle, events=("start", "end"))
        _event, root = next(events)
        ns = root.tag[: root.tag.index("}") + 1] if root.tag.startswith("{") else ""
        row_tag, cell_tag, value_tag, text_tag = (f"{ns}row", f"{ns}c", f"{ns}v", f"{ns}t")
        for event, element in events:
            if event != "end" or element.tag != row_tag:
                continue
            rows_read += 1
            if rows_read > limits.rows:
                raise TooLarge(
                    _("The sheet has more than %(n)s rows. Split it into several files.")
                    % {"n": limits.rows}
                )
            row_number = int(element.get("r") or row_number + 1)
            values: list = []
            for position, cell in enumerate(element):
                if cell.tag != cell_tag:
                    continue
                index = _column_index(cell.get("r"), position)
                if index >= limits.columns:
                    continue
                kind = cell.get("t", "n")
                value = None
                if kind == "inlineStr":
                    value = _cell_text("".join(t.text or "" for t in cell.iter(text_tag)))
                else:
                    found = cell.find(value_tag)
                    raw = found.text if found is not None else None
                    if raw is not None:
                        if kind == "s":
                            value = strings[int(raw)]
                        elif kind == "n":
                            value = _number(raw)
                        elif kind == "b":
                            value = raw == "1"
                        elif kind == "e":
                            value = None
                        else:  # "str" (a formula's text) and anything else
                            value = _cell_text(raw)
                if index >= len(values):
                    values.extend([None] * (index + 1 - len(values)))
                values[index] = value
            element.clear()
            root.clear()  # rows already read need no memory
            yield row_number, values
    except TooLarge:
        raise
    except (ParseError, IndexError, ValueError, OSError, EOFError, zipfile.BadZipFile) as error:
        raise NotAnXlsx(str(error)) from None
    finally:
        handle.close()
        archive.close()
