"""Gifts of money: card gifts by Stripe Checkout, bank transfers by VietQR, the Stripe webhook
(each event stored once by its id: the de-duplication; the gift's state derived from all stored
events, in any order), refunds, and the gift's status door (`GIFT`, `gift_transition`)."""

from __future__ import annotations

import hashlib
import re

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import ApplicationError
from core.lifecycle import Lifecycle
from core.outbox import owe
from donations import money, stripe_client, vietqr
from donations.models import Gift, GiftEvent, StripeEvent
from donations.services.donors import donor_for
from donations.services.errors import field_error
from donations.services.ledger import ledger_gift_received, ledger_refund_book
from donations.services.places import gift_place_clean
from donations.services.timeline import timeline_note

S = Gift.Status

# The gift life cycle: one table of allowed moves and one door, `gift_transition`. A card gift is
# paid or fails by what Stripe's webhook events say, and is refunded in full by Stripe; a bank
# transfer is paid by a line of a bank statement (services/statements.py).
GIFT = Lifecycle(
    model=Gift,
    event_model=GiftEvent,
    subject="gift",
    allowed={
        S.PENDING: {S.PAID, S.FAILED},
        S.FAILED: {S.PAID},  # a delayed payment method may still succeed after a reported failure
        S.PAID: {S.REFUNDED},
        S.REFUNDED: set(),
    },
    refusal=gettext_lazy(
        "A gift that is “%(now)s” cannot become “%(to)s”. Allowed next: %(allowed)s."
    ),
    save_fields=("updated_at",),
)


def gift_transition(
    *,
    gift_id: int,
    to: str,
    source: str,
    actor=None,
    reason: str = "",
    data: dict | None = None,
    also: dict | None = None,
) -> Gift:
    """Move a gift to `to`, or raise Conflict (409, invalid_transition) naming the allowed moves
    and writing nothing. A repeated move changes nothing. Writes one GiftEvent per move with its
    `source` (the webhook event id, `statement:<id>`); `actor` is None for the system's moves.
    A gift that becomes paid gets its ledger entry and, after the commit, the donor's email."""
    with transaction.atomic():
        also = dict(also or {})
        if to == S.PAID:
            paid_at = Gift.objects.select_for_update().values_list("paid_at", flat=True)
            if paid_at.get(pk=gift_id) is None:
                also["paid_at"] = timezone.now()
        gift = GIFT.move(
            obj_id=gift_id,
            to=to,
            actor=actor,
            reason=reason,
            data=data,
            also=also,
            event_fields={"source": source},
        )
        if (
            gift.last_event is not None
            and to == S.PAID
            and ledger_gift_received(gift=gift, source=source)
        ):
            owe("donations.tasks.email_gift_paid", gift_id, key=f"gift-paid:{gift_id}")
    return gift


def _gift_note(gift: Gift, *, source: str, data: dict | None = None) -> GiftEvent:
    """A row on the gift's timeline that is not a move: a partial refund, Stripe being down, a
    webhook the table refused."""
    return timeline_note(GIFT, gift, actor=None, data=data, source=source)


def _gift_created(gift: Gift, *, source: str, actor) -> GiftEvent:
    return GiftEvent.objects.create(
        gift=gift, actor=actor, old_status="", new_status=S.PENDING, source=source
    )


def _gift_follow_stripe(gift: Gift, to: str, *, source: str, data: dict | None = None) -> Gift:
    """Move a card gift to the status Stripe's events say, through the door. A gift refunded
    after it was paid stays refunded. Any other move the table forbids (a failure reported for a
    paid gift) is not made: the gift keeps its status and the disagreement is noted for review
    (`data.review`), and the webhook still answers 200, since a Stripe retry cannot fix it."""
    if gift.status == to:
        return gift
    if GIFT.may_move(gift.status, to):
        return gift_transition(gift_id=gift.id, to=to, source=source, data=data)
    if not (to == S.PAID and gift.status == S.REFUNDED):
        _gift_note(gift, source=source, data={**(data or {}), "review": True, "stripe_says": to})
    return gift


def _purpose(purpose: str) -> str:
    purpose = purpose or Gift.Purpose.GENERAL
    if purpose not in Gift.Purpose.values:
        raise field_error(
            _("Choose what the gift is for: %(list)s.") % {"list": ", ".join(Gift.Purpose.values)},
            "invalid_purpose",
            "purpose",
        )
    return purpose


def gift_checkout_start(
    *,
    actor,
    amount,
    currency: str,
    purpose: str = "general",
    email: str = "",
    name: str = "",
    language: str = "",
    province_preference: dict | None = None,
) -> Gift:
    """Create a pending card gift and its Stripe Checkout Session. If Stripe is down the gift
    stays pending and the error says so; nothing is lost and the donor may try again."""
    amount, currency = money.check_amount(amount, currency)
    purpose = _purpose(purpose)
    place = gift_place_clean(province_preference)
    if not stripe_client.is_configured():
        raise ApplicationError(
            _("Card gifts are not switched on yet. Please give by bank transfer (VietQR)."),
            code="stripe_disabled",
            status=409,
        )
    with transaction.atomic():
        result = donor_for(actor=actor, name=name, email=email, language=language)
        gift = Gift.objects.create(
            donor=result.donor,
            method=Gift.Method.STRIPE,
            purpose=purpose,
            amount=amount,
            currency=currency,
            province=place.province,
            province_strict=place.strict,
        )
        _gift_created(gift, source="checkout", actor=actor)
    # Outside the transaction: the pending gift is kept whatever Stripe answers.
    return gift_checkout_session_open(gift_id=gift.id)


def gift_checkout_session_open(*, gift_id: int) -> Gift:
    gift = Gift.objects.select_related("donor").get(id=gift_id)
    if gift.stripe_session_id and gift.checkout_url:
        return gift
    base = settings.SITE_URL
    try:
        session_id, url = stripe_client.checkout_session_create(
            gift_id=gift.id,
            amount=gift.amount,
            currency=gift.currency,
            product_name=str(
                _("Gift to Nối Sóng: %(purpose)s") % {"purpose": gift.get_purpose_display()}
            ),
            email=gift.donor.email,
            success_url=base + reverse("donations:gift_success") + f"?gift={gift.id}",
            cancel_url=base + reverse("donations:gift_cancel") + f"?gift={gift.id}",
            locale=gift.donor.language,
        )
    except stripe_client.StripeUnavailable:
        _gift_note(gift, source="stripe_unavailable")
        raise ApplicationError(
            _(
                "The card payment service is not answering right now. Your gift is saved as "
                "waiting for payment; please try again in a few minutes or give by bank transfer."
            ),
            code="payment_provider_unavailable",
            status=503,
        ) from None
    gift.stripe_session_id = session_id
    gift.checkout_url = url
    gift.save(update_fields=["stripe_session_id", "checkout_url", "updated_at"])
    return gift


def _ref(value) -> str:
    return value if isinstance(value, str) and len(value) <= 255 else ""


def _stripe_event_refs(event: dict) -> tuple[str, str, str | None]:
    """(session id, payment intent, gift id) named by a webhook event (an envelope checked by
    stripe_client; a field of an unhandled event that is not a short text names nothing)."""
    obj = event["data"]["object"]
    kind = event["type"]
    metadata = obj.get("metadata")
    metadata = metadata if isinstance(metadata, dict) else {}
    if kind.startswith("checkout.session."):
        return (
            _ref(obj.get("id")),
            _ref(obj.get("payment_intent")),
            _ref(metadata.get("gift_id")) or _ref(obj.get("client_reference_id")) or None,
        )
    if kind.startswith("charge."):
        return "", _ref(obj.get("payment_intent")), _ref(metadata.get("gift_id")) or None
    return "", "", None


HANDLED_EVENTS = (
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "checkout.session.async_payment_failed",
    "charge.refunded",
)


MAX_BIGINT = 2**63 - 1
GIFT_ID_RE = re.compile(r"[0-9]{1,18}")


def _optional_text(obj: dict, key: str, limit: int = 255) -> str:
    value = obj.get(key)
    if value is None or (isinstance(value, str) and len(value) <= limit):
        return ""
    return f"data.object.{key} is not a text of at most {limit} characters"


def _handled_event_problem(event: dict) -> str:
    """What makes a handled event unreadable by the gift rules ("" when nothing does): every
    field they read has the type and size Stripe documents."""
    kind = event["type"]
    if kind not in HANDLED_EVENTS:
        return ""
    obj = event["data"]["object"]
    metadata = obj.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        return "data.object.metadata is not an object"
    if metadata and _optional_text(metadata, "gift_id", 500):
        return "data.object.metadata.gift_id is not a text of at most 500 characters"
    problem = _optional_text(obj, "payment_intent")
    if kind.startswith("checkout.session."):
        if not (isinstance(obj.get("id"), str) and 0 < len(obj["id"]) <= 255):
            return "data.object.id is not a session id of 1 to 255 characters"
        problem = (
            problem
            or _optional_text(obj, "client_reference_id")
            or _optional_text(obj, "payment_status", 40)
        )
    else:  # charge.refunded
        refunded = obj.get("amount_refunded")
        if refunded is not None and (
            not isinstance(refunded, int)
            or isinstance(refunded, bool)
            or not 0 <= refunded <= MAX_BIGINT
        ):
            return "data.object.amount_refunded is not a whole number from 0 to 2^63 - 1"
    return problem


def _stripe_event_keep_malformed(payload: bytes, malformed: stripe_client.MalformedEvent) -> None:
    """Keep a signed event of the wrong shape for review, once per body, and refuse it (400)."""
    key = "malformed:" + hashlib.sha256(payload).hexdigest()
    problem = malformed.problem[:255]
    StripeEvent.objects.get_or_create(
        event_id=key,
        defaults={"malformed": True, "problem": problem, "payload": malformed.payload},
    )
    raise ApplicationError(
        _(
            "This event is signed by Stripe but cannot be read: %(problem)s. It is kept for "
            "review and was not applied."
        )
        % {"problem": problem},
        code="malformed_event",
    )


def stripe_webhook_receive(*, payload: bytes, signature: str | None) -> StripeEvent | None:
    """Verify, store once, and bring the gift's state up to date. Raises
    stripe_client.InvalidWebhook for a bad signature (nothing stored); a signed event of the
    wrong shape is kept (flagged malformed, applied to nothing) and refused with an
    ApplicationError (400, malformed_event)."""
    try:
        event = stripe_client.webhook_event_construct(payload, signature)
        problem = _handled_event_problem(event)
        if problem:
            raise stripe_client.MalformedEvent(problem, event)
    except stripe_client.MalformedEvent as malformed:
        _stripe_event_keep_malformed(payload, malformed)
    session_id, payment_intent, gift_id = _stripe_event_refs(event)
    with transaction.atomic():
        try:
            with transaction.atomic():
                stored = StripeEvent.objects.create(
                    event_id=event["id"],
                    type=event.get("type", ""),
                    session_id=session_id,
                    payment_intent=payment_intent,
                    payload=event,
                )
        except IntegrityError:
            return None  # a replay: this event id was applied already
        if stored.type not in HANDLED_EVENTS:
            return stored
        gift = _gift_for_event(session_id, payment_intent, gift_id)
        if gift is not None:
            gift_state_from_stripe(gift_id=gift.id, source=stored.event_id)
    return stored


def _gift_for_event(session_id: str, payment_intent: str, gift_id) -> Gift | None:
    qs = Gift.objects.filter(method=Gift.Method.STRIPE)
    if session_id:
        gift = qs.filter(stripe_session_id=session_id).first()
        if gift:
            return gift
    if payment_intent:
        gift = qs.filter(stripe_payment_intent=payment_intent).first()
        if gift:
            return gift
    if isinstance(gift_id, str) and GIFT_ID_RE.fullmatch(gift_id):
        return qs.filter(id=int(gift_id)).first()
    return None


def gift_state_from_stripe(*, gift_id: int, source: str) -> Gift:
    """Derive the gift's state from ALL its stored events, so order and repetition do not matter:
    paid once any event says paid; failed only if nothing says paid; refunded by the largest
    refunded amount seen."""
    gift = Gift.objects.select_for_update().get(id=gift_id)
    # Learn the session's payment intent first (a refund may name only the payment intent).
    sessions = StripeEvent.objects.filter(
        session_id=gift.stripe_session_id, malformed=False
    ).exclude(session_id="")
    if not gift.stripe_payment_intent:
        for event in sessions:
            pi = event.payment_intent
            if pi:
                gift.stripe_payment_intent = pi
                gift.save(update_fields=["stripe_payment_intent", "updated_at"])
                break
    events = list(sessions)
    if gift.stripe_payment_intent:
        events += list(
            StripeEvent.objects.filter(
                payment_intent=gift.stripe_payment_intent, type="charge.refunded", malformed=False
            )
        )
    paid, failed, refunded = _stripe_says(events)
    if paid:
        gift = _gift_follow_stripe(gift, S.PAID, source=source)
    elif failed:
        gift = _gift_follow_stripe(gift, S.FAILED, source=source)
    refunded = min(refunded, gift.amount)
    if refunded > gift.refunded_amount:
        gift = gift_refund_record(gift=gift, refunded_total=refunded, source=source)
    return gift


def _stripe_says(events: list[StripeEvent]) -> tuple[bool, bool, int]:
    """(paid, failed, largest refunded amount) by a gift's stored events, in any order."""
    paid = failed = False
    refunded = 0
    for event in events:
        obj = event.payload.get("data", {}).get("object", {})
        if (
            event.type == "checkout.session.completed"
            and obj.get("payment_status") in ("paid", "no_payment_required")
        ) or event.type == "checkout.session.async_payment_succeeded":
            paid = True
        elif event.type == "checkout.session.async_payment_failed":
            failed = True
        elif event.type == "charge.refunded":
            paid = True  # a charge can only be refunded once it was paid
            refunded = max(refunded, int(obj.get("amount_refunded") or 0))
    return paid, failed, refunded


def gift_refund_record(*, gift: Gift, refunded_total: int, source: str) -> Gift:
    """Book what Stripe refunded since last time; refunded in full, the gift becomes refunded."""
    delta = refunded_total - gift.refunded_amount
    gift.refunded_amount = refunded_total
    gift.save(update_fields=["refunded_amount", "updated_at"])
    ledger_refund_book(gift=gift, amount=delta, source=source)
    if refunded_total >= gift.amount:
        gift = _gift_follow_stripe(
            gift, S.REFUNDED, source=source, data={"refunded": refunded_total}
        )
    else:
        _gift_note(gift, source=source, data={"refunded": refunded_total})
    owe(
        "donations.tasks.email_gift_refunded",
        gift.id,
        delta,
        key=f"gift-refunded:{gift.id}:{refunded_total}",
    )
    return gift


@transaction.atomic
def gift_vietqr_create(
    *,
    actor,
    amount,
    purpose: str = "general",
    email: str = "",
    name: str = "",
    language: str = "",
    province_preference: dict | None = None,
) -> Gift:
    try:
        amount = int(amount)
    except (TypeError, ValueError):
        raise field_error(
            _("Enter the amount in đồng, as a whole number."), "invalid_amount", "amount"
        ) from None
    minimum = settings.DONATIONS_VIETQR_MIN_VND
    if amount < minimum:
        raise field_error(
            _("The smallest gift by bank transfer is %(min)s.")
            % {"min": money.format_amount(minimum, "VND")},
            "amount_below_minimum",
            "amount",
        )
    if amount > 9_999_999_999_999:
        raise field_error(
            _("This amount is too large for one transfer."), "invalid_amount", "amount"
        )
    purpose = _purpose(purpose)
    place = gift_place_clean(province_preference)
    result = donor_for(actor=actor, name=name, email=email, language=language)
    for _attempt in range(5):
        memo = vietqr.new_memo()
        if not Gift.objects.filter(memo=memo).exists():
            break
    gift = Gift.objects.create(
        donor=result.donor,
        method=Gift.Method.VIETQR,
        purpose=purpose,
        amount=amount,
        currency="VND",
        memo=memo,
        province=place.province,
        province_strict=place.strict,
    )
    _gift_created(gift, source="vietqr", actor=actor)
    return gift
