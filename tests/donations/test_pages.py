"""The donation pages a person uses without JavaScript: pledge detail (edit, photo, cancel),
gifts (VietQR page), the statement page, the public ledger, tracking lookup, access per persona."""

import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from donations.lifecycle import device_transition
from donations.models import DevicePhoto, Gift, PledgeEvent
from tests.conftest import COMMUNE_B
from tests.donations.conftest import gift_form_post, jpeg_with_gps, paid_gift, pledge_body, spend

pytestmark = pytest.mark.django_db


def test_a_donor_edits_the_pledge_on_its_page(client, donor, make_pledge, hubs):
    pledge = make_pledge(donor)
    client.force_login(donor)
    response = client.post(
        f"/cua-toi/cam-ket/{pledge.id}/",
        {
            "form": "edit",
            "dropoff": "hub",
            "hub": hubs["K"].id,
            "commune": COMMUNE_B,
            "rule": "only",
        },
    )
    assert response.status_code == 302
    pledge.refresh_from_db()
    assert (pledge.dropoff, pledge.hub, pledge.commune_preference_id, pledge.preference_strict) == (
        "hub",
        hubs["K"],
        COMMUNE_B,
        True,
    )
    assert PledgeEvent.objects.filter(pledge=pledge, action="updated").exists()


def test_the_edit_form_shows_a_rule_broken_on_its_field(client, donor, make_pledge):
    pledge = make_pledge(donor)
    client.force_login(donor)
    response = client.post(
        f"/cua-toi/cam-ket/{pledge.id}/",
        {"form": "edit", "dropoff": "pickup", "pickup_address": ""},
    )
    assert response.status_code == 200
    assert "Cho chúng tôi biết địa chỉ đến nhận máy." in response.content.decode()
    pledge.refresh_from_db()
    assert pledge.dropoff == "post"


def test_a_donor_adds_a_photo_on_the_page_and_its_location_is_gone(client, donor, make_pledge):
    pledge = make_pledge(donor)
    device = pledge.devices.get()
    client.force_login(donor)
    upload = SimpleUploadedFile("gps.jpg", jpeg_with_gps((900, 700)), "image/jpeg")
    response = client.post(
        f"/cua-toi/cam-ket/{pledge.id}/",
        {"form": "photo", "device": device.tracking_code, "image": upload},
    )
    assert response.status_code == 302
    photo = DevicePhoto.objects.get(device=device)
    with photo.image.open("rb") as handle:
        assert Image.open(io.BytesIO(handle.read())).getexif().get_ifd(0x8825) == {}


def test_a_bad_photo_is_refused_on_the_page(client, donor, make_pledge):
    pledge = make_pledge(donor)
    client.force_login(donor)
    upload = SimpleUploadedFile("x.jpg", b"not an image", "image/jpeg")
    response = client.post(
        f"/cua-toi/cam-ket/{pledge.id}/",
        {"form": "photo", "device": pledge.devices.get().tracking_code, "image": upload},
    )
    assert response.status_code == 200
    assert "JPEG, PNG hoặc WebP" in response.content.decode()
    assert DevicePhoto.objects.count() == 0


def test_a_donor_cancels_on_the_page_until_received(client, donor, make_pledge, coordinator_h):
    first, second = make_pledge(donor), make_pledge(donor)
    device_transition(device_id=second.devices.get().id, to="received", actor=coordinator_h)
    client.force_login(donor)
    client.post(f"/cua-toi/cam-ket/{first.id}/huy/")
    first.refresh_from_db()
    assert first.status == "cancelled"
    page = client.post(f"/cua-toi/cam-ket/{second.id}/huy/", follow=True).content.decode()
    assert "không thể sửa hay hủy" in page
    second.refresh_from_db()
    assert second.status == "open"
    assert "Hủy cam kết này" not in page  # the button is gone once a hub has the phone


@pytest.mark.parametrize(
    "persona", ["anonymous", "other_donor", "officer_a", "coordinator_h", "admin"]
)
def test_only_the_donor_reaches_the_pledge_pages(client, personas, make_pledge, persona):
    pledge = make_pledge(personas["donor"])
    if personas[persona] is not None:
        client.force_login(personas[persona])
    for response in (
        client.get(f"/cua-toi/cam-ket/{pledge.id}/"),
        client.post(f"/cua-toi/cam-ket/{pledge.id}/huy/"),
    ):
        assert response.status_code in (302, 404)
        if response.status_code == 302:
            assert "/dang-nhap/" in response["Location"]
    pledge.refresh_from_db()
    assert pledge.status == "open"


def test_a_vietqr_gift_from_the_page_shows_its_code_and_memo(client, db):
    response = gift_form_post(client, "vietqr", 300000, "VND", "sim", "Cô Mai", "mai@example.vn")
    assert response.status_code == 302
    gift = Gift.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert gift.memo in page and "300.000 VND" in page and "qr.png" in page


def test_a_card_gift_from_the_page_goes_to_stripe_checkout(client, fake_stripe):
    response = gift_form_post(client, "stripe", 2000, "AUD", name="Minh", email="minh@example.au")
    assert response.status_code == 302
    assert response["Location"].startswith("https://checkout.stripe.test/c/pay/cs_test_")
    assert client.get("/ung-ho/thanh-cong/?gift=1").status_code == 200
    assert client.get("/ung-ho/huy/?gift=1").status_code == 200


def test_the_statement_page_reconciles_and_lists_past_runs(
    client, api, coordinator_h, django_assert_num_queries
):
    gift = Gift.objects.get(
        id=api.post(
            "/api/v1/gifts/vietqr/",
            {"amount": 100000, "email": "a@example.vn", "name": "A"},
            format="json",
        ).json()["id"]
    )
    client.force_login(coordinator_h)
    csv = f"Ngày,Số tiền,Nội dung,Mã giao dịch\n01/12/2026,100000,{gift.memo},FT9\n".encode()
    for _n in range(3):
        response = client.post("/doi-soat/", {"file": SimpleUploadedFile("s.csv", csv, "text/csv")})
        assert response.status_code == 200
    assert "0 khoản ủng hộ được ghi nhận" in response.content.decode()  # the third run pays nothing
    gift.refresh_from_db()
    assert gift.status == "paid"
    # session, user, the scope (roles, their communes, hubs, hubs' communes), statements with
    # their uploader, the count of pending transfers, the count of held money waiting
    with django_assert_num_queries(9):
        page = client.get("/doi-soat/")
    assert page.content.decode().count("s.csv") == 3


def test_the_public_ledger_lists_money_in_and_out_without_names(
    client, donor, make_pledge, coordinator_h, django_assert_num_queries
):
    for _n in range(3):
        paid_gift(donor, 400000, "refurbish")
    device = make_pledge(donor).devices.get()
    spend(coordinator_h, "refurbish", 250000, [device], "Pin")
    with django_assert_num_queries(3):  # totals, entries with gifts, devices
        html = client.get("/quy/").content.decode()
    assert "1.200.000 VND" in html and "950.000 VND" in html and device.tracking_code in html
    assert "Nhà Hảo Tâm" not in html and donor.email not in html


def test_the_tracking_lookup_sends_to_the_phone(client, donor, make_pledge):
    code = make_pledge(donor).devices.get().tracking_code
    response = client.get("/t/", {"code": code.lower()})
    assert response.status_code == 302 and response["Location"] == f"/t/{code}"
    assert "NS-7K3F9Q" in client.get("/t/").content.decode()


def test_the_thanks_page_lists_hub_addresses_for_a_parcel(
    client, hubs, django_capture_on_commit_callbacks
):
    from tests.donations.test_pledges import FORM

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/tang-dien-thoai/", FORM)
    html = client.get("/tang-dien-thoai/cam-on/").content.decode()
    assert hubs["H"].address in html and hubs["K"].address in html
    assert hubs["K"].address in mail.outbox[0].body


def test_the_home_page_links_to_donating(client, db):
    html = client.get("/").content.decode()
    assert 'href="/tang-dien-thoai/"' in html and 'href="/ung-ho/"' in html


def test_staff_landing_shows_reconciliation_to_coordinators_only(client, coordinator_h, officer_a):
    client.force_login(coordinator_h)
    assert "/doi-soat/" in client.get("/nhan-vien/").content.decode()
    client.force_login(officer_a)
    assert "/doi-soat/" not in client.get("/nhan-vien/").content.decode()


def test_a_signed_in_donor_pledges_on_the_page_without_retyping_their_email(
    client, donor, communes
):
    from tests.donations.test_pledges import FORM

    client.force_login(donor)
    data = {k: v for k, v in FORM.items() if k not in ("name", "email", "country", "language")}
    response = client.post("/tang-dien-thoai/", data)
    assert response.status_code == 302
    assert donor.donor.pledges.get().devices.count() == 3


def test_pledge_body_helper_is_valid(api, communes):
    assert api.post("/api/v1/pledges/", pledge_body(), format="json").status_code == 201
