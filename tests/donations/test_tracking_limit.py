"""Issue 12 (finding 8): the public tracking endpoints are rate limited per client address (the
"track" scope of settings.RATE_LIMITS), so tracking codes cannot be guessed at 100 a second: past
the limit the API answers 429 with the error shape and the site a clear page, for known and
unknown codes alike; another address is not affected."""

import pytest

from tests.conftest import assert_error
from tests.donations.conftest import phone

pytestmark = pytest.mark.django_db


@pytest.fixture
def code(donor, make_pledge):
    return make_pledge(donor, devices=[phone()]).devices.get().tracking_code


def test_the_track_scope_is_generous_for_people(settings):
    count, seconds = (int(n) for n in settings.RATE_LIMITS["track"].split("/"))
    assert count >= 30 and seconds <= 120


def test_the_tracking_api_answers_429_past_the_limit(api, code, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "track": "5/60"}
    for n in range(5):
        guess = code if n == 0 else f"NS-XXXXX{n}"
        assert api.get(f"/api/v1/track/{guess}/").status_code in (200, 404)
    limited = api.get(f"/api/v1/track/{code}/")
    error = assert_error(limited, 429, "rate_limited")
    assert "phút" in error["message"]
    assert int(limited["Retry-After"]) > 0
    other = api.get(f"/api/v1/track/{code}/", REMOTE_ADDR="10.9.9.9")
    assert other.status_code == 200


def test_the_tracking_page_shows_a_clear_page_past_the_limit(client, code, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "track": "5/60"}
    for n in range(5):
        assert client.get(f"/t/NS-XXXXX{n}").status_code == 404
    limited = client.get(f"/t/{code}?public=1")
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) > 0
    page = limited.content.decode()
    assert "Bạn đã thử quá nhiều lần" in page
    assert "device" not in limited.context  # nothing of the phone is shown
    assert client.get(f"/t/{code}?public=1", REMOTE_ADDR="10.9.9.9").status_code == 200


def test_the_page_and_the_api_share_the_count(api, client, code, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "track": "4/60"}
    for _n in range(2):
        client.get(f"/t/{code}?public=1")
        api.get(f"/api/v1/track/{code}/")
    assert client.get(f"/t/{code}?public=1").status_code == 429
    assert api.get(f"/api/v1/track/{code}/").status_code == 429
