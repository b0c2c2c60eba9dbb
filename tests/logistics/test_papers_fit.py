"""Papers that never clip (issue 13, finding 8; issue 15, finding 6): real PDFs printed with hostile
text — 120-character Vietnamese names typed decomposed, long villages and hubs, emoji, Arabic —
read back with pdfplumber: every item a paper must show is there in full, inside the page's
margins, with no text printed over other text."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from logistics.services.bench import wipe_record_create
from logistics.services.delivery import batch_create, batch_dispatch, handover_create
from places.models import Hub, Village
from tests.conftest import assert_error
from tests.logistics.test_delivery_api import handover_body
from tests.papers import assert_well_printed, read, table_rows

pytestmark = pytest.mark.django_db

WORDS = (
    "Hồ Thị Nguyễn Phương Thảo Xuân Quỳnh Trần Lê Bảo Ngọc Đức Hạnh Vũ Thị Mỹ Duyên Hoàng "
    "Khánh Linh Phạm Ngọc Ánh Tuyết Đặng Quế Chi Lương Thị Kiều Oanh"
)
LONG_NAME = WORDS[:120].rstrip()  # a 120-character Vietnamese name
LONG_VILLAGE = "Bản Ra Ró Xa Xăm Phía Bên Kia Con Suối Đầu Nguồn Của Dòng Sông Sê Pôn Ở Cuối Đường"
LONG_HUB = "Điểm tiếp nhận và tân trang điện thoại của Đoàn Thanh niên phường Đông Hà, Quảng Trị"
NFD = lambda text: unicodedata.normalize("NFD", text)  # noqa: E731 (as some keyboards type it)


def test_the_long_name_is_long():
    assert len(LONG_NAME) == 120 and not unicodedata.is_normalized("NFC", NFD(LONG_NAME))


@pytest.fixture
def hostile(make_device, make_household, allocate, hubs, communes, coordinator_h):
    """Phones at a hub with a long name, allocated to households with 120-character names
    (stored decomposed, as an old import could have) in a village with a long name."""
    Hub.objects.filter(id=hubs["H"].id).update(name=LONG_HUB)
    village = Village.objects.create(commune=communes["A"], name=LONG_VILLAGE)
    pairs = []
    for n in range(12):
        household = make_household(
            village=village,
            head_name=NFD(f"{LONG_NAME[:110].rstrip()} {n:02d}"),
            cccd_last4=f"{n:04d}",
        )
        device = make_device(
            hub=hubs["H"],
            status="ready",
            model=NFD("Galaxy A14 Đức bản đặc biệt 😀 مرحبا"),
            **({"imei": ""} if n % 4 == 0 else {}),
        )
        pairs.append((allocate(device, household), household))
    return pairs


def test_the_manifest_keeps_every_household_its_village_and_cccd(client, coordinator_h, hostile):
    batch = batch_create(
        hub_id=hostile[0][0].hub_id,
        commune_code=hostile[0][1].commune_id,
        planned_date=date(2026, 12, 1),
        carrier="officer",
        carrier_name=LONG_NAME,
        device_codes=[d.tracking_code for d, _h in hostile],
        actor=coordinator_h,
    )
    client.force_login(coordinator_h)
    response = client.get(f"/dot-giao/{batch.id}/danh-sach.pdf")
    assert response.status_code == 200
    paper = assert_well_printed(response.content, LONG_HUB, LONG_NAME)  # LONG_NAME: the carrier
    assert len(paper.pages) > 1
    rows = table_rows(response.content)
    header = [
        "#",
        "Điện thoại",
        "Hộ gia đình",
        "Thôn/bản",
        "CCCD (4 số cuối)",
        "Người nhận, chữ ký",
    ]
    assert sum(row == header for row in rows) == len(paper.pages)  # repeated on every page
    body = [row for row in rows if row != header]
    assert len(body) == 12
    for n, ((device, household), row) in enumerate(zip(hostile, body, strict=True)):
        number, phone, head, village, last4, _signature = row
        assert number == str(n + 1)
        assert phone.startswith(device.tracking_code)
        # A phone without an IMEI gets no IMEI line at all (issue 15, finding 16).
        assert (f"IMEI: {device.imei}" in phone) if device.imei else ("IMEI" not in phone)
        assert "Đức" in phone and "[?]" in phone and "😀" not in phone
        assert head == f"#{household.id} {LONG_NAME[:110].rstrip()} {n:02d}"  # in full, composed
        assert village == LONG_VILLAGE
        assert last4 == f"…{n:04d}"


@pytest.fixture
def handed_over(hostile, coordinator_h, officer_a):
    device, household = hostile[1]
    batch = batch_create(
        hub_id=device.hub_id,
        commune_code=household.commune_id,
        planned_date=date(2026, 12, 1),
        carrier="officer",
        device_codes=[device.tracking_code],
        actor=coordinator_h,
    )
    batch_dispatch(batch_id=batch.id, actor=coordinator_h)
    return handover_create(
        device_id=device.id,
        household_id=household.id,
        received_by=NFD(LONG_NAME),
        relation="child",
        recipient_cccd_last4="0001",
        place=NFD(f"Nhà văn hoá {LONG_VILLAGE}, {LONG_VILLAGE}"),
        actor=officer_a,
    )


def test_the_receipt_shows_both_parties_in_full_and_the_cccd_digits(client, officer_a, handed_over):
    assert handed_over.received_by == LONG_NAME  # made NFC where it was typed
    client.force_login(officer_a)
    response = client.get(f"/ban-giao/{handed_over.id}/bien-ban.pdf")
    assert response.status_code == 200
    paper = assert_well_printed(
        response.content,
        "BIÊN BẢN BÀN GIAO",
        f"{LONG_NAME[:110].rstrip()} 01",  # the head of household
        LONG_NAME,  # who received
        f"Nhà văn hoá {LONG_VILLAGE}, {LONG_VILLAGE}",
        f"{LONG_VILLAGE}, {handed_over.household.commune.name}",
        LONG_HUB,
        "4 số cuối CCCD của người nhận",
        "0001",
        handed_over.device.tracking_code,
        "BÊN A",
        "BÊN B",
    )
    assert len(paper.pages) == 1
    text = paper.text
    assert text.index("Bên A") < text.index("Bên B")


def test_a_certificate_names_method_and_standard_and_fits(client, coordinator_h, make_device, hubs):
    Hub.objects.filter(id=hubs["H"].id).update(name=LONG_HUB)
    donor_name = f"Công ty Cổ phần {LONG_NAME} 😀 شركة"
    android = make_device(hub=hubs["H"], status="received", donor_name=donor_name)
    iphone = make_device(
        hub=hubs["H"], status="received", brand="Apple", model="iPhone 12", os="ios"
    )
    iphone.pledge = android.pledge
    iphone.save()
    wipe_record_create(
        device_id=android.id,
        method="factory_reset",
        accounts={"google_frp": True, "samsung": True, "vneid": True},
        actor=coordinator_h,
    )
    wipe_record_create(
        device_id=iphone.id,
        method="factory_reset",
        accounts={"icloud": True, "vneid": True},
        actor=coordinator_h,
    )
    client.force_login(coordinator_h)
    response = client.get(f"/kho/nha-tai-tro/{android.pledge.donor_id}/chung-nhan-xoa-du-lieu.pdf")
    assert response.status_code == 200
    paper = assert_well_printed(
        response.content,
        "CHỨNG NHẬN XÓA DỮ LIỆU",
        f"Công ty Cổ phần {LONG_NAME} [?] [?]",
        "Khôi phục cài đặt gốc trong Cài đặt",
        "NIST SP 800-88 Rev. 1",
        "Đã gỡ tài khoản Google / FRP; Đã gỡ tài khoản Samsung; Đã hủy liên kết VNeID",
        android.tracking_code,
        android.imei,
        iphone.imei,
        LONG_HUB,
    )
    assert "“Clear”" in paper.text and "“Purge”" in paper.text  # Android and iPhone
    assert "[?]" in paper.text  # the note at the foot, for the emoji and the Arabic


@pytest.mark.parametrize(
    ("method", "os", "level"),
    [
        ("factory_reset", "android", "“Clear”"),
        ("factory_reset", "ios", "“Purge”"),
        ("recovery", "ios", "“Clear”"),
        ("flash", "android", "không công bố mức nào"),
        ("tool", "android", "theo báo cáo của công cụ"),
    ],
)
def test_each_wipe_method_is_named_for_what_it_is(method, os, level):
    from logistics.services.bench import wipe_standard

    standard = wipe_standard(method, os)
    assert level in str(standard.level)
    assert "NIST SP 800-88" in str(standard.explanation)


# --- refused where it is typed ----------------------------------------------------------------


def test_a_handover_refuses_a_recipient_the_paper_cannot_print(api, officer_a, dispatched):
    device, household, _batch = dispatched
    response = api.as_user(officer_a).post(
        "/api/v1/handovers/",
        handover_body(device, household, received_by="Hồ Thị Lan 😀", place="نقطة"),
        format="multipart",
    )
    error = assert_error(response, 400, "invalid", "received_by")
    assert (
        "😀" in error["fields"]["received_by"][0] and "Hãy bỏ" in error["fields"]["received_by"][0]
    )
    assert "place" in error["fields"]
    device.refresh_from_db()
    assert device.status == "dispatched" and not device.handovers.exists()


def test_a_household_head_the_paper_cannot_print_is_refused_on_the_field(api, officer_a, communes):
    from households.models import Household
    from tests.households.conftest import household_data

    response = api.as_user(officer_a).post(
        "/api/v1/households/",
        household_data(communes["A"], head_name="Ali محمد"),
        format="json",
    )
    error = assert_error(response, 400, "invalid", "head_name")
    assert "U+0645" in error["fields"]["head_name"][0]
    assert not Household.objects.exists()


def test_a_batch_refuses_a_carrier_name_the_manifest_cannot_print(coordinator_h, allocated):
    from core.errors import ApplicationError
    from logistics.models import DeliveryBatch

    device, household = allocated
    with pytest.raises(ApplicationError) as refused:
        batch_create(
            hub_id=device.hub_id,
            commune_code=household.commune_id,
            planned_date=date(2026, 12, 1),
            carrier="officer",
            carrier_name="Anh Ba 🚚",
            device_codes=[device.tracking_code],
            actor=coordinator_h,
        )
    assert "carrier_name" in refused.value.fields
    assert not DeliveryBatch.objects.exists()


def test_text_of_decomposed_keyboards_prints_composed(client, coordinator_h, make_device, hubs):
    device = make_device(hub=hubs["H"], status="received", model=NFD("Nokia Đức"))
    client.force_login(coordinator_h)
    response = client.get(f"/kho/tem.pdf?devices={device.tracking_code}")
    paper = read(response.content)
    assert "Nokia Đức" in paper.text
