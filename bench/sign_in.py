"""How long a sign-in takes on the server, and how much of it is the password hash.

Run: .venv/bin/python bench/sign_in.py   (a throwaway SQLite database in memory; prints figures)

It times the hashers of settings.PASSWORD_HASHERS (the site's first choice and PBKDF2, Django's own
first choice, at Django's parameters), then the whole sign-in POST of the site's form (rate limit,
form, hash check, session, redirect) for an account hashed each way. The first sign-in of a
PBKDF2 account also re-hashes it with the site's first choice; that one is printed apart.
A browser adds its own round trips: compare with a click in headless Chromium on a busy machine
(README, "Benchmarks and load").
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import get_hasher, make_password  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings, setup_test_environment  # noqa: E402

from config.settings import base  # noqa: E402

PASSWORD = "a-long-bench-password-2026"
ROUNDS = 7


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def median_of(work, rounds: int = ROUNDS) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def sign_in_once(email: str) -> float:
    cache.clear()  # the rate limit's counters
    client = Client()
    started = time.perf_counter()
    response = client.post("/dang-nhap/", {"username": email, "password": PASSWORD})
    elapsed = time.perf_counter() - started
    assert response.status_code == 302, response.status_code
    return elapsed


def main() -> None:
    setup_test_environment()
    connection.creation.create_test_db(verbosity=0)
    from accounts.models import User

    with override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS, ALLOWED_HOSTS=["testserver"]):
        print(f"first choice: {get_hasher('default').algorithm}")
        for algorithm in ("scrypt", "pbkdf2_sha256"):
            hasher = get_hasher(algorithm)
            encoded = make_password(PASSWORD, hasher=algorithm)
            took = median_of(
                lambda hasher=hasher, encoded=encoded: hasher.verify(PASSWORD, encoded)
            )
            print(f"  verify {algorithm:<14} {ms(took):>8}  ({encoded.split('$')[1]} …)")
        user = User.objects.create_user(email="scrypt@bench.vn", password=PASSWORD, name="Bench")
        assert user.password.startswith("scrypt$")
        took = median_of(lambda: sign_in_once("scrypt@bench.vn"))
        print(f"sign-in POST, scrypt account:   median {ms(took)} of {ROUNDS}")
        old = User.objects.create_user(email="pbkdf2@bench.vn", password=None, name="Old")
        old.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
        old.save(update_fields=["password"])
        first = sign_in_once("pbkdf2@bench.vn")
        old.refresh_from_db()
        print(
            f"sign-in POST, PBKDF2 account:   first {ms(first)} "
            f"(verifies PBKDF2, re-hashes: now {old.password.split('$')[0]})"
        )
        old.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
        old.save(update_fields=["password"])
        with override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
        ):
            took = median_of(lambda: sign_in_once("pbkdf2@bench.vn"))
        print(f"sign-in POST with Django's default hasher (PBKDF2) only: median {ms(took)}")
    print(f"(settings: {settings.SETTINGS_MODULE}, {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
