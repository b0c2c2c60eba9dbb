"""Citizen ID (CCCD / personal identification number) checks and the keyed hash we store.

Shape (Law on Identity 2023; Decree 137/2015/NĐ-CP art. 7 as amended; Circular 59/2021/TT-BCA):
12 digits = 3 for the province (or centrally-run city) where the birth was registered,
1 for century and sex, 2 for the last two digits of the birth year, 6 random.

Century/sex digit: 0 = 20th century male, 1 = 20th century female, 2/3 = 21st century, 4/5 = 22nd,
(6/7 = 23rd, 8/9 = 24th: not yet possible). We accept 0–5 and require the birth year not to lie in
the future.

We never keep the number: only an HMAC-SHA256 under `settings.CCCD_HASH_KEY` (so a leaked table
cannot be reversed by hashing all 10^12 numbers without the key) and its last 4 digits, which staff
read back at handover.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

# Province-of-birth codes of the CCCD. Source: Circular 07/2016/TT-BCA, Appendix (“Danh sách mã
# tỉnh, thành phố trực thuộc trung ương nơi công dân đăng ký khai sinh”), kept by Circular
# 59/2021/TT-BCA. They are the 63 pre-2025 GSO province codes, zero-padded to three digits. The
# 2025 mergers (34 provinces) reuse codes from this list, and cards already issued keep theirs, so
# the old list stays the set of valid codes.
PROVINCE_CODES: dict[str, str] = {
    "001": "Hà Nội",
    "002": "Hà Giang",
    "004": "Cao Bằng",
    "006": "Bắc Kạn",
    "008": "Tuyên Quang",
    "010": "Lào Cai",
    "011": "Điện Biên",
    "012": "Lai Châu",
    "014": "Sơn La",
    "015": "Yên Bái",
    "017": "Hòa Bình",
    "019": "Thái Nguyên",
    "020": "Lạng Sơn",
    "022": "Quảng Ninh",
    "024": "Bắc Giang",
    "025": "Phú Thọ",
    "026": "Vĩnh Phúc",
    "027": "Bắc Ninh",
    "030": "Hải Dương",
    "031": "Hải Phòng",
    "033": "Hưng Yên",
    "034": "Thái Bình",
    "035": "Hà Nam",
    "036": "Nam Định",
    "037": "Ninh Bình",
    "038": "Thanh Hóa",
    "040": "Nghệ An",
    "042": "Hà Tĩnh",
    "044": "Quảng Bình",
    "045": "Quảng Trị",
    "046": "Thừa Thiên Huế",
    "048": "Đà Nẵng",
    "049": "Quảng Nam",
    "051": "Quảng Ngãi",
    "052": "Bình Định",
    "054": "Phú Yên",
    "056": "Khánh Hòa",
    "058": "Ninh Thuận",
    "060": "Bình Thuận",
    "062": "Kon Tum",
    "064": "Gia Lai",
    "066": "Đắk Lắk",
    "067": "Đắk Nông",
    "068": "Lâm Đồng",
    "070": "Bình Phước",
    "072": "Tây Ninh",
    "074": "Bình Dương",
    "075": "Đồng Nai",
    "077": "Bà Rịa - Vũng Tàu",
    "079": "Hồ Chí Minh",
    "080": "Long An",
    "082": "Tiền Giang",
    "083": "Bến Tre",
    "084": "Trà Vinh",
    "086": "Vĩnh Long",
    "087": "Đồng Tháp",
    "089": "An Giang",
    "091": "Kiên Giang",
    "092": "Cần Thơ",
    "093": "Hậu Giang",
    "094": "Sóc Trăng",
    "095": "Bạc Liêu",
    "096": "Cà Mau",
}

CENTURY_BY_DIGIT = {"0": 1900, "1": 1900, "2": 2000, "3": 2000, "4": 2100, "5": 2100}

_SEPARATORS = re.compile(r"[\s.\-]")


@dataclass(frozen=True)
class CheckedCccd:
    number: str
    birth_year: int

    @property
    def last4(self) -> str:
        return self.number[-4:]

    @property
    def hash(self) -> str:
        return cccd_hash(self.number)


def normalise(raw) -> str:
    """Text as typed (spaces, dots or dashes between groups are dropped). A number that Excel
    turned into a float or int gets its leading zeros back."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, int):
        return str(raw).zfill(12)
    return _SEPARATORS.sub("", str(raw).strip())


def check_cccd(raw, *, this_year: int | None = None) -> tuple[CheckedCccd | None, str]:
    """Returns (the checked number, "") or (None, a message for people)."""
    number = normalise(raw)
    if not number:
        return None, _("Enter the 12-digit citizen ID (CCCD) number.")
    if not number.isdigit():
        return None, _("A citizen ID (CCCD) contains digits only.")
    if len(number) != 12:
        return None, _("A citizen ID (CCCD) has exactly 12 digits; this one has %(n)s.") % {
            "n": len(number)
        }
    if number[:3] not in PROVINCE_CODES:
        return None, _(
            "The first three digits (%(code)s) are not the code of a Vietnamese province."
        ) % {"code": number[:3]}
    century = CENTURY_BY_DIGIT.get(number[3])
    if century is None:
        return None, _(
            "The fourth digit (%(digit)s) must be 0–5: it gives the century of birth and sex."
        ) % {"digit": number[3]}
    birth_year = century + int(number[4:6])
    this_year = this_year or timezone.localdate().year
    if birth_year > this_year:
        return None, _(
            "Digits 4 to 6 give the birth year %(year)s, which is in the future. Check the number."
        ) % {"year": birth_year}
    return CheckedCccd(number=number, birth_year=birth_year), ""


def cccd_hash(number: str) -> str:
    """HMAC-SHA256 of the 12 digits under settings.CCCD_HASH_KEY, as 64 hex characters."""
    key = settings.CCCD_HASH_KEY.encode()
    return hmac.new(key, number.encode(), hashlib.sha256).hexdigest()
