"""A label's QR encodes the public tracking link; staff who handle the phone land on its work page."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_coordinator_of_the_phones_hub_lands_on_its_work_page(
    client, coordinator_h, hubs, make_device
):
    device = make_device(hub=hubs["H"], status="received")
    client.force_login(coordinator_h)
    response = client.get(f"/t/{device.tracking_code}")
    assert response.status_code == 302
    assert response["Location"] == f"/kho/thiet-bi/{device.tracking_code}/"
    assert client.get(response["Location"]).status_code == 200


def test_a_pledged_phone_for_the_coordinators_hub_opens_its_work_page(
    client, coordinator_h, hubs, make_device
):
    device = make_device(hub=None, status="pledged")
    device.pledge.hub = hubs["H"]
    device.pledge.save()
    client.force_login(coordinator_h)
    response = client.get(f"/t/{device.tracking_code}")
    assert response["Location"] == f"/kho/thiet-bi/{device.tracking_code}/"
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize("persona", ["anonymous", "donor", "officer_a", "coordinator_k"])
def test_everyone_else_sees_the_public_page(client, personas, hubs, make_device, persona):
    device = make_device(hub=hubs["H"], status="received")
    if personas[persona] is not None:
        client.force_login(personas[persona])
    response = client.get(f"/t/{device.tracking_code}")
    assert response.status_code == 200
    assert device.tracking_code in response.content.decode()


def test_staff_can_still_ask_for_the_public_page(client, coordinator_h, hubs, make_device):
    device = make_device(hub=hubs["H"], status="received")
    client.force_login(coordinator_h)
    assert client.get(f"/t/{device.tracking_code}?public=1").status_code == 200
