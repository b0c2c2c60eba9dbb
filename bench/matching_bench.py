"""Matching benchmark: engine, full Django run on PostgreSQL, greedy baseline, exact reference.

One command (from the repository root; part b needs PostgreSQL, the rest runs anywhere):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/noisong_matching \\
        .venv/bin/python bench/matching_bench.py

Part b bulk-loads 100,000 ready phones and 1,000,000 verified households with COPY into a
dedicated database, `<DATABASE_URL's name>_bench` (created and migrated if missing; its
households, devices and runs are replaced), then times one run split into load / solve / write,
with the peak memory of the process that ran it; the same at province size (5,000 phones,
25,000 households) in `<name>_bench_province`. Options: --skip-db, --only-db, --devices N --households N,
--reload (rebuild the bench data even if it is already there), --provinces N (spread the
large instance over N provinces, real ones of the database, all switched on).

Goals on a 2-core machine (issue 17): at national size (`--devices 300000 --households
3000000 --provinces 34`: 34 provinces of 30 communes and 3 hubs each, unequal in size, every
province a part of its own) the whole run ≤ 15 s with peak memory ≤ 1.5 GB; province size
(5,000 phones, 25,000 households) ≤ 0.6 s. Measured on 2026-12-01 (session 5, after provinces
became parts of their own): national 10.1-10.6 s over three runs (load 3.7-4.2, solve 1.3,
write 4.9-5.3), peak 1.09 GB, bulk load with COPY 90 s; province 0.23-0.24 s, peak 160 MB.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.matching_instances import national_problem, synthetic_problem  # noqa: E402
from matching.engine import NEEDS, Problem, ReadyPhone, WaitingHousehold, solve  # noqa: E402
from matching.engine.reference import greedy, reference_flow  # noqa: E402


def line(label: str, value: str) -> None:
    print(f"  {label:<44} {value}")


def instance(n_devices: int, n_households: int, provinces: int = 1):
    if provinces > 1:
        return national_problem(n_devices, n_households, provinces=provinces)
    return synthetic_problem(n_devices, n_households)


def engine_part(n_devices: int, n_households: int, title: str, provinces: int = 1) -> None:
    where = f" in {provinces} provinces" if provinces > 1 else ""
    print(f"\n(a) engine only: {title}: {n_devices:,} phones × {n_households:,} households{where}")
    problem = instance(n_devices, n_households, provinces)
    started = time.perf_counter()
    result = solve(problem)
    total = time.perf_counter() - started
    t = result.timings
    line(
        "build graph / solve / extract (s)",
        f"{t['build']:.2f} / {t['solve']:.2f} / {t['extract']:.2f}",
    )
    line("engine total (s)", f"{total:.2f}")
    line(
        "groups (phones, households), arcs",
        f"{result.stats['device_groups']}, {result.stats['household_groups']}, {result.stats['arcs']:,}",
    )
    line("pairs, objective", f"{len(result):,}, {result.objective:,.2f}")
    started = time.perf_counter()
    greedy_units, _ = greedy(problem)
    line(
        "(c) greedy-by-priority Q, time (s)",
        f"{greedy_units / result.objective_units:.4f}, {time.perf_counter() - started:.2f}",
    )


def reference_part(count: int = 300) -> None:
    print(f"\n(d) exact reference (ungrouped min-cost flow) on {count} small random instances")
    rng = random.Random(11)
    worst, exact_time, engine_time, greedy_q = 1.0, 0.0, 0.0, []
    hub_serves = {1: ["A", "B"], 2: ["C"], 3: ["D", "A"]}
    for _ in range(count):
        devices = [
            ReadyPhone(
                id=i,
                hub=rng.choice([1, 2, 3]),
                ram_gb=rng.choice([2.0, 2.0, 3.0, 4.0]),
                has_camera=rng.random() < 0.85,
                has_nfc=rng.random() < 0.4,
                supports_volte=rng.random() < 0.95,
                rule=rng.choice(["none", "none", "prefer", "only"]),
                rule_commune=rng.choice("ABCDE"),
            )
            for i in range(rng.randint(1, 30))
        ]
        households = [
            WaitingHousehold(
                id=1000 + j,
                commune=rng.choice("ABCDE"),
                priority=rng.randint(0, 100),
                need=rng.choice(NEEDS),
            )
            for j in range(rng.randint(1, 60))
        ]
        problem = Problem(devices, households, hub_serves, {(1, 2): 4.0}, seed=rng.randint(0, 999))
        started = time.perf_counter()
        exact, _ = reference_flow(problem)
        exact_time += time.perf_counter() - started
        started = time.perf_counter()
        engine = solve(problem).objective_units
        engine_time += time.perf_counter() - started
        if exact:
            worst = min(worst, engine / exact)
            greedy_q.append(greedy(problem)[0] / exact)
    line("Q = (W(engine) − W(∅)) / (W(exact) − W(∅)), worst", f"{worst:.3f}")
    line("greedy Q, mean / worst", f"{sum(greedy_q) / len(greedy_q):.4f} / {min(greedy_q):.4f}")
    line("time: reference / engine (s, all instances)", f"{exact_time:.2f} / {engine_time:.2f}")


# ---- part b: the full run through Django on PostgreSQL --------------------------------------


def bench_database_url(suffix: str) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return ""
    base, _, name = url.rpartition("/")
    return f"{base}/{name.split('?')[0]}{suffix}"


def ensure_database(url: str) -> None:
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def django_setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    import django

    django.setup()


def load_data(n_devices: int, n_households: int, reload: bool, provinces: int = 1) -> None:
    from django.core.management import call_command
    from django.db import connection

    from accounts.models import User
    from households.models import Household
    from places.models import Commune, Hub, Province

    call_command("migrate", verbosity=0)
    problem = instance(n_devices, n_households, provinces)
    names = [f"Bench hub {hub_key}" for hub_key in problem.hub_serves]
    verified = Household.objects.filter(status="verified").count()
    if (
        not reload
        and verified == n_households
        and set(Hub.objects.filter(name__startswith="Bench").values_list("name", flat=True))
        == set(names)
    ):
        print(f"  reusing {verified:,} households already in the bench database")
        return
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE matching_allocation, matching_proposal, matching_matchrunevent,"
            " matching_matchrun_hubs, matching_matchrun, donations_deviceevent, donations_device,"
            " donations_pledge, donations_donor, households_householdevent, households_household"
            " CASCADE"
        )
    Hub.objects.filter(name__startswith="Bench").exclude(name__in=names).delete()
    if provinces > 1:
        # Province p's synthetic communes are the first communes of the p-th province: every
        # hub serves communes of its own province, as places.services requires.
        from places.loading import load_communes

        load_communes(Commune, sorted(Province.objects.values_list("code", flat=True)))
        Province.objects.update(active=True)
        real: dict[str, list[str]] = {}
        for code, province in Commune.objects.order_by("code").values_list("code", "province"):
            real.setdefault(province, []).append(code)
        blocks = [real[code] for code in sorted(real)]
        assert len(blocks) >= provinces, f"{len(blocks)} provinces loaded, {provinces} asked for"
        code_of = {}
        for synthetic in problem.households.communes:
            p, i = int(synthetic[1:3]), int(synthetic[4:])
            code_of[synthetic] = blocks[p][i]
    else:
        codes = sorted(Commune.objects.values_list("code", flat=True))
        assert len(codes) >= len(problem.households.communes), "the 78 communes are missing"
        code_of = dict(zip(problem.households.communes, codes, strict=False))
    user, _ = User.objects.get_or_create(email="bench@noisong.local", defaults={"name": "Bench"})
    hub_ids = {}
    for hub_key, served in problem.hub_serves.items():
        hub, _ = Hub.objects.get_or_create(
            name=f"Bench hub {hub_key}", defaults={"commune_id": code_of[served[0]], "address": "-"}
        )
        hub.serves.set([code_of[c] for c in served])
        hub_ids[hub_key] = hub.id
    from donations.models import Donor, Pledge

    donor = Donor.objects.create(name="Bench donor", email="bench-donor@noisong.local")
    pledges = {}
    for synthetic in problem.households.communes:
        for strict in (False, True):
            pledges[(synthetic, strict)] = Pledge.objects.create(
                donor=donor, commune_preference_id=code_of[synthetic], preference_strict=strict
            ).id
    now = "2026-11-27 00:00:00+00"
    buffer = io.StringIO()
    for h in problem.households.records():
        school, elderly, disabled = (
            2 if h.need == "student" else 0,
            int(h.need == "elderly"),
            int(h.need == "disability"),
        )
        buffer.write(
            f"{code_of[h.commune]}\tHộ {h.id}\t\t\t4\t{school}\t{elderly}\t{disabled}\tpoor\t\t[]\tnone\tgood\t\tverified\t{h.priority}\t2026.1\t[]\tt\tf\tf\t{user.id}\t{now}\t{now}\n"
        )
    buffer.seek(0)
    with (
        connection.cursor() as cursor,
        cursor.copy(
            "COPY households_household (commune_id, head_name, head_name_key, cccd_last4, members,"
            " school_age_children, elderly, disabled, poverty_status, poverty_certificate_no,"
            " deprivations, phone_situation, coverage_4g, need, status, priority_score,"
            " priority_version, priority_breakdown, consent_processing, consent_share_story,"
            " consent_share_photo, created_by_id, created_at, updated_at) FROM STDIN"
        ) as copy,
    ):
        while chunk := buffer.read(1 << 20):
            copy.write(chunk)
    buffer = io.StringIO()
    for device in problem.devices:
        pledge = (
            pledges[(device.rule_commune, device.rule == "only")]
            if device.rule != "none"
            else "\\N"
        )
        buffer.write(
            f"B{device.id:010d}\t{pledge}\tSamsung\tGalaxy A\t{device.ram_gb}\t64\tandroid\t\tt\tt\t{'t' if device.has_nfc else 'f'}\t{'t' if device.has_camera else 'f'}\tgood\t\t{hub_ids[device.hub]}\tready\t{now}\t{now}\n"
        )
    buffer.seek(0)
    with (
        connection.cursor() as cursor,
        cursor.copy(
            "COPY donations_device (tracking_code, pledge_id, brand, model, ram_gb, storage_gb, os,"
            " os_version, supports_4g, supports_volte, has_nfc, has_camera, condition, imei, hub_id,"
            " status, created_at, updated_at) FROM STDIN"
        ) as copy,
    ):
        copy.write(buffer.getvalue())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE households_household; ANALYZE donations_device")
    line("bulk load with COPY (s)", f"{time.perf_counter() - started:.1f}")


def run_phase() -> None:
    """Runs in its own process so that its peak memory is the run's alone."""
    from django.conf import settings
    from django.db import connection

    from accounts.models import User
    from matching.services import match_run_create

    settings.CELERY_TASK_ALWAYS_EAGER = True
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE matching_proposal, matching_matchrunevent, matching_matchrun_hubs,"
            " matching_matchrun CASCADE"
        )
    admin = User.objects.get(email="bench@noisong.local")
    admin.is_superuser = True
    admin.save(update_fields=["is_superuser"])
    started = time.perf_counter()
    run = match_run_create(actor=admin, seed=2026)
    wall = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "status": run.status,
                "message": run.message,
                "timings": run.timings,
                "wall": wall,
                "peak_mb": peak_mb,
                "proposals": run.proposals_count,
                "devices": run.statistics.get("devices"),
                "households": run.statistics.get("households"),
                "provinces": len(run.provinces or []),
            }
        )
    )


def database_part(
    n_devices: int, n_households: int, reload: bool, suffix: str = "_bench", provinces: int = 1
) -> None:
    url = bench_database_url(suffix)
    where = f" in {provinces} provinces" if provinces > 1 else ""
    print(
        f"\n(b) full run through Django on PostgreSQL: {n_devices:,} phones × {n_households:,}"
        f" households{where}"
    )
    if not url:
        print("  skipped: DATABASE_URL does not point at PostgreSQL")
        return
    ensure_database(url)
    line("database", url.rpartition("/")[2])
    child = subprocess.run(
        [
            sys.executable,
            __file__,
            "--phase",
            "load",
            "--devices",
            str(n_devices),
            "--households",
            str(n_households),
            "--provinces",
            str(provinces),
        ]
        + (["--reload"] if reload else []),
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        check=False,
    )
    sys.stdout.write(child.stdout)
    if child.returncode:
        sys.stdout.write(child.stderr)
        return
    child = subprocess.run(
        [sys.executable, __file__, "--phase", "run"],
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        check=False,
    )
    if child.returncode:
        sys.stdout.write(child.stdout + child.stderr)
        return
    figures = json.loads(child.stdout.strip().splitlines()[-1])
    t = figures["timings"]
    line("loaded phones / households", f"{figures['devices']:,} / {figures['households']:,}")
    line("load / solve / write (s)", f"{t['load']:.2f} / {t['solve']:.2f} / {t['write']:.2f}")
    line(
        "engine build / solve / extract (s)",
        " / ".join(f"{t['engine'][k]:.2f}" for k in ("build", "solve", "extract")),
    )
    line("provinces solved as parts of their own", f"{figures['provinces']}")
    line("whole run, wall clock (s)", f"{figures['wall']:.2f}")
    line("proposals written", f"{figures['proposals']:,}")
    line("peak memory of the run process (MB)", f"{figures['peak_mb']:.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--devices", type=int, default=100_000)
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--skip-db", action="store_true")
    parser.add_argument("--reload", action="store_true")
    parser.add_argument("--only-db", action="store_true", help="part b only")
    parser.add_argument(
        "--provinces",
        type=int,
        default=1,
        help="spread the large instance over this many provinces (34: the country)",
    )
    parser.add_argument("--phase", choices=["load", "run"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        django_setup(os.environ["DATABASE_URL"])
        if args.phase == "load":
            load_data(args.devices, args.households, args.reload, args.provinces)
        else:
            run_phase()
        return
    print(f"Matching benchmark ({os.cpu_count()} CPUs)")
    if args.only_db:
        database_part(5_000, 25_000, args.reload, "_bench_province")
        database_part(args.devices, args.households, args.reload, provinces=args.provinces)
        return
    engine_part(5_000, 25_000, "province size")
    engine_part(args.devices, args.households, "national stress size", args.provinces)
    reference_part()
    if not args.skip_db:
        database_part(5_000, 25_000, args.reload, "_bench_province")
        database_part(args.devices, args.households, args.reload, provinces=args.provinces)


if __name__ == "__main__":
    main()
