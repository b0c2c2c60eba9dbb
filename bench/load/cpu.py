"""CPU time used by each part of the load test, read from /proc (Linux), so the figures say where
a request's cost goes: the load generator, gunicorn, PostgreSQL, Redis.

    cpu.py snap FILE RUNNER_PID     before a run
    cpu.py diff FILE RUNNER_PID     after it: FILE then holds the seconds each part used

The load generator runs as a child of the runner (bench/load/run.sh) and has exited when the run
ends: its time is what the runner's waited-for children gained (cutime + cstime). Time is counted
per process; a process that ends during the run (a PostgreSQL backend whose connection gunicorn
closed) takes its time with it, so the figures are lower bounds."""

from __future__ import annotations

import json
import os
import sys

TICK = os.sysconf("SC_CLK_TCK")


def _processes(runner: int) -> dict[str, float]:
    """Seconds of CPU per process, keyed "part:pid"."""
    used: dict[str, float] = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as handle:
                stat = handle.read()
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                command = handle.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # gone meanwhile
            continue
        name, fields = stat[stat.index("(") + 1 : stat.rindex(")")], stat.rsplit(")", 1)[1].split()
        if int(pid) == runner:
            used[f"locust:{pid}"] = (int(fields[13]) + int(fields[14])) / TICK  # its children's
        part = next(
            (p for p in ("gunicorn", "postgres", "redis") if p in command or p in name), None
        )
        if part:
            used[f"{part}:{pid}"] = (int(fields[11]) + int(fields[12])) / TICK  # utime + stime
    return used


def main(action: str, path: str, runner: str) -> None:
    now = _processes(int(runner))
    if action == "snap":
        with open(path, "w") as handle:
            json.dump(now, handle)
        return
    with open(path) as handle:
        before = json.load(handle)
    parts: dict[str, float] = {}
    for key, seconds in now.items():  # processes alive at the end; new ones count in full
        part = key.split(":")[0]
        parts[part] = parts.get(part, 0.0) + seconds - before.get(key, 0.0)
    with open(path, "w") as handle:
        json.dump(parts, handle)


if __name__ == "__main__":
    main(*sys.argv[1:])
