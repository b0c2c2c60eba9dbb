"""Issue 12 (finding 8): a pledged phone's RAM and storage are bounded (0.5 to 64 GB of RAM, 1 to
4096 GB of storage; left empty they stay unknown) and the donor's country is an ISO 3166-1
alpha-2 code. The rule lives in the service (donations.services.pledges.device_size_clean), so
the pledge page, the API and the walk-in phone at the bench refuse the same values."""

from decimal import Decimal

import pytest

from core.errors import ApplicationError
from donations.models import Device, Donor, Pledge
from donations.services.donors import donor_country
from donations.services.pledges import device_size_clean
from tests.conftest import assert_error
from tests.donations.conftest import phone, pledge_body
from tests.donations.test_pledges import FORM

pytestmark = pytest.mark.django_db

BAD_SIZES = [
    ({"ram_gb": 0}, "ram_gb"),
    ({"ram_gb": "0.4"}, "ram_gb"),
    ({"ram_gb": "64.5"}, "ram_gb"),
    ({"ram_gb": "-1"}, "ram_gb"),
    ({"storage_gb": 0}, "storage_gb"),
    ({"storage_gb": 4097}, "storage_gb"),
    ({"storage_gb": -8}, "storage_gb"),
]


@pytest.mark.parametrize(("changes", "field"), BAD_SIZES)
def test_the_api_refuses_a_phone_size_out_of_bounds_on_the_field(api, communes, changes, field):
    body = pledge_body(devices=[phone(**changes)])
    error = assert_error(api.post("/api/v1/pledges/", body, format="json"), 400, "invalid")
    assert any(key.endswith(field) for key in error["fields"]), error
    assert not Pledge.objects.exists() and not Device.objects.exists()


def test_the_api_keeps_an_unknown_size_unknown(api, communes):
    spec = phone()
    del spec["ram_gb"], spec["storage_gb"]
    response = api.post("/api/v1/pledges/", pledge_body(devices=[spec]), format="json")
    assert response.status_code == 201, response.content
    device = Device.objects.get()
    assert (device.ram_gb, device.storage_gb) == (0, 0)  # 0: not known


@pytest.mark.parametrize(("ram", "storage"), [("0.5", 1), ("64", 4096), ("3", 32)])
def test_the_bounds_themselves_are_accepted(api, communes, ram, storage):
    body = pledge_body(devices=[phone(ram_gb=ram, storage_gb=storage)])
    assert api.post("/api/v1/pledges/", body, format="json").status_code == 201
    device = Device.objects.get()
    assert (device.ram_gb, device.storage_gb) == (Decimal(ram), storage)


@pytest.mark.parametrize(
    ("ram", "storage", "field"),
    [
        (0, None, "ram_gb"),
        ("abc", None, "ram_gb"),
        ("NaN", None, "ram_gb"),
        (True, None, "ram_gb"),
        ("2.25", None, "ram_gb"),
        (None, 0, "storage_gb"),
        (None, "64.5", "storage_gb"),
        (None, 2**63, "storage_gb"),
    ],
)
def test_the_rule_refuses_each_bad_size_with_a_vietnamese_message(ram, storage, field):
    with pytest.raises(ApplicationError) as raised:
        device_size_clean(ram_gb=ram, storage_gb=storage, prefix="devices.0.")
    message = raised.value.fields[f"devices.0.{field}"][0]
    assert "GB" in message and ("RAM" in message or "bộ nhớ" in message)


def test_the_rule_normalises_good_sizes():
    assert device_size_clean(ram_gb="4", storage_gb="64") == (Decimal("4"), 64)
    assert device_size_clean(ram_gb=None, storage_gb="") == (None, None)


def test_the_pledge_page_refuses_zero_sizes_on_their_fields(client, communes):
    response = client.post("/tang-dien-thoai/", {**FORM, "ram_gb": "0", "storage_gb": "0"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "ram_gb" in errors or "storage_gb" in errors
    assert not Pledge.objects.exists()


def test_the_pledge_page_leaves_an_unknown_size_unknown(client, communes):
    response = client.post("/tang-dien-thoai/", {**FORM, "ram_gb": "", "storage_gb": ""})
    assert response.status_code == 302
    assert set(Device.objects.values_list("ram_gb", "storage_gb")) == {(0, 0)}


# --- the donor's country -------------------------------------------------------------------------


@pytest.mark.parametrize("country", ["-1", "XX", "UK", "DEU", "276", "d", "", "VNM"])
def test_the_api_refuses_a_country_that_is_not_iso_3166(api, communes, country):
    body = pledge_body()
    body["donor"]["country"] = country
    response = api.post("/api/v1/pledges/", body, format="json")
    code = "invalid_country" if len(country) in (1, 2) else "invalid"  # the parser: 2 letters
    error = assert_error(response, 400, code)
    assert "donor.country" in error["fields"], error
    assert not Pledge.objects.exists() and not Donor.objects.exists()


def test_a_country_code_is_stored_upper_case(api, communes):
    body = pledge_body()
    body["donor"]["country"] = "de"
    assert api.post("/api/v1/pledges/", body, format="json").status_code == 201
    assert Donor.objects.get().country == "DE"


def test_the_country_rule():
    assert donor_country(" jp ") == "JP"
    with pytest.raises(ApplicationError) as raised:
        donor_country("-1")
    assert "ISO" in raised.value.fields["donor.country"][0]


def test_the_pledge_page_offers_the_countries_in_vietnamese(client, communes):
    html = client.get("/tang-dien-thoai/").content.decode()
    assert '<option value="DE">Đức</option>' in html
    assert '<option value="VN" selected>Việt Nam</option>' in html
    response = client.post("/tang-dien-thoai/", {**FORM, "country": "-1"})
    assert response.status_code == 200 and "country" in response.context["form"].errors
    assert not Pledge.objects.exists()
