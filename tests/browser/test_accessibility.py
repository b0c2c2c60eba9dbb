"""Issue 15: an axe-core check (WCAG 2.1 A and AA rules) over the main page of every role, on the
demo data, in headless Chromium at 360 px and 1280 px: no violation, and no request answered 404
(the favicon was one, on every page).

axe-core is vendored under tests/browser/vendor/ (no network, no CDN) and injected into each page;
the context bypasses the site's Content-Security-Policy for that injection only (the CSP itself is
tested by test_csp.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import screenshot, sign_in_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ')),
  }));
}"""

# Each role's main pages (its start page first), on the demo data.
ROLE_PAGES = {
    "public": (None, ["/", "/tang-dien-thoai/", "/ung-ho/", "/quy/", "/tien-do/", "/dang-nhap/"]),
    "donor": ("nhahaotam@noisong.local", ["/cua-toi/"]),
    "officer": ("canbo.tarut@noisong.local", ["/ho-gia-dinh/", "/nhan-vien/", "/ban-giao/"]),
    "verifier": ("xacminh@noisong.local", ["/xac-minh/"]),
    "coordinator": (
        "dieuphoi.dongha@noisong.local",
        ["/kho/", "/kho/tong-quan/", "/dot-giao/", "/ghep-doi/", "/doi-soat/"],
    ),
    "admin": ("admin@noisong.local", ["/nhan-vien/", "/admin/"]),
}


def _page(browser, viewport_name: str):
    size = {"phone": (360, 740), "desktop": (1280, 900)}[viewport_name]
    context = browser.new_context(
        viewport={"width": size[0], "height": size[1]},
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        bypass_csp=True,
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.viewport_name = viewport_name
    page.not_found = []
    page.on("response", lambda r: page.not_found.append(r.url) if r.status == 404 else None)
    return context, page


def _violations(page) -> list[dict]:
    page.add_script_tag(content=AXE)
    return page.evaluate(RUN_AXE, WCAG_21_AA)


def _check(page, label: str, found: dict) -> None:
    violations = _violations(page)
    if violations:
        found[label] = violations
        screenshot(page, f"axe-{label.strip('/').replace('/', '-') or 'home'}")


@pytest.mark.parametrize("viewport_name", ["phone", "desktop"])
@pytest.mark.parametrize("role", list(ROLE_PAGES))
def test_every_roles_main_pages_pass_axe_wcag_21_aa(
    live_server, browser, demo, role, viewport_name
):
    email, urls = ROLE_PAGES[role]
    context, page = _page(browser, viewport_name)
    try:
        if email:
            sign_in_demo(page, live_server, email)
        found: dict[str, list] = {}
        for url in urls:
            page.goto(live_server.url + url)
            _check(page, f"{role} {url}", found)
        assert found == {}, _report(found)
        assert page.not_found == [], page.not_found
    finally:
        context.close()


@pytest.mark.parametrize("viewport_name", ["phone"])
def test_forms_showing_their_errors_pass_axe(live_server, browser, demo, viewport_name):
    """The error pattern (summary, messages on the fields) is accessible too."""
    from donations.models import Device

    context, page = _page(browser, viewport_name)
    try:
        found: dict[str, list] = {}
        page.goto(live_server.url + "/ung-ho/")
        with page.expect_navigation():
            page.locator("main form button").last.click()
        assert page.locator(".error-summary").count() == 1
        _check(page, "public /ung-ho/ with errors", found)
        sign_in_demo(page, live_server, "dieuphoi.dongha@noisong.local")
        device = Device.objects.filter(status="received", hub__name__contains="Đông Hà").first()
        page.goto(f"{live_server.url}/kho/thiet-bi/{device.tracking_code}/")
        with page.expect_navigation():
            page.locator("form[action$='/wipe/'] button").click()
        assert page.locator(".error-summary").count() == 1
        _check(page, "coordinator wipe form with errors", found)
        assert found == {}, _report(found)
    finally:
        context.close()


def _report(found: dict) -> str:
    lines = []
    for label, violations in found.items():
        for v in violations:
            lines.append(f"{label}: {v['id']} ({v['impact']}) {v['help']} — {v['nodes']}")
    return "\n".join(lines)
