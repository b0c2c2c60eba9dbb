"""Issue 15, walked as a new user on the demo data at 360 px and 1280 px:

1. every role finds its start page in the header (a donor gets back to "my donations");
2. a card gift is typed as people write money (AUD 50 is 50 dollars) and cards are not offered
   while card payments are off;
4. a form's errors: a summary at the top linking to each field, the message on the field, readable
   at 360 px (the wipe form's checkbox label is not squeezed to one word a line);
12. lists are stacked cards on a phone ("what my money became" in view, nothing scrolls sideways),
    and a table that can scroll is reachable by keyboard.
Screenshots go to artifacts/screenshots/ (issue15-*)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import fits, screenshot, sign_in_demo, submit
from tests.donations.conftest import fake_stripe  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DONOR = "nhahaotam@noisong.local"
COORDINATOR = "dieuphoi.dongha@noisong.local"


def header_link(page, text: str):
    return page.locator("header nav").get_by_role("link", name=text, exact=True)


def test_a_donor_finds_the_way_back_to_their_donations(live_server, page, demo):
    sign_in_demo(page, live_server, DONOR)
    assert page.url.endswith("/cua-toi/")  # sign-in lands there in one step
    page.goto(live_server.url + "/")
    link = header_link(page, "Quyên góp của tôi")
    assert link.is_visible()
    fits(page)
    screenshot(page, "issue15-f1-header-donor")
    submit(page, link)
    assert page.url.endswith("/cua-toi/")
    assert header_link(page, "Quyên góp của tôi").get_attribute("aria-current") == "page"


def test_each_staff_role_sees_its_start_page_and_two_roles_see_both(live_server, page, demo):
    from accounts.services import staff_create

    staff_create(
        email="hai.vai@noisong.local",
        name="Hai Vai",
        password="noisong-demo-2026",
        roles=[
            {"role": "officer", "communes": ["19588"]},
            {"role": "verifier", "communes": ["19441"]},
        ],
        actor=None,
    )
    sign_in_demo(page, live_server, "hai.vai@noisong.local")
    for text, path in (("Hộ của tôi", "/ho-gia-dinh/"), ("Xác minh", "/xac-minh/")):
        assert header_link(page, text).get_attribute("href") == path
    assert header_link(page, "Điểm tiếp nhận").count() == 0
    fits(page)
    screenshot(page, "issue15-f1-header-two-roles")
    submit(page, header_link(page, "Xác minh"))
    assert page.url.endswith("/xac-minh/")


def test_a_card_gift_of_50_aud_is_50_dollars(live_server, page, communes, fake_stripe):  # noqa: F811
    from donations.models import Gift

    page.route(
        "https://checkout.stripe.test/**",
        lambda route: route.fulfill(status=200, content_type="text/html", body="<h1>Stripe</h1>"),
    )
    page.goto(live_server.url + "/ung-ho/")
    page.locator("#field-method").get_by_label("Thẻ (từ nước ngoài)").check()
    page.locator("#id_currency").select_option("AUD")
    page.locator("#id_amount").fill("50")
    page.locator("#id_name").fill("Bà Lan")
    page.locator("#id_email").fill("ba.lan@example.com.au")
    fits(page)
    screenshot(page, "issue15-f2-gift-card")
    page.get_by_role("button", name="Tiếp tục").click()
    page.wait_for_url("https://checkout.stripe.test/**")
    gift = Gift.objects.get()
    assert (gift.amount, gift.currency) == (5000, "AUD")


def test_a_gift_amount_with_cents_in_a_currency_without_comes_back_explained(
    live_server,
    page,
    communes,
    fake_stripe,  # noqa: F811
):
    from donations.models import Gift

    page.goto(live_server.url + "/ung-ho/")
    page.locator("#field-method").get_by_label("Thẻ (từ nước ngoài)").check()
    page.locator("#id_currency").select_option("JPY")
    page.locator("#id_amount").fill("500,5")
    page.locator("#id_name").fill("Aiko")
    page.locator("#id_email").fill("aiko@example.jp")
    submit(page, page.get_by_role("button", name="Tiếp tục"))
    assert "JPY không có phần lẻ" in page.locator("#field-amount .error").inner_text()
    assert not Gift.objects.exists()


def test_without_card_payments_only_the_bank_transfer_is_offered(live_server, page, communes):
    page.goto(live_server.url + "/ung-ho/")  # the test settings have no Stripe key
    assert page.get_by_label("Thẻ (từ nước ngoài)").count() == 0
    assert page.locator("#id_currency").count() == 0
    assert page.get_by_label("Số tiền (đồng)").is_visible()
    fits(page)
    screenshot(page, "issue15-f2-gift-cards-off")


def test_the_wipe_forms_errors_are_summarised_and_readable(live_server, page, demo):
    from donations.models import Device

    device = Device.objects.filter(status="received", hub__name__contains="Đông Hà").first()
    sign_in_demo(page, live_server, COORDINATOR)
    page.goto(f"{live_server.url}/kho/thiet-bi/{device.tracking_code}/")
    wipe = page.locator("form[action$='/wipe/']")
    submit(page, wipe.locator("button"))
    wipe = page.locator("form[action$='/wipe/']")
    summary = wipe.locator(".error-summary")
    assert summary.get_attribute("role") == "alert"
    # The summary is the form's first thing, and each of its lines leads to its field.
    assert wipe.locator(":scope > *").nth(1).get_attribute("class") == "error-summary"
    links = summary.locator("a")
    assert links.count() >= 1
    target = links.first.get_attribute("href")
    links.first.click()
    assert page.evaluate("document.activeElement.id") == target.lstrip("#")
    # The checkbox's label keeps the width of the form: not one word a line beside the message.
    box = wipe.locator(".field.check.has-error").first
    label = box.locator("label")
    form_width = wipe.bounding_box()["width"]
    label_box = label.bounding_box()
    line = float(label.evaluate("l => parseFloat(getComputedStyle(l).lineHeight)"))
    assert label_box["width"] > 0.8 * form_width, (label_box, form_width)
    assert label_box["height"] < 2.5 * line, label_box
    message = box.locator(".error")
    assert message.bounding_box()["y"] < label_box["y"]  # the message above its checkbox
    box_input = label.locator("input")
    assert box_input.get_attribute("aria-invalid") == "true"
    assert message.get_attribute("id") in box_input.get_attribute("aria-describedby")
    fits(page)
    wipe.scroll_into_view_if_needed()
    screenshot(page, "issue15-f4-wipe-errors")


def test_the_household_form_uses_the_same_error_pattern(live_server, page, demo):
    sign_in_demo(page, live_server, "canbo.tarut@noisong.local")
    page.goto(live_server.url + "/ho-gia-dinh/them/")
    submit(page, page.locator("main form button"))
    summary = page.locator("main form .error-summary")
    assert summary.is_visible() and summary.locator("a").count() >= 3
    # With JavaScript the summary takes the focus (and so comes into view) when the page loads.
    page.wait_for_function("document.activeElement.classList.contains('error-summary')")
    assert page.locator(".field.has-error .error").count() == summary.locator("a").count()
    fits(page)
    screenshot(page, "issue15-f4-household-errors")


def test_my_donations_show_what_the_money_became_without_scrolling_sideways(
    live_server, page, demo
):
    sign_in_demo(page, live_server, DONOR)
    became = page.locator("table.stack td[data-label='Đã thành']").first
    became.scroll_into_view_if_needed()
    box = became.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]
    fits(page)
    if page.viewport_name == "phone":
        # A card: the column's name is written beside each value; the header row is hidden.
        assert page.locator("table.stack thead").bounding_box()["height"] <= 1
        label = became.evaluate("td => getComputedStyle(td, '::before').content")
        assert "Đã thành" in label
    else:
        assert page.locator("table.stack thead th").first.is_visible()
    screenshot(page, "issue15-f12-my-donations")


@pytest.mark.parametrize(
    "path", ["/kho/", "/kho/tong-quan/", "/dot-giao/", "/ghep-doi/", "/doi-soat/", "/ban-giao/"]
)
def test_staff_lists_fit_a_phone(live_server, page, demo, path):
    page.viewport_name = "phone" if page.viewport_size["width"] < 500 else "desktop"
    sign_in_demo(page, live_server, COORDINATOR)
    page.goto(live_server.url + path)
    fits(page)
    if page.viewport_name == "phone":
        for table in page.locator("table").all():
            assert "stack" in (table.get_attribute("class") or ""), path
    screenshot(page, "issue15-f12" + path.rstrip("/").replace("/", "-"))


def test_a_table_that_scrolls_is_reachable_by_keyboard(live_server, page, demo):
    page.goto(live_server.url + "/quy/")
    regions = page.locator(".table-scroll")
    assert regions.count() >= 1
    for region in regions.all():
        assert region.get_attribute("tabindex") == "0"
        assert region.get_attribute("role") == "region" and region.get_attribute("aria-label")
    regions.first.focus()
    assert page.evaluate("document.activeElement.classList.contains('table-scroll')")
