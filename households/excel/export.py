"""The export of a commune's households to Excel, for the officer's own records."""

from __future__ import annotations

import io

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from households.fields import COVERAGE, PHONE, POVERTY

EXPORT_HEADERS = [
    "Mã hộ",
    "Xã",
    "Thôn/bản",
    "Họ tên chủ hộ",
    "4 số cuối CCCD",
    "Số nhân khẩu",
    "Trẻ em đi học",
    "Người cao tuổi",
    "Người khuyết tật",
    "Diện hộ",
    "Tình trạng điện thoại",
    "Sóng 4G tại nhà",
    "Trạng thái",
    "Điểm ưu tiên",
    "Công thức",
    "Chi tiết điểm",
]


def export_households(households) -> bytes:
    """A commune's households for the officer's own records: last 4 CCCD digits only."""
    labels_poverty = {v: k for k, v in POVERTY.items()}
    labels_phone = {v: k for k, v in PHONE.items()}
    labels_coverage = {v: k for k, v in COVERAGE.items()}
    wb = Workbook(write_only=True)
    sheet = wb.create_sheet("Hộ gia đình")
    sheet.append(EXPORT_HEADERS)

    def cell(value):
        # Text stays text: a name typed as “=…” must never run as a formula on the reader's PC.
        if not isinstance(value, str):
            return value
        written = WriteOnlyCell(sheet, value=value)
        written.data_type = "s"
        return written

    for h in households:
        sheet.append(
            [
                cell(value)
                for value in [
                    h.id,
                    h.commune.name,
                    h.village.name if h.village else "",
                    h.head_name,
                    h.cccd_last4,
                    h.members,
                    h.school_age_children,
                    h.elderly,
                    h.disabled,
                    labels_poverty.get(h.poverty_status, h.poverty_status),
                    labels_phone.get(h.phone_situation, h.phone_situation),
                    labels_coverage.get(h.coverage_4g, h.coverage_4g),
                    str(h.get_status_display()),
                    h.priority_score,
                    h.priority_version,
                    "; ".join(f"{row['label']} {row['points']}" for row in h.priority_rows),
                ]
            ]
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
