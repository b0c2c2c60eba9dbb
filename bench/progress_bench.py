"""Benchmark: the public numbers with a million households (issue 7, "Public progress").

Run (one command; PostgreSQL, COPY needs it):
      DATABASE_URL=postgres://postgres@127.0.0.1:5432/noisong_progress \\
          .venv/bin/python bench/progress_bench.py [--households 1000000] [--devices 50000]

It creates a throw-away test database (test_<name>, dropped at the end), a staff user who
nominated every household, and bulk-loads with COPY (psycopg's cursor.copy):
  * N households over the 78 communes (mountain communes weighted ×4), in every status
    (draft 5 %, submitted 10 %, needs changes 3 %, verified 40 %, rejected 5 %, allocated 7 %,
    served 28 %, inactive 2 %);
  * D devices in every state (lost and returned ones too), 2,000 donors on the honour roll
    owning them; each phone with a household (delivered, followed up) has its handover to a
    served household and an outcome, each phone on its way (allocated, dispatched) a live
    allocation to an allocated household.
Then it prints the plan of the households aggregate and times, each as the best and median of
several runs:
  1. the stats query uncached (progress.selectors.stats_compute: five aggregate queries,
     logistics/numbers.py),
     right after the load and again after VACUUM ANALYZE (index-only scan once the visibility
     map is set), and with index scans switched off (what it would cost without the index);
  2. the stats read from the Django cache (public_stats when cached);
  3. the pages through Django's test client: /tien-do/, /, /tien-do/du-lieu.csv,
     /api/v1/stats/, /tien-do/vinh-danh/ — with an empty cache and with a warm cache.
Nothing is asserted (speed goals live here, not in the test suite).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

STATUSES = [
    ("draft", 5),
    ("submitted", 10),
    ("needs_changes", 3),
    ("verified", 40),
    ("rejected", 5),
    ("allocated", 7),
    ("served", 28),
    ("inactive", 2),
]
DEVICE_STATUSES = [
    ("pledged", 20),
    ("received", 8),
    ("wiped", 4),
    ("ready", 10),
    ("allocated", 5),
    ("dispatched", 3),
    ("delivered", 35),
    ("followed_up", 8),
    ("returned", 1),
    ("rejected", 3),
    ("lost", 1),
    ("cancelled", 4),
]
HOUSEHOLD_COLUMNS = (
    "commune_id",
    "head_name",
    "head_name_key",
    "cccd_last4",
    "members",
    "school_age_children",
    "elderly",
    "disabled",
    "poverty_status",
    "poverty_certificate_no",
    "deprivations",
    "phone_situation",
    "coverage_4g",
    "need",
    "status",
    "priority_score",
    "priority_version",
    "priority_breakdown",
    "consent_processing",
    "consent_share_story",
    "consent_share_photo",
    "created_by_id",
    "created_at",
    "updated_at",
)
# donations_device's columns for the COPY below: around the pledge's own list of a phone's fields
# (donations.services.pledges.DEVICE_FIELDS, read once Django is set up), in its order.
DEVICE_COLUMNS_BEFORE = ("tracking_code", "pledge_id")
DEVICE_COLUMNS_AFTER = ("status", "created_at", "updated_at")


def timed(fn, runs: int) -> tuple[float, float]:
    """(best, median) wall time in milliseconds."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return min(times), statistics.median(times)


def weighted(rng: random.Random, pairs, k: int) -> list:
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights, k=k)


def load(households: int, devices: int, connection) -> dict:
    from django.utils import timezone

    from accounts.models import User
    from donations.models import Donor, Pledge
    from places.models import Commune

    rng = random.Random(7)
    user = User.objects.create_user(
        email="bench@noisong.local", password="a-long-bench-password-2026", name="Bench"
    )
    communes = list(Commune.objects.values_list("code", "is_mountain"))
    commune_pairs = [(code, 4 if mountain else 1) for code, mountain in communes]
    now = timezone.now()

    started = time.perf_counter()
    commune_ids = weighted(rng, commune_pairs, households)
    statuses = weighted(rng, STATUSES, households)
    sql = f"COPY households_household ({', '.join(HOUSEHOLD_COLUMNS)}) FROM STDIN"
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        with raw.copy(sql) as copy:
            for i in range(households):
                copy.write_row(
                    (
                        commune_ids[i],
                        f"Hộ Thử {i}",
                        f"ho thu {i}",
                        f"{i % 10000:04d}",
                        3 + i % 5,
                        i % 3,
                        i % 2,
                        0,
                        "poor" if i % 3 else "near_poor",
                        "",
                        "[]",
                        "none",
                        "good",
                        "",
                        statuses[i],
                        40 + i % 60,
                        "v1",
                        "[]",
                        True,
                        False,
                        False,
                        user.pk,
                        now,
                        now,
                    )
                )
    households_s = time.perf_counter() - started

    started = time.perf_counter()
    donors = Donor.objects.bulk_create(
        [
            Donor(name=f"Donor {i}", email=f"d{i}@bench.local", public_name=f"Nhà hảo tâm {i}")
            for i in range(2000)
        ]
    )
    pledges = Pledge.objects.bulk_create([Pledge(donor=d) for d in donors])
    device_statuses = weighted(rng, DEVICE_STATUSES, devices)
    from donations.services.pledges import DEVICE_FIELDS

    columns = (*DEVICE_COLUMNS_BEFORE, *DEVICE_FIELDS, *DEVICE_COLUMNS_AFTER)
    sql = f"COPY donations_device ({', '.join(columns)}) FROM STDIN"
    with connection.cursor() as cursor:
        with cursor.cursor.copy(sql) as copy:
            for i in range(devices):
                copy.write_row(
                    (
                        f"NS-B{i:07d}",
                        pledges[i % len(pledges)].pk,
                        "Samsung",
                        "Galaxy A12",
                        3,
                        32,
                        "android",
                        "12",
                        True,
                        True,
                        False,
                        True,
                        "good",
                        f"35{i:013d}",
                        device_statuses[i],
                        now,
                        now,
                    )
                )
        cursor.execute(
            "SELECT id FROM donations_device WHERE status IN ('delivered', 'followed_up')"
        )
        delivered = [row[0] for row in cursor.fetchall()]
        delivered_to = weighted(rng, commune_pairs, len(delivered))
        sql = (
            "COPY donations_deviceoutcome (device_id, commune_id, household_kind, delivered_at,"
            " story, photo, created_at) FROM STDIN"
        )
        with cursor.cursor.copy(sql) as copy:
            for device_id, commune_id in zip(delivered, delivered_to, strict=True):
                copy.write_row((device_id, commune_id, "general", now, "", "", now))
        # Handovers to served households, live allocations to allocated ones (as many as both
        # lists allow: the numbers count what the rows say).
        cursor.execute("SELECT id FROM households_household WHERE status = 'served'")
        served = [row[0] for row in cursor.fetchall()]
        sql = (
            "COPY logistics_handover (device_id, household_id, received_by, relation,"
            " recipient_cccd_last4, cccd_override_reason, training_given, sim_iccid, place, story,"
            " photo, signature, recorded_by_id, at) FROM STDIN"
        )
        with cursor.cursor.copy(sql) as copy:
            for device_id, household_id in zip(delivered, served, strict=False):
                copy.write_row(
                    (device_id, household_id, "Hộ Thử", "head", "0000", "", True, "", "", "", "",
                     "", user.pk, now)
                )  # fmt: skip
        cursor.execute(
            "SELECT id FROM donations_device WHERE status IN ('allocated', 'dispatched')"
        )
        on_the_way = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT id FROM households_household WHERE status = 'allocated'")
        allocated = [row[0] for row in cursor.fetchall()]
        sql = (
            "COPY matching_allocation (device_id, household_id, is_live, created_at,"
            " release_reason) FROM STDIN"
        )
        with cursor.cursor.copy(sql) as copy:
            for device_id, household_id in zip(on_the_way, allocated, strict=False):
                copy.write_row((device_id, household_id, True, now, ""))
    devices_s = time.perf_counter() - started
    return {"households_s": households_s, "devices_s": devices_s, "delivered": len(delivered)}


def run(households: int, devices: int, connection) -> None:
    from django.core.cache import cache
    from django.test import Client

    from progress import selectors

    loaded = load(households, devices, connection)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"progress benchmark — database: {connection.vendor}, cache: {cache.__class__.__name__}")
    print(
        f"  loaded {households:,} households by COPY in {loaded['households_s']:.1f} s; "
        f"{devices:,} devices ({loaded['delivered']:,} delivered, with handovers and outcomes) "
        f"in {loaded['devices_s']:.1f} s"
    )

    grouped = (
        "SELECT commune_id, status, COUNT(*) FROM households_household "
        "WHERE status IN ('verified', 'allocated', 'served') GROUP BY commune_id, status"
    )

    def plan() -> str:
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS OFF, TIMING OFF) " + grouped)
            lines = [row[0] for row in cursor.fetchall()]
        scan = next((line.strip() for line in lines if "Scan" in line), lines[0])
        return scan.split("  (")[0]

    def uncached() -> None:
        selectors.stats_compute()

    best, median = timed(uncached, 5)
    print(f"  plan after the load:   {plan()}")
    print(f"  stats query, uncached, fresh load      best {best:8.1f} ms   median {median:8.1f} ms")

    connection.ensure_connection()
    old_autocommit = connection.get_autocommit()
    connection.set_autocommit(True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    connection.set_autocommit(old_autocommit)
    best, median = timed(uncached, 5)
    print(f"  plan after VACUUM:     {plan()}")
    print(f"  stats query, uncached, after VACUUM    best {best:8.1f} ms   median {median:8.1f} ms")

    with connection.cursor() as cursor:
        cursor.execute("SET enable_indexscan = off; SET enable_indexonlyscan = off;")
        cursor.execute("SET enable_bitmapscan = off")
    best, median = timed(uncached, 3)
    print(f"  stats query, uncached, NO index scans  best {best:8.1f} ms   median {median:8.1f} ms")
    with connection.cursor() as cursor:
        cursor.execute("RESET enable_indexscan; RESET enable_indexonlyscan;")
        cursor.execute("RESET enable_bitmapscan")

    cache.clear()
    selectors.public_stats()
    best, median = timed(selectors.public_stats, 1000)
    print(f"  stats, cached (Django cache)           best {best:8.3f} ms   median {median:8.3f} ms")

    client = Client()
    print("  pages (Django test client)                  cache empty        cache warm")
    for url in ("/tien-do/", "/", "/tien-do/du-lieu.csv", "/api/v1/stats/", "/tien-do/vinh-danh/"):

        def cold(url=url):
            cache.clear()
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        def warm(url=url):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        cold_best, cold_median = timed(cold, 3)
        warm()
        warm_best, warm_median = timed(warm, 20)
        print(
            f"    {url:<24} median {cold_median:8.1f} ms (best {cold_best:6.1f})"
            f"   median {warm_median:6.1f} ms (best {warm_best:5.1f})"
        )
    totals = selectors.public_stats()["totals"]
    print("  totals: " + ", ".join(f"{k} {v:,}" for k, v in totals.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--devices", type=int, default=50_000)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    if connection.vendor != "postgresql":
        raise SystemExit("This benchmark needs PostgreSQL: set DATABASE_URL (see the docstring).")
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args.households, args.devices, connection)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
