"""Vietnamese mobile numbers: checked with `phonenumbers` (the carriers' current prefixes), kept as
E.164 digits without the plus (84xxxxxxxxx), shown to staff masked except the last three."""

from __future__ import annotations

import phonenumbers
from django.utils.translation import gettext as _

from core.errors import ApplicationError


def mobile_clean(raw: str, *, field: str = "sim_phone") -> str:
    """`raw` as E.164 digits (84xxxxxxxxx), or a 400 on `field` when it is no Vietnamese mobile."""
    text = "".join(ch for ch in str(raw or "") if ch.isdigit() or ch == "+")
    message = _(
        "Write the SIM's phone number: 10 digits starting with 0 (for example 0912 345 678)."
    )
    if not text or len(text) > 16:
        raise ApplicationError(message, code="invalid_phone", fields={field: [message]})
    try:
        number = phonenumbers.parse(text, "VN")
    except phonenumbers.NumberParseException:
        raise ApplicationError(message, code="invalid_phone", fields={field: [message]}) from None
    mobile = phonenumbers.PhoneNumberType.MOBILE
    if (
        number.country_code != 84
        or not phonenumbers.is_valid_number(number)
        or phonenumbers.number_type(number) != mobile
    ):
        raise ApplicationError(message, code="invalid_phone", fields={field: [message]})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164).lstrip("+")


def national(e164_digits: str) -> str:
    """84912345678 → 0912345678 (the form Vietnamese SMS gateways document)."""
    return "0" + e164_digits[2:] if e164_digits.startswith("84") else e164_digits


def same_number(a: str, b: str) -> bool:
    """Two spellings of one Vietnamese number (0912…, 84912…, +84 912 …)."""

    def digits(value: str) -> str:
        value = "".join(ch for ch in str(value or "") if ch.isdigit())
        return value[2:] if value.startswith("84") else value.lstrip("0")

    return bool(a) and bool(b) and digits(a) == digits(b)


def masked(e164_digits: str) -> str:
    return "*" * max(len(e164_digits) - 3, 0) + e164_digits[-3:]
