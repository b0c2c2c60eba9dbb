"""The bounded .xlsx reader (core/xlsx.py) against the hostile files of the security review
(finding 2): a 1 MB file that unpacks to gigabytes, cell references far past column XFD, and cells
longer than Excel allows. Each is refused with TooLarge, whose message is for people."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.utils import translation

from core.xlsx import LAST_COLUMN, Limits, NotAnXlsx, TooLarge, _Bounded, read_sheet

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def workbook(sheet_data: str, shared: list[str] | str | None = None) -> bytes:
    """A minimal .xlsx: one sheet named Sheet1 with `sheet_data` inside <sheetData>."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{NS}" xmlns:r="{REL}"><sheets>'
            f'<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/worksheets/sheet1.xml",
            f'<worksheet xmlns="{NS}"><sheetData>{sheet_data}</sheetData></worksheet>',
        )
        if shared is not None:
            items = (
                shared
                if isinstance(shared, str)
                else "".join(f"<si><t>{s}</t></si>" for s in shared)
            )
            archive.writestr("xl/sharedStrings.xml", f'<sst xmlns="{NS}">{items}</sst>')
    return out.getvalue()


def read(content: bytes, **limits) -> list[tuple[int, list]]:
    return list(read_sheet(content, sheet_name="Sheet1", limits=Limits(**limits)))


def test_a_plain_sheet_is_read():
    content = workbook(
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1"><v>42</v></c></row>', ["Tên"]
    )
    assert read(content) == [(1, ["Tên", None, 42])]


@pytest.mark.parametrize("ref", ["BZZZZZ5", "XFDZZZZZZZZ5", "XFE5"])
def test_a_cell_past_column_xfd_is_refused(ref):
    """BZZZZZ5 built a 36-million-entry row; XFDZZZZZZZZ5 was a MemoryError (a 500)."""
    content = workbook(f'<row r="5"><c r="{ref}"><v>1</v></c></row>')
    with translation.override("vi"), pytest.raises(TooLarge) as refused:
        read(content)
    assert "XFD" in refused.value.message


def test_the_last_column_itself_is_read_without_building_a_long_row():
    content = workbook('<row r="1"><c r="A1"><v>1</v></c><c r="XFD1"><v>2</v></c></row>')
    assert LAST_COLUMN == 16_384
    assert read(content) == [(1, [1])]  # past `columns`: not read, no 16,384-entry row


def test_a_shared_string_part_that_unpacks_past_the_bound_is_refused_before_it_is_unpacked():
    """The review's 1 GiB shared string, scaled down: the part declares more than the bound."""
    content = workbook('<row r="1"><c r="A1" t="s"><v>0</v></c></row>', ["x" * 3_000_000])
    assert len(content) < 100_000  # a small upload...
    with translation.override("vi"), pytest.raises(TooLarge) as refused:
        read(content, part_bytes=2 * 1024 * 1024)  # ...that unpacks past 2 MB
    assert "MB" in refused.value.message


def test_whitespace_padding_the_sheet_data_is_bounded_too():
    content = workbook(" " * 3_000_000 + '<row r="1"><c r="A1"><v>1</v></c></row>')
    with pytest.raises(TooLarge):
        read(content, part_bytes=2 * 1024 * 1024)


def test_a_part_whose_header_lies_about_its_size_is_still_cut_off_while_streaming():
    bounded = io.BufferedReader(_Bounded(io.BytesIO(b"a" * 300_000), 100_000, float("inf")))
    with pytest.raises(TooLarge):
        bounded.read()


def test_a_cell_over_excels_own_length_is_refused():
    content = workbook('<row r="1"><c r="A1" t="s"><v>0</v></c></row>', ["y" * 32_768])
    with pytest.raises(TooLarge):
        read(content)
    inline = workbook(
        f'<row r="1"><c r="A1" t="inlineStr"><is><t>{"z" * 32_768}</t></is></c></row>'
    )
    with pytest.raises(TooLarge):
        read(inline)


def test_rows_and_shared_strings_are_counted():
    rows = "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(1, 12))
    with pytest.raises(TooLarge):
        read(workbook(rows), rows=10)
    assert len(read(workbook(rows), rows=11)) == 11
    with pytest.raises(TooLarge):
        read(workbook("", [str(n) for n in range(11)]), shared_strings=10)


def test_a_slow_read_stops_at_its_wall_time():
    rows = "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(1, 3000))
    with pytest.raises(TooLarge):
        read(workbook(rows), seconds=-1)  # already past its deadline at the first chunk


@pytest.mark.parametrize(
    "content",
    [b"", b"PK\x03\x04 broken", workbook('<row r="1"><c r="A1" t="s"><v>9</v></c></row>')],
)
def test_broken_files_are_not_an_xlsx(content):
    with pytest.raises(NotAnXlsx):
        read(content)
