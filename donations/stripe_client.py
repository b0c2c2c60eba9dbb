"""Every call to Stripe goes through this module (STYLE.md: one client module per service), so
tests point STRIPE_API_BASE at a local fake server and the rest of the code never imports stripe."""

from __future__ import annotations

import json
import logging
import time

import stripe
from django.conf import settings

log = logging.getLogger(__name__)


class StripeUnavailable(Exception):
    """Stripe could not be reached or answered with an error: the gift stays pending."""


class StripeNotConfigured(Exception):
    """No Stripe keys are set: card gifts are switched off."""


class InvalidWebhook(Exception):
    """The webhook's signature did not check out (or was made outside the time allowed)."""


class MalformedEvent(Exception):
    """Signed by Stripe, but not an event of the shape we read: kept for a person to look at.
    `payload` is what can be stored of it (JSON; the text itself when it is not JSON)."""

    def __init__(self, problem: str, payload) -> None:
        super().__init__(problem)
        self.problem = problem
        self.payload = payload


def is_configured() -> bool:
    return bool(settings.STRIPE_SECRET_KEY)


def _configure() -> None:
    if not is_configured():
        raise StripeNotConfigured
    stripe.api_key = settings.STRIPE_SECRET_KEY
    stripe.api_base = settings.STRIPE_API_BASE
    stripe.max_network_retries = 0  # a retry belongs to the donor's next click, not a hung page


def checkout_session_create(
    *,
    gift_id: int,
    amount: int,
    currency: str,
    product_name: str,
    email: str,
    success_url: str,
    cancel_url: str,
    locale: str,
) -> tuple[str, str]:
    """Create a Checkout Session for one gift; returns (session id, url to send the donor to)."""
    _configure()
    try:
        session = stripe.checkout.Session.create(
            mode="payment",
            line_items=[
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": currency.lower(),
                        "unit_amount": int(amount),
                        "product_data": {"name": product_name},
                    },
                }
            ],
            customer_email=email or None,
            client_reference_id=str(gift_id),
            metadata={"gift_id": str(gift_id)},
            payment_intent_data={"metadata": {"gift_id": str(gift_id)}},
            success_url=success_url,
            cancel_url=cancel_url,
            locale=locale if locale in ("vi", "en") else "auto",
            idempotency_key=f"noisong-gift-{gift_id}",
        )
    except stripe.StripeError as error:
        log.warning("Stripe checkout session for gift %s failed: %s", gift_id, error)
        raise StripeUnavailable(str(error)) from error
    return session["id"], session["url"]


def webhook_event_construct(payload: bytes, signature: str | None) -> dict:
    """Verify a webhook's signature and time, and return the event as a plain dict. Raises
    InvalidWebhook for a bad signature, one made more than STRIPE_WEBHOOK_TOLERANCE seconds ago or
    more than STRIPE_WEBHOOK_FUTURE_SKEW seconds ahead; MalformedEvent for a signed body that is
    not a Stripe event (the gift rules check the fields of the events they handle)."""
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        raise InvalidWebhook("no webhook secret configured")
    try:
        stripe.WebhookSignature.verify_header(
            payload, signature, secret, tolerance=settings.STRIPE_WEBHOOK_TOLERANCE
        )
        # The same reading of the header that the check above used.
        signed_at, _signatures = stripe.WebhookSignature._get_timestamp_and_signatures(
            signature, stripe.WebhookSignature.EXPECTED_SCHEME
        )
    except (ValueError, stripe.SignatureVerificationError) as error:
        raise InvalidWebhook(str(error)) from error
    if signed_at > time.time() + settings.STRIPE_WEBHOOK_FUTURE_SKEW:
        raise InvalidWebhook(f"timestamp {signed_at} is in the future")
    return _event_parse(payload)


MAX_DEPTH = 32  # Stripe's events nest a handful of levels


def _reject_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _raw(payload: bytes) -> dict:
    """What is stored of a body that cannot be stored as JSON: its text, made storable."""
    text = payload.decode("utf-8", "replace")
    return {"raw": text.replace("\x00", "\ufffd")}


def _storable(value) -> str:
    """The first thing in a JSON value that no database column can hold ("" when none): a NUL,
    a lone surrogate, nesting deeper than MAX_DEPTH."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            return f"nested deeper than {MAX_DEPTH} levels"
        if isinstance(item, dict):
            stack.extend((key, depth + 1) for key in item)
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
        elif isinstance(item, str):
            if "\x00" in item:
                return "a text holds a NUL character"
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return "a text holds a lone surrogate"
    return ""


def _text(value, limit: int) -> bool:
    return isinstance(value, str) and 0 < len(value) <= limit


def event_problem(event) -> str:
    """What makes `event` not a Stripe event envelope ("" when it is one)."""
    if not isinstance(event, dict):
        return f"the body is a JSON {type(event).__name__}, not an object"
    if not _text(event.get("id"), 255):
        return "the event has no id of 1 to 255 characters"
    if not _text(event.get("type"), 100):
        return "the event has no type of 1 to 100 characters"
    data = event.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("object"), dict):
        return "data.object is not an object"
    return ""


def _event_parse(payload: bytes) -> dict:
    try:
        event = json.loads(payload, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        raise MalformedEvent("the body is not JSON", _raw(payload)) from None
    problem = _storable(event)
    if problem:
        raise MalformedEvent(problem, _raw(payload))
    problem = event_problem(event)
    if problem:  # a JSON null is kept as its text: a JSON column would read it as no value
        raise MalformedEvent(problem, _raw(payload) if event is None else event)
    return event
