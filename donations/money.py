"""Currencies for card gifts: which are zero-decimal, Stripe's minimum per currency, and display.

Amounts are always integers in the currency's smallest unit (API.md, the services, the database):
150000 VND, 500 JPY, 1999 USD cents. People write money as they say it, in the currency's own unit
and their locale's signs ("50" or "50,50" AUD in Vietnamese, "1,234.50" in English): the page's form
reads and writes that with `parse_major` / `format_major` (Babel, the CLDR's number formats) and
converts at the edge. The table lives in settings.DONATIONS_CURRENCIES."""

from __future__ import annotations

import re
from decimal import Decimal

from babel.numbers import NumberFormatError, format_decimal, parse_decimal
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.errors import ApplicationError


def currencies() -> dict[str, tuple[int, int, int]]:
    return settings.DONATIONS_CURRENCIES


def decimals(currency: str) -> int:
    return currencies()[currency.upper()][0]


def babel_locale(language: str | None = None) -> str:
    """The Babel locale of a site language ("vi", "en"; the active one when not given)."""
    return (language or get_language() or settings.LANGUAGE_CODE).split("-")[0]


def format_major(amount: int, currency: str, language: str | None = None) -> str:
    """An amount in the smallest unit, written in the currency's unit with its own decimals and
    the locale's signs: 5050 AUD → "50,50" (vi) / "50.50" (en); 150000 VND → "150.000" (vi)."""
    places = currencies().get(currency.upper(), (0, 0, 0))[0]
    pattern = "#,##0" + ("." + "0" * places if places else "")
    value = Decimal(int(amount)).scaleb(-places)
    return format_decimal(value, format=pattern, locale=babel_locale(language))


def format_amount(amount: int, currency: str, language: str | None = None) -> str:
    """An amount for reading, with its currency code: "2.000.000 VND", "19,99 USD" (vi)."""
    return f"{format_major(amount, currency, language)} {currency.upper()}"


# What a person may type besides digits and the locale's two signs: spaces (also as thousands
# separators) and the currency's code or sign around the number.
_SPACES = re.compile(r"[\s\u00a0\u202f]+")


def parse_major(text: str, currency: str, language: str | None = None) -> int:
    """Reads an amount typed in the currency's unit and the locale's signs; returns it in the
    smallest unit. Raises ApplicationError (field "amount") for what is not such a number, or has
    more decimals than the currency ("50,5" JPY; "1,000" for one thousand đồng in Vietnamese)."""
    currency = (currency or "").strip().upper()
    places = currencies().get(currency, (0, 0, 0))[0]
    locale = babel_locale(language)
    cleaned = _SPACES.sub("", str(text or ""))
    for sign in (currency, "A$", "US$", "₫", "đ", "$", "€", "¥", "₩"):
        if sign:
            cleaned = cleaned.replace(sign, "")
    example = format_major(123450 if places else 150000, currency or "VND", language)
    if not cleaned or not re.fullmatch(r"[0-9.,]+", cleaned):
        raise _amount_error(
            _("Enter the amount in %(currency)s as a number, for example %(example)s.")
            % {"currency": currency or "VND", "example": example}
        )
    try:
        value = parse_decimal(cleaned, locale=locale, strict=True)
    except NumberFormatError:
        raise _amount_error(
            _("“%(text)s” is not an amount as we write it here: for example %(example)s.")
            % {"text": text.strip(), "example": example}
        ) from None
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        if places:
            message = _("%(currency)s has at most %(places)d decimals: for example %(example)s.")
        else:
            message = _("%(currency)s has no decimals: for example %(example)s.")
        raise _amount_error(message % {"currency": currency, "places": places, "example": example})
    return int(value.scaleb(places))


def _amount_error(message: str) -> ApplicationError:
    return ApplicationError(message, code="invalid_amount", fields={"amount": [message]})


def check_amount(amount, currency: str) -> tuple[int, str]:
    """Return (amount, CURRENCY) or raise with the rule that was broken."""
    currency = (currency or "").strip().upper()
    table = currencies()
    if currency not in table:
        message = _("We cannot take gifts in “%(currency)s”. Choose one of: %(list)s.") % {
            "currency": currency or "—",
            "list": ", ".join(table),
        }
        raise ApplicationError(message, code="unsupported_currency", fields={"currency": [message]})
    try:
        amount = int(amount)
    except (TypeError, ValueError):
        message = _("Enter the amount as a whole number in the currency's smallest unit.")
        raise ApplicationError(
            message, code="invalid_amount", fields={"amount": [message]}
        ) from None
    minimum = table[currency][1]
    if amount < minimum:
        message = _("The smallest gift by card in %(currency)s is %(min)s.") % {
            "currency": currency,
            "min": format_amount(minimum, currency),
        }
        raise ApplicationError(message, code="amount_below_minimum", fields={"amount": [message]})
    maximum = table[currency][2]
    if amount > maximum:
        message = _(
            "The largest gift by card in %(currency)s is %(max)s; for a larger gift, please "
            "give by bank transfer or split it."
        ) % {"currency": currency, "max": format_amount(maximum, currency)}
        raise ApplicationError(message, code="amount_above_maximum", fields={"amount": [message]})
    return amount, currency
