"""Issue 15, findings 9 and 14: the import preview lists the rows it read, its check runs in a
worker with its progress on the page, and the imported drafts are submitted together (page and
API twin, through editing.households_submit)."""

from __future__ import annotations

import io

import pytest

from core.models import OutboxMessage
from households.models import Household, HouseholdEvent, HouseholdImport
from tests.households.conftest import excel_file, excel_row

pytestmark = pytest.mark.django_db


def _post_file(client, rows):
    file = io.BytesIO(excel_file(rows))
    file.name = "danh-sach.xlsx"
    return client.post("/ho-gia-dinh/nhap-excel/", {"file": file})


def test_the_preview_lists_the_rows_it_read(client, officer_a, villages):
    client.force_login(officer_a)
    rows = [excel_row(head_name=f"Hồ Văn Số {i}") for i in range(3)]
    response = _post_file(client, rows)
    page = client.get(response["Location"]).content.decode()
    assert "Đã kiểm tra 3 dòng: không có lỗi." in page
    assert "Các dòng đã đọc" in page
    for i in range(3):
        assert (
            f'<span class="name">Hồ Văn Số {i}</span><span class="muted">dòng {i + 2}</span>'
            in page
        )
    assert "Bản A Vao · 4 nhân khẩu · Hộ nghèo · Điểm ưu tiên" in page
    assert "đã ghi nhận đồng ý" in page
    assert not Household.objects.exists()  # a preview writes nothing


def test_the_preview_lists_the_first_page_of_a_long_file(client, officer_a, villages):
    client.force_login(officer_a)
    response = _post_file(client, [excel_row(head_name=f"Chủ hộ {i}") for i in range(60)])
    page = client.get(response["Location"]).content.decode()
    assert "50 dòng đầu trong 60 dòng không có lỗi" in page
    assert ">Chủ hộ 49<" in page and ">Chủ hộ 50<" not in page


def test_a_file_with_errors_lists_them_and_the_rows_read(client, officer_a, villages):
    client.force_login(officer_a)
    response = _post_file(client, [excel_row(head_name="Hồ Thị Đúng"), excel_row(cccd="x")])
    page = client.get(response["Location"]).content.decode()
    assert "<td>3</td><td>Số CCCD chủ hộ</td><td>CCCD chỉ gồm chữ số.</td>" in page
    assert '<span class="name">Hồ Thị Đúng</span>' in page
    assert 'name="file"' in page  # the corrected file can be uploaded from here
    batch = HouseholdImport.objects.get()
    assert batch.status == "previewed" and batch.error_count == 1 and bytes(batch.content) == b""


def test_the_imported_drafts_are_submitted_together(client, officer_a, villages):
    client.force_login(officer_a)
    rows = [excel_row(head_name=f"Hồ Văn {n}") for n in ("Một", "Hai", "Ba")]
    rows.append(excel_row(head_name="Hồ Văn Bốn", consent_processing="Không"))
    response = _post_file(client, rows)
    batch = HouseholdImport.objects.get()
    client.post(f"/ho-gia-dinh/nhap-excel/{batch.id}/nhap/")
    page = client.get(f"/ho-gia-dinh/nhap-excel/{batch.id}/").content.decode()
    drafts = list(Household.objects.filter(import_batch=batch).order_by("id"))
    assert len(drafts) == 4 and {h.status for h in drafts} == {"draft"}
    for household in drafts:
        assert f'name="households" value="{household.id}" checked' in page
    assert "chưa ghi nhận đồng ý" in page
    one, two, three, four = drafts
    response = client.post(
        f"/ho-gia-dinh/nhap-excel/{batch.id}/gui/",
        {"households": [one.id, two.id, four.id]},  # "Ba" left unticked
    )
    assert response.status_code == 302
    statuses = dict(Household.objects.values_list("head_name", "status"))
    assert statuses == {
        "Hồ Văn Một": "submitted",
        "Hồ Văn Hai": "submitted",
        "Hồ Văn Ba": "draft",
        "Hồ Văn Bốn": "draft",  # no consent: refused, the others went
    }
    submitted = HouseholdEvent.objects.filter(new_status="submitted", actor=officer_a)
    assert set(submitted.values_list("household_id", flat=True)) == {one.id, two.id}
    page = client.get(f"/ho-gia-dinh/nhap-excel/{batch.id}/").content.decode()
    assert "2 hộ đã được gửi xác minh." in page
    assert f"#{four.id}: Hãy ghi nhận sự đồng ý" in page
    assert f'value="{one.id}"' not in page and f'value="{three.id}"' in page


def test_nothing_ticked_submits_nothing(client, officer_a, villages):
    client.force_login(officer_a)
    _post_file(client, [excel_row()])
    batch = HouseholdImport.objects.get()
    client.post(f"/ho-gia-dinh/nhap-excel/{batch.id}/nhap/")
    response = client.post(f"/ho-gia-dinh/nhap-excel/{batch.id}/gui/", {})
    assert response.status_code == 302
    assert Household.objects.get().status == "draft"


def test_the_api_submits_several_drafts_and_names_each_refusal(
    api, officer_a, officer_b, verifier, villages
):
    from households.services.imports import household_import

    content = excel_file([excel_row(), excel_row(), excel_row(consent_processing="Không")])
    household_import(actor=officer_a, content=content, commit=True)
    ids = list(Household.objects.order_by("id").values_list("id", flat=True))
    response = api.as_user(officer_a).post(
        "/api/v1/households/submit/", {"households": ids}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["submitted"] == ids[:2]
    assert [(r["id"], r["code"]) for r in body["refused"]] == [(ids[2], "consent_required")]
    assert list(Household.objects.order_by("id").values_list("status", flat=True)) == [
        "submitted",
        "submitted",
        "draft",
    ]
    # Another commune's officer learns nothing and changes nothing; a verifier may not submit.
    other = api.as_user(officer_b).post(
        "/api/v1/households/submit/", {"households": [ids[2]]}, format="json"
    )
    assert other.status_code == 200 and other.json()["refused"][0]["code"] == "not_found"
    denied = api.as_user(verifier).post(
        "/api/v1/households/submit/", {"households": [ids[2]]}, format="json"
    )
    assert denied.status_code == 403
    assert Household.objects.get(id=ids[2]).status == "draft"


def test_with_a_worker_the_check_is_queued_and_shows_its_progress(
    client, officer_a, officer_b, villages, settings
):
    """Finding 14: with a broker, the upload is kept and owed to a worker (outbox); its page
    says how many rows are checked so far, refreshes itself without JavaScript, and its JSON
    twin answers the page's script."""
    from households.services.imports import household_import_check

    settings.CELERY_TASK_ALWAYS_EAGER = False
    client.force_login(officer_a)
    response = _post_file(client, [excel_row() for _ in range(3)])
    batch = HouseholdImport.objects.get()
    assert batch.status == "checking" and bytes(batch.content)
    assert OutboxMessage.objects.filter(key=f"import:{batch.id}").exists()
    page = client.get(response["Location"]).content.decode()
    assert "Số dòng đã kiểm tra:" in page
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page
    assert f'data-progress-url="/ho-gia-dinh/nhap-excel/{batch.id}/tien-do.json"' in page
    assert "/static/js/live-progress.js" in page
    HouseholdImport.objects.filter(id=batch.id).update(rows_checked=250)
    progress = client.get(f"/ho-gia-dinh/nhap-excel/{batch.id}/tien-do.json").json()
    assert progress == {"status": "checking", "done": False, "rows_checked": 250}
    household_import_check(import_id=batch.id)
    progress = client.get(f"/ho-gia-dinh/nhap-excel/{batch.id}/tien-do.json").json()
    assert progress == {"status": "previewed", "done": True, "rows_checked": 3}
    page = client.get(response["Location"]).content.decode()
    assert "http-equiv" not in page and "Nhập 3 hộ" in page
    assert household_import_check(import_id=batch.id) is None  # a redelivered task: no-op
    client.force_login(officer_b)
    assert client.get(f"/ho-gia-dinh/nhap-excel/{batch.id}/tien-do.json").status_code == 404
    assert client.get(f"/ho-gia-dinh/nhap-excel/{batch.id}/").status_code == 404


def test_the_check_reports_its_progress_as_it_reads(officer_a, villages, settings, monkeypatch):
    from households.excel import reading
    from households.services.imports import household_import_check, household_import_upload

    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setattr(reading, "PROGRESS_EVERY", 2)
    seen = []
    original = HouseholdImport.objects.filter

    batch = household_import_upload(
        actor=officer_a, content=excel_file([excel_row() for _ in range(5)]), file_name="a.xlsx"
    )

    def spy(*args, **kwargs):
        query = original(*args, **kwargs)
        update = query.update

        def recorded(**fields):
            if set(fields) == {"rows_checked"}:
                seen.append(fields["rows_checked"])
            return update(**fields)

        query.update = recorded
        return query

    monkeypatch.setattr(HouseholdImport.objects, "filter", spy)
    household_import_check(import_id=batch.id)
    assert seen == [2, 4]
    batch.refresh_from_db()
    assert batch.status == "previewed" and batch.rows_checked == 5


def test_a_file_that_cannot_be_read_is_said_so_on_its_page(client, officer_a, villages):
    client.force_login(officer_a)
    file = io.BytesIO(b"not an excel file")
    file.name = "ds.xlsx"
    response = client.post("/ho-gia-dinh/nhap-excel/", {"file": file})
    page = client.get(response["Location"]).content.decode()
    assert "Không đọc được tệp." in page and "không phải bảng tính Excel" in page
    batch = HouseholdImport.objects.get()
    assert batch.status == "discarded" and bytes(batch.content) == b""
