"""Currencies for card gifts: which are zero-decimal, Stripe's minimum per currency, and display.

Amounts are always integers in the currency's smallest unit (API.md): 150000 VND, 500 JPY,
1999 USD cents. The table lives in settings.DONATIONS_CURRENCIES."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from core.errors import ApplicationError


def currencies() -> dict[str, tuple[int, int, int]]:
    return settings.DONATIONS_CURRENCIES


def decimals(currency: str) -> int:
    return currencies()[currency.upper()][0]


def format_amount(amount: int, currency: str) -> str:
    currency = currency.upper()
    places = currencies().get(currency, (0, 0, 0))[0]
    if places:
        whole, fraction = divmod(int(amount), 10**places)
        text = f"{whole:,}.{fraction:0{places}d}"
    else:
        text = f"{int(amount):,}"
    if currency == "VND":
        text = text.replace(",", ".")
    return f"{text} {currency}"


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
