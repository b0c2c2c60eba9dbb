"""Test settings: fast hasher, locmem email, temporary media. The database and broker come from
the environment (PostgreSQL and Redis in CI; SQLite and eager Celery otherwise)."""

import tempfile

from .base import *  # noqa: F403
from .base import CELERY_BROKER_URL

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = tempfile.mkdtemp(prefix="noisong-test-media-")
STORAGES = {
    "default": {"BACKEND": "core.media.CleanFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": {
        "BACKEND": "core.media.PrivateFileSystemStorage",
        "OPTIONS": {"location": tempfile.mkdtemp(prefix="noisong-test-private-")},
    },
}
# Tasks run in-process in tests; the broker test starts a real worker on its own.
CELERY_TASK_ALWAYS_EAGER = True
TEST_BROKER_URL = CELERY_BROKER_URL
CCCD_HASH_KEY = "test-cccd-key"
SECRET_KEY = "test-secret-key"
WHITENOISE_AUTOREFRESH = True
# The fake Stripe server of tests/donations/fake_stripe.py sends checkouts there.
CSP_FORM_ACTION_EXTRA = ["https://checkout.stripe.com", "https://checkout.stripe.test"]
# Test databases hold Quảng Trị's 78 communes; a test that needs another province loads it
# (tests/conftest.py `make_second_province`), one that needs all 34 loads them itself.
PLACES_LOAD_PROVINCES = "44"
