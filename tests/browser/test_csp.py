"""The Content-Security-Policy (config/security.py) holds in headless Chromium: the main pages of
every role load without one violation reported on the console (issue 7)."""

from __future__ import annotations

import pytest

from tests.access.world import world  # noqa: F401 (fixture)
from tests.browser.conftest import screenshot
from tests.conftest import PASSWORD

SHOTS = {"/kho/tong-quan/": "csp-dashboard-bars", "/api/docs/": "csp-api-docs"}


def screenshot_as(page, name):
    page.viewport_name = "phone"
    screenshot(page, name)


def _violations_while_visiting(browser, base, paths, user=None):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    page = context.new_page()
    seen = []
    page.on(
        "console",
        lambda msg: (
            seen.append(f"{page.url}: {msg.text}")
            if "Content Security Policy" in msg.text
            else None
        ),
    )
    if user is not None:
        page.goto(f"{base}/dang-nhap/")
        page.fill("input[name=username]", user.email)
        page.fill("input[name=password]", PASSWORD)
        page.click("form button[type=submit]")
        page.wait_for_load_state("networkidle")
    for path in paths:
        response = page.goto(f"{base}{path}")
        assert response.status < 400, (path, response.status)
        if path.startswith("/api/docs/"):  # Swagger UI renders after fetching the schema
            page.wait_for_load_state("networkidle")
        if path in SHOTS:
            screenshot_as(page, SHOTS[path])
    context.close()
    return seen


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_no_page_breaks_the_content_security_policy_in_chromium(browser, live_server, world):  # noqa: F811
    base = live_server.url
    h = world.device_h.tracking_code
    SHOTS[f"/ghep-doi/{world.match_run.id}/"] = "csp-matching-coverage"
    visits = {
        None: [
            "/",
            "/dang-nhap/",
            "/tang-dien-thoai/",
            "/ung-ho/",
            "/quy/",
            f"/t/{h}",
            f"/ung-ho/chuyen-khoan/{world.gift.memo}/",
            "/api/docs/",
        ],
        "donor": ["/cua-toi/", f"/cua-toi/cam-ket/{world.pledge.id}/"],
        "officer_a": [
            "/nhan-vien/",
            "/ho-gia-dinh/",
            "/ho-gia-dinh/them/",
            f"/ho-gia-dinh/{world.household_a.id}/",
            "/ho-gia-dinh/nhap-excel/",
        ],
        "verifier": ["/xac-minh/"],
        "coordinator_h": [
            "/kho/",
            "/kho/tong-quan/",
            "/kho/tiep-nhan-may-le/",
            "/dot-giao/",
            f"/dot-giao/{world.batch.id}/",
            f"/ban-giao/{world.handover.id}/",
            "/ghep-doi/",
            f"/ghep-doi/{world.match_run.id}/",
            "/doi-soat/",
        ],
        "admin": ["/admin/"],
    }
    users = world.personas
    violations = []
    for persona, paths in visits.items():
        user = users[persona] if persona else None
        violations += _violations_while_visiting(browser, base, paths, user)
    assert not violations, "\n".join(violations)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_browser_check_does_see_a_violation(browser, live_server, communes):
    """The control of the test above: an inline style set on the page is refused and reported."""
    context = browser.new_context()
    page = context.new_page()
    seen = []
    page.on("console", lambda msg: seen.append(msg.text))
    page.goto(f"{live_server.url}/")
    page.evaluate("document.body.setAttribute('style', 'background: red')")
    page.evaluate("() => new Promise(r => setTimeout(r, 100))")
    context.close()
    assert any("Content Security Policy" in text for text in seen), seen
