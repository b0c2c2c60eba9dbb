"""Benchmark: the CPU one page of 50 households costs (issue 17: goal under 10 ms; it was about
22 ms, mostly the priority breakdown), through the API and the officer's web list.

Run:  .venv/bin/python bench/households_list.py [--households 2000] [--requests 200]

It creates a throw-away test database (SQLite in memory, or test_<name> on PostgreSQL with
DATABASE_URL), an officer of one commune with `--households` verified households (each with its
priority breakdown), then times `--requests` GETs of the first page through Django's test client
and prints the process CPU time per request (time.process_time: this process only, so the
database server's own work on PostgreSQL is not in it). Nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

GOAL_MS = 10.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    import django

    django.setup()
    from django.db import connection

    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args.households, args.requests)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run(count: int, requests: int) -> None:
    from django.core.management import call_command
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from accounts.models import Role, RoleAssignment, User
    from households.models import Household
    from places.models import Commune

    if not Commune.objects.exists():
        call_command("load_communes", verbosity=0)
    commune = Commune.objects.order_by("code").first()
    officer = User.objects.create_user(email="bench@noisong.local", name="Bench", password="x")
    RoleAssignment.objects.create(user=officer, role=Role.OFFICER).communes.set([commune])
    rows = []
    for n in range(count):
        household = Household(
            commune=commune,
            head_name=f"Hồ Văn Thử {n}",
            cccd_last4=f"{n % 10000:04d}",
            members=3 + n % 5,
            school_age_children=n % 3,
            elderly=n % 2,
            poverty_status="poor",
            status="verified",
            created_by=officer,
        )
        household.refresh_derived()
        rows.append(household)
    Household.objects.bulk_create(rows, batch_size=1000)
    token = Token.objects.create(user=officer).key

    for label, path, headers, login in (
        (
            "API GET /api/v1/households/ (50)",
            "/api/v1/households/",
            {"HTTP_AUTHORIZATION": f"Token {token}"},
            False,
        ),
        ("page /ho-gia-dinh/ (50)", "/ho-gia-dinh/", {}, True),
    ):
        client = Client(SERVER_NAME="localhost")
        if login:
            client.force_login(officer)
        for _ in range(10):  # warm up
            assert client.get(path, **headers).status_code == 200
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in range(requests):
            client.get(path, **headers)
        cpu = (time.process_time() - cpu) / requests * 1000
        wall = (time.perf_counter() - wall) / requests * 1000
        print(
            f"  {label:<36} CPU {cpu:6.2f} ms/request (goal ≤ {GOAL_MS:.0f})   wall {wall:6.2f} ms"
        )


if __name__ == "__main__":
    main()
