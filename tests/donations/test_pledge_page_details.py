"""Issue 15, finding 16 on the donor's pages: a real country list in Vietnamese order, the commune
list in Vietnamese order, and hub addresses a parcel from abroad can be sent to."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def options(html: str, select_id: str) -> list[tuple[str, str]]:
    select = re.search(rf'<select [^>]*id="{select_id}"[^>]*>(.*?)</select>', html, re.S)
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select.group(1))


def test_the_commune_list_is_in_vietnamese_order(client, communes):
    names = [
        name
        for code, name in options(client.get("/tang-dien-thoai/").content.decode(), "id_commune")
        if code
    ]
    assert names.index("Xã Ái Tử") == names.index("Xã A Dơi") + 1
    assert names.index("Phường Đông Hà") < names.index("Phường Đồng Hới") < names.index("Xã A Dơi")


def test_the_country_is_chosen_from_a_list_in_vietnamese_order(client, communes):
    html = client.get("/tang-dien-thoai/").content.decode()
    countries = options(html, "id_country")
    assert len(countries) > 240 and ("AU", "Úc") in countries
    assert 'name="country" maxlength' not in html  # no free two-letter box
    names = [name for _code, name in countries]
    assert names.index("Đan Mạch") < names.index("Đức") < names.index("Gabon")
    assert names.index("Úc") < names.index("Uganda") or names.index("Úc") < names.index(
        "Va-ti-căng"
    )
    assert names[-1] not in ("Úc", "Đức", "Ấn Độ")


def test_the_thank_you_page_gives_the_hubs_postal_address_and_phone(client, communes, hubs):
    from places.services import hub_update

    hub_update(hub_id=hubs["H"].id, phone="0233 3852 123")
    data = {
        "name": "Bà Lan", "email": "ba.lan@example.com.au", "kind": "diaspora", "country": "AU",
        "language": "en", "brand": "Samsung", "model": "Galaxy A14", "os": "android",
        "supports_4g": "yes", "supports_volte": "yes", "condition": "good", "quantity": "1",
        "dropoff": "post", "hub": str(hubs["H"].id), "rule": "prefer",
    }  # fmt: skip
    response = client.post("/tang-dien-thoai/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    html = client.get(response["Location"]).content.decode()
    address = re.search(r'<address class="hub-address">(.*?)</address>', html, re.S).group(1)
    assert "Điểm Đông Hà" in address and "<br>Quảng Trị<br>" in address
    assert "VIETNAM" in address
    assert 'href="tel:+842333852123"' in address and "+84 233 3852 123" in address


def test_a_hub_phone_is_checked_and_kept_in_international_form(communes, hubs):
    from core.errors import ApplicationError
    from places.services import hub_update

    hub = hub_update(hub_id=hubs["K"].id, phone="+84 233 3880 456")
    assert hub.phone == "+842333880456" and hub.phone_display == "+84 233 3880 456"
    with pytest.raises(ApplicationError) as refused:
        hub_update(hub_id=hubs["K"].id, phone="12")
    assert "phone" in refused.value.fields


def test_the_commune_list_costs_one_query(client, communes, django_assert_num_queries):
    from core.collation import vietnamese_sort_key
    from donations.selectors import communes_for_choice
    from places.loading import HOME_PROVINCE

    with django_assert_num_queries(1):
        names = [c.name for c in communes_for_choice(HOME_PROVINCE)]
    assert names == sorted(names, key=vietnamese_sort_key) and len(names) == 78
