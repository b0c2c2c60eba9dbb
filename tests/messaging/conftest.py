"""Fixtures of the SMS tests: the fake eSMS API, the settings that point the provider at it, and
the logistics fixtures that give a phone on its way to a household."""

from __future__ import annotations

import pytest

from tests.logistics.conftest import (  # noqa: F401  (fixtures)
    allocate,
    allocated,
    dispatched,
    make_device,
    make_household,
    planned,
)
from tests.messaging.fake_esms import FakeEsms


@pytest.fixture
def fake_esms(settings):
    with FakeEsms() as fake:
        settings.SMS_PROVIDER = "esms"
        settings.ESMS_API_URL = fake.url
        settings.ESMS_API_KEY = fake.api_key
        settings.ESMS_SECRET_KEY = fake.secret_key
        settings.ESMS_BRANDNAME = fake.brandname
        settings.SMS_CALLBACK_SECRET = "test-callback-secret"
        settings.SMS_HTTP_TIMEOUT = 5
        yield fake
