"""The yearly renewal of the poverty list (issue 14): publishing a commune's list of a year flags
its verified households with an older certificate ("lapsed": not matched); an officer re-confirms
them in bulk, from the page with checkboxes or an Excel file read by core/xlsx.py."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from core.errors import ApplicationError, Conflict, Forbidden, NotFound
from households.lifecycle import household_transition
from households.models import Household, HouseholdEvent, PovertyList
from households.services import renewal
from households.services.editing import household_create, household_submit
from households.services.verification import household_verify
from matching.loading import load_problem
from tests.conftest import assert_error
from tests.households.conftest import household_data

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


@pytest.fixture
def verified(officer_a, verifier, communes):
    """Three verified households of commune A: two with last year's certificate, one current;
    and one of commune B with last year's."""

    made = []
    for commune, year in (
        (communes["A"], YEAR - 1),
        (communes["A"], YEAR - 1),
        (communes["A"], YEAR),
    ):
        household = household_create(
            actor=officer_a, **household_data(commune, poverty_certificate_year=year)
        )
        household_submit(household_id=household.id, actor=officer_a)
        made.append(household_verify(household_id=household.id, actor=verifier))
    return made


def _status(*households):
    return [Household.objects.get(id=h.id).status for h in households]


def test_publishing_flags_the_older_certificates_only(verified, verifier, hubs, admin_user):
    old, older, current = verified
    household_transition(household_id=older.id, to="allocated", actor=admin_user)
    published = renewal.poverty_list_publish(commune_code="19588", year=YEAR, actor=verifier)
    assert (published.year, published.flagged, published.published_by) == (YEAR, 1, verifier)
    assert _status(old, older, current) == ["lapsed", "allocated", "verified"]
    event = HouseholdEvent.objects.filter(household=old).last()
    assert (event.old_status, event.new_status, event.actor) == ("verified", "lapsed", verifier)
    assert event.data == {"poverty_list": published.id, "year": YEAR}
    # A lapsed household is not matched: the engine loads only the current one.
    loaded = load_problem(hub_ids=[hubs["H"].id], seed=1)
    assert list(loaded.problem.household_columns().ids) == [current.id]


def test_publishing_twice_or_an_older_year_is_a_409_and_flags_nothing_more(verified, verifier):
    renewal.poverty_list_publish(commune_code="19588", year=YEAR, actor=verifier)
    events = HouseholdEvent.objects.count()
    for year, code in ((YEAR, "already_published"), (YEAR - 1, "older_than_published")):
        with pytest.raises(Conflict) as refused:
            renewal.poverty_list_publish(commune_code="19588", year=year, actor=verifier)
        assert refused.value.code == code
    assert PovertyList.objects.count() == 1 and HouseholdEvent.objects.count() == events


def test_only_a_verifier_of_the_commune_or_an_admin_publishes(verified, officer_a, officer_b, api):
    with pytest.raises(Forbidden):
        renewal.poverty_list_publish(commune_code="19588", year=YEAR, actor=officer_a)
    with pytest.raises(NotFound):
        renewal.poverty_list_publish(commune_code="19588", year=YEAR, actor=officer_b)
    response = api.as_user(officer_a).post(
        "/api/v1/poverty-lists/", {"commune": "19588", "year": YEAR}, format="json"
    )
    assert_error(response, 403, "role_required")
    assert not PovertyList.objects.exists()
    assert _status(*verified) == ["verified"] * 3


def test_the_officer_reconfirms_in_bulk_all_or_none(verified, verifier, officer_a, officer_b, api):
    old, older, _current = verified
    renewal.poverty_list_publish(commune_code="19588", year=YEAR, actor=verifier)
    client = api.as_user(officer_a)
    # A household that is not lapsed stops the whole request.
    mixed = client.post(
        "/api/v1/households/reconfirm/", {"households": [old.id, 999999]}, format="json"
    )
    assert_error(mixed, 404, "not_found", "households")
    assert _status(old, older) == ["lapsed", "lapsed"]
    other = api.as_user(officer_b).post(
        "/api/v1/households/reconfirm/", {"households": [old.id]}, format="json"
    )
    assert_error(other, 404, "not_found")
    client = api.as_user(officer_a)
    response = client.post(
        "/api/v1/households/reconfirm/",
        {"households": [old.id, older.id], "certificate_numbers": {str(old.id): "GCN-2026-7"}},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json() == {"reconfirmed": 2, "households": [old.id, older.id]}
    old.refresh_from_db()
    older.refresh_from_db()
    assert (old.status, old.poverty_certificate_year, old.poverty_certificate_no) == (
        "verified",
        YEAR,
        "GCN-2026-7",
    )
    assert (older.status, older.poverty_certificate_year) == ("verified", YEAR)
    event = HouseholdEvent.objects.filter(household=old).last()
    assert (event.old_status, event.new_status, event.actor) == ("lapsed", "verified", officer_a)
    # Retried: nothing more written.
    events = HouseholdEvent.objects.count()
    again = client.post("/api/v1/households/reconfirm/", {"households": [old.id]}, format="json")
    assert again.json() == {"reconfirmed": 0, "households": []}
    assert HouseholdEvent.objects.count() == events


def test_a_household_off_the_new_list_leaves(verified, verifier, officer_a, api):
    old = verified[0]
    renewal.poverty_list_publish(commune_code="19588", year=YEAR, actor=verifier)
    client = api.as_user(officer_a)
    assert_error(
        client.post(f"/api/v1/households/{old.id}/not-renewed/", {}, format="json"),
        400,
        "reason_required",
    )
    response = client.post(
        f"/api/v1/households/{old.id}/not-renewed/",
        {"reason": "Đã thoát nghèo ở kỳ rà soát"},
        format="json",
    )
    assert response.json()["status"] == "inactive"
    assert HouseholdEvent.objects.filter(household=old).last().data == {"not_renewed": True}


def test_a_nomination_with_an_old_certificate_is_not_verified_after_the_new_list(
    verified, officer_a, verifier, communes
):
    renewal.poverty_list_publish(commune_code="19588", year=YEAR, actor=verifier)
    household = household_create(
        actor=officer_a, **household_data(communes["A"], poverty_certificate_year=YEAR - 1)
    )
    household_submit(household_id=household.id, actor=officer_a)
    with pytest.raises(Conflict) as refused:
        household_verify(household_id=household.id, actor=verifier)
    assert refused.value.code == "certificate_lapsed"
    assert _status(household) == ["submitted"]


def _sheet(client, commune="19588") -> bytes:
    response = client.get(f"/ho-gia-dinh/gia-han/{commune}/mau.xlsx")
    assert response.status_code == 200
    return response.content


def _marked(content: bytes, marks: dict[int, tuple[str, str]]) -> bytes:
    book = load_workbook(io.BytesIO(content))
    sheet = book.active
    for row in sheet.iter_rows(min_row=2):
        household_id = row[0].value
        if household_id in marks:
            row[4].value, row[5].value = marks[household_id]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_excel_path(verified, verifier, officer_a, client, api):
    old, older, _current = verified
    renewal.poverty_list_publish(commune_code="19588", year=YEAR, actor=verifier)
    client.force_login(officer_a)
    content = _sheet(client)
    book = load_workbook(io.BytesIO(content))
    assert next(c.value for c in book.active[1]) == "Mã hộ"
    assert sorted(r[0].value for r in book.active.iter_rows(min_row=2)) == [old.id, older.id]
    # A row naming a household that does not wait stops the file: nothing applied.
    from households.excel.renewal import renewal_sheet

    wrong = _marked(
        renewal_sheet([Household.objects.get(id=verified[2].id)]), {verified[2].id: ("", "x")}
    )
    refused = api.as_user(officer_a).post(
        "/api/v1/households/reconfirm/import/", {"file": io.BytesIO(wrong)}, format="multipart"
    )
    body = assert_error(refused, 400, "invalid_rows")
    assert body["rows"][0]["row"] == 2
    assert _status(old, older) == ["lapsed", "lapsed"]
    # A preview applies nothing; the upload applies the marked rows.
    filled = _marked(content, {old.id: ("GCN-MỚI-1", "x")})
    preview = api.as_user(officer_a).post(
        "/api/v1/households/reconfirm/import/?commit=false",
        {"file": io.BytesIO(filled)},
        format="multipart",
    )
    assert preview.json()["confirmed"] == 1 and not preview.json()["applied"]
    assert _status(old) == ["lapsed"]
    page = client.post(
        "/ho-gia-dinh/gia-han/19588/nhap-excel/",
        {"file": io.BytesIO(filled)},
    )
    assert page.status_code == 302
    old.refresh_from_db()
    assert (old.status, old.poverty_certificate_no) == ("verified", "GCN-MỚI-1")
    assert _status(older) == ["lapsed"]


def test_a_hostile_file_is_refused(verified, officer_a, api):
    response = api.as_user(officer_a).post(
        "/api/v1/households/reconfirm/import/",
        {"file": io.BytesIO(b"PK\x03\x04 not a workbook")},
        format="multipart",
    )
    assert_error(response, 400, "not_xlsx", "file")


def test_the_page_with_checkboxes(verified, verifier, officer_a, client, django_assert_num_queries):
    old, older, _current = verified
    client.force_login(verifier)
    published = client.post("/ho-gia-dinh/gia-han/19588/", {"action": "publish", "year": YEAR})
    assert published.status_code == 302
    page = client.get("/ho-gia-dinh/gia-han/19588/").content.decode()
    assert 'name="households"' not in page  # a verifier publishes; the officer re-confirms
    client.force_login(officer_a)
    client.get("/ho-gia-dinh/gia-han/19588/")
    # session, user, scope (3), the commune, households, its latest list, lists
    with django_assert_num_queries(9):
        page = client.get("/ho-gia-dinh/gia-han/19588/").content.decode()
    assert f'value="{old.id}"' in page and f'value="{older.id}"' in page
    done = client.post(
        "/ho-gia-dinh/gia-han/19588/", {"action": "reconfirm", "households": [str(old.id)]}
    )
    assert done.status_code == 302
    assert _status(old, older) == ["verified", "lapsed"]
    index = client.get("/ho-gia-dinh/gia-han/").content.decode()
    assert "/ho-gia-dinh/gia-han/19588/" in index


def test_nothing_chosen_is_an_error_on_the_page(verified, verifier, officer_a, client):
    renewal.poverty_list_publish(commune_code="19588", year=YEAR, actor=verifier)
    client.force_login(officer_a)
    response = client.post("/ho-gia-dinh/gia-han/19588/", {"action": "reconfirm"})
    assert response.status_code == 400
    with pytest.raises(ApplicationError):
        renewal.households_reconfirm(household_ids=[], actor=officer_a)
