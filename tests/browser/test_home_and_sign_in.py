import pytest

from tests.browser.conftest import fits, screenshot, sign_in, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_reads_the_home_page_in_vietnamese_and_switches_to_english(live_server, page):
    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text() == "Tặng một chiếc điện thoại, kết nối một gia đình"
    # Nothing sticks out sideways on a 360 px phone.
    fits(page)
    screenshot(page, "home-vi")
    submit(page, page.get_by_role("button", name="English"))
    assert page.locator("h1").inner_text() == "Give a smartphone, connect a family"
    screenshot(page, "home-en")


def test_an_officer_signs_in_and_sees_their_work(live_server, page, officer_a):
    sign_in(page, live_server, officer_a.email)
    assert "Cán bộ xã" in page.content()
    assert "Xã Tà Rụt" in page.content()
    screenshot(page, "landing-officer")
