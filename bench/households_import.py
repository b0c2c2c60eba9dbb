"""Benchmark: importing 10,000 households from Excel with full validation (goal ≤ 15 s).

Run:  .venv/bin/python bench/households_import.py [--rows 10000]
      DATABASE_URL=postgres://postgres@127.0.0.1:5432/noisong_households \\
          .venv/bin/python bench/households_import.py

It creates a throw-away test database (SQLite in memory, or test_<name> on PostgreSQL), an
officer of two communes with villages, writes an .xlsx in the template's format, then times:
  1. preview  — read the workbook, check every row (CCCD shape and keyed hash, counts, choices,
                commune scope, village, duplicates in the file and against the database);
  2. rejected — the same file with 5 bad rows committed: every error listed, nothing written;
  3. commit   — check again and insert all rows, their events and consent records in one
                transaction (bulk_create).
The figures are printed; nothing is asserted (speed goals live here, not in the test suite).
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

GOAL_SECONDS = 15.0


def build_file(rows: int, villages: dict[str, list[str]], *, bad: int = 0) -> bytes:
    from openpyxl import Workbook

    from households.fields import HEADERS

    wb = Workbook(write_only=True)
    sheet = wb.create_sheet("Danh sách hộ")
    sheet.append(HEADERS)
    communes = list(villages)
    for i in range(rows):
        commune = communes[i % len(communes)]
        village = villages[commune][i % len(villages[commune])]
        number = f"045{i % 2}{80 + i % 20:02d}{i:06d}"
        members = 3 + i % 6
        if bad and i % (rows // bad) == 7:
            members = -1  # one of the few bad rows
        sheet.append(
            [
                f"{commune} - Xã",
                village,
                f"Hồ Văn Thử {i}",
                number,
                members,
                i % 3,
                i % 2,
                0,
                ["Hộ nghèo", "Hộ cận nghèo", "Khác"][i % 3],
                f"GCN-{i}",
                2025,
                "Có",
                "Không" if i % 2 else "Có",
                ["Chưa có điện thoại", "Chỉ có điện thoại phổ thông"][i % 2],
                ["Tốt", "Yếu", "Không có sóng"][i % 3],
                "Các cháu học trực tuyến.",
                "Có",
                "Ký giấy",
                "",
                "Có",
                "Không",
            ]
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args.rows, connection)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run(rows: int, connection) -> None:
    from accounts.services import staff_create
    from core.errors import ApplicationError
    from households.models import Household
    from households.services.imports import household_import
    from places.models import Village

    villages = {
        "19588": ["Bản A Vao", "Bản Tà Rụt 1", "Bản Vực Leng", "Bản A Đeng"],
        "19441": ["Bản Cheng", "Bản Ta Păng", "Bản Hướng Phùng"],
    }
    for code, names in villages.items():
        for name in names:
            Village.objects.get_or_create(commune_id=code, name=name)
    officer = staff_create(
        email="bench@noisong.local",
        name="Bench",
        password="a-long-bench-password-2026",
        roles=[{"role": "officer", "communes": list(villages)}],
        actor=None,
    )

    started = time.perf_counter()
    good = build_file(rows, villages)
    bad = build_file(rows, villages, bad=5)
    built = time.perf_counter() - started

    started = time.perf_counter()
    report = household_import(actor=officer, content=good, commit=False)
    preview = time.perf_counter() - started
    assert report["valid"], report["errors"][:3]

    started = time.perf_counter()
    try:
        household_import(actor=officer, content=bad, commit=True)
        raise SystemExit("the file with bad rows was accepted")
    except ApplicationError as error:
        errors = len(error.report["errors"])
    rejected = time.perf_counter() - started
    assert Household.objects.count() == 0

    started = time.perf_counter()
    report = household_import(actor=officer, content=good, commit=True)
    commit = time.perf_counter() - started
    assert Household.objects.count() == rows == report["created"]

    vendor = connection.vendor
    print(f"households import benchmark — {rows:,} rows, database: {vendor}")
    print(f"  file size                      {len(good) / 1024:8.0f} KiB (built in {built:.1f} s)")
    print(f"  preview (read + full checks)   {preview:8.2f} s  ({rows / preview:,.0f} rows/s)")
    print(f"  commit refused, {errors} bad rows    {rejected:8.2f} s  (nothing written)")
    print(f"  commit (checks + insert)       {commit:8.2f} s  ({rows / commit:,.0f} rows/s)")
    verdict = "met" if commit <= GOAL_SECONDS else "MISSED"
    print(f"  goal ≤ {GOAL_SECONDS:.0f} s for the commit: {verdict}")


if __name__ == "__main__":
    main()
