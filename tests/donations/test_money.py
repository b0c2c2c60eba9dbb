"""Gifts: Stripe Checkout against a local fake Stripe over real HTTP, verified webhooks applied in
any order any number of times, refunds, currencies; VietQR payloads (CRC against a published
example), bank statement reconciliation; the fund ledger and its attribution rule."""

import io
import json
import random
from datetime import date

import openpyxl
import pytest

from donations import vietqr
from donations.models import (
    Gift,
    GiftEvent,
    LedgerAttribution,
    LedgerEntry,
    StatementLine,
    StripeEvent,
)
from donations.services.ledger import ledger_spend
from tests.conftest import assert_error
from tests.donations.conftest import (
    WEBHOOK_SECRET,
    gift_form_post,
    paid_gift,
    spend,
    statement_post,
)
from tests.donations.fake_stripe import sign

pytestmark = pytest.mark.django_db


def _checkout(api, **body):
    data = {
        "amount": 2500,
        "currency": "USD",
        "purpose": "sim",
        "email": "anh@example.de",
        "name": "Anh Nguyễn",
    }
    data.update(body)
    return api.post("/api/v1/gifts/checkout/", data, format="json")


def test_it_creates_a_checkout_session_over_http(api, fake_stripe):
    response = _checkout(api)
    assert response.status_code == 201, response.content
    body = response.json()
    gift = Gift.objects.get(id=body["id"])
    assert body["checkout_url"] == f"https://checkout.stripe.test/c/pay/{gift.stripe_session_id}"
    assert gift.status == "pending" and (gift.amount, gift.currency) == (2500, "USD")
    request = fake_stripe.requests[0]
    assert request["path"] == "/v1/checkout/sessions"
    assert request["auth"] == "Bearer sk_test_fake"
    assert request["body"]["line_items[0][price_data][unit_amount]"] == ["2500"]
    assert request["body"]["line_items[0][price_data][currency]"] == ["usd"]
    assert request["body"]["metadata[gift_id]"] == [str(gift.id)]


@pytest.mark.parametrize(
    ("amount", "currency", "ok"),
    [
        (15000, "VND", True),
        (14999, "VND", False),
        (50, "JPY", True),
        (49, "JPY", False),
        (700, "KRW", True),
        (50, "EUR", True),
        (49, "AUD", False),
        (50, "USD", True),
    ],
)
def test_it_respects_stripe_minimums_per_currency(api, fake_stripe, amount, currency, ok):
    response = _checkout(api, amount=amount, currency=currency)
    if ok:
        assert response.status_code == 201
    else:
        error = assert_error(response, 400, "amount_below_minimum", "amount")
        assert currency in error["message"]
        assert Gift.objects.count() == 0


def test_it_refuses_an_unsupported_currency(api, fake_stripe):
    error = assert_error(_checkout(api, currency="BTC"), 400, "unsupported_currency", "currency")
    assert "BTC" in error["message"] and "VND" in error["message"]
    assert Gift.objects.count() == 0 and fake_stripe.requests == []


def test_when_stripe_is_down_the_gift_stays_pending_with_a_clear_message(
    api, stripe_down, fake_stripe_unused=None
):
    error = assert_error(_checkout(api), 503, "payment_provider_unavailable")
    assert "thử lại" in error["message"]
    gift = Gift.objects.get()
    assert gift.status == "pending" and gift.stripe_session_id is None
    assert GiftEvent.objects.filter(gift=gift, source="stripe_unavailable").exists()


def test_the_gift_page_shows_stripe_being_down(client, stripe_down):
    response = gift_form_post(client, "stripe", 1000, "EUR")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="error-summary" role="alert"' in html
    assert Gift.objects.get().status == "pending"


def _event(event_id, kind, obj):
    return {"id": event_id, "object": "event", "type": kind, "data": {"object": obj}}


def _post_webhook(client, event, secret=WEBHOOK_SECRET):
    payload = json.dumps(event).encode()
    return client.post(
        "/stripe/webhook/",
        payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign(payload, secret),
    )


def _events_for(gift, *, refund=None):
    session = {
        "id": gift.stripe_session_id,
        "object": "checkout.session",
        "payment_intent": "pi_123",
        "payment_status": "paid",
        "metadata": {"gift_id": str(gift.id)},
        "client_reference_id": str(gift.id),
    }
    events = [
        _event("evt_completed", "checkout.session.completed", session),
        _event("evt_async_ok", "checkout.session.async_payment_succeeded", session),
        _event("evt_other", "customer.created", {"id": "cus_1"}),
    ]
    if refund:
        events.append(
            _event(
                "evt_refund",
                "charge.refunded",
                {
                    "id": "ch_1",
                    "object": "charge",
                    "payment_intent": "pi_123",
                    "amount_refunded": refund,
                    "refunded": True,
                },
            )
        )
    return events


def test_fifty_replayed_and_reordered_webhooks_yield_one_paid_gift(
    client, api, fake_stripe, django_capture_on_commit_callbacks
):
    from django.core import mail

    gift = Gift.objects.get(id=_checkout(api).json()["id"])
    events = _events_for(gift)
    rng = random.Random(7)
    stream = [rng.choice(events) for _n in range(50)]
    with django_capture_on_commit_callbacks(execute=True):
        for event in stream:
            assert _post_webhook(client, event).status_code == 200
    gift.refresh_from_db()
    assert gift.status == "paid" and gift.paid_at is not None
    assert StripeEvent.objects.count() == len({e["id"] for e in stream})
    assert LedgerEntry.objects.filter(gift=gift, kind="gift").count() == 1
    assert GiftEvent.objects.filter(gift=gift, new_status="paid").count() == 1
    assert sum("arrived" in m.subject or "đã đến" in m.subject for m in mail.outbox) == 1


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_refund_is_recorded_whatever_the_order(
    client, api, fake_stripe, seed, django_capture_on_commit_callbacks
):
    from django.core import mail

    gift = Gift.objects.get(id=_checkout(api).json()["id"])
    events = _events_for(gift, refund=2500)
    stream = events * 10
    random.Random(seed).shuffle(stream)
    with django_capture_on_commit_callbacks(execute=True):
        for event in stream:
            assert _post_webhook(client, event).status_code == 200
    gift.refresh_from_db()
    assert gift.status == "refunded"
    assert gift.refunded_amount == 2500
    assert LedgerEntry.objects.filter(gift=gift, kind="gift").count() == 1
    assert list(
        LedgerEntry.objects.filter(gift=gift, kind="refund").values_list("amount", flat=True)
    ) == [2500]
    refund_mails = [m for m in mail.outbox if "hoàn tiền" in m.subject]
    assert (
        len(refund_mails) == 1 and "25,00 USD" in refund_mails[0].body
    )  # in Vietnamese, as Vietnamese write it


def test_a_partial_refund_keeps_the_giftpaid_gift(client, api, fake_stripe):
    gift = Gift.objects.get(id=_checkout(api).json()["id"])
    for event in _events_for(gift, refund=1000):
        _post_webhook(client, event)
    gift.refresh_from_db()
    assert (gift.status, gift.refunded_amount) == ("paid", 1000)


def test_an_async_failure_marks_the_gift_failed(client, api, fake_stripe):
    gift = Gift.objects.get(id=_checkout(api).json()["id"])
    session = {
        "id": gift.stripe_session_id,
        "payment_intent": "pi_9",
        "payment_status": "unpaid",
        "metadata": {"gift_id": str(gift.id)},
    }
    _post_webhook(client, _event("evt_c", "checkout.session.completed", session))
    gift.refresh_from_db()
    assert gift.status == "pending"
    _post_webhook(client, _event("evt_f", "checkout.session.async_payment_failed", session))
    gift.refresh_from_db()
    assert gift.status == "failed"


def test_a_webhook_with_a_wrong_signature_is_refused_and_nothing_applied(client, api, fake_stripe):
    gift = Gift.objects.get(id=_checkout(api).json()["id"])
    response = _post_webhook(client, _events_for(gift)[0], secret="whsec_wrong")
    assert response.status_code == 400
    payload = json.dumps(_events_for(gift)[0]).encode()
    unsigned = client.post("/stripe/webhook/", payload, content_type="application/json")
    assert unsigned.status_code == 400
    gift.refresh_from_db()
    assert gift.status == "pending" and StripeEvent.objects.count() == 0


# --- VietQR ------------------------------------------------------------------------------------

# Published examples of the NAPAS VietQR specification (QR_Format_T&C_v1.5.2, 10/2022), as
# reproduced in the tests of takashato/laravel-vietqr (tests/GeneralTest.php): a static transfer
# to account 0011012345678 at BIN 970403, and a dynamic one of 180000 VND.
PUBLISHED_STATIC = (
    "00020101021138570010A00000072701270006970403011300110123456780208QRIBFTTA53037045802VN63049E6F"
)
PUBLISHED_DYNAMIC = (
    "00020101021238570010A00000072701270006970403011300110123456780208QRIBFTTA530370454061800005802VN"
    "62340107NPS68690819thanh toan don hang63042E2E"
)


def test_the_crc_matches_published_vietqr_examples():
    assert vietqr.crc16_ccitt_false("123456789") == "29B1"  # the CRC-16/CCITT-FALSE check value
    for published in (PUBLISHED_STATIC, PUBLISHED_DYNAMIC):
        assert vietqr.crc16_ccitt_false(published[:-4]) == published[-4:]


def test_the_builder_reproduces_the_published_static_payload():
    assert vietqr.payload(bank_bin="970403", account_no="0011012345678") == PUBLISHED_STATIC


def test_a_vietqr_gift_gets_a_memo_a_payload_and_a_png(api, client, settings):
    import zxingcpp
    from PIL import Image

    response = api.post(
        "/api/v1/gifts/vietqr/",
        {"amount": 500000, "purpose": "buy_phone", "email": "b@example.vn", "name": "Bình"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    gift = Gift.objects.get(id=body["id"])
    assert gift.memo == body["memo"] and gift.memo.startswith("NS") and gift.status == "pending"
    payload = body["payload"]
    assert vietqr.crc16_ccitt_false(payload[:-4]) == payload[-4:]
    assert f"0006{settings.VIETQR_BANK_BIN}" in payload and settings.VIETQR_ACCOUNT_NO in payload
    assert "5406500000" in payload and gift.memo in payload
    png = client.get(body["qr_png_url"].replace("http://testserver", ""))
    assert png["Content-Type"] == "image/png"
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.content)))
    assert decoded[0].text == payload


def test_a_vietqr_gift_below_the_minimum_is_refused(api, db):
    error = assert_error(
        api.post(
            "/api/v1/gifts/vietqr/",
            {"amount": 5000, "email": "b@example.vn", "name": "B"},
            format="json",
        ),
        400,
        "amount_below_minimum",
        "amount",
    )
    assert "10.000 VND" in error["message"]


# --- reconciliation ----------------------------------------------------------------------------


def _gifts(api, n=3):
    return [
        Gift.objects.get(
            id=api.post(
                "/api/v1/gifts/vietqr/",
                {"amount": 200000 * (i + 1), "email": f"g{i}@example.vn", "name": "G"},
                format="json",
            ).json()["id"]
        )
        for i in range(n)
    ]


def _csv(gifts):
    lines = ["Ngày,Số tiền,Nội dung,Mã giao dịch"]
    lines.append(f"01/12/2026,200000,CT DEN:123 {gifts[0].memo} ung ho,FT001")
    lines.append(f'01/12/2026,"400.000",IBFT {gifts[1].memo.lower()} chuyen tien,FT002')
    lines.append(f"02/12/2026,100000,{gifts[2].memo} thieu tien,FT003")
    lines.append("02/12/2026,50000,chuyen khoan khong ma,FT004")
    lines.append("03/12/2026,abc,hong,FT005")
    lines.append("31/02/2026,100000,ngay sai,FT006")
    return "\n".join(lines).encode()


def test_reconciliation_marks_gifts_paid_lists_unmatched_and_broken_rows_and_is_idempotent(
    api, coordinator_h, django_capture_on_commit_callbacks
):
    gifts = _gifts(api)
    client = api.as_user(coordinator_h)
    with django_capture_on_commit_callbacks(execute=True):
        first = statement_post(client, _csv(gifts))
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["matched"] == 2 and body["already_reconciled"] == 0
    assert [u["row"] for u in body["unmatched"]] == [4, 5]
    assert "ít hơn" in body["unmatched"][0]["reason"]
    assert [e["row"] for e in body["errors"]] == [6, 7]
    for gift in gifts:
        gift.refresh_from_db()
    assert [g.status for g in gifts] == ["paid", "paid", "pending"]
    assert gifts[0].bank_reference == "FT001"
    assert LedgerEntry.objects.filter(kind="gift").count() == 2

    again = statement_post(client, _csv(gifts)).json()
    # the two lines that paid and the short one (its money is held already, not held twice)
    assert again["matched"] == 0 and again["already_reconciled"] == 3
    assert StatementLine.objects.count() == 2
    assert LedgerEntry.objects.filter(kind="gift").count() == 2
    assert GiftEvent.objects.filter(new_status="paid").count() == 2


def test_reconciliation_reads_xlsx(api, coordinator_h):
    """Through core.xlsx's bounded reader, a real date cell (Excel's day number) included."""
    gifts = _gifts(api, 1)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Sao kê tài khoản"])
    sheet.append(["Date", "Amount", "Description", "Reference"])
    sheet.append([date(2026, 12, 1), 200000, f"{gifts[0].memo}", "X1"])
    out = io.BytesIO()
    book.save(out)
    body = statement_post(api.as_user(coordinator_h), out.getvalue(), "statement.xlsx").json()
    assert body["matched"] == 1
    gifts[0].refresh_from_db()
    assert gifts[0].status == "paid"
    assert StatementLine.objects.get(gift=gifts[0]).booked_on == date(2026, 12, 1)


@pytest.mark.parametrize("persona", ["donor", "officer_a", "verifier"])
def test_only_coordinators_reconcile(api, personas, persona):
    response = statement_post(api.as_user(personas[persona]), b"Date,Amount,Description\n")
    assert_error(response, 403, "permission_denied")


def test_the_statement_page_is_for_coordinators(client, personas):
    client.force_login(personas["donor"])
    assert client.get("/doi-soat/").status_code == 404
    client.force_login(personas["coordinator_k"])
    assert client.get("/doi-soat/").status_code == 200


def test_a_file_without_the_needed_columns_is_refused(api, coordinator_h):
    response = statement_post(api.as_user(coordinator_h), b"foo,bar\n1,2\n")
    error = assert_error(response, 400, "invalid_statement", "file")
    assert "Số tiền" in error["message"]


# --- ledger ------------------------------------------------------------------------------------


def test_spending_is_attributed_fifo_to_earmarked_then_general_gifts(
    donor, other_donor, make_pledge, coordinator_h, client
):
    general_old = paid_gift(donor, 300000, "general")
    earmarked = paid_gift(other_donor, 200000, "refurbish")
    paid_gift(donor, 900000, "sim")  # earmarked for something else: not used
    paid_gift(donor, 5000, "general", currency="USD")  # other currency: not used
    devices = list(
        make_pledge(
            donor,
            devices=[
                {
                    "brand": "Oppo",
                    "model": "A78",
                    "supports_4g": True,
                    "supports_volte": True,
                    "condition": "new",
                    "quantity": 2,
                }
            ],
        ).devices.all()
    )
    entry = spend(coordinator_h, "refurbish", 450000, devices, "Pin mới")
    got = list(LedgerAttribution.objects.filter(spend=entry).values_list("gift_id", "amount"))
    assert got == [(earmarked.id, 200000), (general_old.id, 250000)]
    second = spend(coordinator_h, "refurbish", 100000, devices[:1], "Màn hình")
    assert list(second.attributions.values_list("gift_id", "amount")) == [
        (general_old.id, 50000)
    ]  # the rest: general fund
    client.force_login(donor)
    html = client.get("/cua-toi/").content.decode()
    assert devices[0].tracking_code in html and devices[1].tracking_code in html


def test_ledger_spend_refuses_bad_input(coordinator_h, donor, make_pledge):
    from core.errors import ApplicationError

    device = make_pledge(donor).devices.get()
    for kwargs, code in [
        ({"kind": "party"}, "invalid_kind"),
        ({"currency": "XYZ"}, "unsupported_currency"),
        ({"amount": 0}, "invalid_amount"),
        ({"device_ids": []}, "devices_required"),
    ]:
        args = {
            "kind": "sim",
            "amount": 100,
            "currency": "VND",
            "device_ids": [device.id],
            "note": "",
            "actor": coordinator_h,
            **kwargs,
        }
        with pytest.raises(ApplicationError) as error:
            ledger_spend(**args)
        assert error.value.code == code
    assert LedgerEntry.objects.count() == 0


def test_the_gift_list_is_the_donors_own_with_fixed_queries(
    api, donor, other_donor, make_pledge, coordinator_h, django_assert_num_queries
):
    for _n in range(3):
        paid_gift(donor, 100000, "general")
    paid_gift(other_donor, 100000, "general")
    device = make_pledge(donor).devices.get()
    spend(coordinator_h, "sim", 150000, [device])
    client = api.as_user(donor)
    client.get("/api/v1/gifts/")
    with django_assert_num_queries(5):  # token+user, count, gifts, attributions, devices
        body = client.get("/api/v1/gifts/").json()
    assert body["count"] == 3


def test_card_gifts_are_refused_clearly_while_stripe_is_not_configured(api, settings):
    settings.STRIPE_SECRET_KEY = ""
    error = assert_error(_checkout(api), 409, "stripe_disabled")
    assert "VietQR" in error["message"]
    assert Gift.objects.count() == 0


def test_an_event_for_an_unknown_session_is_stored_and_changes_nothing(client, api, fake_stripe):
    gift = Gift.objects.get(id=_checkout(api).json()["id"])
    stranger = {
        "id": "cs_other_shop",
        "payment_intent": "pi_x",
        "payment_status": "paid",
        "metadata": {},
    }
    assert (
        _post_webhook(client, _event("evt_x", "checkout.session.completed", stranger)).status_code
        == 200
    )
    gift.refresh_from_db()
    assert gift.status == "pending" and StripeEvent.objects.filter(event_id="evt_x").exists()
