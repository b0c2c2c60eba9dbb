"""The editable fields of a household, declared once for the three doors that take them: the
officer's form (households/forms.py), the API (households/api.py) and the Excel import
(households/excel/). Each field says its name, its label, its kind, and what each door needs
beyond that (a widget, an API default, the column(s) of the import file). The rules the values
must meet are not here but in households/validation.py, which all three doors reach through the
services.

The Excel headers, notes and drop-down values are fixed Vietnamese text (the file format, not the
page language), so a file filled in on any computer reads back the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from households.models import ConsentRecord, Household

# Kinds of field: each door turns a kind into its own field type.
COMMUNE = "commune"  # a commune code; the form offers the communes the officer covers
VILLAGE = "village"  # a village id of that commune, optional
TEXT = "text"  # required text
CCCD = "cccd"  # the citizen ID, never stored whole
COUNT = "count"  # a count of members (0-50)
CHOICE = "choice"  # one of `choices`
OPTIONAL_TEXT = "optional_text"
YEAR = "year"  # optional year
MULTI = "multi"  # several of `choices`

YES, NO = "Có", "Không"


@dataclass(frozen=True)
class Column:
    """One column of the import file: key (the field or a part of it), header, width, note, and
    for a drop-down its Vietnamese values → the stored codes."""

    key: str
    header: str
    width: int
    note: str
    values: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class HouseholdField:
    name: str
    label: Any  # lazy text
    kind: str
    columns: tuple[Column, ...]
    choices: Any = None  # a TextChoices class for CHOICE and MULTI
    help_text: Any = ""
    form: dict = field(default_factory=dict)  # extra arguments of the form field
    api: dict = field(default_factory=dict)  # extra arguments of the API field


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
YES_NO_NOTE = "Có hoặc Không."


def _count(name, label, header, note, help_text="") -> HouseholdField:
    return HouseholdField(
        name,
        label,
        COUNT,
        (Column(name, header, 10, note),),
        help_text=help_text,
        form={"initial": 0},
        api={"default": 0},
    )


# In the order of the form and of the import file.
HOUSEHOLD_FIELDS: tuple[HouseholdField, ...] = (
    HouseholdField(
        "commune",
        _("Commune"),
        COMMUNE,
        (Column("commune", "Xã", 26, "Chọn trong danh sách: mã và tên xã bạn phụ trách."),),
    ),
    HouseholdField(
        "village",
        _("Village (thôn, bản)"),
        VILLAGE,
        (Column("village", "Thôn/bản", 20, "Tên thôn, bản đúng như trong danh sách của xã."),),
        help_text=_(
            "Same name in the same village is shown to the verifier as a possible duplicate."
        ),
    ),
    HouseholdField(
        "head_name",
        _("Full name of the head of household"),
        TEXT,
        (Column("head_name", "Họ tên chủ hộ", 24, "Họ và tên đầy đủ, có dấu."),),
        help_text=_("As written on the citizen ID card, with diacritics."),
        form={"max_length": 150},
        api={"max_length": 150},
    ),
    HouseholdField(
        "cccd",
        _("Citizen ID (CCCD) number of the head"),
        CCCD,
        (Column("cccd", "Số CCCD chủ hộ", 16, "12 chữ số, nhập dạng văn bản để giữ số 0 ở đầu."),),
        help_text=_(
            "12 digits. Only a keyed fingerprint and the last 4 digits are stored, never the number."
        ),
        form={"max_length": 20},
        api={"max_length": 32},
    ),
    HouseholdField(
        "members",
        _("Members of the household"),
        COUNT,
        (Column("members", "Số nhân khẩu", 10, "Số người trong hộ, ít nhất 1."),),
        api={"default": 1},
    ),
    _count(
        "school_age_children",
        _("School-age children"),
        "Trẻ em đi học",
        "Số trẻ trong độ tuổi đi học.",
    ),
    _count("elderly", _("Elderly members"), "Người cao tuổi", "Số người cao tuổi."),
    _count(
        "disabled",
        _("Members with disability"),
        "Người khuyết tật",
        "Số người khuyết tật (không ghi bệnh).",
        help_text=_("A count only: do not write diagnoses."),
    ),
    HouseholdField(
        "poverty_status",
        _("Poverty status"),
        CHOICE,
        (Column("poverty_status", "Diện hộ", 14, "Hộ nghèo, Hộ cận nghèo hoặc Khác.", POVERTY),),
        choices=Household.Poverty,
        help_text=_("As certified by the commune under the multidimensional poverty standard."),
        form={"radio": True},
    ),
    HouseholdField(
        "poverty_certificate_no",
        _("Certificate number"),
        OPTIONAL_TEXT,
        (Column("poverty_certificate_no", "Số giấy chứng nhận", 16, "Có thể để trống."),),
        form={"max_length": 50},
    ),
    HouseholdField(
        "poverty_certificate_year",
        _("Certificate year"),
        YEAR,
        (Column("poverty_certificate_year", "Năm chứng nhận", 10, "Ví dụ 2025. Có thể để trống."),),
    ),
    HouseholdField(
        "deprivations",
        _("Information deprivations"),
        MULTI,
        # One yes/no column per deprivation.
        (
            Column("no_internet", "Không ai dùng internet", 12, YES_NO_NOTE),
            Column("no_info_access", "Không có phương tiện tiếp cận thông tin", 14, YES_NO_NOTE),
        ),
        choices=Household.Deprivation,
    ),
    HouseholdField(
        "phone_situation",
        _("Phone situation"),
        CHOICE,
        (Column("phone_situation", "Tình trạng điện thoại", 28, "Chọn trong danh sách.", PHONE),),
        choices=Household.PhoneSituation,
    ),
    HouseholdField(
        "coverage_4g",
        _("4G coverage at home"),
        CHOICE,
        (Column("coverage_4g", "Sóng 4G tại nhà", 12, "Tốt, Yếu hoặc Không có sóng.", COVERAGE),),
        choices=Household.Coverage,
        help_text=_("Try a call or a web page at the house if you can."),
    ),
    HouseholdField(
        "need",
        _("Why the household needs a phone"),
        OPTIONAL_TEXT,
        (Column("need", "Nhu cầu", 30, "Lời của cán bộ: vì sao hộ cần điện thoại."),),
        help_text=_("In your words. It is never shown to donors unless the household agrees."),
        form={"textarea": True},
    ),
)

BY_NAME = {f.name: f for f in HOUSEHOLD_FIELDS}
# The facts of a household: every field but where it lives (commune, village).
FACTS = tuple(f for f in HOUSEHOLD_FIELDS if f.kind not in (COMMUNE, VILLAGE))
FACT_NAMES = tuple(f.name for f in FACTS)

# The consent columns of the import file (the form and the API take consent their own way).
CONSENT_COLUMNS = (
    Column("consent_processing", "Đồng ý xử lý dữ liệu", 12, "Có: hộ đã đồng ý bằng văn bản."),
    Column(
        "consent_method",
        "Hình thức đồng ý",
        18,
        "Ký giấy, Điểm chỉ hoặc Có người làm chứng.",
        METHOD,
    ),
    Column("witness_name", "Người làm chứng", 20, "Bắt buộc khi đồng ý có người làm chứng."),
    Column("consent_share_story", "Đồng ý chia sẻ câu chuyện", 12, YES_NO_NOTE),
    Column("consent_share_photo", "Đồng ý chia sẻ ảnh", 12, YES_NO_NOTE),
)

# Every column of the import file, in order.
COLUMNS: list[Column] = [c for f in HOUSEHOLD_FIELDS for c in f.columns] + list(CONSENT_COLUMNS)
HEADERS = [c.header for c in COLUMNS]
HEADER_BY_KEY = {c.key: c.header for c in COLUMNS}
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
