import pytest

from tests.conftest import COMMUNE_A, PASSWORD, assert_error

pytestmark = pytest.mark.django_db


def test_a_token_is_issued_for_the_right_email_and_password(api, officer_a):
    response = api.post(
        "/api/v1/auth/token/",
        {"username": "OFFICER.A@test.vn", "password": PASSWORD},
        format="json",
    )
    assert response.status_code == 200
    token = response.json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api.get("/api/v1/me/").json()
    assert me["email"] == "officer.a@test.vn"
    assert me["roles"] == [{"role": "officer", "communes": [COMMUNE_A], "hubs": []}]


def test_wrong_credentials_get_a_clear_message_in_the_callers_language(api, officer_a):
    response = api.post(
        "/api/v1/auth/token/",
        {"username": "officer.a@test.vn", "password": "wrong"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    error = assert_error(response, 400, "invalid_credentials")
    assert "mật khẩu" in error["message"]
    response = api.post(
        "/api/v1/auth/token/",
        {"username": "officer.a@test.vn", "password": "wrong"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "password" in assert_error(response, 400, "invalid_credentials")["message"]


def test_missing_fields_are_named(api):
    error = assert_error(api.post("/api/v1/auth/token/", {}, format="json"), 400, "invalid")
    assert set(error["fields"]) == {"username", "password"}


def test_me_needs_a_sign_in(api):
    assert_error(api.get("/api/v1/me/"), 401, "not_authenticated")


def test_session_auth_works_for_the_pages_own_scripts(client, officer_a):
    client.force_login(officer_a)
    assert client.get("/api/v1/me/").json()["email"] == officer_a.email
