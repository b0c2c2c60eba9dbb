"""The .xlsx template officers fill in: the households sheet (headers, one example row,
drop-downs), the sheet of allowed values and the instructions."""

from __future__ import annotations

import io

from django.conf import settings
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from households.fields import (
    COLUMN_BY_KEY,
    COLUMNS,
    COVERAGE,
    HEADER_BY_KEY,
    HEADERS,
    METHOD,
    NO,
    PHONE,
    POVERTY,
    YES,
)
from households.selectors import nomination_communes
from places.models import Commune, Village

EXAMPLE = {
    "village": "Bản A Vao",
    "head_name": "Hồ Văn Ví Dụ",
    "cccd": "045090001234",
    "members": 5,
    "school_age_children": 2,
    "elderly": 1,
    "disabled": 0,
    "poverty_status": "Hộ nghèo",
    "poverty_certificate_no": "GCN-2025-0123",
    "poverty_certificate_year": 2025,
    "no_internet": YES,
    "no_info_access": NO,
    "phone_situation": "Chỉ có điện thoại phổ thông",
    "coverage_4g": "Yếu",
    "need": "Hai cháu học trực tuyến, bố mẹ cần dùng VNeID.",
    "consent_processing": YES,
    "consent_method": "Ký giấy",
    "witness_name": "",
    "consent_share_story": YES,
    "consent_share_photo": NO,
}

INSTRUCTIONS = [
    "HƯỚNG DẪN NHẬP DANH SÁCH HỘ GIA ĐÌNH — Nối Sóng",
    "",
    "1. Mỗi dòng của trang “Danh sách hộ” là một hộ. Không đổi tên, thứ tự các cột và dòng tiêu đề.",
    "2. Dòng 2 là ví dụ: hãy xóa hoặc ghi đè lên dòng đó trước khi tải lên.",
    "3. Các cột có mũi tên chỉ nhận giá trị trong danh sách thả xuống.",
    "4. Số CCCD gồm 12 chữ số: 3 số mã tỉnh nơi đăng ký khai sinh, 1 số thế kỷ và giới tính,"
    " 2 số năm sinh, 6 số ngẫu nhiên. Hệ thống chỉ lưu mã băm và 4 số cuối.",
    "5. Chỉ nhập hộ đã đồng ý xử lý dữ liệu cá nhân (ký giấy, điểm chỉ hoặc có người làm chứng)."
    " Hộ chưa đồng ý vẫn được lưu nháp nhưng không thể gửi xác minh.",
    "6. Khi tải lên, hệ thống kiểm tra mọi dòng và chỉ ra lỗi theo dòng và cột. Chỉ khi không còn"
    " lỗi nào mới nhập được, và nhập tất cả hoặc không nhập dòng nào.",
    "7. Một người chỉ làm chủ một hộ trong danh sách: số CCCD trùng trong tệp hoặc đã có trên hệ"
    " thống sẽ bị báo lỗi.",
    "8. Các hộ được nhập ở trạng thái “Nháp”; cán bộ xem lại rồi gửi xác minh.",
    "",
    "Giải thích các cột:",
]

# The drop-downs that take their values from the “Danh mục” sheet: (column key, its error).
LISTED = [
    ("commune", "Chọn xã trong danh sách."),
    ("village", "Chọn thôn, bản trong danh sách."),
    ("poverty_status", "Chọn diện hộ trong danh sách."),
    ("phone_situation", "Chọn tình trạng trong danh sách."),
    ("coverage_4g", "Chọn mức sóng trong danh sách."),
    ("consent_method", "Chọn hình thức trong danh sách."),
]
YES_NO_COLUMNS = (
    "no_internet",
    "no_info_access",
    "consent_processing",
    "consent_share_story",
    "consent_share_photo",
)
COUNT_COLUMNS = ("members", "school_age_children", "elderly", "disabled")


def commune_choice(commune: Commune) -> str:
    return f"{commune.code} - {commune.name}"


def _letter(key: str) -> str:
    return get_column_letter(HEADERS.index(HEADER_BY_KEY[key]) + 1)


def build_template(*, user) -> bytes:
    """The .xlsx an officer fills in: headers, drop-downs, one example row, instructions."""
    communes = list(nomination_communes(user))
    villages = list(Village.objects.filter(commune__in=communes).order_by("commune__name", "name"))
    wb = Workbook()
    sheet = wb.active
    sheet.title = "Danh sách hộ"
    _households_sheet(sheet, communes, villages)
    lists = wb.create_sheet("Danh mục")
    lists.append(["Xã", "Thôn/bản", "Diện hộ", "Tình trạng điện thoại", "Sóng 4G", "Hình thức"])
    columns_of_lists = [
        [commune_choice(c) for c in communes],
        sorted({v.name for v in villages}),
        list(POVERTY),
        list(PHONE),
        list(COVERAGE),
        list(METHOD),
    ]
    for col_index, values in enumerate(columns_of_lists, start=1):
        for row_index, value in enumerate(values, start=2):
            lists.cell(row=row_index, column=col_index, value=value)
        lists.column_dimensions[get_column_letter(col_index)].width = 30
    _add_validations(sheet, columns_of_lists, with_villages=bool(villages))

    guide = wb.create_sheet("Hướng dẫn")
    for line in INSTRUCTIONS:
        guide.append([line])
    for column in COLUMNS:
        guide.append([f"• {column.header}: {column.note}"])
    guide["A1"].font = Font(bold=True, size=13)
    guide.column_dimensions["A"].width = 120
    wb.move_sheet(guide, offset=-2)
    wb.active = 1
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _households_sheet(sheet, communes, villages) -> None:
    """Headers, the example row, and the CCCD column kept as text."""
    sheet.append(HEADERS)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    example = dict(EXAMPLE, commune=commune_choice(communes[0]) if communes else "")
    if villages:
        example["village"] = villages[0].name
    sheet.append([example[c.key] for c in COLUMNS])
    sheet.freeze_panes = "A2"
    cccd_col = _letter("cccd")
    for row in range(2, 2002):
        sheet[f"{cccd_col}{row}"].number_format = "@"


def _add_validations(sheet, columns_of_lists, *, with_villages: bool) -> None:
    """The drop-downs (from the “Danh mục” sheet, or yes/no) and the whole-number counts."""
    last_row = settings.HOUSEHOLD_IMPORT_MAX_ROWS + 1

    def list_range(col_index: int) -> str:
        letter = get_column_letter(col_index)
        last = max(2, len(columns_of_lists[col_index - 1]) + 1)
        return f"'Danh mục'!${letter}$2:${letter}${last}"

    def add_validation(key: str, formula: str, message: str) -> None:
        dv = DataValidation(type="list", formula1=formula, allow_blank=True)
        dv.error = message
        dv.errorTitle = "Giá trị không hợp lệ"
        dv.prompt = COLUMN_BY_KEY[key].note
        dv.showErrorMessage = True
        dv.showInputMessage = True
        letter = _letter(key)
        dv.add(f"{letter}2:{letter}{last_row}")
        sheet.add_data_validation(dv)

    for col_index, (key, message) in enumerate(LISTED, start=1):
        if key != "village" or with_villages:
            add_validation(key, list_range(col_index), message)
    for key in YES_NO_COLUMNS:
        add_validation(key, f'"{YES},{NO}"', "Chọn Có hoặc Không.")
    for key in COUNT_COLUMNS:
        dv = DataValidation(type="whole", operator="between", formula1="0", formula2="50")
        dv.error, dv.showErrorMessage = "Nhập số nguyên từ 0 đến 50.", True
        letter = _letter(key)
        dv.add(f"{letter}2:{letter}{last_row}")
        sheet.add_data_validation(dv)
