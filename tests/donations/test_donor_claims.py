"""An email typed by an anonymous visitor proves nothing (issue 12, finding 1). A pledge or a gift
naming the email of an existing account is kept apart, as an unconfirmed claim: the account's
donor profile is not touched and the pledge is not theirs until the owner, signed in, follows the
one-time link emailed to that address. Staff accounts never become donors by accident."""

import re
import time
from urllib.parse import urlsplit

import pytest
from django.core import mail

from accounts.models import User
from donations.models import Donor, DonorClaim, Gift, Pledge, PledgeEvent
from donations.selectors import gift_list_for_donor
from donations.services.donors import donor_for
from donations.services.gifts import gift_transition
from progress.selectors import honour_roll_compute
from tests.conftest import COMMUNE_A, COMMUNE_B
from tests.donations.conftest import phone, pledge_body
from tests.donations.test_pledges import FORM

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://\S+/cua-toi/xac-nhan/[^/\s]+/")
OWNER_PROFILE = ("public_name", "home_commune_id", "kind", "country", "name", "email", "language")


@pytest.fixture
def established(donor, communes, make_pledge):
    """A business donor with a public name, a home commune and one pledge on the honour roll."""
    row = donor_for(
        actor=donor,
        kind="business",
        country="VN",
        public_name="Công ty Sóng Xanh",
        home_commune=COMMUNE_A,
    ).donor
    make_pledge(donor)
    mail.outbox.clear()
    return row


def _profile(donor_row):
    donor_row.refresh_from_db()
    return {field: getattr(donor_row, field) for field in OWNER_PROFILE}


def _impostor_body(email):
    body = pledge_body(public_name="Kẻ Mạo Danh")
    body["donor"] = {
        "name": "Kẻ Mạo Danh",
        "email": email,
        "kind": "individual",
        "country": "DE",
        "home_commune": COMMUNE_B,
    }
    return body


def _anonymous_api_pledge(api, email, capture):
    api.as_user(None)
    with capture(execute=True):
        response = api.post("/api/v1/pledges/", _impostor_body(email), format="json")
    assert response.status_code == 201, response.content
    return response


def _link(message) -> str:
    links = LINK.findall(message.body)
    assert len(links) == 1, message.body
    return urlsplit(links[0]).path


def _shape(value):
    """The keys of a JSON body, nested, without the values."""
    if isinstance(value, dict):
        return {key: _shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_shape(item) for item in value[:1]]
    return type(value).__name__


def _assert_refused(client, link, status, words):
    """The link refused, on the page and on the button, with `words` in the message."""
    for method in (client.get, client.post):
        refused = method(link)
        assert refused.status_code == status
        assert words in refused.content.decode()


def _assert_untouched(established, before, donor, client, pledge):
    assert _profile(established) == before
    assert pledge.donor_id != established.id
    assert pledge.donor.user_id is None
    assert not Pledge.objects.filter(id=pledge.id, donor__user=donor).exists()
    client.force_login(donor)
    html = client.get("/cua-toi/").content.decode()
    for device in pledge.devices.all():
        assert device.tracking_code not in html
    roll = honour_roll_compute()
    assert [row["name"] for row in roll] == ["Công ty Sóng Xanh"]
    assert roll[0]["pledged"] == 1


def test_an_anonymous_api_pledge_with_a_donors_email_leaves_their_profile_alone(
    api, client, donor, established, django_capture_on_commit_callbacks
):
    before = _profile(established)
    users = User.objects.count()
    response = _anonymous_api_pledge(api, "  DONOR@Test.VN ", django_capture_on_commit_callbacks)
    pledge = Pledge.objects.get(id=response.json()["id"])
    _assert_untouched(established, before, donor, client, pledge)
    assert User.objects.count() == users  # no second account for the address
    api.as_user(donor)
    ids = [p["id"] for p in api.get("/api/v1/pledges/").json()["results"]]
    assert pledge.id not in ids
    claim = DonorClaim.objects.get(donor=pledge.donor)
    assert claim.account == donor and claim.confirmed_at is None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["donor@test.vn"]
    assert LINK.search(message.body)
    for device in pledge.devices.all():
        assert device.tracking_code in message.body


def test_an_anonymous_form_pledge_with_a_donors_email_leaves_their_profile_alone(
    client, donor, established, django_capture_on_commit_callbacks
):
    before = _profile(established)
    form = {**FORM, "email": "donor@test.vn", "public_name": "Kẻ Mạo Danh", "kind": "individual"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/tang-dien-thoai/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    pledge = Pledge.objects.exclude(donor=established).get()
    thanks = client.get(response["Location"]).content.decode()
    for device in pledge.devices.all():
        assert device.tracking_code in thanks
    _assert_untouched(established, before, donor, client, pledge)
    assert [m.to for m in mail.outbox] == [["donor@test.vn"]]
    assert LINK.search(mail.outbox[0].body)


def test_the_owner_signed_in_confirms_the_pledge_and_then_it_is_theirs(
    api, client, donor, established, django_capture_on_commit_callbacks
):
    before = _profile(established)
    response = _anonymous_api_pledge(api, "donor@test.vn", django_capture_on_commit_callbacks)
    pledge = Pledge.objects.get(id=response.json()["id"])
    holder = pledge.donor
    link = _link(mail.outbox[0])
    anonymous = client.get(link)
    assert anonymous.status_code == 302 and "/dang-nhap/" in anonymous["Location"]
    client.force_login(donor)
    page = client.get(link)
    assert page.status_code == 200
    html = page.content.decode()
    code = pledge.devices.get().tracking_code
    assert code in html and "<form" in html
    assert not Pledge.objects.filter(
        id=pledge.id, donor=established
    ).exists()  # GET changes nothing
    done = client.post(link)
    assert done.status_code == 302
    pledge.refresh_from_db()
    assert pledge.donor_id == established.id
    assert _profile(established) == before  # the profile stays the owner's own
    claim = DonorClaim.objects.get(donor=holder)
    assert claim.confirmed_at is not None and claim.confirmed_by == donor
    event = PledgeEvent.objects.get(pledge=pledge, action="claimed")
    assert event.actor == donor and event.data["claim"] == claim.id
    assert code in client.get("/cua-toi/").content.decode()
    assert honour_roll_compute()[0]["pledged"] == 2


def test_a_link_followed_by_another_account_is_refused_and_changes_nothing(
    api, client, donor, other_donor, established, django_capture_on_commit_callbacks
):
    response = _anonymous_api_pledge(api, "donor@test.vn", django_capture_on_commit_callbacks)
    pledge = Pledge.objects.get(id=response.json()["id"])
    holder = pledge.donor_id
    link = _link(mail.outbox[0])
    client.force_login(other_donor)
    _assert_refused(client, link, 403, "địa chỉ email khác")
    pledge.refresh_from_db()
    assert pledge.donor_id == holder
    assert not Donor.objects.filter(user=other_donor).exists()
    assert DonorClaim.objects.get(donor_id=holder).confirmed_at is None
    assert not PledgeEvent.objects.filter(action="claimed").exists()
    client.force_login(donor)  # the owner can still use it
    assert client.post(link).status_code == 302
    pledge.refresh_from_db()
    assert pledge.donor_id == established.id


def test_a_used_link_is_refused_the_second_time(
    api, client, donor, established, django_capture_on_commit_callbacks
):
    response = _anonymous_api_pledge(api, "donor@test.vn", django_capture_on_commit_callbacks)
    link = _link(mail.outbox[0])
    client.force_login(donor)
    assert client.post(link).status_code == 302
    events = PledgeEvent.objects.count()
    _assert_refused(client, link, 409, "đã được dùng")
    assert PledgeEvent.objects.count() == events
    assert Pledge.objects.get(id=response.json()["id"]).donor_id == established.id


def test_an_expired_link_is_refused(
    api, client, donor, established, monkeypatch, settings, django_capture_on_commit_callbacks
):
    settings.DONATIONS_CLAIM_LINK_MAX_AGE = 3600
    sent_at = time.time() - 3601
    with monkeypatch.context() as patch:
        patch.setattr("django.core.signing.time.time", lambda: sent_at)
        response = _anonymous_api_pledge(api, "donor@test.vn", django_capture_on_commit_callbacks)
    link = _link(mail.outbox[0])
    pledge = Pledge.objects.get(id=response.json()["id"])
    holder = pledge.donor_id
    client.force_login(donor)
    _assert_refused(client, link, 410, "hết hạn")
    pledge.refresh_from_db()
    assert pledge.donor_id == holder
    assert DonorClaim.objects.get(donor_id=holder).confirmed_at is None


def test_a_forged_link_is_refused(
    api, client, donor, established, django_capture_on_commit_callbacks
):
    response = _anonymous_api_pledge(api, "donor@test.vn", django_capture_on_commit_callbacks)
    claim = DonorClaim.objects.get()
    client.force_login(donor)
    for token in (f"{claim.id}:1abcde:forged", "nonsense"):
        refused = client.post(f"/cua-toi/xac-nhan/{token}/")
        assert refused.status_code == 404
        assert "không hợp lệ" in refused.content.decode()
    assert Pledge.objects.get(id=response.json()["id"]).donor.user_id is None


def test_the_answer_is_the_same_whether_or_not_the_email_has_an_account(
    api, donor, established, django_capture_on_commit_callbacks
):
    known = _anonymous_api_pledge(api, "donor@test.vn", django_capture_on_commit_callbacks)
    new = _anonymous_api_pledge(api, "new.person@example.org", django_capture_on_commit_callbacks)
    assert _shape(known.json()) == _shape(new.json())
    assert known.json()["warnings"] == new.json()["warnings"]
    assert set(known.headers) == set(new.headers)
    # The new email still gets its account and donor row, with the profile typed.
    newcomer = Donor.objects.get(user__email="new.person@example.org")
    assert (newcomer.public_name, newcomer.home_commune_id) == ("Kẻ Mạo Danh", COMMUNE_B)


@pytest.mark.parametrize("who", ["admin", "coordinator", "is_staff", "superuser"])
def test_a_staff_email_never_makes_a_donor_row_for_the_staff_account(
    api, who, admin_user, coordinator_h, django_capture_on_commit_callbacks
):
    staff = {
        "admin": admin_user,
        "coordinator": coordinator_h,
        "is_staff": User.objects.create_user(email="staff@test.vn", password=None, is_staff=True),
        "superuser": User.objects.create_superuser(email="root@test.vn", password="x-long-pass-1"),
    }[who]
    users = User.objects.count()
    response = _anonymous_api_pledge(api, staff.email, django_capture_on_commit_callbacks)
    pledge = Pledge.objects.get(id=response.json()["id"])
    assert not Donor.objects.filter(user=staff).exists()
    assert pledge.donor.user_id is None
    assert DonorClaim.objects.get(donor=pledge.donor).account == staff
    assert User.objects.count() == users
    assert [m.to for m in mail.outbox] == [[staff.email]]
    assert LINK.search(mail.outbox[0].body)


def test_a_signed_in_donor_still_pledges_on_their_own_profile(api, donor, established):
    body = {"devices": [phone()], "dropoff": "post", "public_name": "Sóng Xanh JSC"}
    response = api.as_user(donor).post("/api/v1/pledges/", body, format="json")
    assert response.status_code == 201
    assert Pledge.objects.get(id=response.json()["id"]).donor_id == established.id
    assert _profile(established)["public_name"] == "Sóng Xanh JSC"
    assert not DonorClaim.objects.exists()


def test_a_bank_gift_with_a_donors_email_waits_for_the_owner(
    client, donor, established, django_capture_on_commit_callbacks
):
    before = _profile(established)
    data = {"method": "vietqr", "amount": "200000", "currency": "VND", "purpose": "general"}
    response = client.post("/ung-ho/", {**data, "name": "Kẻ Mạo Danh", "email": "donor@test.vn"})
    assert response.status_code == 302
    gift = Gift.objects.get()
    assert gift.donor.user_id is None and gift.donor_id != established.id
    assert _profile(established) == before
    assert not gift_list_for_donor(user=donor).exists()
    with django_capture_on_commit_callbacks(execute=True):
        gift_transition(gift_id=gift.id, to=Gift.Status.PAID, source="test")
    assert [m.to for m in mail.outbox] == [["donor@test.vn"]]
    client.force_login(donor)
    assert client.post(_link(mail.outbox[0])).status_code == 302
    gift.refresh_from_db()
    assert gift.donor_id == established.id
    assert list(gift_list_for_donor(user=donor)) == [gift]
    assert gift.events.filter(source="claim", actor=donor).exists()


def test_a_card_gift_with_a_donors_email_waits_for_the_owner_too(
    api, donor, established, fake_stripe
):
    before = _profile(established)
    body = {"amount": 2500, "currency": "USD", "purpose": "sim", "name": "Kẻ Mạo Danh"}
    known = api.post("/api/v1/gifts/checkout/", {**body, "email": "donor@test.vn"}, format="json")
    new = api.post("/api/v1/gifts/checkout/", {**body, "email": "new@example.org"}, format="json")
    assert known.status_code == new.status_code == 201, known.content
    assert _shape(known.json()) == _shape(new.json())
    gift = Gift.objects.get(id=known.json()["id"])
    assert gift.donor.user_id is None and gift.donor.claim.account == donor
    assert _profile(established) == before
    assert not gift_list_for_donor(user=donor).exists()
