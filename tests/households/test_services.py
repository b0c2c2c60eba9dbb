"""The household services: nomination, scope, consent, four eyes, near-duplicates, data rights.
Each test checks the database and the event rows, not only what is returned."""

import pytest

from core.errors import ApplicationError, Conflict, Forbidden, NotFound
from households.cccd import cccd_hash
from households.lifecycle import household_transition
from households.models import ConsentRecord, Household, HouseholdEvent
from households.services import editing, privacy, verification
from tests.households.conftest import cccd, household_data

pytestmark = pytest.mark.django_db
S = Household.Status


def assert_refused(code: str, household, status: str, service, **kwargs) -> None:
    """The service refuses with `code` and the household keeps `status`."""
    with pytest.raises(ApplicationError) as caught:
        service(household_id=household.id, **kwargs)
    assert caught.value.code == code
    household.refresh_from_db()
    assert household.status == status


def test_it_keeps_only_the_keyed_hash_and_last_four_digits(make_household, officer_a):
    number = cccd(424242)
    household = make_household(officer_a, cccd=number)
    household.refresh_from_db()
    assert household.cccd_hash == cccd_hash(number)
    assert household.cccd_last4 == number[-4:]
    row = Household.objects.filter(id=household.id).values()[0]
    assert number not in {str(v) for v in row.values()}
    assert household.status == S.DRAFT
    assert household.created_by == officer_a
    event = household.events.get(kind="status")
    assert (event.old_status, event.new_status, event.actor) == ("", "draft", officer_a)


def test_it_records_consent_with_who_when_how_and_purposes(make_household, officer_a):
    household = make_household(
        officer_a,
        consent={
            "processing": True,
            "share_story": True,
            "share_photo": True,
            "method": "thumbprint",
        },
    )
    record = household.consents.get()
    assert (record.processing, record.share_story, record.share_photo) == (True, True, True)
    assert record.method == ConsentRecord.Method.THUMBPRINT
    assert record.recorded_by == officer_a and record.recorded_at
    assert household.consent_share_photo is True
    assert household.events.filter(kind="consent").count() == 1


def test_consent_before_a_witness_needs_the_witness_name(officer_a, communes):
    with pytest.raises(ApplicationError) as caught:
        editing.household_create(
            actor=officer_a,
            **household_data(communes["A"], consent={"processing": True, "method": "witness"}),
        )
    assert caught.value.fields["witness_name"] == [
        "Đồng ý trước người làm chứng cần ghi tên người làm chứng."
    ]
    assert not Household.objects.exists()


def test_it_refuses_sharing_without_processing_consent(officer_a, communes):
    with pytest.raises(ApplicationError) as caught:
        editing.household_create(
            actor=officer_a,
            **household_data(communes["A"], consent={"processing": False, "share_photo": True}),
        )
    assert "consent" in caught.value.fields


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"cccd": "12345"}, "cccd", "CCCD gồm đúng 12 chữ số; số này có 5 chữ số."),
        ({"members": -1}, "members", "Số nhân khẩu không thể là số âm."),
        ({"elderly": -2}, "elderly", "Số người cao tuổi không thể là số âm."),
        ({"members": 0}, "members", "Một hộ có ít nhất một người."),
        (
            {"members": 2, "school_age_children": 3},
            "school_age_children",
            "Số trẻ em trong độ tuổi đi học không thể nhiều hơn số nhân khẩu (2).",
        ),
        ({"head_name": "  "}, "head_name", "Nhập họ tên chủ hộ."),
        (
            {"poverty_status": "rich"},
            "poverty_status",
            "Chọn diện hộ: hộ nghèo, hộ cận nghèo hoặc khác.",
        ),
        ({"poverty_certificate_year": 1990}, "poverty_certificate_year", None),
        ({"deprivations": ["no_tv"]}, "deprivations", None),
    ],
)
def test_it_refuses_bad_facts_with_a_message_on_the_field(
    officer_a, communes, overrides, field, message
):
    with pytest.raises(ApplicationError) as caught:
        editing.household_create(actor=officer_a, **household_data(communes["A"], **overrides))
    assert caught.value.status == 400
    assert field in caught.value.fields
    if message:
        assert caught.value.fields[field] == [message]
    assert not Household.objects.exists()


def test_it_refuses_an_unknown_commune(officer_a):
    with pytest.raises(ApplicationError) as caught:
        editing.household_create(actor=officer_a, **household_data("99999"))
    assert caught.value.code == "unknown_commune"
    assert caught.value.fields["commune"] == [
        "“99999” không phải mã của một xã, phường nơi chương trình hoạt động."
    ]


def test_it_refuses_a_commune_the_officer_is_not_assigned_to(officer_a, communes):
    with pytest.raises(Forbidden) as caught:
        editing.household_create(actor=officer_a, **household_data(communes["B"]))
    assert caught.value.code == "commune_not_in_scope"
    assert caught.value.fields["commune"] == [
        "Bạn không được phân công ở Xã Hướng Phùng nên không thể đề cử hộ ở đó."
    ]
    assert not Household.objects.exists()


def test_it_refuses_a_village_of_another_commune(officer_a, communes, villages):
    with pytest.raises(ApplicationError) as caught:
        editing.household_create(
            actor=officer_a, **household_data(communes["A"], village=villages["B"].id)
        )
    assert caught.value.code == "invalid_village"


def test_a_verifier_cannot_nominate(verifier, communes):
    with pytest.raises(Forbidden):
        editing.household_create(actor=verifier, **household_data(communes["A"]))


def test_one_active_household_per_cccd_is_a_409(make_household, officer_a, officer_b, communes):
    number = cccd()
    make_household(officer_a, cccd=number)
    with pytest.raises(Conflict) as caught:
        make_household(officer_b, communes["B"], cccd=number)
    assert caught.value.code == "duplicate_household"
    assert Household.objects.count() == 1


def test_an_inactive_household_frees_its_cccd(make_household, officer_a):
    number = cccd()
    first = make_household(officer_a, cccd=number)
    household_transition(household_id=first.id, to=S.INACTIVE, actor=officer_a, reason="moved")
    second = make_household(officer_a, cccd=number)
    assert second.cccd_hash == first.cccd_hash


def test_no_processing_consent_no_submission(make_household, officer_a):
    household = make_household(officer_a, consent=None)
    assert_refused(
        "consent_required", household, S.DRAFT, editing.household_submit, actor=officer_a
    )
    privacy.household_record_consent(
        household_id=household.id, actor=officer_a, processing=True, method="signed_form"
    )
    editing.household_submit(household_id=household.id, actor=officer_a)
    household.refresh_from_db()
    assert household.status == S.SUBMITTED
    assert household.events.filter(new_status="submitted", actor=officer_a).exists()


def test_an_officer_of_another_commune_cannot_touch_it(submitted, officer_b):
    with pytest.raises(NotFound):
        editing.household_update(household_id=submitted.id, actor=officer_b, members=9)
    with pytest.raises(NotFound):
        editing.household_submit(household_id=submitted.id, actor=officer_b)


def test_a_verifier_verifies_a_nomination_of_someone_else(submitted, verifier):
    verification.household_verify(household_id=submitted.id, actor=verifier)
    submitted.refresh_from_db()
    assert submitted.status == S.VERIFIED
    event = submitted.events.get(new_status="verified")
    assert (event.actor, event.old_status) == (verifier, "submitted")


def test_four_eyes_nobody_verifies_what_they_nominated(make_household, officer_verifier_a):
    household = make_household(officer_verifier_a)
    editing.household_submit(household_id=household.id, actor=officer_verifier_a)
    for act in (
        lambda: verification.household_verify(household_id=household.id, actor=officer_verifier_a),
        lambda: verification.household_reject(
            household_id=household.id, actor=officer_verifier_a, reason="x"
        ),
        lambda: verification.household_request_changes(
            household_id=household.id, actor=officer_verifier_a, reason="x"
        ),
    ):
        with pytest.raises(Forbidden) as caught:
            act()
        assert caught.value.code == "four_eyes"
    household.refresh_from_db()
    assert household.status == S.SUBMITTED
    assert not household.events.filter(
        new_status__in=["verified", "rejected", "needs_changes"]
    ).exists()


def test_four_eyes_nobody_verifies_what_they_edited(
    make_household, officer_a, officer_verifier_a, second_verifier
):
    household = make_household(officer_a)
    editing.household_update(household_id=household.id, actor=officer_verifier_a, members=6)
    assert household.events.filter(kind="edited", actor=officer_verifier_a).exists()
    editing.household_submit(household_id=household.id, actor=officer_a)
    with pytest.raises(Forbidden) as caught:
        verification.household_verify(household_id=household.id, actor=officer_verifier_a)
    assert caught.value.code == "four_eyes"
    verification.household_verify(household_id=household.id, actor=second_verifier)
    household.refresh_from_db()
    assert household.status == S.VERIFIED


def test_four_eyes_nobody_decides_on_what_they_submitted(
    make_household, officer_a, officer_verifier_a, second_verifier
):
    """Security review finding 5: whoever submitted a nomination could verify it."""
    from households import selectors

    household = make_household(officer_a)
    editing.household_submit(household_id=household.id, actor=officer_verifier_a)
    queue = {h.id: h.worked_on for h in selectors.verification_queue(user=officer_verifier_a)}
    assert queue[household.id] is True  # the page says so before the verifier tries
    with pytest.raises(Forbidden) as caught:
        verification.household_verify(household_id=household.id, actor=officer_verifier_a)
    assert caught.value.code == "four_eyes"
    household.refresh_from_db()
    assert household.status == S.SUBMITTED
    assert not household.events.filter(new_status="verified").exists()
    verification.household_verify(household_id=household.id, actor=second_verifier)


def test_a_verifiers_own_return_for_changes_does_not_bar_their_next_decision(
    make_household, officer_a, second_verifier
):
    household = make_household(officer_a)
    editing.household_submit(household_id=household.id, actor=officer_a)
    verification.household_request_changes(
        household_id=household.id, actor=second_verifier, reason="Thiếu năm của giấy chứng nhận"
    )
    editing.household_submit(household_id=household.id, actor=officer_a)
    verification.household_verify(household_id=household.id, actor=second_verifier)
    household.refresh_from_db()
    assert household.status == S.VERIFIED


def test_a_verifier_acts_only_in_their_communes(
    make_household, officer_b, communes, second_verifier
):
    household = make_household(officer_b, communes["B"])
    editing.household_submit(household_id=household.id, actor=officer_b)
    with pytest.raises(NotFound):
        verification.household_verify(
            household_id=household.id, actor=second_verifier
        )  # covers A only
    household.refresh_from_db()
    assert household.status == S.SUBMITTED


def test_an_officer_cannot_decide(submitted, officer_a, communes):
    with pytest.raises((Forbidden, NotFound)):
        verification.household_verify(household_id=submitted.id, actor=officer_a)


def test_returning_and_rejecting_need_a_reason(submitted, verifier):
    for act in (verification.household_reject, verification.household_request_changes):
        with pytest.raises(ApplicationError) as caught:
            act(household_id=submitted.id, actor=verifier, reason=" ")
        assert caught.value.code == "reason_required"


def test_a_returned_nomination_is_corrected_and_resubmitted(submitted, officer_a, verifier):
    verification.household_request_changes(
        household_id=submitted.id, actor=verifier, reason="Thiếu số giấy chứng nhận."
    )
    submitted.refresh_from_db()
    assert submitted.status == S.NEEDS_CHANGES
    editing.household_update(
        household_id=submitted.id, actor=officer_a, poverty_certificate_no="GCN-9"
    )
    editing.household_submit(household_id=submitted.id, actor=officer_a)
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED
    moves = list(submitted.events.filter(kind="status").values_list("new_status", flat=True))
    assert moves == ["draft", "submitted", "needs_changes", "submitted"]
    assert (
        submitted.events.get(kind="status", new_status="needs_changes").reason
        == "Thiếu số giấy chứng nhận."
    )


def test_a_submitted_nomination_cannot_be_edited(submitted, officer_a):
    with pytest.raises(Conflict) as caught:
        editing.household_update(household_id=submitted.id, actor=officer_a, members=3)
    assert caught.value.code == "not_editable"


def test_a_near_duplicate_must_be_confirmed_with_a_reason(
    make_household, officer_a, verifier, villages
):
    make_household(officer_a, head_name="Hồ Văn Pả", village=villages["A"].id)
    twin = make_household(officer_a, head_name="HO VAN  PA", village=villages["A"].id)
    editing.household_submit(household_id=twin.id, actor=officer_a)
    assert_refused(
        "near_duplicate_unconfirmed",
        twin,
        S.SUBMITTED,
        verification.household_verify,
        actor=verifier,
    )
    verification.household_verify(
        household_id=twin.id,
        actor=verifier,
        near_duplicate_reason="Hai anh em cùng tên, khác CCCD.",
    )
    event = twin.events.get(new_status="verified")
    assert event.data["near_duplicate_reason"] == "Hai anh em cùng tên, khác CCCD."
    assert len(event.data["near_duplicates"]) == 1


def test_the_same_name_in_another_village_is_no_near_duplicate(
    make_household, officer_a, verifier, villages, communes
):
    from places.models import Village

    other = Village.objects.create(commune=communes["A"], name="Bản Tà Rụt 1")
    make_household(officer_a, head_name="Hồ Văn Pả", village=other.id)
    household = make_household(officer_a, head_name="Hồ Văn Pả", village=villages["A"].id)
    editing.household_submit(household_id=household.id, actor=officer_a)
    verification.household_verify(household_id=household.id, actor=verifier)
    assert household.events.get(new_status="verified").data == {}


def test_withdrawing_consent_makes_it_inactive_and_anonymous(submitted, officer_a):
    privacy.household_withdraw_consent(
        household_id=submitted.id, actor=officer_a, method="signed_form"
    )
    submitted.refresh_from_db()
    assert submitted.status == S.INACTIVE
    assert submitted.head_name == "" and submitted.head_name_key == ""
    assert submitted.cccd_hash is None and submitted.cccd_last4 == ""
    assert submitted.village_id is None
    assert submitted.consent_processing is False
    assert submitted.consents.last().withdrawn is True
    kinds = list(submitted.events.values_list("kind", flat=True))
    assert kinds[-3:] == ["consent", "status", "anonymised"]


def test_anonymising_removes_name_hash_and_village_but_keeps_the_counts(submitted, verifier):
    members, children = submitted.members, submitted.school_age_children
    privacy.household_anonymise(
        household_id=submitted.id, actor=verifier, reason="Yêu cầu ngày 1/12"
    )
    submitted.refresh_from_db()
    assert submitted.head_name == ""
    assert submitted.cccd_hash is None and submitted.cccd_last4 == ""
    assert submitted.village_id is None and submitted.need == ""
    assert submitted.is_anonymised and submitted.status == S.INACTIVE
    assert (submitted.members, submitted.school_age_children) == (members, children)
    assert submitted.priority_score > 0
    assert submitted.events.filter(kind="anonymised", actor=verifier).exists()


def test_a_served_household_stays_served_when_anonymised(submitted, verifier, coordinator_h):
    verification.household_verify(household_id=submitted.id, actor=verifier)
    household_transition(household_id=submitted.id, to=S.ALLOCATED, actor=coordinator_h)
    household_transition(household_id=submitted.id, to=S.SERVED, actor=coordinator_h)
    privacy.household_anonymise(household_id=submitted.id, actor=verifier, reason="Yêu cầu")
    submitted.refresh_from_db()
    assert submitted.status == S.SERVED and submitted.cccd_hash is None


def test_the_data_subject_export_holds_everything_and_is_logged(submitted, officer_a):
    data = privacy.household_export_personal_data(household_id=submitted.id, actor=officer_a)
    assert data["head_name"] == "Hồ Văn Pả"
    assert data["cccd_last4"] == submitted.cccd_last4
    assert "cccd_hash" not in data
    assert data["consents"][0]["processing"] is True
    assert [e["to"] for e in data["events"] if e["kind"] == "status"] == ["draft", "submitted"]
    assert data["priority"]["score"] == submitted.priority_score
    assert submitted.events.filter(kind="exported", actor=officer_a).exists()


def test_matching_moves_stay_allowed(submitted, verifier, coordinator_h):
    verification.household_verify(household_id=submitted.id, actor=verifier)
    for to in (S.ALLOCATED, S.VERIFIED, S.ALLOCATED, S.SERVED):
        household_transition(household_id=submitted.id, to=to, actor=coordinator_h)
    submitted.refresh_from_db()
    assert submitted.status == S.SERVED
    assert HouseholdEvent.objects.filter(household=submitted, kind="status").count() == 7
