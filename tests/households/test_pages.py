"""Officer and verifier pages: access per persona, forms with Vietnamese messages, four eyes,
near-duplicate warnings, pinned query counts of the list pages."""

import pytest

from households.models import Household
from tests.households.conftest import cccd

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "commune": "19588",
        "village": "",
        "head_name": "Hồ Thị Nga",
        "cccd": cccd(),
        "members": "4",
        "school_age_children": "2",
        "elderly": "0",
        "disabled": "0",
        "poverty_status": "near_poor",
        "poverty_certificate_no": "",
        "poverty_certificate_year": "",
        "deprivations": ["no_internet", "no_info_access"],
        "phone_situation": "none",
        "coverage_4g": "good",
        "need": "",
        "consent_processing": "on",
        "consent_method": "signed_form",
        "witness_name": "",
    }
    data.update(overrides)
    return data


def test_an_officer_nominates_with_the_form(client, officer_a, villages):
    client.force_login(officer_a)
    page = client.get("/ho-gia-dinh/them/").content.decode()
    assert "Họ tên chủ hộ" in page and "Số CCCD của chủ hộ" in page
    assert "<script" not in page
    response = client.post("/ho-gia-dinh/them/", form_data(village=str(villages["A"].id)))
    household = Household.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/ho-gia-dinh/{household.id}/"
    assert household.created_by == officer_a and household.consent_processing
    assert household.deprivations == ["no_info_access", "no_internet"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"cccd": "0450"}, "CCCD gồm đúng 12 chữ số; số này có 4 chữ số."),
        ({"members": "-1"}, "Số nhân khẩu không thể là số âm."),
        ({"commune": "19441"}, "Hãy chọn một lựa chọn hợp lệ."),
        (
            {"consent_method": "witness"},
            "Đồng ý trước người làm chứng cần ghi tên người làm chứng.",
        ),
    ],
)
def test_the_form_shows_the_problem_on_the_field_and_saves_nothing(
    client, officer_a, overrides, message
):
    client.force_login(officer_a)
    response = client.post("/ho-gia-dinh/them/", form_data(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Household.objects.exists()


def test_the_form_reports_a_duplicate_on_the_cccd(client, officer_a, make_household):
    number = cccd()
    make_household(officer_a, cccd=number)
    client.force_login(officer_a)
    response = client.post("/ho-gia-dinh/them/", form_data(cccd=number))
    assert "Một hộ có số CCCD này đã được đăng ký" in response.content.decode()
    assert Household.objects.count() == 1


def test_the_officer_edits_and_submits_and_sees_why_it_came_back(
    client, officer_a, verifier, make_household
):
    from households.services import verification

    household = make_household(officer_a)
    client.force_login(officer_a)
    response = client.post(
        f"/ho-gia-dinh/{household.id}/sua/", form_data(cccd="", head_name="Hồ Văn Pả Mới")
    )
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.head_name == "Hồ Văn Pả Mới" and household.cccd_last4  # CCCD kept
    client.post(f"/ho-gia-dinh/{household.id}/gui/")
    household.refresh_from_db()
    assert household.status == "submitted"
    verification.household_request_changes(
        household_id=household.id, actor=verifier, reason="Ghi rõ thôn, bản."
    )
    page = client.get(f"/ho-gia-dinh/{household.id}/").content.decode()
    assert "Được trả lại để sửa:" in page and "Ghi rõ thôn, bản." in page


def test_submitting_without_consent_is_explained(client, officer_a, make_household):
    household = make_household(officer_a, consent=None)
    client.force_login(officer_a)
    response = client.post(f"/ho-gia-dinh/{household.id}/gui/")
    assert response.status_code == 400
    assert "Hãy ghi nhận sự đồng ý" in response.content.decode()
    household.refresh_from_db()
    assert household.status == "draft"


def test_the_detail_shows_the_priority_breakdown_and_the_timeline(client, officer_a, submitted):
    client.force_login(officer_a)
    page = client.get(f"/ho-gia-dinh/{submitted.id}/").content.decode()
    assert "Công thức ưu tiên 2026.1" in page
    assert "Xã miền núi" in page and f"<td>{submitted.priority_score}</td>" in page
    assert "Nháp → Đã gửi" in page or "Đã gửi" in page


def test_the_verifier_verifies_from_the_page(client, verifier, submitted):
    client.force_login(verifier)
    queue = client.get("/xac-minh/").content.decode()
    assert submitted.head_name in queue
    response = client.post(f"/ho-gia-dinh/{submitted.id}/quyet-dinh/", {"action": "verify"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == "verified"


def test_four_eyes_on_the_page_is_403_and_changes_nothing(
    client, officer_verifier_a, make_household
):
    from households.services import editing

    household = make_household(officer_verifier_a)
    editing.household_submit(household_id=household.id, actor=officer_verifier_a)
    client.force_login(officer_verifier_a)
    assert "bốn mắt" in client.get("/xac-minh/").content.decode()
    response = client.post(f"/ho-gia-dinh/{household.id}/quyet-dinh/", {"action": "verify"})
    assert response.status_code == 403
    assert "Bốn mắt" in response.content.decode()
    household.refresh_from_db()
    assert household.status == "submitted"


def test_the_queue_warns_of_a_near_duplicate_and_the_reason_is_needed(
    client, verifier, officer_a, make_household, villages
):
    from households.services import editing

    make_household(officer_a, head_name="Hồ Văn Pả", village=villages["A"].id)
    twin = make_household(officer_a, head_name="Ho Van Pa", village=villages["A"].id)
    editing.household_submit(household_id=twin.id, actor=officer_a)
    client.force_login(verifier)
    assert "Có thể trùng" in client.get("/xac-minh/").content.decode()
    response = client.post(f"/ho-gia-dinh/{twin.id}/quyet-dinh/", {"action": "verify"})
    assert response.status_code == 400
    response = client.post(
        f"/ho-gia-dinh/{twin.id}/quyet-dinh/",
        {"action": "verify", "near_duplicate_reason": "Khác người, cùng tên."},
    )
    twin.refresh_from_db()
    assert twin.status == "verified"


@pytest.mark.parametrize(
    ("persona", "status"),
    [("donor", 403), ("coordinator_h", 403), ("anonymous", 302)],
)
def test_donors_coordinators_and_the_public_see_no_household_page(
    client, personas, submitted, persona, status
):
    if personas[persona]:
        client.force_login(personas[persona])
    for url in (
        "/ho-gia-dinh/",
        f"/ho-gia-dinh/{submitted.id}/",
        "/xac-minh/",
        "/ho-gia-dinh/xuat/19588.xlsx",
    ):
        response = client.get(url)
        assert response.status_code == status
        assert submitted.head_name not in response.content.decode()


def test_an_officer_of_b_sees_nothing_of_a(client, officer_b, submitted):
    client.force_login(officer_b)
    assert submitted.head_name not in client.get("/ho-gia-dinh/").content.decode()
    assert client.get(f"/ho-gia-dinh/{submitted.id}/").status_code == 404
    assert client.get("/ho-gia-dinh/xuat/19588.xlsx").status_code == 404
    assert client.post(f"/ho-gia-dinh/{submitted.id}/gui/").status_code == 404


def test_the_list_searches_without_diacritics_and_filters(client, officer_a, make_household):
    make_household(officer_a, head_name="Hồ Thị Lài")
    make_household(officer_a, head_name="Pả Văn Kôn")
    client.force_login(officer_a)
    page = client.get("/ho-gia-dinh/?q=ho+thi+lai").content.decode()
    assert "Hồ Thị Lài" in page and "Pả Văn Kôn" not in page
    page = client.get("/ho-gia-dinh/?status=verified").content.decode()
    assert "Hồ Thị Lài" not in page


def test_the_list_page_query_count_is_pinned(
    client, officer_a, make_household, villages, django_assert_num_queries
):
    for _ in range(15):
        make_household(officer_a, village=villages["A"].id)
    client.force_login(officer_a)
    # session, user, scope (3), communes of the filter, count, page
    with django_assert_num_queries(8):
        response = client.get("/ho-gia-dinh/")
    assert response.content.decode().count('class="name"') == 15


def test_the_queue_query_count_is_pinned(
    client, verifier, officer_a, make_household, villages, django_assert_num_queries
):
    from households.services import editing

    for _ in range(15):
        h = make_household(officer_a, village=villages["A"].id)
        editing.household_submit(household_id=h.id, actor=officer_a)
    client.force_login(verifier)
    # session, user, scope (3), count, page
    with django_assert_num_queries(7):
        response = client.get("/xac-minh/")
    assert response.content.decode().count('class="name"') == 15


def test_the_landing_page_links_officers_and_verifiers_to_their_work(client, officer_a, verifier):
    client.force_login(officer_a)
    page = client.get("/nhan-vien/").content.decode()
    assert "/ho-gia-dinh/them/" in page and "/ho-gia-dinh/nhap-excel/" in page
    client.force_login(verifier)
    assert "/xac-minh/" in client.get("/nhan-vien/").content.decode()


def test_the_data_export_downloads_json_and_anonymising_erases(client, verifier, submitted):
    client.force_login(verifier)
    response = client.get(f"/ho-gia-dinh/{submitted.id}/du-lieu.json")
    assert response["Content-Type"] == "application/json"
    assert response.json()["head_name"] == "Hồ Văn Pả"
    response = client.post(f"/ho-gia-dinh/{submitted.id}/an-danh/", {"reason": "Đơn ngày 2/12"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert (
        submitted.head_name == "" and submitted.cccd_hash is None and submitted.village_id is None
    )


def test_the_officer_records_consent_on_its_page_then_submits(client, officer_a, make_household):
    household = make_household(officer_a, consent=None)
    client.force_login(officer_a)
    response = client.post(
        f"/ho-gia-dinh/{household.id}/dong-y/", {"processing": "on", "method": "witness"}
    )
    assert "Đồng ý trước người làm chứng cần ghi tên người làm chứng." in response.content.decode()
    assert not household.consents.exists()
    response = client.post(
        f"/ho-gia-dinh/{household.id}/dong-y/",
        {
            "processing": "on",
            "share_story": "on",
            "method": "witness",
            "witness_name": "Trưởng bản Hồ Văn Kiên",
        },
    )
    assert response.status_code == 302
    record = household.consents.get()
    assert (record.method, record.witness_name, record.recorded_by) == (
        "witness",
        "Trưởng bản Hồ Văn Kiên",
        officer_a,
    )
    client.post(f"/ho-gia-dinh/{household.id}/gui/")
    household.refresh_from_db()
    assert household.status == "submitted"


def test_withdrawing_consent_on_the_page_needs_a_confirmation(client, officer_a, submitted):
    client.force_login(officer_a)
    response = client.post(f"/ho-gia-dinh/{submitted.id}/rut-dong-y/", {"method": "signed_form"})
    assert response.status_code == 400
    submitted.refresh_from_db()
    assert submitted.status == "submitted" and submitted.head_name
    response = client.post(
        f"/ho-gia-dinh/{submitted.id}/rut-dong-y/", {"method": "signed_form", "confirm": "on"}
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert (
        submitted.status == "inactive" and submitted.head_name == "" and submitted.cccd_hash is None
    )
    page = client.get(f"/ho-gia-dinh/{submitted.id}/").content.decode()
    assert f"Hộ #{submitted.id} (đã ẩn danh)" in page


def test_the_edit_page_is_403_before_the_form_for_someone_who_may_not_save_it(
    client, make_household, officer_a, communes
):
    """Security review finding 8: an officer of B who verifies in A saw A's edit form."""
    from tests.conftest import COMMUNE_A, COMMUNE_B, _staff

    draft = make_household(officer_a)
    two_roles = _staff(
        "officer.b.verifier.a@test.vn",
        "Hai Vai Khác Xã",
        [
            {"role": "officer", "communes": [COMMUNE_B]},
            {"role": "verifier", "communes": [COMMUNE_A]},
        ],
    )
    client.force_login(two_roles)
    assert client.get(f"/ho-gia-dinh/{draft.id}/").status_code == 200  # may see it as verifier
    response = client.get(f"/ho-gia-dinh/{draft.id}/sua/")
    assert response.status_code == 403
    assert b'name="head_name"' not in response.content


def test_the_edit_page_of_a_submitted_nomination_goes_back_to_it_with_the_reason(
    client, officer_a, submitted
):
    client.force_login(officer_a)
    response = client.get(f"/ho-gia-dinh/{submitted.id}/sua/", follow=True)
    assert response.redirect_chain[-1][0] == f"/ho-gia-dinh/{submitted.id}/"
    assert "Chỉ sửa được hồ sơ nháp" in response.content.decode()
    assert Household.objects.get(id=submitted.id).status == "submitted"


def test_the_queue_is_sorted_by_priority_then_by_waiting_time(
    client, verifier, officer_a, make_household, villages
):
    """Finding 8 of issue 15: the highest priority first; at equal priority the one submitted
    longest ago (an edit or a re-scoring, which moves updated_at, does not change its turn)."""
    from datetime import timedelta

    from django.utils import timezone

    from households.models import Household, HouseholdEvent
    from households.services import editing

    now = timezone.now()
    waiting = {"Hồ Văn Thấp": (10, 5), "Hồ Văn Mới": (50, 1), "Hồ Văn Lâu": (50, 3)}
    for name, (score, days) in waiting.items():
        h = make_household(officer_a, head_name=name, village=villages["A"].id)
        editing.household_submit(household_id=h.id, actor=officer_a)
        HouseholdEvent.objects.filter(household=h, new_status="submitted").update(
            at=now - timedelta(days=days)
        )
        Household.objects.filter(id=h.id).update(priority_score=score)
    # The newest nomination was edited long ago by the books: updated_at must not put it first.
    Household.objects.filter(head_name="Hồ Văn Mới").update(updated_at=now - timedelta(days=30))
    client.force_login(verifier)
    page = client.get("/xac-minh/").content.decode()
    positions = [page.index(name) for name in ("Hồ Văn Lâu", "Hồ Văn Mới", "Hồ Văn Thấp")]
    assert positions == sorted(positions)
    assert "chờ 3 ngày" in page


def test_the_verifier_reads_the_household_before_the_decision_buttons(client, verifier, submitted):
    """Finding 8 of issue 15: details first, then the decision; no "why this is not a
    duplicate" box on a household nobody flagged."""
    client.force_login(verifier)
    page = client.get(f"/ho-gia-dinh/{submitted.id}/").content.decode()
    assert page.index("Số nhân khẩu") < page.index('value="verify"')
    assert page.index("Sự đồng ý") < page.index('value="verify"')
    assert 'name="near_duplicate_reason"' not in page
    assert 'name="reason"' in page


def test_the_not_a_duplicate_box_shows_only_on_a_flagged_household(
    client, verifier, officer_a, make_household, villages
):
    from households.services import editing

    make_household(officer_a, head_name="Hồ Văn Pả", village=villages["A"].id)
    twin = make_household(officer_a, head_name="Ho Van Pa", village=villages["A"].id)
    editing.household_submit(household_id=twin.id, actor=officer_a)
    client.force_login(verifier)
    page = client.get(f"/ho-gia-dinh/{twin.id}/").content.decode()
    assert 'name="near_duplicate_reason"' in page
    assert page.index("Có thể trùng") < page.index('name="near_duplicate_reason"')
    response = client.post(f"/ho-gia-dinh/{twin.id}/quyet-dinh/", {"action": "verify"})
    assert response.status_code == 400  # the refusal shows the box again, with its error
    assert 'name="near_duplicate_reason"' in response.content.decode()
    twin.refresh_from_db()
    assert twin.status == "submitted"
