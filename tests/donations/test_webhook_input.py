"""Issue 12 (findings 6 and 8): bad input to the gift checkout and the Stripe webhook is a 400
with the error shape, never a 500. A validly signed event of the wrong shape is kept for a person
to look at (a StripeEvent flagged malformed, keyed by a hash of its body) and changes no gift; a
bad signature, or a signature dated in the future, is refused with nothing stored."""

import hashlib
import json
import time

import pytest

from donations.models import Gift, GiftEvent, LedgerEntry, StripeEvent
from tests.conftest import assert_error
from tests.donations.conftest import WEBHOOK_SECRET, gift_form_post
from tests.donations.fake_stripe import sign
from tests.donations.test_money import _checkout, _event, _events_for, _post_webhook

pytestmark = pytest.mark.django_db


# --- the checkout's amount ---------------------------------------------------------------------


@pytest.mark.parametrize("amount", [2**63, 2**63 - 1, 2**64 + 5, 100_000_000])
def test_an_amount_past_the_largest_card_gift_is_a_400_on_the_amount(api, fake_stripe, amount):
    response = _checkout(api, amount=amount)
    error = assert_error(response, 400, "amount_above_maximum", "amount")
    assert "999.999,99 USD" in error["fields"]["amount"][0]  # as Vietnamese write it (Babel)
    assert not Gift.objects.exists() and not fake_stripe.requests


def test_the_largest_card_gift_is_accepted(api, fake_stripe):
    response = _checkout(api, amount=99_999_999, currency="VND")
    assert response.status_code == 201, response.content
    assert Gift.objects.get().amount == 99_999_999


def test_the_gift_page_refuses_an_overflowing_amount_on_its_field(client, fake_stripe):
    response = gift_form_post(client, "stripe", 2**63, "VND")
    assert response.status_code == 200
    assert response.context["form"].errors["amount"]
    assert not Gift.objects.exists()
    bank = gift_form_post(client, "vietqr", 2**63, "VND")
    assert bank.context["form"].errors["amount"]
    assert not Gift.objects.exists()


# --- signed events of the wrong shape ------------------------------------------------------------


def _post_raw(client, payload: bytes, *, secret=WEBHOOK_SECRET, timestamp=None):
    return client.post(
        "/stripe/webhook/",
        payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign(payload, secret, timestamp),
    )


def _paid_session(gift):
    return _events_for(gift)[0]["data"]["object"]


MALFORMED = {
    "a list": lambda gift: [_event("evt_list", "checkout.session.completed", _paid_session(gift))],
    "no id": lambda gift: {
        k: v
        for k, v in _event("x", "checkout.session.completed", _paid_session(gift)).items()
        if k != "id"
    },
    "data.object a string": lambda gift: {
        "id": "evt_str",
        "type": "checkout.session.completed",
        "data": {"object": "cs_test_0001"},
    },
    "amount_refunded not a number": lambda gift: _event(
        "evt_abc",
        "charge.refunded",
        {"id": "ch_1", "payment_intent": "pi_123", "amount_refunded": "abc"},
    ),
    "an id of 256 characters": lambda gift: _event(
        "evt_" + "x" * 252, "checkout.session.completed", _paid_session(gift)
    ),
    "a refund past 2^63": lambda gift: _event(
        "evt_huge",
        "charge.refunded",
        {"id": "ch_1", "payment_intent": "pi_123", "amount_refunded": 2**64},
    ),
    "a NUL in a string": lambda gift: _event(
        "evt_nul", "customer.created", {"id": "cus_1", "name": "a\x00b"}
    ),
    "a type that is a number": lambda gift: {"id": "evt_n", "type": 5, "data": {"object": {}}},
}


@pytest.mark.parametrize("shape", list(MALFORMED))
def test_a_signed_event_of_the_wrong_shape_is_kept_for_review_and_answered_400(
    client, api, fake_stripe, shape
):
    gift = Gift.objects.get(id=_checkout(api).json()["id"])
    body = MALFORMED[shape](gift)
    payload = json.dumps(body).encode()
    response = _post_raw(client, payload)
    error = assert_error(response, 400, "malformed_event")
    stored = StripeEvent.objects.get()
    assert stored.malformed and stored.problem
    assert stored.problem in error["message"]
    assert stored.event_id == "malformed:" + hashlib.sha256(payload).hexdigest()
    assert (stored.session_id, stored.payment_intent) == ("", "")
    gift.refresh_from_db()
    assert gift.status == "pending" and gift.refunded_amount == 0
    assert not GiftEvent.objects.filter(gift=gift).exclude(source="checkout").exists()
    assert not LedgerEntry.objects.exists()
    # Stripe retries a 400: the same body is kept once and answered the same way.
    again = _post_raw(client, payload)
    assert_error(again, 400, "malformed_event")
    assert StripeEvent.objects.count() == 1


def test_a_signed_body_that_is_not_json_is_kept_as_text(client, fake_stripe):
    payload = b'{"id": "evt_1", "type": NaN'
    assert_error(_post_raw(client, payload), 400, "malformed_event")
    stored = StripeEvent.objects.get()
    assert stored.malformed and stored.payload == {"raw": payload.decode()}


def test_a_malformed_event_does_not_block_the_well_formed_event_with_its_id(
    client, api, fake_stripe
):
    gift = Gift.objects.get(id=_checkout(api).json()["id"])
    good = _events_for(gift)[0]
    bad = {**good, "data": {"object": "nope"}}
    assert _post_webhook(client, bad).status_code == 400
    assert _post_webhook(client, good).status_code == 200
    gift.refresh_from_db()
    assert gift.status == "paid"
    assert StripeEvent.objects.filter(malformed=False).get().event_id == good["id"]


@pytest.mark.parametrize("gift_id", ["9" * 30, "²", "-1", "12 "])
def test_an_event_naming_a_gift_id_we_never_made_is_stored_and_changes_nothing(
    client, api, fake_stripe, gift_id
):
    gift = Gift.objects.get(id=_checkout(api).json()["id"])
    session = {"id": "cs_other", "payment_status": "paid", "metadata": {"gift_id": gift_id}}
    response = _post_webhook(client, _event("evt_big", "checkout.session.completed", session))
    assert response.status_code == 200
    assert not StripeEvent.objects.get().malformed
    gift.refresh_from_db()
    assert gift.status == "pending"


def test_a_well_formed_event_is_stored_unflagged(client, api, fake_stripe):
    gift = Gift.objects.get(id=_checkout(api).json()["id"])
    assert _post_webhook(client, _events_for(gift)[0]).status_code == 200
    stored = StripeEvent.objects.get()
    assert not stored.malformed and stored.problem == ""


# --- the signature's timestamp -----------------------------------------------------------------


@pytest.mark.parametrize("offset", [3600, 10 * 365 * 86400, 301])
def test_an_event_signed_in_the_future_is_refused_and_nothing_stored(
    client, api, fake_stripe, offset
):
    gift = Gift.objects.get(id=_checkout(api).json()["id"])
    payload = json.dumps(_events_for(gift)[0]).encode()
    response = _post_raw(client, payload, timestamp=int(time.time()) + offset)
    assert response.status_code == 400
    gift.refresh_from_db()
    assert gift.status == "pending" and not StripeEvent.objects.exists()


def test_an_event_signed_too_long_ago_is_refused(client, api, fake_stripe):
    gift = Gift.objects.get(id=_checkout(api).json()["id"])
    payload = json.dumps(_events_for(gift)[0]).encode()
    response = _post_raw(client, payload, timestamp=int(time.time()) - 301)
    assert response.status_code == 400
    assert not StripeEvent.objects.exists()


@pytest.mark.parametrize("offset", [-290, -5, 0, 60, 290])
def test_an_event_signed_within_the_skew_is_applied(client, api, fake_stripe, offset):
    gift = Gift.objects.get(id=_checkout(api).json()["id"])
    payload = json.dumps(_events_for(gift)[0]).encode()
    response = _post_raw(client, payload, timestamp=int(time.time()) + offset)
    assert response.status_code == 200
    gift.refresh_from_db()
    assert gift.status == "paid"


def test_an_administrator_sees_the_malformed_events_first_and_cannot_edit_them(
    client, admin_user, fake_stripe
):
    payload = json.dumps([1, 2]).encode()
    assert _post_raw(client, payload).status_code == 400
    client.force_login(admin_user)
    page = client.get("/admin/donations/stripeevent/?malformed__exact=1")
    assert page.status_code == 200
    assert "the body is a JSON list" in page.content.decode()
    stored = StripeEvent.objects.get()
    assert client.get(f"/admin/donations/stripeevent/{stored.id}/change/").status_code == 200
    assert client.post(f"/admin/donations/stripeevent/{stored.id}/delete/").status_code == 403
    assert StripeEvent.objects.filter(id=stored.id).exists()
