"""The SIM recorded at QA (ICCID, carrier, plan expiry) follows the phone (issue 14): the handover
form shows it and does not ask for it again, the handover keeps it, the receipt prints it."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from pypdf import PdfReader

from logistics.models import Handover, SimCard

pytestmark = pytest.mark.django_db

ICCID = "8984048000012345678"


@pytest.fixture
def with_sim(dispatched, coordinator_h):
    device, household, batch = dispatched
    SimCard.objects.create(
        device=device, iccid=ICCID, carrier="viettel", plan_expires=date(2027, 1, 31)
    )
    return device, household, batch


def _text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_handover_form_shows_the_recorded_sim_and_does_not_ask_again(
    client, officer_a, with_sim
):
    device, household, _batch = with_sim
    client.force_login(officer_a)
    page = client.get(f"/ban-giao/moi/{device.tracking_code}/").content.decode()
    assert 'name="sim_iccid"' not in page
    assert ICCID in page and "Viettel" in page and "31/01/2027" in page
    response = client.post(
        f"/ban-giao/moi/{device.tracking_code}/",
        {
            "household": household.id,
            "received_by": household.head_name,
            "relation": "head",
            "recipient_cccd_last4": household.cccd_last4,
            "training_given": "on",
        },
    )
    assert response.status_code == 302, response.content
    handover = Handover.objects.get(device=device)
    assert handover.sim_iccid == ICCID
    page = client.get(f"/ban-giao/{handover.id}/").content.decode()
    assert ICCID in page and "Viettel" in page
    text = _text(client.get(f"/ban-giao/{handover.id}/bien-ban.pdf").content)
    assert re.search(rf"SIM\s+{ICCID}, Viettel", text), text  # the SIM row of the table
    assert "31/01/2027" in text
    assert not re.search(r"SIM\s+không", text)


def test_the_api_handover_takes_the_recorded_sim_when_none_is_sent(api, officer_a, with_sim):
    device, household, _batch = with_sim
    body = {
        "device": device.tracking_code,
        "household": household.id,
        "received_by": household.head_name,
        "recipient_cccd_last4": household.cccd_last4,
    }
    response = api.as_user(officer_a).post("/api/v1/handovers/", body, format="json")
    assert response.status_code == 201, response.content
    answer = response.json()
    assert answer["sim_iccid"] == ICCID
    assert answer["sim"] == {"iccid": ICCID, "carrier": "viettel", "plan_expires": "2027-01-31"}
    text = _text(api.as_user(officer_a).get(answer["receipt_url"]).content)
    assert ICCID in text and "Viettel" in text


def test_another_sim_given_at_the_door_replaces_the_recorded_one(api, officer_a, with_sim):
    device, household, _batch = with_sim
    other = "8984048000099998888"
    body = {
        "device": device.tracking_code,
        "household": household.id,
        "received_by": household.head_name,
        "recipient_cccd_last4": household.cccd_last4,
        "sim_iccid": other,
    }
    response = api.as_user(officer_a).post("/api/v1/handovers/", body, format="json")
    assert response.status_code == 201, response.content
    sim = SimCard.objects.get(device=device)
    assert (sim.iccid, sim.carrier) == (other, "viettel")
    assert Handover.objects.get(device=device).sim_iccid == other


def test_without_a_recorded_sim_the_form_asks_and_the_receipt_says_none(
    client, officer_a, dispatched
):
    device, household, _batch = dispatched
    client.force_login(officer_a)
    page = client.get(f"/ban-giao/moi/{device.tracking_code}/").content.decode()
    assert 'name="sim_iccid"' in page
    client.post(
        f"/ban-giao/moi/{device.tracking_code}/",
        {
            "household": household.id,
            "received_by": household.head_name,
            "relation": "head",
            "recipient_cccd_last4": household.cccd_last4,
        },
    )
    handover = Handover.objects.get(device=device)
    assert handover.sim_iccid == "" and not SimCard.objects.filter(device=device).exists()
    text = _text(client.get(f"/ban-giao/{handover.id}/bien-ban.pdf").content)
    assert re.search(r"SIM\s+không", text), text
