"""A coordinator takes a phone from intake to delivered, as a new user would, on a 360 px phone
and on a desktop: scan, receive, wipe, check, batch, dispatch, hand over, download the record."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from tests.browser.conftest import fill_qa, fits, record_wipe, screenshot, sign_in, submit

# The logistics factories, shared with tests/logistics (a browser test lives beside the others
# so that one Playwright instance serves the whole session).
from tests.logistics.conftest import allocate, make_device, make_household, new_imei  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_takes_a_phone_from_intake_to_delivered(
    live_server,
    page,
    communes,
    hubs,
    villages,
    coordinator_h,
    make_device,  # noqa: F811 (the fixture imported above)
    make_household,  # noqa: F811
    allocate,  # noqa: F811
):
    from donations.models import Device

    device = make_device(model="Galaxy A15")
    imei = new_imei()
    sign_in(page, live_server, coordinator_h.email, next_url="/kho/")
    screenshot(page, "logistics-bench")
    fits(page, slack=1)

    # Scan (or type) the tracking code.
    page.get_by_label("Mã theo dõi").fill(device.tracking_code.lower())
    submit(page, page.get_by_role("button", name="Mở"))
    page.wait_for_url(f"**/kho/thiet-bi/{device.tracking_code}/")
    assert "Tiếp nhận tại điểm" in page.content()
    assert "Xóa dữ liệu" not in page.locator(".actions").inner_text()  # only the next move

    # Intake: a wrong IMEI first, then the right one.
    page.get_by_label("IMEI").fill("123456789012345")
    submit(page, page.get_by_role("button", name="Ghi nhận tiếp nhận"))
    assert "IMEI gồm 15 chữ số" in page.content()
    screenshot(page, "logistics-intake-error")
    page.get_by_label("IMEI").fill(imei)
    submit(page, page.get_by_role("button", name="Ghi nhận tiếp nhận"))
    assert "Đã tiếp nhận" in page.content()

    # Wipe: every account confirmed removed.
    record_wipe(page)
    screenshot(page, "logistics-wipe")
    submit(page, page.get_by_role("button", name="Ghi nhận xóa dữ liệu"))
    assert "Đã ghi nhận xóa dữ liệu" in page.content()

    # Quality check and setup: all pass → ready.
    qa = fill_qa(page, battery_health=88)
    screenshot(page, "logistics-qa")
    fits(page, slack=1)
    submit(page, qa.get_by_role("button", name="Ghi nhận kiểm tra"))
    assert "máy đã sẵn sàng" in page.content()
    device.refresh_from_db()
    assert device.status == "ready" and device.imei == imei and device.hub_id == hubs["H"].id

    # A match is approved elsewhere (matching's job): the phone is allocated to a household.
    household = make_household(village=villages["A"], head_name="Hồ Thị Sen")
    allocate(device, household)

    page.goto(live_server.url + "/dot-giao/")
    group = page.locator("section.batch-group", has_text="Xã Tà Rụt")
    group.get_by_label("Tên người vận chuyển").fill("Hồ Văn A")
    assert group.get_by_label(device.tracking_code, exact=False).is_checked()
    screenshot(page, "logistics-batch-plan")
    submit(page, group.get_by_role("button", name="Lập đợt giao đến Xã Tà Rụt"))
    assert "Đã lập đợt giao" in page.content()
    assert "Đã lên kế hoạch" in page.locator("tbody").inner_text()  # not "on the way" yet
    submit(page, page.get_by_role("button", name="Xuất phát: máy rời điểm tiếp nhận"))
    assert "Đã xuất phát" in page.content()
    screenshot(page, "logistics-batch")
    fits(page, slack=1)

    submit(page, page.get_by_role("link", name="Bàn giao", exact=True))
    assert "Hồ Thị Sen" in page.content()
    page.get_by_label("Người nhận (họ và tên)").fill("Hồ Văn Nam")
    page.get_by_label("Quan hệ với chủ hộ").select_option("child")
    page.get_by_label("4 số cuối CCCD của người nhận").fill(household.cccd_last4)
    page.get_by_label("Đã hướng dẫn sử dụng").check()
    # Sign on the canvas (the form works without it too).
    pad = page.locator("#signature-pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 60)
    page.mouse.down()
    page.mouse.move(box["x"] + 120, box["y"] + 30, steps=5)
    page.mouse.move(box["x"] + 200, box["y"] + 90, steps=5)
    page.mouse.up()
    screenshot(page, "logistics-handover")
    fits(page, slack=1)
    submit(page, page.get_by_role("button", name="Xác nhận bàn giao"))
    assert "Đã ghi nhận bàn giao" in page.content()
    screenshot(page, "logistics-handover-done")

    with page.expect_download() as download:
        page.get_by_role("link", name="Tải biên bản bàn giao (PDF)").click()
    with open(download.value.path(), "rb") as handle:
        text = PdfReader(io.BytesIO(handle.read())).pages[0].extract_text()
    assert "BIÊN BẢN BÀN GIAO" in text and imei in text and "Hồ Văn Nam" in text

    device.refresh_from_db()
    household.refresh_from_db()
    assert device.status == "delivered" and household.status == "served"
    assert Device.objects.get(id=device.id).handovers.get().signature


def test_the_batch_page_offers_one_batch_per_commune_of_the_allocated_phones(
    live_server,
    page,
    communes,
    hubs,
    villages,
    coordinator_h,
    make_device,  # noqa: F811
    make_household,  # noqa: F811
    allocate,  # noqa: F811
):
    """Finding 7 of issue 15: the form starts from the allocated phones (one batch per commune,
    phones ticked), no commune to choose and no "another commune" refusal; before dispatch the
    phones are planned, not on their way."""
    from logistics.models import DeliveryBatch

    in_a = allocate(
        make_device(hub=hubs["H"], status="ready"), make_household(village=villages["A"])
    )
    in_b = [
        allocate(
            make_device(hub=hubs["H"], status="ready"),
            make_household(commune="19441", head_name=f"Hồ Văn {name}"),
        )
        for name in ("Bình", "Cường")
    ]
    sign_in(page, live_server, coordinator_h.email, next_url="/dot-giao/")
    assert page.get_by_role("combobox", name="Xã").count() == 0
    groups = page.locator("section.batch-group")
    assert groups.count() == 2
    group = groups.filter(has_text="Xã Hướng Phùng")
    for device in in_b:
        assert group.get_by_label(device.tracking_code, exact=False).is_checked()
    assert group.get_by_label(in_a.tracking_code, exact=False).count() == 0
    fits(page, slack=1)
    screenshot(page, "batch-groups")
    submit(page, group.get_by_role("button", name="Lập đợt giao đến Xã Hướng Phùng"))
    assert "Đã lập đợt giao" in page.content() and "xã khác" not in page.content()
    rows = page.locator("tbody").inner_text()
    assert rows.count("Đã lên kế hoạch") == 2 and "Đang giao" not in rows
    fits(page, slack=1)
    screenshot(page, "batch-planned")
    batch = DeliveryBatch.objects.get()
    assert batch.commune_id == "19441" and batch.items.count() == 2
    page.goto(live_server.url + "/dot-giao/")
    assert page.locator("section.batch-group").count() == 1  # Tà Rụt's phone still waits
