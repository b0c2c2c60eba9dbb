"""The whole system in one chained journey, in headless Chromium, at 360 px and at desktop width:

(a) a donor abroad, in English, pledges two phones, sets a password from the confirmation email,
    and gives money by card (Stripe Checkout on the local fake server; the hosted page is not
    ours, so its completion is the signed `checkout.session.completed` webhook);
(b) an officer nominates two households (one through the form, one through the Excel template)
    and a verifier approves both;
(c) a coordinator takes the two phones through intake, wipe and QA, runs matching and approves
    it, plans and dispatches a batch, hands both phones over and downloads the receipt PDF;
(d) the donor's tracking page then shows where the phone went (commune and kind, no name).

Each step checks the database, not only the page; screenshots go to artifacts/screenshots/."""

from __future__ import annotations

import io
import json
import re
import urllib.request
from urllib.parse import urlparse

import pytest
from django.core import mail
from pypdf import PdfReader

from tests.browser.conftest import (
    fill_by_id,
    fill_household_form,
    fill_qa,
    fits,
    record_wipe,
    screenshot,
    sign_in,
    sign_out,
    submit,
)
from tests.donations.conftest import WEBHOOK_SECRET, fake_stripe  # noqa: F401 (a fixture)
from tests.donations.fake_stripe import sign
from tests.households.conftest import cccd

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DONOR_EMAIL = "linh.nguyen@example.de"
DONOR_PASSWORD = "Song-Noi-2026!"


def post_webhook(live_server, event: dict) -> int:
    payload = json.dumps(event).encode()
    request = urllib.request.Request(
        live_server.url + "/stripe/webhook/",
        data=payload,
        headers={
            "Content-Type": "application/json",
            "Stripe-Signature": sign(payload, WEBHOOK_SECRET),
        },
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # 127.0.0.1 only
        return response.status


def as_person(page):
    """A fresh browser (own cookies and language) at the same width: each person has their own."""
    context = page.context.browser.new_context(
        viewport=page.viewport_size, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh"
    )
    person = context.new_page()
    person.viewport_name = page.viewport_name
    return person


# ----------------------------------------------------------------------------------------------
# (a) The donor abroad
# ----------------------------------------------------------------------------------------------


def donor_pledges_and_gives(page, live_server, hubs, fake_stripe):  # noqa: F811
    from donations.models import Device, Donor, Gift

    page.goto(live_server.url + "/tang-dien-thoai/")
    submit(page, page.get_by_role("button", name="English"))
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_label("Your name or your organisation's").fill("Nguyễn Thùy Linh")
    page.get_by_role("textbox", name="Email").fill(DONOR_EMAIL)
    page.get_by_label("You give as").select_option("diaspora")
    page.get_by_label("Country").select_option("DE")  # a list now
    fill_by_id(page, brand="Samsung", model="Galaxy A25", os_version=14, ram_gb=6, storage_gb=128)
    page.locator("#field-supports_4g").get_by_label("Yes").check()
    page.locator("#field-supports_volte").get_by_label("Yes").check()
    page.locator("#id_condition").select_option("new")
    page.locator("#id_quantity").fill("2")
    page.locator("#id_hub").select_option(str(hubs["H"].id))
    fits(page)
    screenshot(page, "journey-a1-pledge-form-en")
    submit(page, page.get_by_role("button", name="Pledge this phone"))
    page.wait_for_url("**/tang-dien-thoai/cam-on/")
    donor = Donor.objects.get(email=DONOR_EMAIL)
    assert (donor.kind, donor.country) == ("diaspora", "DE")
    devices = list(Device.objects.filter(pledge__donor=donor).order_by("id"))
    assert len(devices) == 2 and {d.status for d in devices} == {"pledged"}
    for device in devices:
        assert device.tracking_code in page.content()
    fits(page)
    screenshot(page, "journey-a2-pledge-thanks")

    # The confirmation email (in English) carries the link that sets a password.
    [email] = [m for m in mail.outbox if DONOR_EMAIL in m.to]
    assert devices[0].tracking_code in email.body
    link = re.search(r"https?://\S+/mat-khau/dat-lai/\S+/", email.body).group(0)
    page.goto(live_server.url + urlparse(link).path)
    page.wait_for_load_state()
    passwords = page.locator("input[type=password]")
    passwords.nth(0).fill(DONOR_PASSWORD)
    passwords.nth(1).fill(DONOR_PASSWORD)
    submit(page, page.locator("main form button[type=submit]"))
    sign_in(page, live_server, DONOR_EMAIL, DONOR_PASSWORD, next_url="/ung-ho/")

    # Money by card: our page creates a Checkout Session on the fake Stripe; the hosted page
    # (Stripe's, not ours) is stood in for by a route; its completion is the signed webhook.
    page.route(
        "https://checkout.stripe.test/**",
        lambda route: route.fulfill(
            status=200, content_type="text/html", body="<h1>Stripe Checkout (test)</h1>"
        ),
    )
    page.locator("#field-method").get_by_label("Card (from abroad)").check()
    page.locator("#id_amount").fill("5000")
    page.locator("#id_currency").select_option("EUR")
    fits(page)
    screenshot(page, "journey-a3-gift-form")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("https://checkout.stripe.test/**")
    gift = Gift.objects.get()
    assert (gift.status, gift.amount, gift.currency) == ("pending", 5000, "EUR")
    assert gift.donor_id == donor.id
    [session_call] = [r for r in fake_stripe.requests if r["path"] == "/v1/checkout/sessions"]
    assert session_call["auth"] == "Bearer sk_test_fake"
    session = {
        "id": gift.stripe_session_id,
        "object": "checkout.session",
        "payment_intent": "pi_journey",
        "payment_status": "paid",
        "metadata": {"gift_id": str(gift.id)},
        "client_reference_id": str(gift.id),
    }
    event = {
        "id": "evt_journey_completed",
        "object": "event",
        "type": "checkout.session.completed",
        "data": {"object": session},
    }
    assert post_webhook(live_server, event) == 200
    gift.refresh_from_db()
    assert gift.status == "paid"
    # Stripe sends the donor back to our success URL (SITE_URL there; the live server here).
    success = urlparse(session_call["body"]["success_url"][0])
    page.goto(f"{live_server.url}{success.path}?{success.query}")
    assert "Thank you!" in page.locator("h1").inner_text()
    screenshot(page, "journey-a4-gift-success")
    submit(page, page.get_by_role("link", name="My donations"))
    page.wait_for_url("**/cua-toi/")
    content = page.content()
    for device in devices:
        assert device.tracking_code in content
    assert "50.00" in content or "50,00" in content
    fits(page)
    screenshot(page, "journey-a5-my-donations")
    sign_out(page)
    return devices


# ----------------------------------------------------------------------------------------------
# (b) The officer nominates, the verifier approves
# ----------------------------------------------------------------------------------------------


def officer_nominates_two_households(page, live_server, officer_a, tmp_path):
    from openpyxl import load_workbook

    from households.fields import COLUMNS
    from households.models import Household

    sign_in(page, live_server, officer_a.email)
    submit(page, page.get_by_role("link", name="Đề cử một hộ").first)
    fill_household_form(page, head_name="Hồ Thị Bình", cccd=cccd(), children=2)
    fits(page)
    screenshot(page, "journey-b1-household-form")
    submit(page, page.get_by_role("button", name="Lưu"))
    page.wait_for_url("**/ho-gia-dinh/*/")
    submit(page, page.get_by_role("button", name="Gửi xác minh"))
    assert "Đã gửi xác minh." in page.content()
    by_form = Household.objects.get(head_name="Hồ Thị Bình")
    assert by_form.status == "submitted" and by_form.created_by == officer_a

    # The second household through the Excel template, downloaded from the import page.
    page.goto(live_server.url + "/nhan-vien/")
    submit(page, page.get_by_role("link", name="Nhập từ Excel").first)
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải tệp mẫu (.xlsx)").click()
    template = tmp_path / download.value.suggested_filename
    download.value.save_as(template)
    assert template.suffix == ".xlsx"
    workbook = load_workbook(template)
    sheet = workbook["Danh sách hộ"]
    keys = [c.key for c in COLUMNS]
    assert sheet.cell(row=2, column=1).value  # the example row, overwritten below
    for key, value in {
        "head_name": "Hồ Văn Khăm",
        "cccd": cccd(),
        "members": 6,
        "school_age_children": 3,
        "phone_situation": "Chưa có điện thoại",
        "coverage_4g": "Tốt",
    }.items():
        sheet.cell(row=2, column=keys.index(key) + 1, value=value)
    filled = tmp_path / "danh-sach-ho.xlsx"
    workbook.save(filled)
    page.get_by_label("Tệp Excel (.xlsx)").set_input_files(str(filled))
    submit(page, page.get_by_role("button", name="Kiểm tra tệp"))
    fits(page)
    screenshot(page, "journey-b2-import-checked")
    assert page.get_by_text("Hồ Văn Khăm", exact=True).is_visible()  # the row read
    submit(page, page.get_by_role("button", name="Nhập 1 hộ"))
    by_excel = Household.objects.get(head_name="Hồ Văn Khăm")
    assert by_excel.status == "draft" and by_excel.commune_id == "19588"
    # The imported drafts are submitted together from the import's page, ticked to start with.
    assert page.get_by_role("checkbox", name="Hồ Văn Khăm").is_checked()
    submit(page, page.get_by_role("button", name="Gửi xác minh các hộ đã chọn"))
    assert "1 hộ đã được gửi xác minh." in page.content()
    by_excel.refresh_from_db()
    assert by_excel.status == "submitted"
    sign_out(page)
    return [by_form, by_excel]


def verifier_approves(page, live_server, verifier, households):
    sign_in(page, live_server, verifier.email)
    submit(page, page.get_by_role("link", name="Hàng chờ xác minh"))
    for household in households:
        assert household.head_name in page.content()
    fits(page)
    screenshot(page, "journey-b3-queue")
    for household in households:
        submit(page, page.get_by_role("link", name=household.head_name))
        submit(page, page.get_by_role("button", name="Xác minh", exact=True))
        page.wait_for_url("**/xac-minh/")
        assert "Đã xác minh hộ." in page.content()
        household.refresh_from_db()
        assert household.status == "verified" and household.priority_score > 0
        assert household.events.filter(new_status="verified", actor=verifier).exists()
    sign_out(page)


# ----------------------------------------------------------------------------------------------
# (c) The coordinator: intake, wipe, QA, matching, batch, handover, receipt
# ----------------------------------------------------------------------------------------------


def coordinator_prepares_a_phone(page, device, imei):
    page.get_by_label("Mã theo dõi").fill(device.tracking_code.lower())
    submit(page, page.get_by_role("button", name="Mở"))
    page.wait_for_url(f"**/kho/thiet-bi/{device.tracking_code}/")
    page.get_by_label("IMEI").fill(imei)
    submit(page, page.get_by_role("button", name="Ghi nhận tiếp nhận"))
    assert "Đã tiếp nhận" in page.content()
    record_wipe(page)
    submit(page, page.get_by_role("button", name="Ghi nhận xóa dữ liệu"))
    assert "Đã ghi nhận xóa dữ liệu" in page.content()
    qa = fill_qa(page, battery_health=93)
    fits(page)
    screenshot(page, "journey-c1-qa")
    submit(page, qa.get_by_role("button", name="Ghi nhận kiểm tra"))
    assert "máy đã sẵn sàng" in page.content()
    page.goto(page.url.split("/kho/")[0] + "/kho/")


def coordinator_delivers(page, live_server, coordinator_h, devices, households):
    from donations.models import Device
    from logistics.models import Handover
    from matching.models import Allocation, MatchRun

    imeis = ["356938035643809", "490154203237518"]  # valid Luhn check digits
    sign_in(page, live_server, coordinator_h.email, next_url="/kho/")
    fits(page)
    screenshot(page, "journey-c0-hub")
    for device, imei in zip(devices, imeis, strict=True):
        coordinator_prepares_a_phone(page, device, imei)
    assert set(
        Device.objects.filter(id__in=[d.id for d in devices]).values_list("status", flat=True)
    ) == {"ready"}

    # Matching: a run proposes, the coordinator reads the reasons and approves both.
    page.goto(live_server.url + "/nhan-vien/")
    submit(page, page.get_by_role("link", name="Các lượt ghép nối"))
    submit(page, page.get_by_role("link", name="Chạy ghép nối"))
    page.get_by_label("Hạt giống bốc thăm").fill("2026")
    submit(page, page.get_by_role("button", name="Chạy ghép nối"))
    page.wait_for_url("**/ghep-doi/*/")
    screenshot(page, "journey-c2-matching-run")
    assert page.locator("li.proposal").count() == 2
    for household in households:
        assert household.head_name not in page.content()  # the run shows needs, not names
    fits(page)
    screenshot(page, "journey-c2-matching-run")
    for box in page.locator("input[name=proposals]").all():
        box.check()
    submit(page, page.get_by_role("button", name="Duyệt các đề xuất đã chọn"))
    assert "2 đề xuất đã được duyệt" in page.content()
    assert MatchRun.objects.get().status == "approved"
    live = Allocation.objects.filter(is_live=True)
    assert {(a.device_id, a.household_id) for a in live} and {a.device_id for a in live} == {
        d.id for d in devices
    }
    assert {a.household_id for a in live} == {h.id for h in households}

    # A batch to Tà Rụt, dispatched.
    page.goto(live_server.url + "/dot-giao/")
    group = page.locator("section.batch-group", has_text="Xã Tà Rụt")
    group.get_by_label("Tên người vận chuyển").fill("Hồ Văn A")
    for device in devices:
        assert group.get_by_label(device.tracking_code, exact=False).is_checked()
    fits(page)
    screenshot(page, "journey-c3-batch-plan")
    submit(page, group.get_by_role("button", name="Lập đợt giao đến Xã Tà Rụt"))
    assert "Đã lập đợt giao" in page.content()
    submit(page, page.get_by_role("button", name="Xuất phát: máy rời điểm tiếp nhận"))
    assert "Đã xuất phát" in page.content()
    fits(page)
    screenshot(page, "journey-c4-batch-dispatched")

    # The handovers, one per household, then the receipt.
    for index, device in enumerate(devices):
        page.goto(live_server.url + "/ban-giao/")
        submit(page, page.locator(f"a[href$='/ban-giao/moi/{device.tracking_code}/']"))
        page.get_by_label("Người nhận (họ và tên)").fill(f"Hồ Văn Nhận {index}")
        page.get_by_label("Quan hệ với chủ hộ").select_option("child")
        household = Allocation.objects.get(device=device, is_live=True).household
        page.get_by_label("4 số cuối CCCD của người nhận").fill(household.cccd_last4)
        page.get_by_label("Đã hướng dẫn sử dụng").check()
        fits(page)
        screenshot(page, f"journey-c5-handover-{index}")
        submit(page, page.get_by_role("button", name="Xác nhận bàn giao"))
        assert "Đã ghi nhận bàn giao" in page.content()
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải biên bản bàn giao (PDF)").click()
    with open(download.value.path(), "rb") as handle:
        text = PdfReader(io.BytesIO(handle.read())).pages[0].extract_text()
    assert "BIÊN BẢN BÀN GIAO" in text and imeis[1] in text and "Hồ Văn Nhận 1" in text
    screenshot(page, "journey-c6-handover-done")
    for device in devices:
        device.refresh_from_db()
        assert device.status == "delivered"
    for household in households:
        household.refresh_from_db()
        assert household.status == "served"
    assert Handover.objects.count() == 2
    sign_out(page)


# ----------------------------------------------------------------------------------------------
# (d) The donor sees the outcome
# ----------------------------------------------------------------------------------------------


def donor_sees_the_outcome(page, live_server, devices, households):
    sign_in(page, live_server, DONOR_EMAIL, DONOR_PASSWORD, next_url="/cua-toi/")
    submit(page, page.get_by_role("link", name=devices[0].tracking_code).first)
    page.wait_for_url(f"**/t/{devices[0].tracking_code}")
    outcome = page.locator(".outcome").inner_text()
    assert "A family with school children in Xã Tà Rụt" in outcome
    content = page.content()
    for household in households:  # no household's personal data reaches the donor
        assert household.head_name not in content and household.cccd_last4 not in content
    fits(page)
    screenshot(page, "journey-d1-tracking-outcome")
    # The tracking link works for anyone holding the code, without signing in.
    anonymous = as_person(page)
    anonymous.goto(f"{live_server.url}/t/{devices[1].tracking_code}")
    assert "Tà Rụt" in anonymous.locator(".outcome").inner_text()
    anonymous.context.close()


def test_the_whole_journey_from_a_donor_abroad_to_the_family(
    live_server,
    page,
    communes,
    villages,
    hubs,
    officer_a,
    verifier,
    coordinator_h,
    fake_stripe,  # noqa: F811
    tmp_path,
):
    devices = donor_pledges_and_gives(page, live_server, hubs, fake_stripe)

    officer = as_person(page)
    households = officer_nominates_two_households(officer, live_server, officer_a, tmp_path)
    verifier_approves(officer, live_server, verifier, households)
    officer.context.close()

    coordinator = as_person(page)
    coordinator_delivers(coordinator, live_server, coordinator_h, devices, households)
    coordinator.context.close()

    # The donor is back in their own browser, still in English.
    donor_sees_the_outcome(page, live_server, devices, households)
