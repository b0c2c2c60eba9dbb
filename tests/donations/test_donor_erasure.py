"""A donor's own data (issue 14, API.md "Data subjects"): GET /api/v1/me/personal-data/ shows
everything held about the account; POST /api/v1/me/erase/ {"confirm": true} (and its page under
/cua-toi/) erases name, email and public name, closes the account, keeps the pledges and gifts
as anonymous rows so the ledger balances, and takes the name off the honour roll at once."""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import AccountEvent, User
from donations.models import Device, DevicePhoto, Donor, DonorClaim, Gift, Pledge, StripeEvent
from tests.conftest import PASSWORD, assert_error
from tests.donations.conftest import jpeg_with_gps, paid_gift, spend
from tests.privacy.scan import rows_naming

pytestmark = pytest.mark.django_db

NAME = "Nhà Hảo Tâm"  # tests.conftest.DONORS["donor"]
EMAIL = "donor@test.vn"
PUBLIC = "Gia đình Nhà Hảo Tâm ở Berlin"
PICKUP = "Số 7 ngõ Hoà Bình, Đông Hà"


@pytest.fixture
def giver(donor, make_pledge, communes, admin_user, django_capture_on_commit_callbacks):
    """The donor persona with a public name, a pledge picked up at home with a photo, a phone
    already spent on, a paid bank-transfer gift (its statement line names them without
    diacritics), a card gift with its Stripe event, and a claim made in their email's name."""
    from donations.services.gifts import gift_vietqr_create
    from donations.services.photos import device_photo_add
    from donations.services.statements import statement_reconcile

    pledge = make_pledge(
        donor,
        dropoff="pickup",
        pickup_address=PICKUP,
        pickup_window="Thứ bảy 8:00–11:00",
        public_name=PUBLIC,
    )
    device = pledge.devices.get()
    image = SimpleUploadedFile("phone.jpg", jpeg_with_gps((64, 48)), content_type="image/jpeg")
    with django_capture_on_commit_callbacks(execute=True):
        device_photo_add(
            pledge_id=pledge.id, tracking_code=device.tracking_code, image=image, actor=donor
        )
    gift = paid_gift(donor, 300_000, "refurbish")
    spend(admin_user, "refurbish", 100_000, [device])
    transfer = gift_vietqr_create(actor=donor, amount=200_000, email="", name="", language="vi")
    statement_reconcile(
        content=(
            "Ngày,Số tiền,Nội dung,Số tham chiếu\n"
            f"01/12/2026,200000,NHA HAO TAM chuyen tien {transfer.memo},FT001\n"
        ).encode(),
        filename="saoke.csv",
        actor=admin_user,
    )
    card = Gift.objects.create(
        donor=gift.donor,
        method="stripe",
        amount=5000,
        currency="EUR",
        stripe_session_id="cs_test_erase",
    )
    StripeEvent.objects.create(
        event_id="evt_erase",
        type="checkout.session.completed",
        session_id="cs_test_erase",
        payload={"data": {"object": {"id": "cs_test_erase", "customer_details": {
            "email": EMAIL, "name": NAME}}}},
    )  # fmt: skip
    claimed = Donor.objects.create(name="Ai Đó Khác", email=EMAIL)
    DonorClaim.objects.create(donor=claimed, account=donor, typed={"public_name": "Ai Đó"})
    transfer.refresh_from_db()
    assert transfer.status == "paid"
    # A line of another statement names them but no gift of theirs (a memo mistyped).
    statement_reconcile(
        content=(
            "Ngày,Số tiền,Nội dung,Số tham chiếu\n02/12/2026,50000,Nha Hao Tam ung ho,FT002\n"
        ).encode(),
        filename="saoke-2.csv",
        actor=admin_user,
    )
    return {"pledge": pledge, "device": device, "gifts": [gift, transfer, card]}


def test_the_personal_data_export_holds_everything_about_the_account(api, donor, giver):
    assert api.get("/api/v1/me/personal-data/").status_code == 401
    body = api.as_user(donor).get("/api/v1/me/personal-data/").json()
    assert body["account"]["email"] == EMAIL and body["account"]["name"] == NAME
    (profile,) = body["donor"]
    assert (profile["name"], profile["email"], profile["public_name"]) == (NAME, EMAIL, PUBLIC)
    (pledge,) = profile["pledges"]
    assert pledge["pickup_address"] == PICKUP
    assert pledge["devices"][0]["tracking_code"] == giver["device"].tracking_code
    assert pledge["devices"][0]["photos"] == 1
    assert sorted(g["amount"]["amount"] for g in profile["gifts"]) == [5000, 200_000, 300_000]
    (claim,) = body["unconfirmed_claims"]
    assert claim["name"] == "Ai Đó Khác" and claim["typed"] == {"public_name": "Ai Đó"}


def test_erasing_needs_a_confirmation_and_changes_nothing_without_it(api, donor, giver):
    for body in ({}, {"confirm": False}):
        response = api.as_user(donor).post("/api/v1/me/erase/", body, format="json")
        assert_error(response, 400, "confirm_required", "confirm")
    assert Donor.objects.get(user=donor).name == NAME
    donor.refresh_from_db()
    assert donor.is_active and donor.email == EMAIL


def test_erasing_a_donor_keeps_the_ledger_and_takes_them_off_everything(
    api, client, donor, giver, django_capture_on_commit_callbacks
):
    from donations.selectors import ledger_public

    ledger_before = ledger_public()["totals"]
    # The roll is cached from now on: its rows, and the rendered page's fragment in each language.
    assert PUBLIC in client.get("/tien-do/vinh-danh/").content.decode()
    assert PUBLIC in client.get("/tien-do/vinh-danh/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    photo = DevicePhoto.objects.get()
    files = [photo.image, photo.thumbnail]
    assert all(f.storage.exists(f.name) for f in files if f)
    assert rows_naming(NAME, EMAIL, PUBLIC, PICKUP, "Nha Hao Tam")

    with django_capture_on_commit_callbacks(execute=True):
        response = api.as_user(donor).post("/api/v1/me/erase/", {"confirm": True}, format="json")
    assert response.status_code == 200, response.content
    assert response.json() == {"erased": True}

    row = Donor.objects.get(user=donor)
    assert (row.name, row.email, row.public_name, row.home_commune) == ("", "", "", None)
    assert row.erased_at is not None
    # Pledges, phones and gifts stay, anonymous; the ledger is as it was.
    assert Pledge.objects.get(id=giver["pledge"].id).donor == row
    assert Pledge.objects.get(id=giver["pledge"].id).pickup_address == ""
    assert Device.objects.filter(pledge__donor=row).count() == 1
    assert set(Gift.objects.filter(donor=row).values_list("id", flat=True)) == {
        g.id for g in giver["gifts"]
    }
    assert ledger_public()["totals"] == ledger_before
    # Photos deleted, files too; the claim made in their email's name is gone.
    assert not DevicePhoto.objects.exists()
    assert not any(f.storage.exists(f.name) for f in files if f)
    assert not DonorClaim.objects.exists()
    # The account can no longer sign in, by any door.
    donor.refresh_from_db()
    assert not donor.is_active and not donor.has_usable_password()
    assert donor.email.endswith("@erased.invalid") and donor.name == ""
    assert AccountEvent.objects.filter(user=donor, action="erased").exists()
    assert api.get("/api/v1/me/").status_code == 401  # the old token is gone
    token = api.post("/api/v1/auth/token/", {"username": EMAIL, "password": PASSWORD})
    assert_error(token, 400, "invalid_credentials")
    assert not client.login(username=EMAIL, password=PASSWORD)
    # The honour roll forgets them at once, although it was cached.
    assert PUBLIC not in client.get("/tien-do/vinh-danh/").content.decode()
    english = client.get("/tien-do/vinh-danh/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert PUBLIC not in english and "Honour roll" in english
    # Nothing in the database names them any more (statement lines and payment events neither).
    assert rows_naming(NAME, EMAIL, PUBLIC, PICKUP, "Nha Hao Tam") == []
    assert StripeEvent.objects.get(event_id="evt_erase").session_id == "cs_test_erase"


def test_the_pages_show_the_data_and_erase_after_a_confirmation_step(
    client, donor, giver, django_capture_on_commit_callbacks
):
    client.force_login(donor)
    mine = client.get("/cua-toi/").content.decode()
    assert "/cua-toi/du-lieu-cua-toi/" in mine
    page = client.get("/cua-toi/du-lieu-cua-toi/").content.decode()
    assert NAME in page and EMAIL in page and PUBLIC in page and PICKUP in page
    download = client.get("/cua-toi/du-lieu-cua-toi.json")
    assert download["Content-Type"] == "application/json"
    assert json.load(io.BytesIO(download.content))["account"]["email"] == EMAIL
    confirm = client.get("/cua-toi/xoa-tai-khoan/").content.decode()
    assert 'name="confirm"' in confirm and "Xoá dữ liệu của tôi" in confirm
    refused = client.post("/cua-toi/xoa-tai-khoan/", {})
    assert refused.status_code == 400
    assert Donor.objects.get(user=donor).name == NAME
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post("/cua-toi/xoa-tai-khoan/", {"confirm": "on"})
    assert done.status_code == 200
    assert Donor.objects.get(user=donor).name == ""
    assert client.get("/cua-toi/").status_code == 302  # signed out
    assert rows_naming(NAME, EMAIL, PUBLIC) == []


def test_a_member_of_staff_is_not_erased_by_this_door(api, officer_a):
    response = api.as_user(officer_a).post("/api/v1/me/erase/", {"confirm": True}, format="json")
    assert_error(response, 409, "staff_account")
    assert User.objects.get(id=officer_a.id).is_active
