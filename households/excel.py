"""The Excel side of nomination: the template officers fill in, reading an uploaded file into
checked rows, and the export of a commune's households.

The file is a Vietnamese form: its headers and drop-down values are fixed Vietnamese text (the
file format, not the page language), so a file filled in on any computer reads back the same.
Reading is built for 10,000 rows: one pass over the sheet, lookups (communes, villages, known
CCCD hashes) fetched once, no query per row. See bench/households_import.py.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from functools import lru_cache

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from accounts.models import Role
from accounts.scoping import scope_for
from core.xlsx import NotAnXlsx, TooLarge, read_sheet
from households.models import ConsentRecord, Household, name_key
from households.validation import check_consent, check_facts
from places.models import Commune, Village

YES, NO = "Có", "Không"
POVERTY = {"Hộ nghèo": "poor", "Hộ cận nghèo": "near_poor", "Khác": "other"}
PHONE = {
    "Chưa có điện thoại": "none",
    "Chỉ có điện thoại phổ thông": "feature_phone",
    "Điện thoại thông minh bị hỏng": "broken_smartphone",
    "Dùng chung điện thoại thông minh": "shared_smartphone",
}
COVERAGE = {"Tốt": "good", "Yếu": "weak", "Không có sóng": "none"}
METHOD = {
    "Ký giấy": ConsentRecord.Method.SIGNED_FORM,
    "Điểm chỉ": ConsentRecord.Method.THUMBPRINT,
    "Có người làm chứng": ConsentRecord.Method.WITNESS,
}


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: int
    note: str


COLUMNS = [
    Column("commune", "Xã", 26, "Chọn trong danh sách: mã và tên xã bạn phụ trách."),
    Column("village", "Thôn/bản", 20, "Tên thôn, bản đúng như trong danh sách của xã."),
    Column("head_name", "Họ tên chủ hộ", 24, "Họ và tên đầy đủ, có dấu."),
    Column("cccd", "Số CCCD chủ hộ", 16, "12 chữ số, nhập dạng văn bản để giữ số 0 ở đầu."),
    Column("members", "Số nhân khẩu", 10, "Số người trong hộ, ít nhất 1."),
    Column("school_age_children", "Trẻ em đi học", 10, "Số trẻ trong độ tuổi đi học."),
    Column("elderly", "Người cao tuổi", 10, "Số người cao tuổi."),
    Column("disabled", "Người khuyết tật", 10, "Số người khuyết tật (không ghi bệnh)."),
    Column("poverty_status", "Diện hộ", 14, "Hộ nghèo, Hộ cận nghèo hoặc Khác."),
    Column("poverty_certificate_no", "Số giấy chứng nhận", 16, "Có thể để trống."),
    Column("poverty_certificate_year", "Năm chứng nhận", 10, "Ví dụ 2025. Có thể để trống."),
    Column("no_internet", "Không ai dùng internet", 12, "Có hoặc Không."),
    Column("no_info_access", "Không có phương tiện tiếp cận thông tin", 14, "Có hoặc Không."),
    Column("phone_situation", "Tình trạng điện thoại", 28, "Chọn trong danh sách."),
    Column("coverage_4g", "Sóng 4G tại nhà", 12, "Tốt, Yếu hoặc Không có sóng."),
    Column("need", "Nhu cầu", 30, "Lời của cán bộ: vì sao hộ cần điện thoại."),
    Column("consent_processing", "Đồng ý xử lý dữ liệu", 12, "Có: hộ đã đồng ý bằng văn bản."),
    Column("consent_method", "Hình thức đồng ý", 18, "Ký giấy, Điểm chỉ hoặc Có người làm chứng."),
    Column("witness_name", "Người làm chứng", 20, "Bắt buộc khi đồng ý có người làm chứng."),
    Column("consent_share_story", "Đồng ý chia sẻ câu chuyện", 12, "Có hoặc Không."),
    Column("consent_share_photo", "Đồng ý chia sẻ ảnh", 12, "Có hoặc Không."),
]
HEADERS = [c.header for c in COLUMNS]
HEADER_BY_KEY = {c.key: c.header for c in COLUMNS}
FIELD_TO_COLUMN = {"consent": "consent_processing", "deprivations": "no_internet"}

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
    errors: list[RowError] = field(default_factory=list)
    communes: dict[str, Commune] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def _communes_in_scope(user) -> list[Commune]:
    scope = scope_for(user)
    communes = Commune.objects.order_by("name")
    if not scope.is_admin:
        communes = communes.filter(code__in=scope.communes(Role.OFFICER))
    return list(communes)


def _commune_choice(commune: Commune) -> str:
    return f"{commune.code} - {commune.name}"


# ---------------------------------------------------------------------------------- template


def build_template(*, user) -> bytes:
    """The .xlsx an officer fills in: headers, drop-downs, one example row, instructions."""
    communes = _communes_in_scope(user)
    villages = list(Village.objects.filter(commune__in=communes).order_by("commune__name", "name"))
    wb = Workbook()
    sheet = wb.active
    sheet.title = "Danh sách hộ"
    sheet.append(HEADERS)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    example = dict(EXAMPLE, commune=_commune_choice(communes[0]) if communes else "")
    if villages:
        example["village"] = villages[0].name
    sheet.append([example[c.key] for c in COLUMNS])
    sheet.freeze_panes = "A2"
    cccd_col = get_column_letter(HEADERS.index(HEADER_BY_KEY["cccd"]) + 1)
    for row in range(2, 2002):
        sheet[f"{cccd_col}{row}"].number_format = "@"

    lists = wb.create_sheet("Danh mục")
    lists.append(["Xã", "Thôn/bản", "Diện hộ", "Tình trạng điện thoại", "Sóng 4G", "Hình thức"])
    columns_of_lists = [
        [_commune_choice(c) for c in communes],
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

    def list_range(col_index: int) -> str:
        letter = get_column_letter(col_index)
        last = max(2, len(columns_of_lists[col_index - 1]) + 1)
        return f"'Danh mục'!${letter}$2:${letter}${last}"

    last_row = settings.HOUSEHOLD_IMPORT_MAX_ROWS + 1

    def add_validation(key: str, formula: str, message: str) -> None:
        dv = DataValidation(type="list", formula1=formula, allow_blank=True)
        dv.error = message
        dv.errorTitle = "Giá trị không hợp lệ"
        dv.prompt = next(c.note for c in COLUMNS if c.key == key)
        dv.showErrorMessage = True
        dv.showInputMessage = True
        letter = get_column_letter(HEADERS.index(HEADER_BY_KEY[key]) + 1)
        dv.add(f"{letter}2:{letter}{last_row}")
        sheet.add_data_validation(dv)

    yes_no = f'"{YES},{NO}"'
    add_validation("commune", list_range(1), "Chọn xã trong danh sách.")
    if villages:
        add_validation("village", list_range(2), "Chọn thôn, bản trong danh sách.")
    add_validation("poverty_status", list_range(3), "Chọn diện hộ trong danh sách.")
    add_validation("phone_situation", list_range(4), "Chọn tình trạng trong danh sách.")
    add_validation("coverage_4g", list_range(5), "Chọn mức sóng trong danh sách.")
    add_validation("consent_method", list_range(6), "Chọn hình thức trong danh sách.")
    for key in (
        "no_internet",
        "no_info_access",
        "consent_processing",
        "consent_share_story",
        "consent_share_photo",
    ):
        add_validation(key, yes_no, "Chọn Có hoặc Không.")
    for key in ("members", "school_age_children", "elderly", "disabled"):
        dv = DataValidation(type="whole", operator="between", formula1="0", formula2="50")
        dv.error, dv.showErrorMessage = "Nhập số nguyên từ 0 đến 50.", True
        letter = get_column_letter(HEADERS.index(HEADER_BY_KEY[key]) + 1)
        dv.add(f"{letter}2:{letter}{last_row}")
        sheet.add_data_validation(dv)

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


# ---------------------------------------------------------------------------------- reading


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


@lru_cache(maxsize=4096)
def _key(text: str) -> str:
    """name_key of the short values that repeat down a column (choices, yes/no, villages)."""
    return name_key(text)


def _lookup(table: dict[str, str]) -> dict[str, str]:
    """Accept the Vietnamese label or the API code, without regard to case or diacritics."""
    out = {name_key(label): code for label, code in table.items()}
    out.update({name_key(code): code for code in table.values()})
    return out


_POVERTY, _PHONE, _COVERAGE, _METHOD = map(_lookup, (POVERTY, PHONE, COVERAGE, METHOD))
_YES_NO = {"co": True, "khong": False, "yes": True, "no": False, "x": True, "1": True, "0": False}


def read_rows(content: bytes):
    """Yields (excel row number, {key: raw value}) of every non-empty row; raises
    ImportFileError when the file is not an Excel workbook or its headers are not ours."""
    if len(content) > settings.HOUSEHOLD_IMPORT_MAX_BYTES:
        raise ImportFileError(
            _("The file is larger than %(mb)s MB. Split it into several files.")
            % {"mb": settings.HOUSEHOLD_IMPORT_MAX_BYTES // (1024 * 1024)},
            "file_too_large",
        )
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
    found = [name_key(_text(h)) for h in header]
    while found and not found[-1]:
        found.pop()
    expected = [name_key(h) for h in HEADERS]
    if found != expected:
        missing = [h for h in HEADERS if name_key(h) not in found]
        extra = [_text(h) for h in header if _text(h) and name_key(_text(h)) not in expected]
        details = []
        if missing:
            details.append(_("missing: %(cols)s") % {"cols": ", ".join(missing)})
        if extra:
            details.append(_("unexpected: %(cols)s") % {"cols": ", ".join(extra)})
        if not details:
            details.append(_("the columns are in another order"))
        raise ImportFileError(
            _("The headers of the first row are not those of the template (%(details)s).")
            % {"details": "; ".join(details)},
            "wrong_headers",
        )
    keys = [c.key for c in COLUMNS]
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


def _choice_reader(raw: dict):
    def choice(key: str, table: dict[str, str]) -> str:
        text = _text(raw[key])
        return table.get(_key(text), text or "")

    return choice


def _yes_no_reader(raw: dict, errors: dict):
    def yes_no(key: str) -> bool:
        text = _key(_text(raw[key]))
        if not text:
            return False
        if text in _YES_NO:
            return _YES_NO[text]
        errors[key] = _("Write “Có” or “Không”.")
        return False

    return yes_no


def check_file(content: bytes, *, actor) -> CheckedFile:
    """Reads and checks every row; nothing is written. Households come back unsaved, with
    their priority computed, ready for bulk_create."""
    result = CheckedFile()
    communes = {c.code: c for c in _communes_in_scope(actor)}
    all_communes = dict(Commune.objects.values_list("code", "name"))
    villages = {
        (v.commune_id, name_key(v.name)): v
        for v in Village.objects.filter(commune_id__in=list(communes))
    }
    result.communes = communes
    seen: dict[str, int] = {}
    pending: list[tuple[int, str]] = []  # (row, cccd hash) to check against the database

    for number, raw in read_rows(content):
        result.rows += 1
        errors: dict[str, str] = {}

        code = _text(raw["commune"]).split(" ", 1)[0].split("-", 1)[0].strip()
        commune = communes.get(code)
        if commune is None:
            if not code:
                errors["commune"] = _("Choose the commune.")
            elif code in all_communes:
                errors["commune"] = _("You are not assigned to %(commune)s.") % {
                    "commune": all_communes[code]
                }
            else:
                errors["commune"] = _("“%(code)s” is not the code of a commune of Quảng Trị.") % {
                    "code": code
                }
        village = None
        village_name = _text(raw["village"])
        if village_name and commune is not None:
            village = villages.get((commune.code, _key(village_name)))
            if village is None:
                errors["village"] = _("“%(village)s” is not a village of %(commune)s.") % {
                    "village": village_name,
                    "commune": commune.name,
                }

        choice = _choice_reader(raw)
        yes_no = _yes_no_reader(raw, errors)

        deprivations = []
        if yes_no("no_internet"):
            deprivations.append(Household.Deprivation.NO_INTERNET)
        if yes_no("no_info_access"):
            deprivations.append(Household.Deprivation.NO_INFO_ACCESS)
        facts = {
            "head_name": raw["head_name"],
            "cccd": raw["cccd"],
            "members": raw["members"],
            "school_age_children": raw["school_age_children"],
            "elderly": raw["elderly"],
            "disabled": raw["disabled"],
            "poverty_status": choice("poverty_status", _POVERTY),
            "poverty_certificate_no": _text(raw["poverty_certificate_no"]),
            "poverty_certificate_year": raw["poverty_certificate_year"],
            "deprivations": deprivations,
            "phone_situation": choice("phone_situation", _PHONE),
            "coverage_4g": choice("coverage_4g", _COVERAGE),
            "need": _text(raw["need"]),
        }
        clean, fact_errors = check_facts(facts)
        for key, message in fact_errors.items():
            errors.setdefault(key, message)
        checked = clean.pop("cccd", None)
        method_text = _text(raw["consent_method"])
        method = _METHOD.get(_key(method_text), method_text or None)
        consent, consent_errors = check_consent(
            {
                "processing": yes_no("consent_processing"),
                "share_story": yes_no("consent_share_story"),
                "share_photo": yes_no("consent_share_photo"),
                "method": method,
                "witness_name": _text(raw["witness_name"]),
            }
        )
        for key, message in consent_errors.items():
            errors.setdefault(
                {"consent_method": "consent_method", "witness_name": "witness_name"}.get(
                    key, "consent_processing"
                ),
                message,
            )
        if checked is not None:
            digest = checked.hash
            if digest in seen:
                errors.setdefault(
                    "cccd",
                    _("This citizen ID is already on row %(row)s of this file.")
                    % {"row": seen[digest]},
                )
            else:
                seen[digest] = number
                pending.append((number, digest))

        if errors:
            for key, message in errors.items():
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

    if result.rows == 0:
        raise ImportFileError(
            _("The file has no households: fill in the rows under the headers."), "no_rows"
        )
    # One query per 2,000 IDs, not one per row.
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
        result.households = [h for h in result.households if h.cccd_hash not in known]
    result.errors.sort(key=lambda e: (e.row, HEADERS.index(e.column) if e.column in HEADERS else 0))
    return result


# ---------------------------------------------------------------------------------- export

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
