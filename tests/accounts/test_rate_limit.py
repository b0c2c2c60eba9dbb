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


def test_the_admin_sign_in_is_limited_like_the_site(client, admin_user, settings):
    """Security review finding 3: /admin/login/ took 30 wrong passwords, then the right one."""
    settings.RATE_LIMITS = {"sign_in": "3/900"}
    for _ in range(3):
        response = client.post("/admin/login/", {"username": admin_user.email, "password": "guess"})
        assert response.status_code == 200
    response = client.post("/admin/login/", {"username": admin_user.email, "password": PASSWORD})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Bạn đã thử quá nhiều lần" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert User.objects.get(id=admin_user.id).last_login is None


def test_the_site_and_the_admin_share_one_count(client, admin_user, settings):
    settings.RATE_LIMITS = {"sign_in": "2/900"}
    client.post("/dang-nhap/", {"username": admin_user.email, "password": "x"})
    client.post("/admin/login/", {"username": admin_user.email, "password": "x"})
    response = client.post("/admin/login/", {"username": admin_user.email, "password": PASSWORD})
    assert response.status_code == 429


def test_password_reset_emails_are_limited_per_address(client, officer_a, settings, mailoutbox):
    """Security review finding 3: 25 reset emails in a row reached one address."""
    settings.RATE_LIMITS = {"password_reset": "3/3600"}
    for address in ("10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5"):
        client.post("/mat-khau/quen/", {"email": officer_a.email}, REMOTE_ADDR=address)
    assert len(mailoutbox) == 3
    response = client.post("/mat-khau/quen/", {"email": officer_a.email}, REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 429
    assert "Bạn đã thử quá nhiều lần" in response.content.decode()
    assert len(mailoutbox) == 3
