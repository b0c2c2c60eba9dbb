"""Issue 12 (finding 8): text that people type or import is stored in composed Unicode (NFC).
A name typed on a Mac or pasted from a PDF may arrive decomposed (NFD: “ồ” as “o” + two
combining marks); stored so, it looks the same but compares, sorts and exports differently. One
helper, core.text.nfc, is applied where text enters: the households' checks (form, API and Excel
import alike), the import reader, and the donors' names."""

import unicodedata

import pytest

from core.text import nfc
from donations.models import Donor, Gift, Pledge
from households.models import ConsentRecord, Household
from tests.donations.conftest import phone, pledge_body
from tests.households.conftest import excel_file, excel_row, household_data
from tests.households.test_excel import upload
from tests.households.test_pages import form_data

pytestmark = pytest.mark.django_db

NAME = "Hồ Văn Lâm"
NFD = unicodedata.normalize("NFD", NAME)


def test_the_helper():
    assert NFD != NAME and nfc(NFD) == NAME
    assert nfc(None) is None and nfc(5) == 5 and nfc("") == ""


def _is_nfc(text: str) -> bool:
    return unicodedata.is_normalized("NFC", text)


def test_a_decomposed_name_imported_from_excel_is_stored_composed_and_found(
    api, client, officer_a, villages
):
    rows = [
        excel_row(
            head_name=NFD,
            need=unicodedata.normalize("NFD", "Cần điện thoại cho cháu học"),
            consent_method="Có người làm chứng",
            witness_name=unicodedata.normalize("NFD", "Lê Thị Hường"),
        )
    ]
    response = upload(api.as_user(officer_a), excel_file(rows), commit=True)
    assert response.status_code == 201, response.json()
    household = Household.objects.get()
    assert household.head_name == NAME
    assert household.need == "Cần điện thoại cho cháu học" and _is_nfc(household.need)
    assert ConsentRecord.objects.get().witness_name == "Lê Thị Hường"
    assert Household.objects.filter(head_name=NAME).count() == 1
    client.force_login(officer_a)
    for query in (NAME, NFD, "ho van lam"):
        page = client.get("/ho-gia-dinh/", {"q": query}).content.decode()
        assert NAME in page, query


def test_a_decomposed_name_typed_in_the_api_is_stored_composed(api, officer_a, villages):
    body = household_data("19588", village=villages["A"].id, head_name=NFD)
    response = api.as_user(officer_a).post("/api/v1/households/", body, format="json")
    assert response.status_code == 201, response.json()
    assert Household.objects.get().head_name == NAME
    assert response.json()["head_name"] == NAME


def test_a_decomposed_name_typed_in_the_form_is_stored_composed(client, officer_a, villages):
    client.force_login(officer_a)
    data = form_data(village=str(villages["A"].id), head_name=NFD)
    response = client.post("/ho-gia-dinh/them/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Household.objects.get().head_name == NAME


def test_a_decomposed_donor_name_is_stored_composed(api, communes, settings):
    settings.STRIPE_SECRET_KEY = ""
    body = pledge_body(devices=[phone(brand="Samsung", model=NFD)], public_name=NFD)
    body["donor"]["name"] = NFD
    response = api.post("/api/v1/pledges/", body, format="json")
    assert response.status_code == 201, response.json()
    donor = Donor.objects.get()
    assert donor.name == NAME and donor.public_name == NAME
    assert Pledge.objects.get().devices.get().model == NAME
    gift = api.post(
        "/api/v1/gifts/vietqr/",
        {"amount": 200000, "name": unicodedata.normalize("NFD", "Phạm Thu"), "email": "t@x.vn"},
        format="json",
    )
    assert gift.status_code == 201, gift.json()
    assert Gift.objects.get().donor.name == "Phạm Thu"
