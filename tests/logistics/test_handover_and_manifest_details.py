"""Issue 15, finding 16 at the hub: the manifest says nothing of an IMEI a phone does not have,
and the handover form starts from the head of household."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader

pytestmark = pytest.mark.django_db


def test_the_manifest_shows_no_empty_imei(
    client, coordinator_h, make_device, make_household, allocate, hubs, villages
):
    from logistics.services.delivery import batch_create

    household = make_household(village=villages["A"])
    device = allocate(make_device(hub=hubs["H"], status="ready", imei=""), household)
    assert device.imei == ""
    batch = batch_create(
        hub_id=device.hub_id,
        commune_code=household.commune_id,
        planned_date=date(2026, 12, 1),
        carrier="officer",
        carrier_name="Hồ Văn A",
        device_codes=[device.tracking_code],
        actor=coordinator_h,
    )
    client.force_login(coordinator_h)
    response = client.get(f"/dot-giao/{batch.id}/danh-sach.pdf")
    assert response.status_code == 200
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    [line] = [line for line in text.splitlines() if device.tracking_code in line]
    assert "IMEI" not in line and not line.rstrip().endswith("—"), line


def test_the_handover_form_starts_from_the_head_of_household(client, officer_a, dispatched):
    device, household, _batch = dispatched
    client.force_login(officer_a)
    html = client.get(f"/ban-giao/moi/{device.tracking_code}/").content.decode()
    assert '<option value="head" selected>' in html
    assert f'value="{household.head_name}"' in html and 'data-head-name="' in html
    # The relation is asked first, then the name; the CCCD digits are never filled in.
    assert html.index('name="relation"') < html.index('name="received_by"')
    assert 'name="recipient_cccd_last4"' in html
    assert f'value="{household.cccd_last4}"' not in html
    assert "logistics/handover.js" in html


def test_a_prefilled_handover_goes_through_unchanged(client, officer_a, dispatched):
    """Without JavaScript: the officer types only the CCCD digits and confirms."""
    from logistics.models import Handover

    device, household, _batch = dispatched
    client.force_login(officer_a)
    response = client.post(
        f"/ban-giao/moi/{device.tracking_code}/",
        {
            "household": household.id,
            "relation": "head",
            "received_by": household.head_name,
            "recipient_cccd_last4": household.cccd_last4,
            "training_given": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    handover = Handover.objects.get(device=device)
    assert (handover.received_by, handover.relation) == (household.head_name, "head")
