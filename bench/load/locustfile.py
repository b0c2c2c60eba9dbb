"""Load scenario (run by bench/load/run.sh, never against anything but 127.0.0.1):

- Pledger: anonymous donors pledging one phone each through POST /api/v1/pledges/;
- Tracker: the public following a phone on /t/<code> (HTML);
- OfficerLists: an officer paging through GET /api/v1/households/ with a token made beforehand;
- Ceiling: a bare Django JSON view on the same server (bench/load/urls.py);
- PledgeFloor: the pledge endpoint's own request handling without its database work (same file);
- PledgeByHand: a pledge's rows written with hand-written SQL, no DRF, no ORM (same file).

The data file (LOAD_DATA, written by prepare.py) gives hub ids, tracking codes and the officer."""

from __future__ import annotations

import itertools
import json
import os
import random
import sys
from pathlib import Path

from locust import HttpUser, between, task

sys.path.insert(0, str(Path(__file__).resolve().parent))
import scenario

DATA = json.loads(Path(os.environ["LOAD_DATA"]).read_text())
_serial = itertools.count()
WAIT = between(0.0, 0.05)


class Pledger(HttpUser):
    """POSTs a pledge body to `path` and counts anything but 201 as a failure."""

    wait_time = WAIT
    path, label = scenario.PLEDGE_PATH, "POST /api/v1/pledges/"

    @task
    def pledge(self):
        body = scenario.pledge_body(next(_serial), random.choice(DATA["hubs"]))
        with self.client.post(self.path, json=body, name=self.label, catch_response=True) as answer:
            if answer.status_code != 201:
                answer.failure(f"{answer.status_code}: {answer.text[:200]}")


class Tracker(HttpUser):
    wait_time = WAIT

    @task
    def track(self):
        code = random.choice(DATA["codes"])
        self.client.get(scenario.TRACK_PATH.format(code=code), name="GET /t/<code>")


class OfficerLists(HttpUser):
    wait_time = WAIT

    def on_start(self):
        # A token made by prepare.py, as the officer's app keeps one after signing in once.
        self.client.headers["Authorization"] = f"Token {DATA['officer_token']}"

    @task
    def households(self):
        path = scenario.HOUSEHOLDS_PATH.format(page=random.randint(1, 20))
        self.client.get(path, name="GET /api/v1/households/")


class PledgeFloor(Pledger):
    path, label = scenario.PLEDGE_FLOOR_PATH, "POST /bench/pledge-floor/ (no database)"


class PledgeByHand(Pledger):
    path, label = scenario.PLEDGE_BY_HAND_PATH, "POST /bench/pledge-by-hand/ (raw SQL)"


class Ceiling(HttpUser):
    wait_time = WAIT

    @task
    def ceiling(self):
        self.client.get(scenario.CEILING_PATH, name="GET /bench/ceiling/ (bare Django)")
