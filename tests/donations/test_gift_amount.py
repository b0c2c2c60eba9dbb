"""Issue 15, finding 2: the card gift form takes money as people write it (the currency's unit and
decimals, the page language's signs, read with Babel) and converts it to the smallest unit at the
edge; the services and the API keep the smallest unit. Cards off: no card option."""

from __future__ import annotations

import pytest

from core.errors import ApplicationError
from donations import money
from donations.models import Gift
from tests.donations.conftest import fake_stripe  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "currency", "language", "minor"),
    [
        ("50", "AUD", "vi", 5000),
        ("50,50", "AUD", "vi", 5050),
        ("1.234,5", "EUR", "vi", 123450),
        ("50.50", "AUD", "en", 5050),
        ("1,234.50", "USD", "en", 123450),
        ("150.000", "VND", "vi", 150000),
        ("150,000", "VND", "en", 150000),
        ("500 000", "VND", "vi", 500000),
        ("500", "JPY", "en", 500),
        ("A$ 50", "AUD", "en", 5000),
        ("200.000đ", "VND", "vi", 200000),
    ],
)
def test_it_reads_money_as_people_write_it(text, currency, language, minor):
    assert money.parse_major(text, currency, language) == minor


@pytest.mark.parametrize(
    ("text", "currency", "language", "says"),
    [
        ("50,5", "JPY", "vi", "không có phần lẻ"),
        ("1,000", "VND", "vi", "không có phần lẻ"),  # a comma is the decimal sign in Vietnamese
        ("50,505", "AUD", "vi", "nhiều nhất 2"),
        ("50.5", "AUD", "vi", "không phải cách viết"),
        ("fifty", "AUD", "vi", "bằng chữ số"),
        ("", "AUD", "vi", "bằng chữ số"),
    ],
)
def test_it_explains_what_it_cannot_read(text, currency, language, says):
    with pytest.raises(ApplicationError) as raised:
        money.parse_major(text, currency, language)
    assert says in raised.value.fields["amount"][0]


def test_it_writes_money_in_the_readers_locale():
    assert money.format_major(5050, "AUD", "vi") == "50,50"
    assert money.format_major(5050, "AUD", "en") == "50.50"
    assert money.format_major(150000, "VND", "vi") == "150.000"
    assert money.format_amount(2_000_000, "VND", "vi") == "2.000.000 VND"
    assert money.format_amount(123450, "USD", "en") == "1,234.50 USD"


def test_a_card_gift_of_50_aud_is_50_dollars_not_50_cents(client, fake_stripe):  # noqa: F811
    response = client.post(
        "/ung-ho/",
        {
            "method": "stripe",
            "amount": "50",
            "currency": "AUD",
            "purpose": "general",
            "name": "Bà Lan",
            "email": "ba.lan@example.com.au",
        },
    )
    assert response.status_code == 302
    gift = Gift.objects.get()
    assert (gift.amount, gift.currency) == (5000, "AUD")
    [session] = [r for r in fake_stripe.requests if r["path"] == "/v1/checkout/sessions"]
    assert session["body"]["line_items[0][price_data][unit_amount]"] == ["5000"]


def test_an_english_page_reads_an_english_amount(client, fake_stripe):  # noqa: F811
    client.cookies["django_language"] = "en"
    response = client.post(
        "/ung-ho/",
        {
            "method": "stripe",
            "amount": "1,250.50",
            "currency": "EUR",
            "purpose": "general",
            "name": "Anh",
            "email": "anh@example.de",
        },
    )
    assert response.status_code == 302
    assert Gift.objects.get().amount == 125050


def test_a_bank_transfer_in_vietnamese_dong(client):
    response = client.post(
        "/ung-ho/",
        {
            "method": "vietqr",
            "amount": "300.000",
            "purpose": "sim",
            "name": "Cô Mai",
            "email": "mai@example.vn",
        },
    )
    assert response.status_code == 302
    assert (Gift.objects.get().amount, Gift.objects.get().currency) == (300000, "VND")


def test_an_amount_it_cannot_read_comes_back_on_the_field_and_makes_no_gift(
    client,
    fake_stripe,  # noqa: F811
):
    response = client.post(
        "/ung-ho/",
        {
            "method": "stripe",
            "amount": "50,5",
            "currency": "JPY",
            "purpose": "general",
            "name": "A",
            "email": "a@example.jp",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="error-summary" role="alert"' in html
    assert 'href="#id_amount"' in html and "JPY không có phần lẻ" in html
    assert 'value="50,5"' in html  # what was typed stays
    assert not Gift.objects.exists() and not fake_stripe.requests


def test_the_form_shows_the_amount_help_in_the_pages_language(client, fake_stripe):  # noqa: F811
    html = client.get("/ung-ho/").content.decode()
    assert "500.000" in html and "50,50" in html
    assert "đơn vị nhỏ nhất" not in html  # the old "smallest unit" instruction is gone
    client.cookies["django_language"] = "en"
    html = client.get("/ung-ho/").content.decode()
    assert "500,000" in html and "50.50" in html


def test_without_card_payments_the_card_option_is_not_offered(client, settings):
    settings.STRIPE_SECRET_KEY = ""
    html = client.get("/ung-ho/").content.decode()
    assert 'value="stripe"' not in html and "Thẻ (từ nước ngoài)" not in html
    assert 'name="currency"' not in html
    response = client.post(
        "/ung-ho/",
        {
            "method": "stripe",
            "amount": "50",
            "currency": "AUD",
            "purpose": "general",
            "name": "A",
            "email": "a@example.au",
        },
    )
    assert response.status_code == 200 and not Gift.objects.exists()
