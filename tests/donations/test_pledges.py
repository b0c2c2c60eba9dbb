"""Pledging through the API and the pages: the refusal rules with their messages, accounts for
new donors, editing and cancelling until a hub receives the phone, access per persona."""

import re

import pytest
from django.core import mail

from donations.lifecycle import device_transition
from donations.models import Device, DeviceEvent, Donor, Pledge, PledgeEvent
from tests.conftest import COMMUNE_A, assert_error
from tests.donations.conftest import phone, pledge_body

pytestmark = pytest.mark.django_db


def test_it_pledges_one_phone_without_an_account_and_emails_a_sign_in_link(
    api, communes, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/pledges/", pledge_body(), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "open"
    assert len(body["devices"]) == 1
    code = body["devices"][0]["tracking_code"]
    assert re.fullmatch(r"NS-[34679ACDEFGHJKMNPQRTUVWXY]{6}", code)
    assert body["devices"][0]["status"] == "pledged"
    pledge = Pledge.objects.get(id=body["id"])
    donor = pledge.donor
    assert (donor.kind, donor.country, donor.email) == ("diaspora", "DE", "tam@example.org")
    assert donor.user is not None and not donor.user.has_usable_password()
    assert DeviceEvent.objects.filter(device__pledge=pledge, new_status="pledged").count() == 1
    assert PledgeEvent.objects.filter(pledge=pledge, action="created").exists()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["tam@example.org"]
    assert code in message.body
    assert "/mat-khau/dat-lai/" in message.body  # the sign-in link that sets up the account


def test_it_makes_a_batch_of_identical_new_phones(api, donor, communes):
    body = {"devices": [phone(condition="new", quantity=25)], "dropoff": "post"}
    response = api.as_user(donor).post("/api/v1/pledges/", body, format="json")
    assert response.status_code == 201, response.content
    codes = {d["tracking_code"] for d in response.json()["devices"]}
    assert len(codes) == 25
    assert Device.objects.filter(pledge__donor__user=donor, condition="new").count() == 25


@pytest.mark.parametrize(
    ("device", "field", "code", "words"),
    [
        (
            phone(supports_4g=False),
            "devices.0.supports_4g",
            "device_not_usable",
            ["4G", "2G", "/tai-che/"],
        ),
        (
            phone(supports_volte=False),
            "devices.0.supports_volte",
            "device_not_usable",
            ["VoLTE", "/tai-che/"],
        ),
        (phone(quantity=3), "devices.0.quantity", "batch_only_new", ["máy mới"]),
        (phone(imei="123456789012345"), "devices.0.imei", "invalid_imei", ["15 chữ số"]),
        (
            phone(condition="new", quantity=2, imei="490154203237518"),
            "devices.0.imei",
            "invalid_imei",
            ["một lô"],
        ),
        (phone(condition="new", quantity=501), "devices.0.quantity", "invalid_quantity", ["500"]),
    ],
    ids=["no-4g", "no-volte", "batch-of-used", "bad-imei", "imei-on-batch", "too-many"],
)
def test_it_refuses_a_phone_that_cannot_serve_with_the_reason(
    api, communes, device, field, code, words
):
    response = api.post("/api/v1/pledges/", pledge_body(devices=[device]), format="json")
    error = assert_error(response, 400, code, field)
    for word in words:
        assert word in error["message"]
    assert (
        Pledge.objects.count() == 0 and Device.objects.count() == 0 and Donor.objects.count() == 0
    )


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"dropoff": "hub", "hub": None}, "hub_required", "hub"),
        ({"dropoff": "hub", "hub": 999999}, "unknown_hub", "hub"),
        (
            {"dropoff": "pickup", "pickup_address": "", "pickup_window": "sáng"},
            "pickup_details_required",
            "pickup_address",
        ),
        (
            {"dropoff": "pickup", "pickup_address": "12 Lê Lợi", "pickup_window": ""},
            "pickup_details_required",
            "pickup_window",
        ),
        (
            {"commune_preference": {"commune": "99999", "strict": True}},
            "unknown_commune",
            "commune_preference.commune",
        ),
        ({"donor": None}, "donor_required", "donor"),
    ],
    ids=[
        "hub-missing",
        "hub-unknown",
        "pickup-no-address",
        "pickup-no-window",
        "commune-unknown",
        "no-donor",
    ],
)
def test_it_refuses_an_incomplete_pledge_on_the_field(api, communes, changes, code, field):
    body = pledge_body(**changes)
    if body.get("donor") is None:
        body.pop("donor")
    error = assert_error(api.post("/api/v1/pledges/", body, format="json"), 400, code, field)
    assert error["fields"][field]
    assert Pledge.objects.count() == 0


def test_it_refuses_an_empty_device_list(api, communes):
    assert_error(
        api.post("/api/v1/pledges/", pledge_body(devices=[]), format="json"),
        400,
        "invalid",
        "devices",
    )


def test_it_warns_about_an_old_os_but_accepts_the_phone(api, communes):
    body = pledge_body(
        devices=[phone(os="ios", os_version="13.7", brand="Apple", model="iPhone 11")]
    )
    response = api.post("/api/v1/pledges/", body, format="json")
    assert response.status_code == 201
    assert any("13.7" in w and "15" in w for w in response.json()["warnings"])


def test_it_records_the_home_commune_rule_and_hub(api, donor, hubs):
    body = {
        "devices": [phone()],
        "dropoff": "hub",
        "hub": hubs["H"].id,
        "commune_preference": {"commune": COMMUNE_A, "strict": True},
        "public_name": "Gia đình Tâm",
    }
    response = api.as_user(donor).post("/api/v1/pledges/", body, format="json")
    assert response.status_code == 201, response.content
    device = Device.objects.get(tracking_code=response.json()["devices"][0]["tracking_code"])
    assert device.donor_commune_rule == ("only", COMMUNE_A)
    assert device.pledge.hub == hubs["H"]
    assert device.pledge.donor.public_name == "Gia đình Tâm"


def test_a_donor_sees_only_their_own_pledges(api, donor, other_donor, make_pledge):
    mine = make_pledge(donor)
    theirs = make_pledge(other_donor)
    listed = api.as_user(donor).get("/api/v1/pledges/").json()
    assert [p["id"] for p in listed["results"]] == [mine.id]
    assert api.as_user(other_donor).get(f"/api/v1/pledges/{mine.id}/").status_code == 404
    assert api.as_user(donor).get(f"/api/v1/pledges/{theirs.id}/").status_code == 404
    assert api.as_user(None).get("/api/v1/pledges/").status_code == 401


def test_staff_personas_see_no_donor_pledges(api, personas, make_pledge):
    pledge = make_pledge(personas["donor"])
    for name in ("officer_a", "verifier", "coordinator_h", "admin"):
        client = api.as_user(personas[name])
        assert client.get("/api/v1/pledges/").json()["count"] == 0, name
        assert client.get(f"/api/v1/pledges/{pledge.id}/").status_code == 404, name


def test_the_pledge_list_needs_a_fixed_number_of_queries(
    api, donor, make_pledge, django_assert_num_queries
):
    for _n in range(3):
        make_pledge(donor, devices=[phone(), phone(condition="new", quantity=2)])
    client = api.as_user(donor)
    client.get("/api/v1/pledges/")  # warm the token
    # token+user, count, pledges, devices, events, photos, outcomes via select_related
    with django_assert_num_queries(6):
        response = client.get("/api/v1/pledges/")
    assert response.json()["count"] == 3


def test_a_donor_edits_then_cancels_until_the_phone_is_received(
    api, donor, hubs, make_pledge, coordinator_h
):
    pledge = make_pledge(donor)
    client = api.as_user(donor)
    response = client.patch(
        f"/api/v1/pledges/{pledge.id}/",
        {
            "dropoff": "pickup",
            "pickup_address": "5 Trần Hưng Đạo, Đông Hà",
            "pickup_window": "thứ bảy 8–11 giờ",
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    pledge.refresh_from_db()
    assert pledge.dropoff == "pickup" and pledge.pickup_window == "thứ bảy 8–11 giờ"
    assert PledgeEvent.objects.filter(pledge=pledge, action="updated").exists()
    assert assert_error(
        api.as_user(None).patch(
            f"/api/v1/pledges/{pledge.id}/", {"dropoff": "post"}, format="json"
        ),
        401,
        "not_authenticated",
    )
    client = api.as_user(donor)

    device = pledge.devices.get()
    device_transition(device_id=device.id, to="received", actor=coordinator_h)
    error = assert_error(client.post(f"/api/v1/pledges/{pledge.id}/cancel/"), 409, "pledge_locked")
    assert "đã nhận" in error["message"]
    assert_error(
        client.patch(f"/api/v1/pledges/{pledge.id}/", {"dropoff": "post"}, format="json"),
        409,
        "pledge_locked",
    )
    pledge.refresh_from_db()
    assert pledge.status == "open"


def test_cancelling_moves_every_phone_through_the_door(api, donor, make_pledge):
    pledge = make_pledge(donor, devices=[phone(condition="new", quantity=2)])
    response = api.as_user(donor).post(f"/api/v1/pledges/{pledge.id}/cancel/")
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert set(pledge.devices.values_list("status", flat=True)) == {"cancelled"}
    assert DeviceEvent.objects.filter(device__pledge=pledge, new_status="cancelled").count() == 2
    assert (
        api.as_user(donor).post(f"/api/v1/pledges/{pledge.id}/cancel/").status_code == 200
    )  # again: no change
    moves = PledgeEvent.objects.filter(pledge=pledge).values_list(
        "action", "old_status", "new_status", "actor"
    )
    assert list(moves) == [
        ("created", "", "open", donor.id),
        ("cancelled", "open", "cancelled", donor.id),
    ]


def test_the_pledge_table_and_a_forbidden_move_is_a_409_that_writes_nothing(donor, make_pledge):
    from core.errors import Conflict
    from donations.services.pledges import PLEDGE, pledge_cancel, pledge_transition

    assert PLEDGE.allowed_moves("open") == ["cancelled"]
    assert PLEDGE.allowed_moves("cancelled") == []
    pledge = make_pledge(donor)
    pledge_cancel(pledge_id=pledge.id, actor=donor)
    events = list(PledgeEvent.objects.filter(pledge=pledge).values())
    before = Pledge.objects.filter(id=pledge.id).values().get()
    with pytest.raises(Conflict) as refused:
        pledge_transition(pledge_id=pledge.id, to="open", actor=donor)
    assert refused.value.status == 409 and refused.value.code == "invalid_transition"
    assert refused.value.fields == {"allowed": []}
    assert Pledge.objects.filter(id=pledge.id).values().get() == before
    assert list(PledgeEvent.objects.filter(pledge=pledge).values()) == events


def test_another_donor_cannot_cancel(api, donor, other_donor, make_pledge):
    pledge = make_pledge(donor)
    assert api.as_user(other_donor).post(f"/api/v1/pledges/{pledge.id}/cancel/").status_code == 404
    pledge.refresh_from_db()
    assert pledge.status == "open"


# --- pages -------------------------------------------------------------------------------------

FORM = {
    "name": "Trần Thị Lan",
    "email": "lan@example.org",
    "kind": "business",
    "country": "VN",
    "language": "vi",
    "brand": "Xiaomi",
    "model": "Redmi Note 12",
    "os": "android",
    "os_version": "13",
    "ram_gb": "4",
    "storage_gb": "128",
    "supports_4g": "yes",
    "supports_volte": "yes",
    "has_nfc": "on",
    "has_camera": "on",
    "condition": "new",
    "quantity": "3",
    "dropoff": "post",
    "commune": "",
    "rule": "prefer",
}


def test_the_pledge_page_works_without_javascript(client, communes):
    page = client.get("/tang-dien-thoai/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "VoLTE" in html and "Tìm iPhone" in html
    assert html.count('<option value="') >= 78  # every commune is a choice
    response = client.post("/tang-dien-thoai/", FORM)
    assert response.status_code == 302, response.content.decode()[:3000]
    pledge = Pledge.objects.get()
    assert pledge.devices.count() == 3
    thanks = client.get(response["Location"]).content.decode()
    for device in pledge.devices.all():
        assert device.tracking_code in thanks


def test_the_pledge_page_shows_the_refusal_on_the_field(client, communes):
    response = client.post(
        "/tang-dien-thoai/", {**FORM, "supports_volte": "no", "condition": "good", "quantity": "1"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "VoLTE" in html and 'class="error"' in html
    assert Pledge.objects.count() == 0


def test_my_donations_page_shows_only_my_pledges(
    client, donor, other_donor, make_pledge, django_assert_num_queries
):
    mine = [make_pledge(donor) for _n in range(3)]
    theirs = make_pledge(other_donor)
    client.force_login(donor)
    client.get("/cua-toi/")
    # session, user, roles, pledges, devices (+outcomes), events, photos, gifts (+attributions)
    with django_assert_num_queries(8):
        html = client.get("/cua-toi/").content.decode()
    for pledge in mine:
        assert pledge.devices.get().tracking_code in html
    assert theirs.devices.get().tracking_code not in html
    assert client.get(f"/cua-toi/cam-ket/{theirs.id}/").status_code == 404


def test_my_donations_page_needs_sign_in(client):
    response = client.get("/cua-toi/")
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]
