"""The editable fields of a household, declared once for the three doors that take them: the
officer's form (households/forms.py), the API (households/api.py) and the Excel import
(households/excel/): its name, label, kind, help text and column(s) of the import file. The
rules the values must meet are not here but in households/validation.py, which all three doors
reach through the services.

Each door adds what only it needs (a widget, an API default) in its own module. The Excel
headers, notes and drop-down values are fixed Vietnamese text (the file format, not the
page language), so a file filled in on any computer reads back the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from households.models import ConsentRecord, Household


class Kind:
    """Kinds of field: each door turns a kind into its own field type."""

    COMMUNE = "commune"  # a commune code; the form offers the communes the officer covers
    VILLAGE = "village"  # a village id of that commune, optional
    TEXT = "text"  # required text
    CCCD = "cccd"  # the citizen ID, never stored whole
    COUNT = "count"  # a count of members (0-50)
    CHOICE = "choice"  # one of `choices`
    OPTIONAL_TEXT = "optional_text"
    YEAR = "year"  # optional year
    MULTI = "multi"  # several of `choices`


@dataclass(frozen=True)
class HouseholdField:
    name: str
    label: Any  # lazy text
    kind: str
    choices: Any = None  # a TextChoices class, for CHOICE and MULTI

    @property
    def help_text(self):
        return HELP.get(self.name, "")

    @property
    def columns(self) -> list[Column]:
        """Its columns in the import file (a MULTI field has one yes/no column per choice)."""
        keys = self.choices.values if self.kind == Kind.MULTI else [self.name]
        return [COLUMN_BY_KEY[key] for key in keys]


HELP = {
    "village": _("Same name in the same village is shown to the verifier as a possible duplicate."),
    "head_name": _("As written on the citizen ID card, with diacritics."),
    "cccd": _(
        "12 digits. Only a keyed fingerprint and the last 4 digits are stored, never the number."
    ),
    "disabled": _("A count only: do not write diagnoses."),
    "poverty_status": _("As certified by the commune under the multidimensional poverty standard."),
    "coverage_4g": _("Try a call or a web page at the house if you can."),
    "need": _("In your words. It is never shown to donors unless the household agrees."),
}

# In the order of the form and of the import file.
HOUSEHOLD_FIELDS: tuple[HouseholdField, ...] = (
    HouseholdField("commune", _("Commune"), Kind.COMMUNE),
    HouseholdField("village", _("Village (thôn, bản)"), Kind.VILLAGE),
    HouseholdField("head_name", _("Full name of the head of household"), Kind.TEXT),
    HouseholdField("cccd", _("Citizen ID (CCCD) number of the head"), Kind.CCCD),
    HouseholdField("members", _("Members of the household"), Kind.COUNT),
    HouseholdField("school_age_children", _("School-age children"), Kind.COUNT),
    HouseholdField("elderly", _("Elderly members"), Kind.COUNT),
    HouseholdField("disabled", _("Members with disability"), Kind.COUNT),
    HouseholdField("poverty_status", _("Poverty status"), Kind.CHOICE, Household.Poverty),
    HouseholdField("poverty_certificate_no", _("Certificate number"), Kind.OPTIONAL_TEXT),
    HouseholdField("poverty_certificate_year", _("Certificate year"), Kind.YEAR),
    HouseholdField(
        "deprivations", _("Information deprivations"), Kind.MULTI, Household.Deprivation
    ),
    HouseholdField("phone_situation", _("Phone situation"), Kind.CHOICE, Household.PhoneSituation),
    HouseholdField("coverage_4g", _("4G coverage at home"), Kind.CHOICE, Household.Coverage),
    HouseholdField("need", _("Why the household needs a phone"), Kind.OPTIONAL_TEXT),
)

# The facts of a household: every field but where it lives (commune, village).
FACTS = tuple(f for f in HOUSEHOLD_FIELDS if f.kind not in (Kind.COMMUNE, Kind.VILLAGE))
FACT_NAMES = tuple(f.name for f in FACTS)

# ------------------------------------------------------------------------- the import file

YES, NO = "Có", "Không"
YES_NO_NOTE = "Có hoặc Không."
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
    """One column of the import file: key (a field, a deprivation or a consent column), header,
    width, note, and for a drop-down its Vietnamese values → the stored codes."""

    key: str
    header: str
    width: int
    note: str
    values: dict[str, str] = field(default_factory=dict)


# Every column of the import file, in order: the household's fields, then its consent.
COLUMNS = [
    Column("commune", "Xã", 26, "Chọn trong danh sách: mã và tên xã bạn phụ trách."),
    Column("village", "Thôn/bản", 20, "Tên thôn, bản đúng như trong danh sách của xã."),
    Column("head_name", "Họ tên chủ hộ", 24, "Họ và tên đầy đủ, có dấu."),
    Column("cccd", "Số CCCD chủ hộ", 16, "12 chữ số, nhập dạng văn bản để giữ số 0 ở đầu."),
    Column("members", "Số nhân khẩu", 10, "Số người trong hộ, ít nhất 1."),
    Column("school_age_children", "Trẻ em đi học", 10, "Số trẻ trong độ tuổi đi học."),
    Column("elderly", "Người cao tuổi", 10, "Số người cao tuổi."),
    Column("disabled", "Người khuyết tật", 10, "Số người khuyết tật (không ghi bệnh)."),
    Column("poverty_status", "Diện hộ", 14, "Hộ nghèo, Hộ cận nghèo hoặc Khác.", POVERTY),
    Column("poverty_certificate_no", "Số giấy chứng nhận", 16, "Có thể để trống."),
    Column("poverty_certificate_year", "Năm chứng nhận", 10, "Ví dụ 2025. Có thể để trống."),
    Column("no_internet", "Không ai dùng internet", 12, YES_NO_NOTE),
    Column("no_info_access", "Không có phương tiện tiếp cận thông tin", 14, YES_NO_NOTE),
    Column("phone_situation", "Tình trạng điện thoại", 28, "Chọn trong danh sách.", PHONE),
    Column("coverage_4g", "Sóng 4G tại nhà", 12, "Tốt, Yếu hoặc Không có sóng.", COVERAGE),
    Column("need", "Nhu cầu", 30, "Lời của cán bộ: vì sao hộ cần điện thoại."),
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
]
HEADERS = [c.header for c in COLUMNS]
HEADER_BY_KEY = {c.key: c.header for c in COLUMNS}
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
