"""Excel: the template, upload → preview with row errors → commit all or none, the export."""

import io
import re

import pytest
from openpyxl import load_workbook

from households.fields import HEADERS
from households.models import ConsentRecord, Household, HouseholdEvent, HouseholdImport
from tests.conftest import assert_error
from tests.households.conftest import cccd, excel_file, excel_row

pytestmark = pytest.mark.django_db
IMPORT = "/api/v1/households/import/"


def upload(client, content: bytes, *, commit: bool, name="ho.xlsx"):
    file = io.BytesIO(content)
    file.name = name
    return client.post(
        f"{IMPORT}?commit={'true' if commit else 'false'}", {"file": file}, format="multipart"
    )


def test_the_template_has_headers_dropdowns_an_example_and_instructions(api, officer_a, villages):
    response = api.as_user(officer_a).get("/api/v1/households/import-template/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(response.content))
    assert set(wb.sheetnames) == {"Hướng dẫn", "Danh sách hộ", "Danh mục"}
    sheet = wb["Danh sách hộ"]
    assert [c.value for c in sheet[1]] == HEADERS
    example = [c.value for c in sheet[2]]
    assert example[0] == "19588 - Xã Tà Rụt" and example[1] == "Bản A Vao"
    formulas = {dv.formula1 for dv in sheet.data_validations.dataValidation}
    assert '"Có,Không"' in formulas
    assert any("Danh mục" in (f or "") for f in formulas)
    assert "HƯỚNG DẪN" in wb["Hướng dẫn"]["A1"].value
    # The officer's template offers only their communes.
    assert [c.value for c in wb["Danh mục"]["A"] if c.value] == ["Xã", "19588 - Xã Tà Rụt"]


def test_the_example_row_of_the_template_imports_cleanly(api, officer_a, villages):
    content = api.as_user(officer_a).get("/api/v1/households/import-template/").content
    report = upload(api, content, commit=False).json()
    [row] = report.pop("preview")  # the rows read (finding 9 of issue 15)
    assert row["row"] == 2 and row["commune"] == "Xã Tà Rụt" and row["village"] == "Bản A Vao"
    assert report == {
        "import_id": None,
        "rows": 1,
        "valid": True,
        "committed": False,
        "created": 0,
        "errors": [],
    }


def test_a_preview_writes_nothing_and_a_commit_writes_every_row(api, officer_a, villages):
    rows = [excel_row(head_name=f"Hồ Văn {i}") for i in range(3)]
    client = api.as_user(officer_a)
    preview = upload(client, excel_file(rows), commit=False)
    assert preview.status_code == 200 and preview.json()["valid"] is True
    assert not Household.objects.exists()
    committed = upload(client, excel_file(rows), commit=True)
    assert committed.status_code == 201, committed.json()
    assert committed.json()["created"] == 3
    households = list(Household.objects.order_by("id"))
    assert [h.status for h in households] == ["draft"] * 3
    assert all(h.created_by == officer_a and h.village == villages["A"] for h in households)
    assert all(
        sum(r["points"] for r in h.priority_breakdown) == h.priority_score > 0 for h in households
    )
    assert ConsentRecord.objects.filter(processing=True, method="signed_form").count() == 3
    assert HouseholdEvent.objects.filter(kind="status", new_status="draft").count() == 3
    batch = HouseholdImport.objects.get()
    assert batch.status == "committed" and batch.created == 3 and bytes(batch.content) == b""


def test_an_import_with_one_bad_row_writes_nothing(api, officer_a, villages):
    rows = [excel_row() for _ in range(50)]
    rows[37]["members"] = -2
    response = upload(api.as_user(officer_a), excel_file(rows), commit=True)
    error = assert_error(response, 400, "import_invalid", "file")
    assert error["rows"] == [
        {"row": 39, "column": "Số nhân khẩu", "message": "Số nhân khẩu không thể là số âm."}
    ]
    assert not Household.objects.exists()
    assert not HouseholdEvent.objects.exists() and not ConsentRecord.objects.exists()


def test_every_row_error_is_listed_with_row_column_and_message(api, officer_a, villages):
    known = cccd()
    api.as_user(officer_a).post(
        "/api/v1/households/",
        {
            "commune": "19588",
            "head_name": "Đã có",
            "cccd": known,
            "poverty_status": "poor",
            "phone_situation": "none",
            "coverage_4g": "good",
        },
        format="json",
    )
    twin = cccd()
    rows = [
        excel_row(cccd="12345"),
        excel_row(commune="19441 - Xã Hướng Phùng"),
        excel_row(commune="99999"),
        excel_row(village="Bản Không Có"),
        excel_row(poverty_status="Giàu"),
        excel_row(cccd=twin),
        excel_row(cccd=twin),
        excel_row(cccd=known),
        excel_row(consent_method="Có người làm chứng"),
        excel_row(no_internet="Có lẽ"),
        excel_row(members=2, school_age_children=5),
    ]
    report = upload(api, excel_file(rows), commit=False).json()
    assert report["valid"] is False and report["rows"] == 11
    found = {(e["row"], e["column"]): e["message"] for e in report["errors"]}
    assert found == {
        (2, "Số CCCD chủ hộ"): "CCCD gồm đúng 12 chữ số; số này có 5 chữ số.",
        (3, "Xã"): "Bạn không được phân công ở Xã Hướng Phùng.",
        (4, "Xã"): "“99999” không phải mã của một xã, phường nơi chương trình hoạt động.",
        (5, "Thôn/bản"): "“Bản Không Có” không phải thôn, bản của Xã Tà Rụt.",
        (6, "Diện hộ"): "Chọn diện hộ: hộ nghèo, hộ cận nghèo hoặc khác.",
        (8, "Số CCCD chủ hộ"): "Số CCCD này đã có ở dòng 7 của tệp.",
        (9, "Số CCCD chủ hộ"): "Một hộ có số CCCD này đã được đăng ký và đang hoạt động.",
        (10, "Người làm chứng"): "Đồng ý trước người làm chứng cần ghi tên người làm chứng.",
        (11, "Không ai dùng internet"): "Hãy ghi “Có” hoặc “Không”.",
        (
            12,
            "Trẻ em đi học",
        ): "Số trẻ em trong độ tuổi đi học không thể nhiều hơn số nhân khẩu (2).",
    }
    assert Household.objects.count() == 1


def test_a_cccd_excel_made_a_number_keeps_its_leading_zero(api, officer_a, villages):
    number = cccd()
    upload(api.as_user(officer_a), excel_file([excel_row(cccd=int(number))]), commit=True)
    assert Household.objects.get().cccd_last4 == number[-4:]


def test_a_file_that_is_not_excel_is_refused(api, officer_a):
    response = upload(api.as_user(officer_a), b"name,cccd\nA,1\n", commit=False, name="ho.csv")
    error = assert_error(response, 400, "not_excel", "file")
    assert error["message"].startswith("Tệp này không phải bảng tính Excel (.xlsx).")


def test_wrong_headers_are_named(api, officer_a):
    headers = list(HEADERS)
    headers[3] = "CMND"
    response = upload(api.as_user(officer_a), excel_file([], headers=headers), commit=False)
    error = assert_error(response, 400, "wrong_headers", "file")
    assert "thiếu: Số CCCD chủ hộ" in error["message"] and "thừa: CMND" in error["message"]


def test_an_empty_file_is_refused(api, officer_a):
    assert_error(upload(api.as_user(officer_a), excel_file([]), commit=False), 400, "no_rows")


def test_only_officers_import(api, verifier, donor):
    content = excel_file([excel_row()])
    assert_error(upload(api.as_user(verifier), content, commit=False), 403, "role_required")
    assert upload(api.as_user(donor), content, commit=False).status_code == 403


def test_the_pages_preview_then_commit_all_rows(client, officer_a, villages):
    client.force_login(officer_a)
    file = io.BytesIO(excel_file([excel_row(), excel_row()]))
    file.name = "ds.xlsx"
    response = client.post("/ho-gia-dinh/nhap-excel/", {"file": file})
    batch = HouseholdImport.objects.get()
    assert (
        response.status_code == 302
        and response["Location"] == f"/ho-gia-dinh/nhap-excel/{batch.id}/"
    )
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Nhập 2 hộ" in page.content.decode()
    assert not Household.objects.exists()
    response = client.post(f"/ho-gia-dinh/nhap-excel/{batch.id}/nhap/")
    assert response.status_code == 302
    assert Household.objects.count() == 2
    # A second click imports nothing more.
    client.post(f"/ho-gia-dinh/nhap-excel/{batch.id}/nhap/")
    assert Household.objects.count() == 2


def test_the_page_lists_row_errors_and_keeps_no_file(client, officer_a, villages):
    client.force_login(officer_a)
    file = io.BytesIO(excel_file([excel_row(), excel_row(cccd="x")]))
    file.name = "ds.xlsx"
    response = client.post("/ho-gia-dinh/nhap-excel/", {"file": file})
    page = re.sub(
        r' data-label="[^"]*"', "", client.get(response["Location"]).content.decode()
    )  # stacked on a phone
    assert "<td>3</td><td>Số CCCD chủ hộ</td><td>CCCD chỉ gồm chữ số.</td>" in page
    assert bytes(HouseholdImport.objects.get().content) == b""
    assert not Household.objects.exists()


def test_the_export_shows_last_four_digits_only(client, officer_a, make_household):
    number = cccd()
    make_household(officer_a, cccd=number)
    client.force_login(officer_a)
    response = client.get("/ho-gia-dinh/xuat/19588.xlsx")
    wb = load_workbook(io.BytesIO(response.content))
    cells = [str(c.value) for row in wb.active.iter_rows() for c in row]
    assert number not in cells and number[-4:] in cells
    assert "Hồ Văn Pả" in cells


def test_a_new_upload_discards_the_officers_waiting_preview(client, officer_a, villages):
    client.force_login(officer_a)
    for _ in range(2):
        file = io.BytesIO(excel_file([excel_row()]))
        file.name = "ds.xlsx"
        client.post("/ho-gia-dinh/nhap-excel/", {"file": file})
    first, second = HouseholdImport.objects.order_by("id")
    assert first.status == "discarded" and bytes(first.content) == b""
    assert second.status == "previewed" and bytes(second.content)
    response = client.post(f"/ho-gia-dinh/nhap-excel/{first.id}/nhap/")
    assert response.status_code == 302 and not Household.objects.exists()


def test_too_many_rows_and_too_large_files_are_refused(api, officer_a, villages, settings):
    settings.HOUSEHOLD_IMPORT_MAX_ROWS = 2
    content = excel_file([excel_row() for _ in range(3)])
    error = assert_error(
        upload(api.as_user(officer_a), content, commit=False), 400, "too_many_rows"
    )
    assert error["message"] == "Tệp có hơn 2 hộ. Hãy chia thành nhiều tệp."
    settings.HOUSEHOLD_IMPORT_MAX_BYTES = 100
    assert_error(upload(api, content, commit=False), 400, "file_too_large")


def test_the_export_shows_the_priority_breakdown(client, officer_a, make_household):
    household = make_household(officer_a)
    client.force_login(officer_a)
    wb = load_workbook(io.BytesIO(client.get("/ho-gia-dinh/xuat/19588.xlsx").content))
    row = [c.value for c in wb.active[2]]
    assert row[-3] == household.priority_score and row[-2] == "2026.1"
    assert "Diện hộ 30" in row[-1] and "Xã miền núi 10" in row[-1]


@pytest.mark.load
def test_ten_thousand_rows_with_a_few_bad_ones_write_nothing(api, officer_a, villages):
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    sheet = wb.create_sheet("Danh sách hộ")
    sheet.append(HEADERS)
    from households.fields import COLUMNS

    bad_rows = {1234: "members", 5678: "cccd", 9999: "coverage_4g"}
    for i in range(10_000):
        row = excel_row(cccd=cccd(100_000 + i))
        if bad_rows.get(i) == "members":
            row["members"] = -1
        elif bad_rows.get(i) == "cccd":
            row["cccd"] = "045"
        elif bad_rows.get(i) == "coverage_4g":
            row["coverage_4g"] = "Rất mạnh"
        sheet.append([row[c.key] for c in COLUMNS])
    out = io.BytesIO()
    wb.save(out)
    response = upload(api.as_user(officer_a), out.getvalue(), commit=True)
    error = assert_error(response, 400, "import_invalid", "file")
    assert error["message"] == "Tệp có 3 lỗi: chưa nhập hộ nào. Hãy sửa và tải lên lại."
    assert [(e["row"], e["column"]) for e in error["rows"]] == [
        (1236, "Số nhân khẩu"),
        (5680, "Số CCCD chủ hộ"),
        (10001, "Sóng 4G tại nhà"),
    ]
    assert not Household.objects.exists() and not HouseholdImport.objects.exists()


def test_the_export_never_turns_a_name_into_a_formula(client, officer_a, make_household):
    make_household(officer_a, head_name='=HYPERLINK("http://x")')
    client.force_login(officer_a)
    wb = load_workbook(io.BytesIO(client.get("/ho-gia-dinh/xuat/19588.xlsx").content))
    name_cell = wb.active["D2"]
    assert name_cell.data_type == "s"
    assert name_cell.value == '=HYPERLINK("http://x")'


def test_a_hostile_workbook_is_refused_with_a_clear_message_and_writes_nothing(
    api, officer_a, villages
):
    """Security review finding 2: a cell reference far past column XFD was a 500 (MemoryError)."""
    from tests.core.test_xlsx import workbook

    content = workbook('<row r="1"><c r="XFDZZZZZZZZ1"><v>1</v></c></row>')
    response = upload(api.as_user(officer_a), content, commit=True)
    error = assert_error(response, 400, "file_too_large", "file")
    assert "XFD" in error["message"] and "Excel" in error["message"]
    assert not Household.objects.exists() and not HouseholdImport.objects.exists()
