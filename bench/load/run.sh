#!/usr/bin/env bash
# Load test: gunicorn + PostgreSQL on 127.0.0.1, driven by locust (headless, bounded in users and
# time). One command, from the repository root:
#
#     bench/load/run.sh
#
# Environment (all optional): DATABASE_URL (default postgres://postgres@127.0.0.1:5432/noisong_load,
# a dedicated database: created if missing, migrated, filled), WORKERS (gunicorn processes, 4),
# USERS (simulated users per run, 20), DURATION (seconds per run, 60), PORT (8765),
# LOAD_BROKER_URL (default redis://127.0.0.1:6379/9: tasks such as the pledge email are queued as in
# production, nobody consumes them during the run, and the runner purges that queue at the end).
#
# Runs, in order: the mixed scenario (pledges, tracking pages, officer lists), the pledge endpoint
# alone, the pledge floor (the pledge's request handling without its database work), the pledge
# by hand (its rows written with hand-written SQL, no DRF, no ORM) and the ceiling (a bare Django
# JSON view on the same server). Prints throughput, p95 and the CPU each
# part of the machine spent per request (bench/load/cpu.py), checks the pledge endpoint alone
# against its goal (issue 17: at least 0.3x the ceiling's throughput in the same run, p95 at most
# 200 ms), and stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/../.."

export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/noisong_load}"
export DJANGO_SETTINGS_MODULE=bench.load.settings
unset CACHE_URL
export CELERY_BROKER_URL="${LOAD_BROKER_URL:-redis://127.0.0.1:6379/9}"
export CELERY_TASK_ALWAYS_EAGER=false
WORKERS="${WORKERS:-4}"
USERS="${USERS:-20}"
DURATION="${DURATION:-60}"
PORT="${PORT:-8765}"
HOST="http://127.0.0.1:${PORT}"
PY=.venv/bin/python
OUT="$(mktemp -d /tmp/noisong-load.XXXXXX)"
export LOAD_DATA="$OUT/data.json"

case "$DATABASE_URL" in
  *@127.0.0.1:*|*@localhost:*) ;;
  *) echo "refusing: DATABASE_URL must point at 127.0.0.1" >&2; exit 2 ;;
esac
case "$CELERY_BROKER_URL" in
  redis://127.0.0.1:*) ;;
  *) echo "refusing: LOAD_BROKER_URL must point at 127.0.0.1" >&2; exit 2 ;;
esac
DB_NAME="${DATABASE_URL##*/}"
ADMIN_URL="${DATABASE_URL%/*}/postgres"

GUNICORN_PID=""
cleanup() {
  .venv/bin/celery -A config purge -f >/dev/null 2>&1 || true  # the queued emails of fake donors
  if [ -n "$GUNICORN_PID" ] && kill -0 "$GUNICORN_PID" 2>/dev/null; then
    kill "$GUNICORN_PID"
    wait "$GUNICORN_PID" 2>/dev/null || true
  fi
}
trap cleanup EXIT INT TERM

echo "== database $DB_NAME"
if ! psql "$ADMIN_URL" -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'" | grep -q 1; then
  psql "$ADMIN_URL" -qc "CREATE DATABASE \"$DB_NAME\""
fi
$PY manage.py migrate --noinput -v 0
$PY manage.py collectstatic --noinput -v 0  # hashed names, as deployed
$PY bench/load/prepare.py "$LOAD_DATA"
# Each run adds its pledges to this database: fresh statistics, as autovacuum would keep them, so
# that one run's plans do not depend on how many came before it.
psql "$DATABASE_URL" -qc "VACUUM ANALYZE"

echo "== gunicorn, $WORKERS workers on 127.0.0.1:$PORT"
.venv/bin/gunicorn config.wsgi:application --bind "127.0.0.1:${PORT}" --workers "$WORKERS" \
  --access-logfile /dev/null --error-logfile "$OUT/gunicorn.log" &
GUNICORN_PID=$!
for _ in $(seq 1 60); do
  curl -fs "$HOST/bench/ceiling/" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fs "$HOST/bench/ceiling/" >/dev/null || { echo "gunicorn did not start" >&2; cat "$OUT/gunicorn.log" >&2; exit 1; }

run() {  # name, user classes...
  $PY bench/load/cpu.py snap "$OUT/cpu-$1.json" $$
  local name=$1; shift
  echo "== locust: $name ($USERS users, ${DURATION}s)"
  .venv/bin/locust -f bench/load/locustfile.py --headless --only-summary --host "$HOST" \
    -u "$USERS" -r "$USERS" -t "${DURATION}s" --stop-timeout 5 --csv "$OUT/$name" \
    --loglevel WARNING "$@" >"$OUT/$name.log" 2>&1 || true
  $PY bench/load/cpu.py diff "$OUT/cpu-$name.json" $$
}
run mixed Pledger Tracker OfficerLists
run pledges Pledger
run floor PledgeFloor
run byhand PledgeByHand
run ceiling Ceiling

$PY - "$OUT" "$WORKERS" "$USERS" "$DURATION" <<'PY'
import csv, json, sys
from pathlib import Path

out, workers, users, duration = Path(sys.argv[1]), *sys.argv[2:]
def rows(name):
    with open(out / f"{name}_stats.csv") as handle:
        return list(csv.DictReader(handle))
print(f"\nResults ({workers} gunicorn workers, {users} users, {duration} s per run, 127.0.0.1)")
print(f"{'run':<9} {'endpoint':<40} {'requests':>8} {'fails':>6} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7}")
RUNS = ("mixed", "pledges", "floor", "byhand", "ceiling")
rps = {}
for name in RUNS:
    for row in rows(name):
        if row["Name"] == "token":
            continue
        print(f"{name:<9} {row['Name'][:40]:<40} {row['Request Count']:>8} {row['Failure Count']:>6} "
              f"{float(row['Requests/s']):8.1f} {row['50%']:>7} {row['95%']:>7}")
        if row["Name"] != "Aggregated":
            rps[(name, row["Name"])] = float(row["Requests/s"])
print("\nCPU per request, ms (the machine's cores are shared by all four):")
print(f"{'run':<9} {'locust':>8} {'gunicorn':>9} {'postgres':>9} {'redis':>6}   cores busy")
for name in RUNS:
    used = json.loads((out / f"cpu-{name}.json").read_text())
    requests = sum(int(r["Request Count"]) for r in rows(name) if r["Name"] == "Aggregated")
    per = {k: 1000 * used.get(k, 0.0) / max(requests, 1) for k in ("locust", "gunicorn", "postgres", "redis")}
    busy = sum(used.values()) / float(duration)
    print(f"{name:<9} {per['locust']:8.2f} {per['gunicorn']:9.2f} {per['postgres']:9.2f} {per['redis']:6.2f}   {busy:.2f}")
pledge = rps[("pledges", "POST /api/v1/pledges/")]
ceiling = next(v for (run, _), v in rps.items() if run == "ceiling")
floor = next(v for (run, _), v in rps.items() if run == "floor")
ratio = pledge / ceiling if ceiling else 0
byhand = next(v for (run, _), v in rps.items() if run == "byhand")
print(f"\npledge floor (no database work): {floor:.1f} req/s = {floor / ceiling:.0%} of the ceiling")
print(f"pledge by hand (raw SQL, no DRF): {byhand:.1f} req/s = {byhand / ceiling:.0%} of the ceiling")
p95 = next(float(r["95%"]) for r in rows("pledges") if r["Name"] == "POST /api/v1/pledges/")
verdict = "meets" if ratio >= 0.3 and p95 <= 200 else "MISSES"
print(f"\npledge endpoint alone: {pledge:.1f} req/s = {ratio:.2f}x the ceiling's {ceiling:.1f} req/s, "
      f"p95 {p95:.0f} ms -> {verdict} the goal (>= 0.3x, p95 <= 200 ms)")
PY
echo "(locust CSVs and logs in $OUT)"
