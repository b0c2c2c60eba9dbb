"""The printed papers: QR labels that decode to their links, wipe certificates."""

from __future__ import annotations

import io

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from logistics.services.bench import wipe_record_create
from tests.conftest import assert_error

pytestmark = pytest.mark.django_db


def test_every_label_qr_decodes_to_its_tracking_link(
    api, coordinator_h, hubs, make_device, settings
):
    settings.SITE_URL = "https://noisong.example.vn"
    devices = [make_device(hub=hubs["H"], status="received") for _ in range(17)]  # two pages
    codes = ",".join(d.tracking_code for d in devices)
    response = api.as_user(coordinator_h).get(f"/api/v1/labels.pdf?devices={codes}")
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 2
    decoded = []
    for page in reader.pages:
        for picture in page.images:
            image = Image.open(io.BytesIO(picture.data)).convert("L")
            results = zxingcpp.read_barcodes(image)
            assert len(results) == 1
            decoded.append(results[0].text)
    # pypdf lists a page's images in resource order, not reading order: compare as sorted lists.
    assert sorted(decoded) == sorted(
        f"https://noisong.example.vn/t/{d.tracking_code}" for d in devices
    )
    text = "".join(p.extract_text() for p in reader.pages)
    for device in devices:
        assert device.tracking_code in text
    assert "Galaxy A14 5G" in text


def test_labels_refuse_codes_from_another_hub(api, coordinator_h, hubs, make_device):
    mine = make_device(hub=hubs["H"], status="received")
    theirs = make_device(hub=hubs["K"], status="received")
    response = api.as_user(coordinator_h).get(
        f"/api/v1/labels.pdf?devices={mine.tracking_code},{theirs.tracking_code}"
    )
    error = assert_error(response, 404, "not_found", "devices")
    assert error["fields"]["devices"] == [theirs.tracking_code]
    assert_error(api.as_user(coordinator_h).get("/api/v1/labels.pdf"), 400, "invalid", "devices")


def test_the_wipe_certificates_list_the_phones_of_a_business_donor(
    client, coordinator_h, coordinator_k, hubs, make_device
):
    first = make_device(hub=hubs["H"], status="received")
    second = make_device(hub=hubs["H"], status="received")
    second.pledge = first.pledge
    second.save()
    for device in (first, second):
        wipe_record_create(
            device_id=device.id,
            method="factory_reset",
            accounts={"google_frp": True, "samsung": True, "vneid": True},
            actor=coordinator_h,
        )
    donor = first.pledge.donor
    client.force_login(coordinator_h)
    response = client.get(f"/kho/nha-tai-tro/{donor.id}/chung-nhan-xoa-du-lieu.pdf")
    assert response.status_code == 200
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "CHỨNG NHẬN XÓA DỮ LIỆU" in text
    assert donor.name in text
    for device in (first, second):
        assert device.tracking_code in text and device.imei in text
    single = client.get(f"/kho/thiet-bi/{first.tracking_code}/chung-nhan-xoa-du-lieu.pdf")
    single_text = PdfReader(io.BytesIO(single.content)).pages[0].extract_text()
    assert first.imei in single_text and second.imei not in single_text
    client.force_login(coordinator_k)
    assert (
        client.get(f"/kho/thiet-bi/{first.tracking_code}/chung-nhan-xoa-du-lieu.pdf").status_code
        == 404
    )
    response = client.get(f"/kho/nha-tai-tro/{donor.id}/chung-nhan-xoa-du-lieu.pdf")
    assert response.status_code == 404
