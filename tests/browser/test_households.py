"""An officer nominates a household and submits it; a verifier verifies it. Both widths."""

import pytest

from households.models import Household
from tests.browser.conftest import fill_household_form, fits, screenshot, sign_in, sign_out, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_nominates_and_a_verifier_verifies(
    live_server, page, communes, villages, officer_a, verifier
):
    sign_in(page, live_server, officer_a.email)
    submit(page, page.get_by_role("link", name="Đề cử một hộ").first)
    fill_household_form(
        page, head_name="Hồ Thị Bình", cccd="045190001234", children=2, coverage="weak"
    )
    fits(page)
    screenshot(page, "household-form")
    submit(page, page.get_by_role("button", name="Lưu"))
    page.wait_for_url("**/ho-gia-dinh/*/")
    assert "Công thức ưu tiên 2026.1" in page.content()
    submit(page, page.get_by_role("button", name="Gửi xác minh"))
    assert "Đã gửi xác minh." in page.content()
    fits(page)
    screenshot(page, "household-submitted")
    household = Household.objects.get()
    assert household.status == "submitted" and household.created_by == officer_a
    sign_out(page)

    sign_in(page, live_server, verifier.email)
    submit(page, page.get_by_role("link", name="Hàng chờ xác minh"))
    assert "Hồ Thị Bình" in page.content()
    fits(page)
    screenshot(page, "household-queue")
    submit(page, page.get_by_role("link", name="Hồ Thị Bình"))
    submit(page, page.get_by_role("button", name="Xác minh", exact=True))
    page.wait_for_url("**/xac-minh/")
    assert "Đã xác minh hộ." in page.content()
    household.refresh_from_db()
    assert household.status == "verified"
    assert household.events.filter(new_status="verified", actor=verifier).exists()
    page.goto(f"{live_server.url}/ho-gia-dinh/{household.id}/")
    fits(page)
    screenshot(page, "household-verified")


def test_an_officer_sees_row_errors_of_an_excel_file_then_imports_it(
    live_server, page, communes, villages, officer_a, tmp_path
):
    from tests.households.conftest import excel_file, excel_row

    bad = tmp_path / "ds-loi.xlsx"
    bad.write_bytes(excel_file([excel_row(), excel_row(cccd="0451"), excel_row(members=-2)]))
    good = tmp_path / "ds.xlsx"
    good.write_bytes(excel_file([excel_row(head_name=f"Hồ Văn {i}") for i in range(3)]))
    sign_in(page, live_server, officer_a.email)
    submit(page, page.get_by_role("link", name="Nhập từ Excel").first)
    page.get_by_label("Tệp Excel (.xlsx)").set_input_files(str(bad))
    submit(page, page.get_by_role("button", name="Kiểm tra tệp"))
    assert "2 lỗi: chưa nhập hộ nào." in page.content()
    assert "Số nhân khẩu không thể là số âm." in page.content()
    fits(page)
    screenshot(page, "household-import-errors")
    assert not Household.objects.exists()
    page.get_by_label("Tệp Excel (.xlsx)").set_input_files(str(good))
    submit(page, page.get_by_role("button", name="Kiểm tra tệp"))
    # The preview lists the rows it read (finding 9 of issue 15), not only a count.
    preview = page.get_by_role("list", name="Các dòng đã đọc")
    for i in range(3):
        assert preview.get_by_text(f"Hồ Văn {i}", exact=True).count() == 1
    fits(page)
    screenshot(page, "household-import-preview")
    submit(page, page.get_by_role("button", name="Nhập 3 hộ"))
    assert Household.objects.count() == 3
    assert "Đã nhập 3 hộ dưới dạng bản nháp." in page.content()
    # The drafts are submitted together, ticked to start with; one is left for later.
    drafts = page.get_by_role("checkbox")
    assert drafts.count() == 3 and all(drafts.nth(i).is_checked() for i in range(3))
    page.get_by_role("checkbox", name="Hồ Văn 2").uncheck()
    fits(page)
    screenshot(page, "household-import-submit")
    submit(page, page.get_by_role("button", name="Gửi xác minh các hộ đã chọn"))
    assert "2 hộ đã được gửi xác minh." in page.content()
    assert dict(Household.objects.values_list("head_name", "status")) == {
        "Hồ Văn 0": "submitted",
        "Hồ Văn 1": "submitted",
        "Hồ Văn 2": "draft",
    }
    assert page.get_by_role("checkbox").count() == 1
