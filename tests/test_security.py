"""Security headers, deploy checks and the rate limits on pledges and gift checkout (issue 7)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from core.security import content_security_policy
from donations.models import Gift, Pledge
from tests.conftest import assert_error
from tests.donations import conftest as donations_fixtures
from tests.donations.conftest import pledge_body
from tests.donations.test_pledges import FORM

pytestmark = pytest.mark.django_db
fake_stripe = donations_fixtures.fake_stripe

GIFT_FORM = {
    "method": "vietqr",
    "amount": "300000",
    "currency": "VND",
    "purpose": "sim",
    "name": "Cô Mai",
    "email": "mai@example.vn",
}


@pytest.mark.parametrize(
    "path", ["/", "/dang-nhap/", "/api/v1/communes/", "/api/docs/", "/khong-co/", "/healthz"]
)
def test_every_response_carries_the_content_security_policy_and_frame_denial(client, path):
    response = client.get(path)
    policy = response["Content-Security-Policy"]
    assert policy == content_security_policy()
    assert "form-action 'self' https://checkout.stripe.com" in policy
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
    ):
        assert directive in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_swagger_page_loads_its_script_and_style_from_files_not_inline(client):
    html = client.get("/api/docs/").content.decode()
    assert '<script src="/api/docs/?script="></script>' in html
    assert "<style" not in html
    assert "swagger.css" in html
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")


def test_templates_hold_no_inline_script_or_style():
    """The CSP forbids inline code: any <script> with a body, <style> or style="" attribute
    in a template would break silently in the browser, so the files are checked here."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    offenders = []
    for template in root.glob("**/templates/**/*.html"):
        if ".venv" in template.parts:
            continue
        text = template.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or "<style" in text:
            offenders.append(f"{template.relative_to(root)}: inline <script>/<style>")
        if re.search(r"\sstyle=", text) or re.search(r"\son[a-z]+=", text):
            offenders.append(f"{template.relative_to(root)}: style=/on*= attribute")
    assert not offenders, offenders


def test_production_settings_pass_the_deploy_checks_and_send_hsts(monkeypatch, capsys):
    import importlib

    monkeypatch.setenv("SECRET_KEY", "x" * 60 + "-production-secret-for-the-check")
    monkeypatch.setenv("ALLOWED_HOSTS", "noisong.example.vn")
    production = importlib.import_module("config.settings.production")
    importlib.reload(production)
    assert production.SECURE_HSTS_SECONDS >= 31536000
    assert production.SECURE_SSL_REDIRECT is True
    assert production.SESSION_COOKIE_SECURE and production.CSRF_COOKIE_SECURE
    assert "core.security.ContentSecurityPolicyMiddleware" in production.MIDDLEWARE


def test_deploy_check_is_clean_with_the_test_settings_overridden_for_production(settings):
    settings.DEBUG = False
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SECURE_SSL_REDIRECT = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    settings.SECRET_KEY = "k" * 64 + "-a-long-random-production-key"
    settings.ALLOWED_HOSTS = ["noisong.example.vn"]
    call_command("check", "--deploy", "--fail-level", "WARNING")


# --- rate limits -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("limit", "path", "form", "model"),
    [("pledge", "/tang-dien-thoai/", FORM, Pledge), ("gift_checkout", "/ung-ho/", GIFT_FORM, Gift)],
    ids=["pledge", "gift"],
)
def test_a_page_stops_a_flood_with_a_clear_message(
    limit, path, form, model, client, communes, settings
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, limit: "2/3600"}
    for _ in range(2):
        assert client.post(path, form).status_code == 302
    response = client.post(path, form)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Bạn đã thử quá nhiều lần" in response.content.decode()
    assert model.objects.count() == 2


def test_the_pledge_api_is_limited_per_address_with_the_error_shape(api, communes, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "pledge": "2/3600"}
    for n in range(2):
        body = pledge_body(donor={"name": "A", "email": f"a{n}@example.org"})
        assert api.post("/api/v1/pledges/", body, format="json").status_code == 201
    body = pledge_body(donor={"name": "A", "email": "fresh@example.org"})
    response = api.post("/api/v1/pledges/", body, format="json")
    assert_error(response, 429, "rate_limited")
    assert response["Retry-After"]
    assert Pledge.objects.count() == 2


def test_a_signed_in_donor_is_limited_per_account_across_addresses(api, donor, communes, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "pledge": "2/3600"}
    client = api.as_user(donor)
    for address in ("10.0.0.1", "10.0.0.2"):
        body = {"devices": pledge_body()["devices"], "dropoff": "post"}
        response = client.post("/api/v1/pledges/", body, format="json", REMOTE_ADDR=address)
        assert response.status_code == 201
    response = client.post("/api/v1/pledges/", body, format="json", REMOTE_ADDR="10.0.0.3")
    assert_error(response, 429, "rate_limited")


def test_invalid_pledges_do_not_use_up_the_limit(api, communes, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "pledge": "1/3600"}
    for _ in range(3):
        assert api.post("/api/v1/pledges/", {}, format="json").status_code == 400
    assert api.post("/api/v1/pledges/", pledge_body(), format="json").status_code == 201


@pytest.mark.usefixtures("fake_stripe")
def test_card_and_bank_transfer_checkouts_share_the_gift_limit(api, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "gift_checkout": "2/600"}
    card = {"amount": 2500, "currency": "USD", "email": "minh@example.au", "name": "Minh"}
    first = api.post("/api/v1/gifts/checkout/", card, format="json")
    assert first.status_code == 201, first.content
    bank = {"amount": 300000, "email": "mai@example.vn", "name": "Cô Mai"}
    assert api.post("/api/v1/gifts/vietqr/", bank, format="json").status_code == 201
    assert_error(api.post("/api/v1/gifts/checkout/", card, format="json"), 429, "rate_limited")
    assert_error(api.post("/api/v1/gifts/vietqr/", bank, format="json"), 429, "rate_limited")
    assert Gift.objects.count() == 2


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("depth", [5000, 33])
@pytest.mark.parametrize(
    "path", ["/api/v1/pledges/", "/api/v1/auth/token/", "/api/v1/gifts/checkout/"]
)
def test_a_deeply_nested_json_body_is_a_400_not_a_500(api, communes, path, depth):
    """Security review finding 6: 5,000-deep JSON was a RecursionError (500) on every endpoint,
    anonymous ones included. Nothing is written."""
    pledges_before = Pledge.objects.count()
    response = api.post(path, data=_nested(depth), content_type="application/json")
    error = assert_error(response, 400, "error")
    assert "sâu" in error["message"]  # "nested too deeply", in Vietnamese
    assert Pledge.objects.count() == pledges_before


def test_a_body_nested_within_the_bound_still_reaches_the_serializer(api, communes):
    response = api.post("/api/v1/pledges/", data=_nested(32), content_type="application/json")
    assert_error(response, 400, "invalid")


def test_drfs_own_field_messages_speak_vietnamese_inside_a_vietnamese_error(api, communes):
    """Issue 13, finding 9: "Ensure this field has no more than 150 characters" stayed English."""
    response = api.post("/api/v1/pledges/", pledge_body(public_name="x" * 500), format="json")
    error = assert_error(response, 400, "invalid", "public_name")
    message = error["fields"]["public_name"][0]
    assert message.startswith("Trường này không được quá ") and message.endswith(" ký tự.")
    response = api.post("/api/v1/pledges/", {"devices": "x"}, format="json")
    assert "Cần một danh sách" in assert_error(response, 400, "invalid")["fields"]["devices"][0]
