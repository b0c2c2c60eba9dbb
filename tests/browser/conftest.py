"""Headless Chromium (Debian's package) driven by Playwright against a live test server.

Screenshots go to artifacts/screenshots/ (kept by CI as artefacts)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import PASSWORD

SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    # Playwright runs its own event loop; Django must allow sync ORM calls beside it.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(params=[(360, 740), (1280, 900)], ids=["phone", "desktop"])
def page(request, browser):
    width, height = request.param
    context = browser.new_context(
        viewport={"width": width, "height": height}, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh"
    )
    page = context.new_page()
    page.viewport_name = request.node.callspec.id
    yield page
    context.close()


def submit(page, control) -> None:
    """Clicks a button or link that loads a page, and returns once that page has loaded.

    A bare click returns as soon as the click is dispatched: reading the page right after it
    (`page.content()`, the database, a URL pattern the old page matches as well) races the server,
    and loses when the CPU is busy. Waiting for the navigation does not."""
    with page.expect_navigation():
        control.click()


def sign_in(page, live_server, email, password=PASSWORD, next_url="/nhan-vien/") -> None:
    page.goto(f"{live_server.url}/dang-nhap/?next={next_url}")
    page.locator("input[name=username]").fill(email)
    page.locator("input[type=password]").fill(password)
    submit(page, page.locator("form button[type=submit]").last)
    page.wait_for_url(f"**{next_url}")


def sign_out(page) -> None:
    submit(page, page.locator("form[action$='/dang-xuat/'] button"))


def fits(page, slack: int = 0) -> None:
    """Nothing sticks out sideways: the page does not scroll horizontally at its width."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"] + slack, f"{page.url} scrolls sideways ({width} px)"


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}-{page.viewport_name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def fill_household_form(
    page,
    *,
    head_name,
    cccd,
    members=5,
    children=None,
    no_internet=True,
    phone="feature_phone",
    coverage="good",
    consent="thumbprint",
) -> None:
    """Fills the nomination form for a poor household of Bản A Vao, Xã Tà Rụt, with its consent."""
    page.get_by_label("Xã").select_option("19588")
    page.get_by_label("Thôn, bản").select_option(label="Bản A Vao — Xã Tà Rụt")
    page.get_by_label("Họ tên chủ hộ").fill(head_name)
    page.get_by_label("Số CCCD của chủ hộ").fill(cccd)
    page.get_by_label("Số nhân khẩu").fill(str(members))
    if children is not None:
        page.get_by_label("Trẻ em trong độ tuổi đi học").fill(str(children))
    page.get_by_label("Hộ nghèo", exact=True).check()
    if no_internet:
        page.get_by_label("Không thành viên nào sử dụng internet").check()
    page.get_by_label("Tình trạng điện thoại").select_option(phone)
    page.get_by_label("Sóng 4G tại nhà").select_option(coverage)
    page.get_by_label("Hộ đồng ý cho xử lý dữ liệu cá nhân").check()
    page.get_by_label("Hình thức đồng ý").select_option(consent)


WIPE_CHECKS = ("Đã gỡ tài khoản Google / FRP", "Đã gỡ tài khoản Samsung", "Đã hủy liên kết VNeID")


def record_wipe(page) -> None:
    """Fills the wipe form on a device's bench page: a factory reset, every account removed."""
    page.get_by_label("Phương pháp").select_option("factory_reset")
    for removed in WIPE_CHECKS:
        page.get_by_label(removed).check()


def fill_qa(page, battery_health: int):
    """Ticks every check of a device's QA form and enters the battery's health; returns the form."""
    qa = page.locator("form[action$='/qa/']")
    for box in qa.locator("input[type=checkbox]").all():
        box.check()
    qa.get_by_label("Độ chai pin còn lại (%)").fill(str(battery_health))
    return qa


def fill_by_id(page, **values) -> None:
    """Fills form fields by their ids (`id_<name>`), the same in every language of the page."""
    for name, value in values.items():
        page.locator(f"#id_{name}").fill(str(value))


DEMO_PASSWORD = "noisong-demo-2026"


@pytest.fixture
def demo(db):
    """The demo data (`manage.py demo_data`): every role's pages as a new user sees them."""
    import io

    from django.core.management import call_command

    from tests.conftest import make_communes

    make_communes()
    call_command("demo_data", stdout=io.StringIO())


def sign_in_demo(page, live_server, email: str) -> None:
    """Signs a demo account in from the sign-in page, wherever it lands."""
    page.goto(f"{live_server.url}/dang-nhap/")
    page.locator("input[name=username]").fill(email)
    page.locator("input[type=password]").fill(DEMO_PASSWORD)
    submit(page, page.locator("main form button[type=submit]"))
