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
    page.get_by_label("Quốc gia (2 chữ cái)").fill("DE")
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
