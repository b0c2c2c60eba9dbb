"""Fixtures of the households tests: valid citizen IDs, a ready-made nomination, Excel files."""

from __future__ import annotations

import io
import itertools

import pytest

_serial = itertools.count(1)


def cccd(n: int | None = None, *, province: str = "045", century: str = "0", yy: str = "85") -> str:
    """A well-formed citizen ID: Quảng Trị, born 1985 (male) unless told otherwise."""
    return f"{province}{century}{yy}{(n if n is not None else next(_serial)):06d}"


def household_data(commune, **overrides) -> dict:
    data = {
        "commune": commune.code if hasattr(commune, "code") else commune,
        "head_name": "Hồ Văn Pả",
        "cccd": cccd(),
        "members": 5,
        "school_age_children": 2,
        "elderly": 1,
        "disabled": 0,
        "poverty_status": "poor",
        "poverty_certificate_no": "GCN-01",
        "poverty_certificate_year": 2025,
        "deprivations": ["no_internet"],
        "phone_situation": "feature_phone",
        "coverage_4g": "weak",
        "need": "Hai cháu học trực tuyến.",
        "consent": {"processing": True, "share_story": True, "share_photo": False},
    }
    data.update(overrides)
    return data


@pytest.fixture
def make_household(communes):
    from households.services.editing import household_create

    def make(actor, commune=None, **overrides):
        commune = commune or communes["A"]
        return household_create(actor=actor, **household_data(commune, **overrides))

    return make


@pytest.fixture
def submitted(make_household, officer_a, villages):
    """A nomination of officer A in commune A, submitted and waiting for the verifier."""
    from households.services.editing import household_submit

    household = make_household(officer_a, village=villages["A"].id)
    return household_submit(household_id=household.id, actor=officer_a)


@pytest.fixture
def officer_verifier_a(db, communes):
    """One person who is both officer and verifier of commune A (the four-eyes case)."""
    from tests.conftest import COMMUNE_A, _staff

    roles = [{"role": role, "communes": [COMMUNE_A]} for role in ("officer", "verifier")]
    return _staff("both.a@test.vn", "Người Hai Vai", roles)


@pytest.fixture
def second_verifier(db, communes):
    from tests.conftest import COMMUNE_A, _staff

    return _staff(
        "verifier2@test.vn", "Trần Xác Minh", [{"role": "verifier", "communes": [COMMUNE_A]}]
    )


def excel_file(rows: list[dict], *, headers: list[str] | None = None) -> bytes:
    """An .xlsx in the template's format, with the given rows ({column key: value})."""
    from openpyxl import Workbook

    from households.fields import COLUMNS, HEADERS

    wb = Workbook()
    sheet = wb.active
    sheet.title = "Danh sách hộ"
    sheet.append(headers or HEADERS)
    for row in rows:
        sheet.append([row.get(c.key) for c in COLUMNS])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def excel_row(commune_code: str = "19588", **overrides) -> dict:
    row = {
        "commune": f"{commune_code} - Xã",
        "village": "Bản A Vao",
        "head_name": "Hồ Thị Lan",
        "cccd": cccd(),
        "members": 4,
        "school_age_children": 1,
        "elderly": 0,
        "disabled": 0,
        "poverty_status": "Hộ nghèo",
        "poverty_certificate_no": "",
        "poverty_certificate_year": 2025,
        "no_internet": "Có",
        "no_info_access": "Không",
        "phone_situation": "Chưa có điện thoại",
        "coverage_4g": "Tốt",
        "need": "",
        "consent_processing": "Có",
        "consent_method": "Ký giấy",
        "witness_name": "",
        "consent_share_story": "Không",
        "consent_share_photo": "Không",
    }
    row.update(overrides)
    return row
