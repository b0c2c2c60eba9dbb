import pytest

from accounts.models import User
from tests.conftest import PASSWORD, assert_error

pytestmark = pytest.mark.django_db


def test_the_sign_in_page_stops_password_guessing_with_a_clear_message(client, officer_a, settings):
    settings.RATE_LIMITS = {"sign_in": "3/900"}
    for _ in range(3):
        response = client.post("/dang-nhap/", {"username": officer_a.email, "password": "guess"})
        assert response.status_code == 200
    response = client.post("/dang-nhap/", {"username": officer_a.email, "password": PASSWORD})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Bạn đã thử quá nhiều lần" in response.content.decode()
    assert "_auth_user_id" not in client.session  # even the right password waits


def test_the_limit_counts_per_account_across_addresses(client, officer_a, settings):
    settings.RATE_LIMITS = {"sign_in": "2/900"}
    for address in ("10.0.0.1", "10.0.0.2"):
        client.post(
            "/dang-nhap/", {"username": officer_a.email, "password": "x"}, REMOTE_ADDR=address
        )
    response = client.post(
        "/dang-nhap/", {"username": officer_a.email, "password": "x"}, REMOTE_ADDR="10.0.0.3"
    )
    assert response.status_code == 429


def test_the_token_endpoint_is_limited_too(api, officer_a, settings):
    settings.RATE_LIMITS = {"sign_in": "2/900"}
    for _ in range(2):
        api.post("/api/v1/auth/token/", {"username": officer_a.email, "password": "x"})
    response = api.post(
        "/api/v1/auth/token/", {"username": officer_a.email, "password": PASSWORD}, format="json"
    )
    error = assert_error(response, 429, "rate_limited")
    assert "phút" in error["message"]
    assert response["Retry-After"]
    assert User.objects.get(id=officer_a.id).last_login is None
