"""The re-confirmation sheet of a commune's lapsed households (the officer's Excel path of the
yearly renewal, read back by households.services.renewal.reconfirm_import with core/xlsx.py)."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from households.services.renewal import SHEET

# The columns, in the order households.services.renewal.HEADERS reads them.
RENEWAL_HEADERS = [
    "Mã hộ",
    "Họ tên chủ hộ",
    "Thôn/bản",
    "Số giấy chứng nhận cũ",
    "Số giấy chứng nhận mới (nếu có)",
    "Xác nhận (ghi x)",
]


def renewal_sheet(households) -> bytes:
    """One row per lapsed household: its number, name, village and old certificate; the officer
    writes the new certificate number (optional) and an x in the last column for each household
    on the new list."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(SHEET)
    sheet.append(RENEWAL_HEADERS)

    def text(value: str):
        # Text stays text: a name typed as “=…” must never run as a formula on the reader's PC.
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell

    for h in households:
        sheet.append(
            [
                h.id,
                text(h.head_name),
                text(h.village.name if h.village_id else ""),
                text(h.poverty_certificate_no or ""),
                text(""),
                text(""),
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
