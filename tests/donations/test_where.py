"""Donors choose where (issue 17, donations/services/places.py): a pledge for the donor's home
commune or home province, preferred or only, or where the need is greatest; a gift for a
province or where the need is greatest, honoured by the ledger."""

from __future__ import annotations

import pytest
from django.urls import reverse

from donations.models import Device, Gift, Pledge
from tests.conftest import COMMUNE_A, COMMUNE_D, PROVINCE_B, assert_error, make_second_province
from tests.donations.conftest import paid_gift, pledge_body, spend

pytestmark = pytest.mark.django_db


@pytest.fixture
def hue(communes):
    return make_second_province()


def test_a_native_abroad_pledges_for_their_home_province(api, hue):
    body = pledge_body(province_preference={"province": PROVINCE_B, "strict": True})

    response = api.post("/api/v1/pledges/", body, format="json")

    assert response.status_code == 201, response.content
    answer = response.json()
    assert answer["where"] == "province"
    assert answer["province_preference"] == {"province": PROVINCE_B, "strict": True}
    assert answer["commune_preference"] is None
    pledge = Pledge.objects.get()
    assert (pledge.province_preference_id, pledge.preference_strict) == (PROVINCE_B, True)
    assert pledge.commune_preference is None
    assert pledge.devices.get().donor_province_rule == ("only", PROVINCE_B)


def test_where_the_need_is_greatest_is_the_default(api, communes):
    answer = api.post("/api/v1/pledges/", pledge_body(), format="json").json()
    assert answer["where"] == "need"
    assert answer["province_preference"] is None and answer["commune_preference"] is None


def test_a_commune_of_the_named_province_is_the_rule(api, hue):
    body = pledge_body(
        province_preference={"province": PROVINCE_B},
        commune_preference={"commune": COMMUNE_D, "strict": False},
    )
    answer = api.post("/api/v1/pledges/", body, format="json").json()
    assert answer["where"] == "commune"
    pledge = Pledge.objects.get()
    assert (pledge.commune_preference_id, pledge.province_preference_id) == (COMMUNE_D, None)


@pytest.mark.parametrize(
    "places, code, field",
    [
        (
            {
                "province_preference": {"province": "44"},
                "commune_preference": {"commune": COMMUNE_D},
            },
            "commune_not_in_province",
            "province_preference.province",
        ),
        ({"province_preference": {"province": "40"}}, "unknown_province", None),
        ({"province_preference": {"province": "99"}}, "unknown_province", None),
        ({"commune_preference": {"commune": "17000"}}, "unknown_commune", None),
    ],
)
def test_a_place_outside_the_programme_is_refused(api, hue, places, code, field):
    response = api.post("/api/v1/pledges/", pledge_body(**places), format="json")
    assert_error(response, 400, code, field)
    assert not Pledge.objects.exists() and not Device.objects.exists()


def test_the_donor_changes_where_the_phone_goes(api, hue, donor):
    client = api.as_user(donor)
    body = pledge_body(commune_preference={"commune": COMMUNE_A, "strict": True})
    del body["donor"]
    pledge_id = client.post("/api/v1/pledges/", body, format="json").json()["id"]

    moved = client.patch(
        f"/api/v1/pledges/{pledge_id}/",
        {"province_preference": {"province": PROVINCE_B, "strict": False}},
        format="json",
    )
    assert moved.status_code == 200, moved.content
    assert moved.json()["where"] == "province"
    pledge = Pledge.objects.get(id=pledge_id)
    assert (pledge.commune_preference_id, pledge.province_preference_id) == (None, PROVINCE_B)
    assert pledge.events.get(action="updated").data == {
        "commune": [COMMUNE_A, None],
        "province": [None, PROVINCE_B],
        "strict": [True, False],
    }

    cleared = client.patch(
        f"/api/v1/pledges/{pledge_id}/", {"province_preference": None}, format="json"
    )
    assert cleared.json()["where"] == "need"
    pledge.refresh_from_db()
    assert pledge.province_preference is None and pledge.preference_strict is False


# --- the pledge page ---------------------------------------------------------------------------

FORM = {
    "name": "Lê Văn Tâm",
    "email": "tam@example.org",
    "kind": "diaspora",
    "country": "DE",
    "language": "vi",
    "brand": "Samsung",
    "model": "Galaxy A14",
    "os": "android",
    "supports_4g": "yes",
    "supports_volte": "yes",
    "condition": "good",
    "quantity": "1",
    "dropoff": "post",
}


def test_the_page_asks_for_the_home_province_first_then_its_communes(client, hue):
    page = client.get("/tang-dien-thoai/").content.decode()
    # Two provinces: none is chosen yet, so no commune is listed.
    assert '<option value="44">Quảng Trị</option>' in page
    assert '<option value="46">Thành phố Huế</option>' in page
    assert (
        f'<option value="{COMMUNE_D}">' not in page and f'<option value="{COMMUNE_A}">' not in page
    )
    assert 'name="pick_province"' in page

    # "Show its communes": the form comes back with Huế's communes, nothing is saved.
    shown = client.post("/tang-dien-thoai/", {**FORM, "province": PROVINCE_B, "pick_province": "1"})
    html = shown.content.decode()
    assert shown.status_code == 200
    assert f'<option value="{COMMUNE_D}">Xã A Lưới 1</option>' in html
    assert f'<option value="{COMMUNE_A}">' not in html
    assert 'value="Lê Văn Tâm"' in html  # what was typed stays
    assert 'class="error"' not in html
    assert not Pledge.objects.exists()


def test_the_page_pledges_for_a_home_province(client, hue):
    response = client.post(
        "/tang-dien-thoai/",
        {**FORM, "province": PROVINCE_B, "where": "province", "rule": "only"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    pledge = Pledge.objects.get()
    assert (pledge.province_preference_id, pledge.preference_strict) == (PROVINCE_B, True)


def test_the_page_pledges_for_a_home_commune(client, hue):
    response = client.post(
        "/tang-dien-thoai/",
        {**FORM, "province": PROVINCE_B, "commune": COMMUNE_D, "where": "commune"},
    )
    assert response.status_code == 302
    pledge = Pledge.objects.get()
    assert (pledge.commune_preference_id, pledge.preference_strict) == (COMMUNE_D, False)


def test_the_page_asks_for_the_place_it_was_told(client, hue):
    response = client.post("/tang-dien-thoai/", {**FORM, "where": "commune"})
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()
    assert not Pledge.objects.exists()


def test_the_donor_moves_a_pledge_to_their_province_on_its_page(client, hue, donor, make_pledge):
    pledge = make_pledge(donor, commune_preference={"commune": COMMUNE_A})
    client.force_login(donor)
    response = client.post(
        reverse("donations:pledge", args=[pledge.id]),
        {"form": "edit", "dropoff": "post", "province": PROVINCE_B, "where": "province"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    pledge.refresh_from_db()
    assert (pledge.commune_preference, pledge.province_preference_id) == (None, PROVINCE_B)
    page = client.get(reverse("donations:pledge", args=[pledge.id])).content.decode()
    assert "Thành phố Huế" in page


# --- gifts -------------------------------------------------------------------------------------


def test_a_gift_for_a_province_by_bank_transfer(api, hue):
    response = api.post(
        "/api/v1/gifts/vietqr/",
        {
            "amount": 200000,
            "name": "Lê Văn Tâm",
            "email": "tam@example.org",
            "province_preference": {"province": PROVINCE_B, "strict": True},
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    gift = Gift.objects.get(id=response.json()["id"])
    assert (gift.province_id, gift.province_strict) == (PROVINCE_B, True)


def test_a_gift_for_a_province_on_the_gift_page(client, hue):
    page = client.get("/ung-ho/").content.decode()
    assert '<option value="46">Thành phố Huế</option>' in page
    response = client.post(
        "/ung-ho/",
        {
            "method": "vietqr",
            "amount": "150000",
            "currency": "VND",
            "purpose": "general",
            "province": PROVINCE_B,
            "rule": "prefer",
            "name": "A",
            "email": "a@example.org",
        },
    )
    assert response.status_code == 302
    gift = Gift.objects.get()
    assert (gift.province_id, gift.province_strict) == (PROVINCE_B, False)


def test_a_gift_goes_to_no_inactive_province(api, communes):
    response = api.post(
        "/api/v1/gifts/vietqr/",
        {
            "amount": 200000,
            "name": "A",
            "email": "a@example.org",
            "province_preference": {"province": "40"},
        },
        format="json",
    )
    assert_error(response, 400, "unknown_province")
    assert not Gift.objects.exists()


def _phone_at(hub):
    from tests.matching.factories import device_create

    return device_create(hub)


def test_the_ledger_spends_a_provinces_gifts_on_its_phones_first_and_only_there(
    hue, hubs, donor, coordinator_h
):
    only_hue = paid_gift(donor, 100_000, "general")
    Gift.objects.filter(id=only_hue.id).update(province_id=PROVINCE_B, province_strict=True)
    for_qt = paid_gift(donor, 100_000, "general")
    Gift.objects.filter(id=for_qt.id).update(province_id="44")
    anywhere = paid_gift(donor, 100_000, "general")

    # A spend on a phone of Quảng Trị: its province's gift first, then the open one; never Huế's.
    entry = spend(coordinator_h, "refurbish", 150_000, [_phone_at(hubs["H"])])
    assert dict(entry.attributions.values_list("gift_id", "amount")) == {
        for_qt.id: 100_000,
        anywhere.id: 50_000,
    }
    # A spend on a phone of Huế: Huế's gift first.
    entry = spend(coordinator_h, "refurbish", 120_000, [_phone_at(hue["hub"])])
    assert dict(entry.attributions.values_list("gift_id", "amount")) == {
        only_hue.id: 100_000,
        anywhere.id: 20_000,
    }


def test_a_commune_chosen_without_an_answer_is_the_commune_and_need_can_be_said(client, hue):
    response = client.post("/tang-dien-thoai/", {**FORM, "province": "44", "commune": COMMUNE_A})
    assert response.status_code == 302
    assert Pledge.objects.get().commune_preference_id == COMMUNE_A

    client.post(
        "/tang-dien-thoai/",
        {**FORM, "province": "44", "commune": COMMUNE_A, "where": "need"},
    )
    latest = Pledge.objects.latest("id")
    assert latest.commune_preference is None and latest.province_preference is None
