"""The bank-statement upload goes through the same limits as the household import (security
review, finding 2; resilience, finding 7): a hostile .xlsx, a CSV with no delimiter, a 2 MB cell,
too many lines or bytes are each a 400 on the file with a Vietnamese message, and write nothing."""

from __future__ import annotations

import pytest

from donations.models import StatementImport
from tests.conftest import assert_error
from tests.core.test_xlsx import workbook
from tests.donations.conftest import statement_post

pytestmark = pytest.mark.django_db


def refused(api, coordinator_h, content: bytes, name: str) -> str:
    response = statement_post(api.as_user(coordinator_h), content, name)
    error = assert_error(response, 400, "invalid_statement", "file")
    assert not StatementImport.objects.exists()
    return error["message"]


def test_a_hostile_workbook_is_refused(api, coordinator_h):
    content = workbook('<row r="1"><c r="XFDZZZZZZZZ1"><v>1</v></c></row>')
    assert "XFD" in refused(api, coordinator_h, content, "saoke.xlsx")


def test_a_workbook_that_unpacks_past_the_bound_is_refused(api, coordinator_h, settings):
    content = workbook('<row r="1"><c r="A1" t="s"><v>0</v></c></row>', ["x" * 70_000_000])
    assert len(content) < settings.STATEMENT_MAX_BYTES
    assert "MB" in refused(api, coordinator_h, content, "saoke.xlsx")


def test_a_csv_without_a_delimiter_is_read_as_one_column_and_explained(api, coordinator_h):
    content = ("x" * 1500 + "\n").encode() * 3
    assert "Số tiền" in refused(api, coordinator_h, content, "saoke.csv")


def test_a_two_megabyte_cell_is_refused(api, coordinator_h):
    content = ("Ngày,Số tiền,Nội dung\n01/12/2026,100000," + "y" * 2_000_000 + "\n").encode()
    assert "ký tự" in refused(api, coordinator_h, content, "saoke.csv")


def test_too_many_lines_or_bytes_are_refused(api, coordinator_h, settings):
    settings.STATEMENT_MAX_ROWS = 10
    lines = "".join(f"01/12/2026,{n}000,CK NSABCDEFGH\n" for n in range(40))
    content = ("Ngày,Số tiền,Nội dung\n" + lines).encode()
    assert "10" in refused(api, coordinator_h, content, "saoke.csv")
    settings.STATEMENT_MAX_BYTES = 100
    assert "MB" in refused(api, coordinator_h, content, "saoke.csv")
