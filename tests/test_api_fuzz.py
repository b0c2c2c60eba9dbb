"""API fuzzing (issue 7): schemathesis generates requests from the served OpenAPI schema for every
operation, authenticated as each role with a real token, and checks that the server never answers
5xx and that every response (status code, content type, body) is the one the schema documents.

Budget: a few examples per operation and role (FUZZ_EXAMPLES, default 4), no deadline, derandomised
so CI is reproducible; set FUZZ_EXAMPLES=50 for a deeper local run.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "4"))
# No 5xx; status code, content type, headers and body as documented. (Not "every schema-valid
# request is accepted": business rules legitimately refuse some, with a documented 400/409.)
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]
ROLES = ["anonymous", "donor", "officer_a", "verifier", "coordinator_h", "admin"]


@pytest.fixture
def wsgi_app():
    # Django's test client keeps the test transaction's connection open across requests; a bare
    # WSGI handler would close it at each request's end, so do what the test client does.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _token(user) -> dict:
    from rest_framework.authtoken.models import Token

    if user is None:
        return {}
    token, _ = Token.objects.get_or_create(user=user)
    return {"Authorization": f"Token {token.key}"}


@pytest.mark.parametrize("role", ROLES)
def test_fuzz_the_api_as_each_role_finds_no_server_error_and_no_schema_drift(
    role, personas, wsgi_app, settings_override
):
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app)
    headers = _token(personas[role])
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            run()
        except (Exception, BaseExceptionGroup) as failure:  # collect: name every broken operation
            failures.append(f"{operation.label}: {failure}")
    assert not failures, "\n\n".join(failures)


@pytest.fixture
def settings_override(settings):
    settings.RATE_LIMITS = {}  # the fuzzer pledges and checks out far more often than a person
    settings.ALLOWED_HOSTS = ["*"]


def test_staff_roles_with_an_overflowing_hub_id_get_a_clear_400_not_a_500(api, admin_user):
    """Found by the fuzzer: a hub id past 2^63 crashed the hub lookup."""
    from accounts.models import User
    from tests.conftest import assert_error

    body = {
        "email": "new.coord@test.vn",
        "name": "Điều Phối Mới",
        "roles": [{"role": "coordinator", "hubs": [9223372036854775809]}],
    }
    response = api.as_user(admin_user).post("/api/v1/staff/", body, format="json")
    assert_error(response, 400, "invalid", "roles.0.hubs.0")
    assert not User.objects.filter(email="new.coord@test.vn").exists()


def test_the_staff_service_refuses_an_overflowing_hub_id_with_its_message(db, admin_user):
    from accounts.services import staff_create
    from core.errors import ApplicationError

    with pytest.raises(ApplicationError) as raised:
        staff_create(
            email="svc.coord@test.vn",
            name="Điều Phối",
            password=None,
            roles=[{"role": "coordinator", "hubs": [2**64]}],
            actor=admin_user,
        )
    assert "roles" in raised.value.fields
