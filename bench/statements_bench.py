"""Benchmark: reconciling a long bank statement (issue 13: 10,000 rows took 25 s in the request,
100,000 hit the worker timeout).

Run:  .venv/bin/python bench/statements_bench.py [--rows 10000] [--gifts 2000]
      DATABASE_URL=postgres://postgres@127.0.0.1:5432/noisong_statements \\
          .venv/bin/python bench/statements_bench.py

It creates a throw-away test database, `--gifts` VietQR gifts waiting for payment and a CSV
statement of `--rows` lines (the gifts' transfers, a few overpaid, the rest lines without a memo
of ours), then times:
  1. upload   — what the coordinator's request does: read and check the file, keep it, owe the
                work (the request returns at once; the goal is under a second);
  2. worker   — the background reconciliation in chunks of 500 lines;
  3. again    — the same statement a second time (every line recognised, nothing paid twice).
The figures are printed; nothing is asserted.
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--gifts", type=int, default=2_000)
    args = parser.parse_args()
    import django

    django.setup()
    from django.db import connection

    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args.rows, args.gifts, connection)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run(rows: int, gift_count: int, connection) -> None:
    from django.conf import settings

    from accounts.models import Role, RoleAssignment, User
    from donations.models import Gift, StatementImport
    from donations.services.gifts import gift_vietqr_create
    from donations.services.statements import statement_process, statement_reconcile

    settings.CELERY_TASK_ALWAYS_EAGER = False  # the request only owes the work
    coordinator = User.objects.create_user(email="bench@noisong.local", name="Bench", password="x")
    RoleAssignment.objects.create(user=coordinator, role=Role.COORDINATOR)
    gifts = [
        gift_vietqr_create(
            actor=None, amount=200_000, email=f"g{n}@example.org", name=f"Người {n}", language="vi"
        )
        for n in range(gift_count)
    ]
    lines = ["Ngày,Số tiền,Nội dung,Mã giao dịch"]
    for n in range(rows):
        if n < len(gifts):
            amount = 250_000 if n % 50 == 0 else 200_000  # one in fifty overpaid
            lines.append(f"01/12/2026,{amount},CK {gifts[n].memo} ung ho,FT{n:08d}")
        else:
            lines.append(f"01/12/2026,{10_000 + n},chuyen khoan {n},FT{n:08d}")
    content = ("\n".join(lines) + "\n").encode()

    started = time.perf_counter()
    statement = statement_reconcile(content=content, filename="saoke.csv", actor=coordinator)
    upload = time.perf_counter() - started
    assert statement.status == StatementImport.Status.QUEUED

    started = time.perf_counter()  # the worker's part, run here in-process
    statement = statement_process(statement_id=statement.id)
    worker = time.perf_counter() - started

    started = time.perf_counter()
    again = statement_reconcile(content=content, filename="saoke.csv", actor=coordinator)
    again = statement_process(statement_id=again.id)
    second = time.perf_counter() - started

    paid = Gift.objects.filter(status="paid").count()
    print(f"database: {connection.vendor}; {rows:,} lines, {gift_count:,} gifts waiting")
    print(f"  upload (the request): {upload:6.2f} s   (file {len(content) / 1024:,.0f} KB)")
    print(f"  worker (reconcile):   {worker:6.2f} s   {rows / worker:,.0f} lines/s")
    print(
        f"  the same again:       {second:6.2f} s   already {again.already:,}, paid {again.matched}"
    )
    print(
        f"  money: total {statement.total_amount:,} = matched {statement.matched_amount:,}"
        f" + held {statement.held_amount:,} + not ours {statement.not_ours_amount:,}"
        f"; gifts paid {paid:,}"
    )


if __name__ == "__main__":
    main()
