"""Issue 12 (finding 8): a walk-in phone at the bench has the pledge's size bounds (the rule is
donations.services.pledges.device_size_clean), on the API and on the page."""

import pytest

from donations.models import Device
from logistics.models import Intake
from tests.conftest import assert_error
from tests.logistics.conftest import new_imei

pytestmark = pytest.mark.django_db


def _walk_in(hubs, **changes):
    body = {
        "hub": hubs["H"].id,
        "brand": "Xiaomi",
        "model": "Redmi 12",
        "imei": new_imei(),
        "condition": "good",
        "supports_4g": True,
        "supports_volte": True,
    }
    body.update(changes)
    return body


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ram_gb": 0}, "ram_gb"),
        ({"ram_gb": "65"}, "ram_gb"),
        ({"storage_gb": 0}, "storage_gb"),
        ({"storage_gb": 5000}, "storage_gb"),
    ],
)
def test_the_api_refuses_a_walk_in_size_out_of_bounds(api, coordinator_h, hubs, changes, field):
    body = _walk_in(hubs, **changes)
    response = api.as_user(coordinator_h).post("/api/v1/devices/", body, format="json")
    assert_error(response, 400, "invalid", field)
    assert not Device.objects.exists() and not Intake.objects.exists()


def test_the_api_takes_a_walk_in_of_unknown_or_good_size(api, coordinator_h, hubs):
    staff = api.as_user(coordinator_h)
    assert staff.post("/api/v1/devices/", _walk_in(hubs), format="json").status_code == 201
    body = _walk_in(hubs, ram_gb="3", storage_gb=32)
    assert staff.post("/api/v1/devices/", body, format="json").status_code == 201
    assert sorted(Device.objects.values_list("ram_gb", "storage_gb")) == [(0, 0), (3, 32)]


def test_the_page_refuses_a_walk_in_of_zero_sizes_on_the_fields(client, coordinator_h, hubs):
    client.force_login(coordinator_h)
    form = {**_walk_in(hubs), "os": "android", "supports_4g": "on", "supports_volte": "on"}
    response = client.post("/kho/tiep-nhan-may-le/", {**form, "ram_gb": "0", "storage_gb": "4"})
    assert response.status_code == 400
    assert "ram_gb" in response.context["form"].errors
    assert not Device.objects.exists()
    response = client.post("/kho/tiep-nhan-may-le/", {**form, "ram_gb": "", "storage_gb": ""})
    assert response.status_code == 302
    assert Device.objects.get().storage_gb == 0
