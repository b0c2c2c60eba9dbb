import pytest

from tests.browser.conftest import fill_by_id, fits, screenshot, sign_in, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_new_donor_pledges_a_phone_as_a_new_user_would(live_server, page, communes, hubs):
    from donations.models import Device, Pledge

    page.goto(live_server.url + "/tang-dien-thoai/")
    fits(page)
    screenshot(page, "pledge-form")
    page.get_by_label("Tên của bạn hoặc của tổ chức").fill("Nguyễn Thị Hoa")
    page.get_by_role("textbox", name="Email").fill("hoa.berlin@example.de")
    page.get_by_label("Bạn tặng với tư cách").select_option("diaspora")
    page.get_by_label("Quốc gia").select_option("DE")  # a list now
    fill_by_id(page, brand="Samsung", model="Galaxy A34", os_version=14)
    page.locator("#field-supports_4g").get_by_label("Có").check()
    page.locator("#field-supports_volte").get_by_label("Không").check()
    page.locator("#id_hub").select_option(str(hubs["H"].id))
    page.get_by_label("Tìm xã").fill("huong phung")
    submit(page, page.get_by_role("button", name="Cam kết tặng máy này"))
    # Refused on the field, with the reason.
    assert "VoLTE" in page.locator("#field-supports_volte .error").inner_text()
    screenshot(page, "pledge-refused")
    page.locator("#field-supports_volte").get_by_label("Có").check()
    submit(page, page.get_by_role("button", name="Cam kết tặng máy này"))
    page.wait_for_url("**/tang-dien-thoai/cam-on/")
    device = Device.objects.get()
    assert device.tracking_code in page.content()
    assert Pledge.objects.get().commune_preference_id == "19441"
    screenshot(page, "pledge-thanks")


def test_a_donor_follows_their_phone_to_the_family(
    live_server, page, communes, hubs, donor, coordinator_h
):
    from django.utils import timezone

    from donations.services.outcomes import device_outcome_record
    from donations.services.pledges import pledge_create
    from tests.logistics.records import walk

    pledge = pledge_create(
        actor=donor,
        devices=[
            {
                "brand": "Oppo",
                "model": "A78",
                "supports_4g": True,
                "supports_volte": True,
                "condition": "good",
            }
        ],
        dropoff="hub",
        hub=hubs["H"].id,
    ).pledge
    device = pledge.devices.get()
    stages = ["received", "wiped", "ready", "allocated", "dispatched", "delivered"]
    walk(device, stages, coordinator_h)
    device_outcome_record(
        device_id=device.id,
        commune_code="19588",
        household_kind="student",
        delivered_at=timezone.now(),
        story="Hai em đã học trực tuyến được.",
    )
    sign_in(page, live_server, donor.email, next_url="/cua-toi/")
    assert device.tracking_code in page.content()
    fits(page)
    screenshot(page, "my-donations")
    submit(page, page.get_by_role("link", name=device.tracking_code).first)
    assert "Xã Tà Rụt" in page.content()
    screenshot(page, "track")


def test_a_donor_gives_by_bank_transfer_and_sees_the_vietqr_code(live_server, page, communes):
    from donations.models import Gift

    page.goto(live_server.url + "/ung-ho/")
    # Card payments are off in the test settings: the bank transfer is the one way, not a choice.
    assert page.get_by_label("Thẻ (từ nước ngoài)").count() == 0
    page.locator("#id_amount").fill("500.000")
    page.locator("#id_name").fill("Cô Mai")
    page.locator("#id_email").fill("mai@example.vn")
    submit(page, page.get_by_role("button", name="Tiếp tục"))
    page.wait_for_url("**/ung-ho/chuyen-khoan/**")
    gift = Gift.objects.get()
    assert gift.memo in page.content()
    assert page.locator(".qr img").evaluate("img => img.naturalWidth") > 100  # the PNG loaded
    fits(page)
    screenshot(page, "vietqr")


def test_an_owner_confirms_a_pledge_made_in_their_address_name(
    live_server, page, communes, hubs, donor
):
    """The email's link, opened on a phone: sign in, see what was given, say it is yours."""
    import re

    from django.core import mail

    from donations.emails import pledge_received
    from donations.models import Pledge
    from donations.services.pledges import pledge_create
    from tests.conftest import PASSWORD

    device = {"brand": "Oppo", "model": "A78", "supports_4g": True, "supports_volte": True}
    pledge = pledge_create(
        actor=None,
        donor={"name": "Ai Đó", "email": donor.email},
        devices=[{**device, "condition": "good"}],
        dropoff="post",
    ).pledge
    pledge_received(pledge_id=pledge.id)
    link = re.search(r"/cua-toi/xac-nhan/[^/\s]+/", mail.outbox[-1].body).group(0)
    page.goto(live_server.url + link)
    page.fill("input[name=username]", donor.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url("**" + link)
    code = pledge.devices.get().tracking_code
    assert code in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    screenshot(page, "claim-confirm")
    page.get_by_role("button", name="Đúng, đây là của tôi").click()
    page.wait_for_url("**/cua-toi/")
    assert code in page.content()
    assert Pledge.objects.get(id=pledge.id).donor.user == donor
