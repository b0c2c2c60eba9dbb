"""Personal data is logged when read (security review, "keep them closed"): who opened which
household, when and where. Reading is not a step in the household's history (four eyes)."""

from __future__ import annotations

import pytest

from households.models import HouseholdAccess, HouseholdEvent

pytestmark = pytest.mark.django_db


def test_each_reading_of_a_household_is_logged_with_who_and_where(
    client, api, officer_a, verifier, submitted
):
    client.force_login(verifier)
    assert client.get(f"/ho-gia-dinh/{submitted.id}/").status_code == 200
    assert api.as_user(officer_a).get(f"/api/v1/households/{submitted.id}/").status_code == 200
    assert client.get(f"/ho-gia-dinh/{submitted.id}/du-lieu.json").status_code == 200
    rows = list(HouseholdAccess.objects.order_by("id").values_list("actor", "household", "channel"))
    assert rows == [
        (verifier.id, submitted.id, "page"),
        (officer_a.id, submitted.id, "api"),
        (verifier.id, submitted.id, "personal_data"),
    ]


def test_a_commune_export_logs_every_household_in_it(client, officer_a, make_household):
    households = [make_household(officer_a) for _ in range(3)]
    client.force_login(officer_a)
    response = client.get(f"/ho-gia-dinh/xuat/{households[0].commune_id}.xlsx")
    assert response.status_code == 200
    logged = set(
        HouseholdAccess.objects.filter(channel="commune_export").values_list("household", flat=True)
    )
    assert logged == {h.id for h in households}


def test_what_is_not_shown_is_not_logged_and_reading_is_no_four_eyes_step(
    client, officer_b, verifier, submitted
):
    client.force_login(officer_b)
    assert client.get(f"/ho-gia-dinh/{submitted.id}/").status_code == 404
    assert not HouseholdAccess.objects.exists()
    client.force_login(verifier)
    client.get(f"/ho-gia-dinh/{submitted.id}/")
    assert not HouseholdEvent.objects.filter(actor=verifier).exists()
    response = client.post(f"/ho-gia-dinh/{submitted.id}/quyet-dinh/", {"action": "verify"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == "verified"
