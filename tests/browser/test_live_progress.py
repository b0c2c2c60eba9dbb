"""Issue 15, finding 14: long work shows its progress. An Excel check (rows checked so far) and a
matching run (queued → running → done) update on their pages without a reload where JavaScript
is on (static/js/live-progress.js polls a JSON endpoint), and refresh themselves where it is
off. The work is moved along from the test, as a worker would."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from households.models import HouseholdImport
from matching.models import MatchRun
from tests.browser.conftest import fits, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WAIT = 20_000  # ms the page may take to poll again on a busy machine (a bound, not a measure)

PREVIEW = {
    "errors": [],
    "preview": [
        {
            "row": 2,
            "head_name": "Hồ Thị Lan",
            "commune": "Xã Tà Rụt",
            "village": "Bản A Vao",
            "members": 4,
            "poverty_status": "poor",
            "priority": 78,
            "consent": True,
        }
    ],
}


def _stays(page) -> None:
    """Marks the document: a reload would lose the mark."""
    page.evaluate("window.__sameDocument = true")


def _stayed(page) -> bool:
    return page.evaluate("window.__sameDocument === true")


def test_a_matching_run_moves_on_its_page_without_a_reload(live_server, page, coordinator_h, hubs):
    run = MatchRun.objects.create(created_by=coordinator_h, seed=7, policy_version="2026.1")
    run.hubs.set([hubs["H"]])
    sign_in(page, live_server, coordinator_h.email, next_url=f"/ghep-doi/{run.id}/")
    _stays(page)
    card = page.locator("[data-progress-url]")
    assert "Đang chờ chạy" in card.inner_text()
    MatchRun.objects.filter(id=run.id).update(
        status="running", progress=35, progress_note="Đang giải bài toán luồng"
    )
    expect(page.locator("#progress")).to_have_js_property("value", 35, timeout=WAIT)
    assert "Đang chạy" in card.inner_text() and "Đang giải bài toán luồng" in card.inner_text()
    fits(page, slack=1)
    screenshot(page, "live-progress-run-running")
    MatchRun.objects.filter(id=run.id).update(
        status="proposed", progress=100, message="Không có máy nào sẵn sàng."
    )
    expect(page.locator("html")).to_have_attribute("data-progress-done", "true", timeout=WAIT)
    assert page.locator("[data-progress-url]").count() == 0
    assert "Chờ duyệt" in page.locator("h1").inner_text()
    assert "Không có máy nào sẵn sàng." in page.content()
    assert _stayed(page)
    screenshot(page, "live-progress-run-done")


def test_an_excel_check_counts_its_rows_on_its_page_without_a_reload(
    live_server, page, officer_a, communes
):
    batch = HouseholdImport.objects.create(
        uploaded_by=officer_a, file_name="ds.xlsx", status="checking", content=b"x"
    )
    sign_in(page, live_server, officer_a.email, next_url=f"/ho-gia-dinh/nhap-excel/{batch.id}/")
    _stays(page)
    count = page.locator("[data-progress-field=rows_checked]")
    assert count.inner_text() == "0"
    HouseholdImport.objects.filter(id=batch.id).update(rows_checked=250)
    expect(count).to_have_text("250", timeout=WAIT)
    fits(page, slack=1)
    screenshot(page, "live-progress-import-checking")
    HouseholdImport.objects.filter(id=batch.id).update(
        status="previewed", rows=1, rows_checked=1, report=PREVIEW
    )
    expect(page.locator("html")).to_have_attribute("data-progress-done", "true", timeout=WAIT)
    assert page.get_by_role("button", name="Nhập 1 hộ").is_visible()
    assert page.get_by_text("Hồ Thị Lan", exact=True).is_visible()
    assert _stayed(page)
    fits(page, slack=1)
    screenshot(page, "live-progress-import-done")


def test_without_javascript_the_pages_refresh_themselves(
    live_server, browser, officer_a, coordinator_h, communes, hubs
):
    run = MatchRun.objects.create(
        created_by=coordinator_h, seed=7, policy_version="2026.1", status="running", progress=35
    )
    run.hubs.set([hubs["H"]])
    batch = HouseholdImport.objects.create(
        uploaded_by=officer_a, file_name="ds.xlsx", status="checking", content=b"x"
    )
    for user, url, move, seen in [
        (
            coordinator_h,
            f"/ghep-doi/{run.id}/",
            lambda: MatchRun.objects.filter(id=run.id).update(progress=70),
            'value="70"',
        ),
        (
            officer_a,
            f"/ho-gia-dinh/nhap-excel/{batch.id}/",
            lambda: HouseholdImport.objects.filter(id=batch.id).update(rows_checked=500),
            ">500<",
        ),
    ]:
        context = browser.new_context(
            viewport={"width": 360, "height": 740}, locale="vi-VN", java_script_enabled=False
        )
        page = context.new_page()
        sign_in(page, live_server, user.email, next_url=url)
        assert "Trang tự cập nhật mỗi 2 giây." in page.locator("main").inner_text()
        move()
        # The <noscript> meta refresh loads the page again within two seconds (a refresh that
        # began before the move shows the old figure: wait for the next one then).
        for _ in range(2):
            with page.expect_navigation():
                pass
            if seen in page.content():
                break
        assert seen in page.content()
        context.close()
