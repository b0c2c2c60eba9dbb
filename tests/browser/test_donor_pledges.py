import pytest

from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_new_donor_pledges_a_phone_as_a_new_user_would(live_server, page, communes, hubs):
    from donations.models import Device, Pledge

    page.goto(live_server.url + "/tang-dien-thoai/")
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    screenshot(page, "pledge-form")
    page.get_by_label("Tên của bạn hoặc của tổ chức").fill("Nguyễn Thị Hoa")
    page.get_by_role("textbox", name="Email").fill("hoa.berlin@example.de")
    page.get_by_label("Bạn tặng với tư cách").select_option("diaspora")
    page.get_by_label("Quốc gia").select_option("DE")  # a list now
    page.locator("#id_brand").fill("Samsung")
    page.locator("#id_model").fill("Galaxy A34")
    page.locator("#id_os_version").fill("14")
    page.locator("#field-supports_4g").get_by_label("Có").check()
    page.locator("#field-supports_volte").get_by_label("Không").check()
    page.locator("#id_hub").select_option(str(hubs["H"].id))
    page.get_by_label("Tìm xã").fill("huong phung")
    page.get_by_role("button", name="Cam kết tặng máy này").click()
    # Refused on the field, with the reason.
    assert "VoLTE" in page.locator("#field-supports_volte .error").inner_text()
    screenshot(page, "pledge-refused")
    page.locator("#field-supports_volte").get_by_label("Có").check()
    page.get_by_role("button", name="Cam kết tặng máy này").click()
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
    from tests.conftest import PASSWORD
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
    page.goto(live_server.url + "/dang-nhap/?next=/cua-toi/")
    page.get_by_label("Email").fill(donor.email)
    page.locator("input[type=password]").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/cua-toi/")
    assert device.tracking_code in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    screenshot(page, "my-donations")
    page.get_by_role("link", name=device.tracking_code).first.click()
    assert "Xã Tà Rụt" in page.content()
    screenshot(page, "track")


def test_a_donor_gives_by_bank_transfer_and_sees_the_vietqr_code(live_server, page, communes):
    from donations.models import Gift

    page.goto(live_server.url + "/ung-ho/")
    page.get_by_label("Chuyển khoản trong nước (VietQR)").check()
    page.locator("#id_amount").fill("500000")
    page.locator("#id_name").fill("Cô Mai")
    page.locator("#id_email").fill("mai@example.vn")
    page.get_by_role("button", name="Tiếp tục").click()
    page.wait_for_url("**/ung-ho/chuyen-khoan/**")
    gift = Gift.objects.get()
    assert gift.memo in page.content()
    assert page.locator(".qr img").evaluate("img => img.naturalWidth") > 100  # the PNG loaded
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    screenshot(page, "vietqr")
