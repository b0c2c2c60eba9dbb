"""A coordinator runs matching, reads the run and approves some proposals, in headless Chromium."""

import pytest

from matching.models import Allocation, MatchRun
from tests.browser.conftest import fits, screenshot, sign_in, submit
from tests.matching.factories import device_create, household_create, nominator_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_runs_reads_and_approves_a_matching_run(
    live_server, page, coordinator_h, communes, hubs
):
    nominator = nominator_create()
    for _ in range(3):
        device_create(hubs["H"])
    households = [
        household_create(communes["A"], nominator=nominator, priority=60 + i) for i in range(3)
    ]
    sign_in(page, live_server, coordinator_h.email)
    submit(page, page.get_by_role("link", name="Các lượt ghép nối"))
    page.wait_for_url("**/ghep-doi/")
    submit(page, page.get_by_role("link", name="Chạy ghép nối"))
    page.get_by_label("Hạt giống bốc thăm").fill("không phải số")
    submit(page, page.get_by_role("button", name="Chạy ghép nối"))
    assert "Hãy nhập một số nguyên" in page.content()
    page.get_by_label("Hạt giống bốc thăm").fill("2026")
    screenshot(page, "matching-start")
    submit(page, page.get_by_role("button", name="Chạy ghép nối"))
    page.wait_for_url("**/ghep-doi/*/")
    assert page.locator("h1").inner_text().startswith("Lượt ghép nối")
    assert "Chờ duyệt" in page.locator("h1").inner_text()
    assert page.get_by_text("Mức phủ theo xã").is_visible()
    assert page.locator(".coverage li").count() == 1  # Tà Rụt
    assert page.locator("li.proposal").count() == 3
    assert "Vì sao ghép cặp này" in page.content()
    for household in households:
        assert household.head_name not in page.content()
    fits(page)
    screenshot(page, "matching-run")
    page.locator("input[name=proposals]").nth(0).check()
    page.locator("input[name=proposals]").nth(1).check()
    submit(page, page.get_by_role("button", name="Duyệt các đề xuất đã chọn"))
    assert "2 đề xuất đã được duyệt; 0 bị bỏ qua." in page.content()
    assert "Đã duyệt một phần" in page.locator("h1").inner_text()
    screenshot(page, "matching-approved")
    run = MatchRun.objects.get()
    assert run.seed == 2026 and run.status == "partially_approved"
    assert Allocation.objects.filter(is_live=True).count() == 2
