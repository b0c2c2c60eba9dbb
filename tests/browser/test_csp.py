"""The Content-Security-Policy (config/security.py) holds in headless Chromium: the main pages of
every role load without one violation reported on the console (issue 7)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot, sign_in

SHOTS = {"/kho/tong-quan/": "csp-dashboard-bars", "/api/docs/": "csp-api-docs"}


def screenshot_as(page, name):
    page.viewport_name = "phone"
    screenshot(page, name)


def _violations_while_visiting(browser, live_server, paths, user=None):
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
        sign_in(page, live_server, user.email, next_url=paths[0])
    for path in paths:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status < 400, (path, response.status)
        if path.startswith("/api/docs/"):  # Swagger UI renders after fetching the schema
            page.wait_for_load_state("networkidle")
        if path in SHOTS:
            screenshot_as(page, SHOTS[path])
    context.close()
    return seen


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_no_page_breaks_the_content_security_policy_in_chromium(browser, live_server, world):
    h = world.device_h.tracking_code
    SHOTS[f"/ghep-doi/{world.match_run.id}/"] = "csp-matching-coverage"
    visits = {
        None: [
            "/",
            "/dang-nhap/",
            "/tang-dien-thoai/",
            "/ung-ho/",
            "/quy/",
            "/tien-do/",
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
            "/thuc-dia/",  # the field app: its script, worker and manifest (issue 16)
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
        violations += _violations_while_visiting(browser, live_server, paths, user)
    assert not violations, "\n".join(violations)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_browser_check_does_see_a_violation(browser, live_server, communes):
    """The control of the test above: an inline style set on the page is refused and reported."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    with page.expect_console_message(lambda msg: "Content Security Policy" in msg.text):
        page.evaluate("document.body.setAttribute('style', 'background: red')")
    context.close()
