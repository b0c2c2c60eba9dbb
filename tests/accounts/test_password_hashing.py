"""Issue 15, finding 13: sign-in was slow because of the password hash. The site hashes with the
cheapest of Django's hashers at Django's own strength (scrypt); older PBKDF2 hashes still sign in
and are re-hashed. The time itself is measured by bench/sign_in.py, never asserted here."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import ScryptPasswordHasher as DjangoScrypt
from django.contrib.auth.hashers import get_hasher, identify_hasher, make_password

from config.settings import base
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_the_site_hashes_with_scrypt_at_no_less_than_djangos_strength(settings):
    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS
    hasher = get_hasher("default")
    assert hasher.algorithm == "scrypt"
    assert hasher.work_factor >= DjangoScrypt.work_factor
    assert hasher.block_size >= DjangoScrypt.block_size
    assert hasher.parallelism >= DjangoScrypt.parallelism
    # Django's first choice stays listed, so that older hashes still verify.
    assert "django.contrib.auth.hashers.PBKDF2PasswordHasher" in base.PASSWORD_HASHERS


def test_an_old_pbkdf2_hash_signs_in_and_is_rehashed_with_scrypt(client, settings, donor):
    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS
    donor.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    donor.save(update_fields=["password"])
    response = client.post("/dang-nhap/", {"username": donor.email, "password": PASSWORD})
    assert response.status_code == 302
    donor.refresh_from_db()
    assert identify_hasher(donor.password).algorithm == "scrypt"
    client.logout()
    response = client.post("/dang-nhap/", {"username": donor.email, "password": PASSWORD})
    assert response.status_code == 302  # the new hash verifies


def test_sign_in_checks_the_password_once(client, settings, donor, monkeypatch):
    """One hash per sign-in: no second check hidden in the form, the rate limit or the session."""
    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS
    donor.set_password(PASSWORD)
    donor.save(update_fields=["password"])
    calls = []
    verify = DjangoScrypt.verify
    monkeypatch.setattr(
        DjangoScrypt, "verify", lambda self, *a: calls.append(1) or verify(self, *a)
    )
    response = client.post("/dang-nhap/", {"username": donor.email, "password": PASSWORD})
    assert response.status_code == 302
    assert len(calls) == 1
