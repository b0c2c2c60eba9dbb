"""Photo hygiene (type, size, pixels, bombs, EXIF), the outcome interface logistics calls, and
the public tracking page and API, which never show household data."""

import io
import json
import re
from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from donations.lifecycle import device_transition
from donations.models import DeviceOutcome, DevicePhoto, PledgeEvent
from donations.services.outcomes import device_outcome_record
from tests.conftest import COMMUNE_A, assert_error
from tests.donations.conftest import jpeg_with_gps
from tests.logistics.records import walk

pytestmark = pytest.mark.django_db


def _upload(api, user, pledge, data: bytes, name="photo.jpg", content_type="image/jpeg"):
    device = pledge.devices.get()
    return api.as_user(user).post(
        f"/api/v1/pledges/{pledge.id}/photos/",
        {"device": device.tracking_code, "image": SimpleUploadedFile(name, data, content_type)},
        format="multipart",
    )


def test_it_strips_exif_shrinks_and_renames_a_photo(
    api, donor, make_pledge, django_capture_on_commit_callbacks
):
    pledge = make_pledge(donor)
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(api, donor, pledge, jpeg_with_gps(), name="my-home-in-dongha.jpg")
    assert response.status_code == 201, response.content
    photo = DevicePhoto.objects.get()
    assert (photo.width, photo.height) == (1600, 1200)
    assert "dongha" not in photo.image.name and photo.image.name.endswith(".jpg")
    with photo.image.open("rb") as handle:
        stored = Image.open(io.BytesIO(handle.read()))
        assert stored.format == "JPEG"
        assert max(stored.size) == 1600
        assert len(stored.getexif()) == 0
        assert "exif" not in stored.info
    with photo.image.open("rb") as handle:
        raw = handle.read()
    assert b"SecretCam" not in raw and b"Exif" not in raw
    photo.refresh_from_db()
    assert photo.thumbnail  # made by the Celery task after the commit
    assert PledgeEvent.objects.filter(pledge=pledge, action="photo_added").exists()


def test_it_refuses_a_file_that_is_not_an_image(api, donor, make_pledge):
    pledge = make_pledge(donor)
    error = assert_error(
        _upload(api, donor, pledge, b"%PDF-1.4 not a photo", name="x.jpg"),
        400,
        "not_an_image",
        "image",
    )
    assert "JPEG" in error["message"]
    assert DevicePhoto.objects.count() == 0


def test_it_refuses_a_photo_over_10_mb(api, donor, make_pledge):
    pledge = make_pledge(donor)
    error = assert_error(
        _upload(api, donor, pledge, b"\xff\xd8" + b"0" * (10 * 1024 * 1024 + 10)),
        400,
        "image_too_large",
        "image",
    )
    assert "10 MB" in error["message"]


def _png(size, mode="1") -> bytes:
    """A PNG of `size` (a one-bit image of many pixels is a few kB), whatever Pillow's limit."""
    out = io.BytesIO()
    Image.MAX_IMAGE_PIXELS, saved = None, Image.MAX_IMAGE_PIXELS
    try:
        Image.new(mode, size).save(out, format="PNG")
    finally:
        Image.MAX_IMAGE_PIXELS = saved
    return out.getvalue()


@pytest.mark.parametrize(
    ("size", "code", "said"),
    [
        ((8000, 5100), "image_too_many_pixels", "40"),  # 40.8 MP
        ((20000, 20000), "image_bomb", "decompression bomb"),  # 400 MP in about 50 kB
    ],
)
def test_it_refuses_too_many_pixels_and_a_decompression_bomb(
    api, donor, make_pledge, size, code, said
):
    pledge = make_pledge(donor)
    response = _upload(api, donor, pledge, _png(size), "big.png", "image/png")
    error = assert_error(response, 400, code, "image")
    assert said in error["message"]
    assert DevicePhoto.objects.count() == 0


def test_it_allows_five_photos_per_phone(api, donor, make_pledge):
    pledge = make_pledge(donor)
    small = _png((50, 40), "RGB")
    for _n in range(5):
        assert _upload(api, donor, pledge, small, "p.png", "image/png").status_code == 201
    assert_error(_upload(api, donor, pledge, small, "p.png", "image/png"), 409, "too_many_photos")
    assert DevicePhoto.objects.count() == 5


def test_another_donor_cannot_add_photos(api, donor, other_donor, make_pledge):
    pledge = make_pledge(donor)
    response = _upload(api, other_donor, pledge, jpeg_with_gps((40, 30)))
    assert_error(response, 404, "not_found")
    assert DevicePhoto.objects.count() == 0


@pytest.fixture
def delivered(donor, make_pledge, coordinator_h, officer_a, villages, communes):
    """A delivered phone, and the real household that received it (whose data must never leak)."""
    from households.models import Household

    household = Household.objects.create(
        commune=communes["A"],
        village=villages["A"],
        head_name="Hồ Văn Pả",
        cccd_last4="4821",
        members=5,
        school_age_children=2,
        poverty_status="poor",
        phone_situation="none",
        coverage_4g="good",
        need="Con đi học cần điện thoại; số nhà 0912345678",
        created_by=officer_a,
        consent_share_story=True,
        consent_share_photo=True,
    )
    pledge = make_pledge(donor)
    device = pledge.devices.get()
    walk(device, ["received", "wiped", "ready"], coordinator_h)
    device_transition(
        device_id=device.id,
        to="allocated",
        actor=coordinator_h,
        evidence={"household": household.id},
    )
    walk(device, ["dispatched", "delivered"], coordinator_h, household=household)
    photo = SimpleUploadedFile("handover.jpg", jpeg_with_gps((800, 600)), "image/jpeg")
    device_outcome_record(
        device_id=device.id,
        commune_code=COMMUNE_A,
        household_kind=household.need_kind,
        delivered_at=timezone.now(),
        story="Hai cháu đã học trực tuyến được.",
        photo=photo,
        actor=coordinator_h,
    )
    return device, household


def test_the_outcome_is_stored_once_with_a_clean_photo(delivered):
    device, _household = delivered
    outcome = DeviceOutcome.objects.get(device=device)
    assert outcome.household_kind == "student"
    with outcome.photo.open("rb") as handle:
        assert b"SecretCam" not in handle.read()


def test_the_tracking_api_shows_the_journey_and_outcome_but_no_household_data(api, delivered):
    device, household = delivered
    response = api.as_user(None).get(f"/api/v1/track/{device.tracking_code}/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "delivered"
    assert [e["status"] for e in body["events"]] == [
        "pledged",
        "received",
        "wiped",
        "ready",
        "allocated",
        "dispatched",
        "delivered",
    ]
    assert body["outcome"]["commune"] == "Xã Tà Rụt"
    assert body["outcome"]["household_kind"] == "student"
    assert body["outcome"]["story"] == "Hai cháu đã học trực tuyến được."
    text = response.content.decode()
    for secret in [household.head_name, "Bản A Vao", "0912345678", "recipient", 'household":']:
        assert secret not in text, secret
    # The CCCD's last digits could appear by chance inside a timestamp or a random file name:
    # look for them only in the fields that carry words.
    words = json.dumps(
        [
            body["tracking_code"],
            body["status"],
            body["outcome"]["commune"],
            body["outcome"]["story"],
            body["outcome"]["household_kind"],
        ]
    )
    assert "4821" not in words
    assert set(body) == {"tracking_code", "status", "events", "next", "outcome"}
    assert body["next"] == ["followed_up"]
    assert set(body["outcome"]) == {
        "commune",
        "commune_code",
        "household_kind",
        "delivered_at",
        "story",
        "photo",
    }
    assert all(set(e) == {"status", "at"} for e in body["events"])
    assert body["events"][0]["at"].endswith("+07:00")


def test_the_tracking_page_shows_no_household_data(client, delivered, django_assert_num_queries):
    device, _household = delivered
    with django_assert_num_queries(2):  # the device with its outcome and commune; its events
        response = client.get(f"/t/{device.tracking_code}")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Xã Tà Rụt" in html and "Hai cháu" in html
    for secret in ["Hồ Văn Pả", "Bản A Vao", "0912345678"]:
        assert secret not in html
    # Random file names and timestamps may hold any four digits: look elsewhere for the CCCD's.
    assert "4821" not in re.sub(r'(src|datetime)="[^"]*"', "", html)


def test_no_outcome_is_shown_before_delivery(api, donor, make_pledge):
    device = make_pledge(donor).devices.get()
    body = api.as_user(None).get(f"/api/v1/track/{device.tracking_code.lower()}/").json()
    assert body["outcome"] is None and body["status"] == "pledged"


def test_an_unknown_code_is_a_404(api, client, db):
    assert_error(api.get("/api/v1/track/NS-XXXXXX/"), 404, "not_found")
    assert client.get("/t/NS-XXXXXX").status_code == 404


def test_the_outcome_interface_refuses_bad_input(delivered):
    from core.errors import ApplicationError

    device, _household = delivered
    with pytest.raises(ApplicationError) as error:
        device_outcome_record(
            device_id=device.id, commune_code="00000", household_kind="student", delivered_at=None
        )
    assert error.value.code == "unknown_commune"
    with pytest.raises(ApplicationError) as error:
        device_outcome_record(
            device_id=device.id, commune_code=COMMUNE_A, household_kind="rich", delivered_at=None
        )
    assert error.value.code == "invalid_household_kind"


def test_the_tracking_page_shows_the_steps_ahead_greyed_and_times_with_their_zone(
    client, api, donor, make_pledge, coordinator_h
):
    """Finding 11 of issue 15: the next steps too (greyed, marked "next"), each time written
    the reader's way in Vietnam time, with the zone."""
    device = make_pledge(donor).devices.get()
    walk(device, ["received", "wiped", "ready"], coordinator_h)
    device.events.update(at=datetime(2026, 11, 30, 14, 5, tzinfo=UTC))  # 21:05 in Vietnam
    html = client.get(f"/t/{device.tracking_code}", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    past, ahead = html.split('<li class="ahead">', 1)
    assert "Ngày 30 tháng 11 năm 2026, 21:05 (UTC+7)" in past
    assert "Thời gian tính theo giờ Việt Nam (UTC+7)." in html
    for label in ["Đã phân cho một hộ", "Đang trên đường giao", "Đã bàn giao"]:
        assert label in ahead
    assert ahead.count("sắp tới") == 4  # allocated, dispatched, delivered, followed up
    assert "Sẵn sàng" in past and "Sẵn sàng" not in ahead
    client.cookies["django_language"] = "en"
    html = client.get(f"/t/{device.tracking_code}").content.decode()
    assert "Nov. 30, 2026, 9:05 p.m. (UTC+7)" in html
    assert "Times are Vietnam time (UTC+7)." in html
    body = api.as_user(None).get(f"/api/v1/track/{device.tracking_code}/").json()
    assert body["next"] == ["allocated", "dispatched", "delivered", "followed_up"]


@pytest.mark.parametrize(
    ("status", "ahead"),
    [
        ("pledged", ["received", "wiped", "ready", "allocated", "dispatched", "delivered"]),
        ("refurbishing", ["ready", "allocated", "dispatched", "delivered", "followed_up"]),
        ("followed_up", []),
        ("rejected", []),
        ("lost", []),
        ("returned", ["received", "wiped", "ready", "allocated", "dispatched", "delivered"]),
    ],
)
def test_the_steps_ahead_follow_the_usual_journey(status, ahead):
    from donations.lifecycle import steps_ahead

    got = steps_ahead(status)
    assert got[: len(ahead)] == ahead and (ahead or got == [])


def test_a_consented_photo_and_story_show_and_others_do_not(
    client, delivered, donor, make_pledge, coordinator_h, communes
):
    """Finding 11: the family's consented photo and story on the tracking page, never its data;
    without consent (no story, no photo recorded) nothing of the kind."""
    device, household = delivered
    html = client.get(f"/t/{device.tracking_code}").content.decode()
    assert "Hai cháu đã học trực tuyến được." in html
    assert re.search(r'<img src="/media/outcomes/[^"]+\.jpg" alt="[^"]+"', html)
    assert household.head_name not in html and "Bản A Vao" not in html
    other = make_pledge(donor).devices.get()
    walk(other, ["received", "wiped", "ready"], coordinator_h)
    device_transition(device_id=other.id, to="allocated", actor=coordinator_h)
    walk(other, ["dispatched", "delivered"], coordinator_h, household=household)
    device_outcome_record(
        device_id=other.id,
        commune_code=COMMUNE_A,
        household_kind="general",
        delivered_at=timezone.now(),
        actor=coordinator_h,
    )
    html = client.get(f"/t/{other.tracking_code}").content.decode()
    assert "Xã Tà Rụt" in html and "<img" not in html and "<blockquote>" not in html
