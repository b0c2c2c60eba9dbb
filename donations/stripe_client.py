"""Every call to Stripe goes through this module (STYLE.md: one client module per service), so
tests point STRIPE_API_BASE at a local fake server and the rest of the code never imports stripe."""

from __future__ import annotations

import logging

import stripe
from django.conf import settings

log = logging.getLogger(__name__)


class StripeUnavailable(Exception):
    """Stripe could not be reached or answered with an error: the gift stays pending."""


class StripeNotConfigured(Exception):
    """No Stripe keys are set: card gifts are switched off."""


class InvalidWebhook(Exception):
    """The webhook's signature or body did not check out."""


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
    """Verify a webhook's signature and return the event as a plain dict."""
    if not settings.STRIPE_WEBHOOK_SECRET:
        raise InvalidWebhook("no webhook secret configured")
    try:
        event = stripe.Webhook.construct_event(payload, signature, settings.STRIPE_WEBHOOK_SECRET)
    except (ValueError, stripe.SignatureVerificationError) as error:
        raise InvalidWebhook(str(error)) from error
    return event.to_dict()
