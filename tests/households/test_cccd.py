"""The citizen ID check (shape, province, century/sex digit, birth year) and its keyed hash."""

import hashlib
import hmac

import pytest

from households.cccd import PROVINCE_CODES, cccd_hash, check_cccd


def test_it_accepts_a_well_formed_quang_tri_number():
    checked, message = check_cccd("045085001234")
    assert message == ""
    assert checked.number == "045085001234"
    assert checked.birth_year == 1985
    assert checked.last4 == "1234"


def test_it_reads_century_and_sex_digits_into_the_birth_year():
    assert check_cccd("044305000001")[0].birth_year == 2005  # 3 = 2000s, female
    assert check_cccd("044112000001")[0].birth_year == 1912  # 1 = 1900s, female


def test_it_drops_spaces_and_dots_between_groups():
    assert check_cccd(" 045 085.001-234 ")[0].number == "045085001234"


def test_it_restores_leading_zeros_excel_took_away():
    assert check_cccd(45085001234)[0].number == "045085001234"
    assert check_cccd(45085001234.0)[0].number == "045085001234"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", "Nhập số căn cước công dân (CCCD) gồm 12 chữ số."),
        ("04508500123", "CCCD gồm đúng 12 chữ số; số này có 11 chữ số."),
        ("0450850012345", "CCCD gồm đúng 12 chữ số; số này có 13 chữ số."),
        ("04508500123A", "CCCD chỉ gồm chữ số."),
        ("003085001234", "Ba chữ số đầu (003) không phải mã của một tỉnh, thành phố của Việt Nam."),
        (
            "045685001234",
            "Chữ số thứ tư (6) phải từ 0 đến 5: nó cho biết thế kỷ sinh và giới tính.",
        ),
        (
            "045399001234",
            "Chữ số thứ 4 đến 6 cho năm sinh 2099, là năm trong tương lai. Hãy kiểm tra lại số.",
        ),
    ],
)
def test_it_refuses_a_malformed_number_with_a_clear_message(raw, expected):
    checked, message = check_cccd(raw)
    assert checked is None
    assert message == expected


def test_the_province_list_has_the_63_codes_of_the_source():
    assert len(PROVINCE_CODES) == 63
    assert PROVINCE_CODES["045"] == "Quảng Trị"
    assert PROVINCE_CODES["044"] == "Quảng Bình"
    assert all(len(code) == 3 and code.isdigit() for code in PROVINCE_CODES)


def test_the_hash_is_an_hmac_under_the_settings_key(settings):
    settings.CCCD_HASH_KEY = "key-one"
    expected = hmac.new(b"key-one", b"045085001234", hashlib.sha256).hexdigest()
    assert cccd_hash("045085001234") == expected
    settings.CCCD_HASH_KEY = "key-two"
    assert cccd_hash("045085001234") != expected
