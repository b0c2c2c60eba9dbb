"""The public progress pages in headless Chromium with JavaScript OFF, at 360 px and desktop
width: numbers, the chart, the sortable table, the honour roll. Screenshots in
artifacts/screenshots/progress-*.png."""

from __future__ import annotations

import pytest

from tests.browser.conftest import fits, screenshot, submit
from tests.progress.conftest import HEAD_NAME, VILLAGE, progress_data  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(params=[(360, 740), (1280, 900)], ids=["phone", "desktop"])
def nojs_page(request, browser):
    width, height = request.param
    context = browser.new_context(
        viewport={"width": width, "height": height},
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        java_script_enabled=False,
    )
    page = context.new_page()
    page.viewport_name = request.node.callspec.id
    yield page
    context.close()


def test_it_shows_progress_without_javascript_on_a_phone_and_a_desktop(
    live_server,
    nojs_page,
    progress_data,  # noqa: F811
    communes,
):
    page = nojs_page
    page.goto(live_server.url + "/")
    numbers = page.locator("dl.numbers")
    assert "Điện thoại đã cam kết tặng" in numbers.inner_text()
    assert numbers.locator("dd").all_inner_texts() == ["17", "5", "4", "1", "15", "7", "3", "4"]
    fits(page)
    screenshot(page, "progress-home")

    submit(page, page.get_by_role("link", name="Tiến độ theo xã").first)
    page.wait_for_url("**/tien-do/")
    assert page.locator("h1").inner_text() == "Tiến độ theo xã"
    assert page.locator("ol.bars > li").count() == 3
    assert page.locator("table.progress-table tbody tr").count() == 78
    first = page.locator("table.progress-table tbody th").first.inner_text()
    assert first.startswith(communes["A"].name)  # by households waiting (4), largest first
    # The pictures (finding 15 of issue 15): drawn, named, with a table behind each.
    months = page.get_by_role("img", name="Điện thoại đã trao theo tháng")
    tiles = page.get_by_role("img", name="Mức phủ của các xã")
    for picture in (months, tiles):
        box = picture.bounding_box()
        assert box["width"] > 250 and box["height"] > 100
    assert page.locator("svg.tilemap rect.tile").count() == 78
    page.locator("details.as-table summary").last.click()
    assert page.get_by_role("cell", name="3 / 8").is_visible()
    fits(page)
    screenshot(page, "progress-communes")

    # Sorting is a plain link: by phones delivered, C (1) comes before B (0).
    submit(page, page.get_by_role("link", name="Đã trao", exact=True))
    page.wait_for_url("**/tien-do/?sort=delivered")
    names = page.locator("table.progress-table tbody th").all_inner_texts()
    assert names[0].startswith(communes["A"].name)
    assert names[1].startswith(communes["C"].name)
    assert page.locator('th[aria-sort="descending"]').inner_text().startswith("Đã trao")

    submit(page, page.get_by_role("link", name="Bảng vinh danh").first)
    page.wait_for_url("**/tien-do/vinh-danh/")
    rows = page.locator("table.honour-table tbody tr").all_inner_texts()
    assert len(rows) == 2 and "Gia đình Tâm" in rows[0]
    fits(page)
    screenshot(page, "progress-honour")
    content = page.content()
    assert HEAD_NAME not in content and VILLAGE not in content
