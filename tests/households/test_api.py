"""The households API of API.md: shapes, scoping per persona, four eyes, dedup, query counts."""

import pytest

from households.models import Household
from tests.conftest import assert_error
from tests.households.conftest import cccd, household_data

pytestmark = pytest.mark.django_db
URL = "/api/v1/households/"


def test_creating_returns_201_with_status_priority_and_last4_never_the_cccd(
    api, officer_a, villages
):
    number = cccd(31337)
    body = household_data("19588", village=villages["A"].id, cccd=number)
    response = api.as_user(officer_a).post(URL, body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["status"] == "draft"
    assert data["cccd_last4"] == number[-4:]
    assert "cccd" not in data and "cccd_hash" not in data
    assert number not in response.content.decode()
    assert set(data["priority"]) == {"score", "version", "breakdown"}
    assert sum(f["points"] for f in data["priority"]["breakdown"]) == data["priority"]["score"]
    household = Household.objects.get(id=data["id"])
    assert household.created_by == officer_a and household.village == villages["A"]


def test_a_duplicate_cccd_is_a_409(api, officer_a):
    number = cccd()
    api.as_user(officer_a).post(URL, household_data("19588", cccd=number), format="json")
    response = api.post(URL, household_data("19588", cccd=number, head_name="Khác"), format="json")
    assert_error(response, 409, "duplicate_household", "cccd")
    assert Household.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "status", "code", "field"),
    [
        ({"cccd": "0450850012"}, 400, "invalid", "cccd"),
        ({"cccd": "999085001234"}, 400, "invalid", "cccd"),
        ({"members": -3}, 400, "invalid", "members"),
        ({"commune": "00000"}, 400, "unknown_commune", "commune"),
        ({"commune": "19441"}, 403, "commune_not_in_scope", "commune"),
        ({"members": "many"}, 400, "invalid", "members"),
    ],
)
def test_bad_input_gets_the_error_shape_and_writes_nothing(
    api, officer_a, overrides, status, code, field
):
    body = {**household_data("19588"), **overrides}
    response = api.as_user(officer_a).post(URL, body, format="json")
    assert_error(response, status, code, field)
    assert not Household.objects.exists()


def test_the_message_is_in_the_requested_language(api, officer_a):
    response = api.as_user(officer_a).post(
        URL, household_data("19588", cccd="12"), format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.json()["error"]["fields"]["cccd"] == [
        "A citizen ID (CCCD) has exactly 12 digits; this one has 2."
    ]


def test_the_full_journey_submit_then_verify(api, officer_a, verifier):
    created = api.as_user(officer_a).post(URL, household_data("19588"), format="json").json()
    submitted = api.post(f"{URL}{created['id']}/submit/")
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    verified = api.as_user(verifier).post(f"{URL}{created['id']}/verify/", {}, format="json")
    assert verified.status_code == 200 and verified.json()["status"] == "verified"
    assert (
        Household.objects.get(id=created["id"])
        .events.filter(new_status="verified", actor=verifier)
        .exists()
    )


def test_verifying_ones_own_nomination_is_403_four_eyes(api, officer_verifier_a):
    client = api.as_user(officer_verifier_a)
    created = client.post(URL, household_data("19588"), format="json").json()
    client.post(f"{URL}{created['id']}/submit/")
    response = client.post(f"{URL}{created['id']}/verify/", {}, format="json")
    assert_error(response, 403, "four_eyes")
    assert Household.objects.get(id=created["id"]).status == "submitted"


def test_reject_and_request_changes_need_a_reason(api, submitted, verifier):
    client = api.as_user(verifier)
    assert_error(
        client.post(f"{URL}{submitted.id}/reject/", {}, format="json"),
        400,
        "reason_required",
        "reason",
    )
    response = client.post(
        f"{URL}{submitted.id}/request-changes/", {"reason": "Thiếu ảnh GCN"}, format="json"
    )
    assert response.json()["status"] == "needs_changes"


def test_a_move_the_life_cycle_forbids_is_409(api, make_household, officer_a, verifier):
    household = make_household(officer_a)
    response = api.as_user(verifier).post(f"{URL}{household.id}/verify/", {}, format="json")
    assert_error(response, 409, "invalid_transition")


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("officer_a", {"A"}),
        ("officer_b", {"B"}),
        ("verifier", {"A", "B"}),
        ("admin", {"A", "B"}),
    ],
)
def test_the_list_shows_each_staff_member_their_communes_only(
    api, personas, make_household, communes, persona, sees
):
    make_household(personas["officer_a"], communes["A"])
    make_household(personas["officer_b"], communes["B"])
    response = api.as_user(personas[persona]).get(URL)
    assert response.status_code == 200
    codes = {communes[k].code: k for k in "AB"}
    assert {codes[h["commune"]] for h in response.json()["results"]} == sees


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonymous", 401),
        ("donor", 403),
        ("other_donor", 403),
        ("coordinator_h", 403),
        ("coordinator_k", 403),
    ],
)
def test_donors_coordinators_and_the_public_see_no_household(
    api, personas, make_household, communes, persona, status
):
    household = make_household(personas["officer_a"], communes["A"])
    client = api.as_user(personas[persona])
    for response in (client.get(URL), client.get(f"{URL}{household.id}/")):
        assert response.status_code == status
        assert "Hồ Văn Pả" not in response.content.decode()
        assert household.cccd_last4 not in response.content.decode()


def test_an_officer_of_another_commune_gets_404_for_the_household(
    api, personas, make_household, communes
):
    household = make_household(personas["officer_a"], communes["A"])
    client = api.as_user(personas["officer_b"])
    assert_error(client.get(f"{URL}{household.id}/"), 404, "not_found")
    assert_error(client.post(f"{URL}{household.id}/submit/"), 404, "not_found")


def test_the_list_filters_by_commune_and_status(
    api, verifier, make_household, officer_a, officer_b, communes
):
    a = make_household(officer_a, communes["A"])
    make_household(officer_b, communes["B"])
    api.as_user(officer_a).post(f"{URL}{a.id}/submit/")
    client = api.as_user(verifier)
    assert [h["id"] for h in client.get(f"{URL}?commune=19588").json()["results"]] == [a.id]
    assert [h["id"] for h in client.get(f"{URL}?status=submitted").json()["results"]] == [a.id]
    assert client.get(f"{URL}?status=draft&commune=19588").json()["count"] == 0


def test_the_list_endpoint_query_count_is_pinned(
    api, verifier, make_household, officer_a, communes, villages, django_assert_num_queries
):
    for _ in range(12):
        make_household(officer_a, communes["A"], village=villages["A"].id)
    client = api.as_user(verifier)
    # token + user, scope (assignments, their communes, their hubs), count, page
    with django_assert_num_queries(6):
        response = client.get(URL)
    assert response.json()["count"] == 12


def test_patch_edits_a_draft_and_records_the_editor(api, make_household, officer_a):
    household = make_household(officer_a)
    response = api.as_user(officer_a).patch(f"{URL}{household.id}/", {"members": 7}, format="json")
    assert response.status_code == 200 and response.json()["members"] == 7
    assert household.events.filter(kind="edited", actor=officer_a).exists()


def test_the_data_subject_export_and_the_anonymisation(api, submitted, officer_a):
    client = api.as_user(officer_a)
    data = client.get(f"{URL}{submitted.id}/personal-data/").json()
    assert data["head_name"] == "Hồ Văn Pả"
    response = client.post(
        f"{URL}{submitted.id}/withdraw-consent/", {"method": "signed_form"}, format="json"
    )
    assert response.json()["status"] == "inactive"
    assert response.json()["head_name"] == ""
    submitted.refresh_from_db()
    assert submitted.cccd_hash is None


@pytest.mark.parametrize(
    ("action", "field", "code"),
    [("anonymise", "reason", "reason_required"), ("withdraw-consent", "method", "invalid")],
)
def test_erasing_a_households_data_needs_the_request_it_answers(
    api, submitted, officer_a, action, field, code
):
    """Both cannot be undone: an empty body is refused on the field concerned, nothing changes."""
    from households.models import ConsentRecord, HouseholdEvent

    events = HouseholdEvent.objects.filter(household=submitted).count()
    consents = ConsentRecord.objects.filter(household=submitted).count()
    response = api.as_user(officer_a).post(f"{URL}{submitted.id}/{action}/", {}, format="json")
    body = assert_error(response, 400, code)
    assert field in body["fields"]
    submitted.refresh_from_db()
    assert submitted.status == "submitted" and submitted.head_name and submitted.cccd_hash
    assert HouseholdEvent.objects.filter(household=submitted).count() == events
    assert ConsentRecord.objects.filter(household=submitted).count() == consents


def test_anonymising_keeps_the_request_in_the_event(api, submitted, officer_a):
    request = "Chủ hộ yêu cầu xoá dữ liệu, đơn ký ngày 20/11/2026"
    response = api.as_user(officer_a).post(
        f"{URL}{submitted.id}/anonymise/", {"reason": request}, format="json"
    )
    assert response.status_code == 200 and response.json()["head_name"] == ""
    assert submitted.events.filter(kind="anonymised", reason=request).exists()
    assert submitted.events.filter(kind="status", new_status="inactive", reason=request).exists()
