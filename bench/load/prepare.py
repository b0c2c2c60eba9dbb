"""Loads the load test's data into the dedicated database (run by run.sh after `migrate`): the demo
data, then enough rows for realistic lists and lookups, and writes what locust needs (hub ids,
tracking codes, the officer's credentials) to the JSON file given as argument.

    DJANGO_SETTINGS_MODULE=bench.load.settings DATABASE_URL=... python bench/load/prepare.py out.json
"""

from __future__ import annotations

import json
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.load.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from accounts.demo import PASSWORD  # noqa: E402
from donations.models import Device, Donor, Pledge, new_tracking_code  # noqa: E402
from households.models import Household  # noqa: E402
from places.models import Hub  # noqa: E402

OFFICER = "canbo.tarut@noisong.local"  # officer of Tà Rụt (19588) in the demo data
HOUSEHOLDS = int(os.environ.get("LOAD_HOUSEHOLDS", "20000"))
DEVICES = int(os.environ.get("LOAD_DEVICES", "5000"))


def main(out: str) -> None:
    rng = random.Random(2026)
    call_command("demo_data", verbosity=0)
    from accounts.models import User

    officer = User.objects.get(email=OFFICER)
    have = Household.objects.filter(head_name__startswith="Tải ").count()
    Household.objects.bulk_create(
        [
            Household(
                commune_id="19588",
                head_name=f"Tải {i}",
                cccd_last4=f"{i % 10000:04d}",
                members=rng.randint(1, 9),
                school_age_children=rng.randint(0, 3),
                poverty_status=rng.choice(["poor", "near_poor", "none"]),
                phone_situation=rng.choice(["none", "feature_phone", "shared"]),
                coverage_4g=rng.choice(["good", "weak", "none"]),
                status=rng.choice(["draft", "submitted", "verified"]),
                priority_score=rng.randint(0, 100),
                created_by=officer,
            )
            for i in range(have, HOUSEHOLDS)
        ],
        batch_size=2000,
    )
    hubs = list(Hub.objects.values_list("id", flat=True))
    have = Device.objects.filter(model="Tải").count()
    if have < DEVICES:
        donor = Donor.objects.create(name="Tải", email="tai@load.test", kind="business")
        pledge = Pledge.objects.create(donor=donor, hub_id=hubs[0])
        codes = set(Device.objects.values_list("tracking_code", flat=True))
        made = []
        while len(made) < DEVICES - have:
            code = new_tracking_code()
            if code not in codes:
                codes.add(code)
                made.append(
                    Device(
                        pledge=pledge,
                        tracking_code=code,
                        brand="Samsung",
                        model="Tải",
                        supports_4g=True,
                        supports_volte=True,
                        hub_id=hubs[0],
                    )
                )
        Device.objects.bulk_create(made, batch_size=2000)
    codes = list(Device.objects.values_list("tracking_code", flat=True)[:2000])
    # The officer's app signs in once and keeps its token: the scenario measures the lists, not
    # twenty password hashings at its start.
    from rest_framework.authtoken.models import Token

    token = Token.objects.get_or_create(user=officer)[0].key
    Path(out).write_text(
        json.dumps(
            {
                "hubs": hubs,
                "codes": codes,
                "officer": {"username": OFFICER, "password": PASSWORD},
                "officer_token": token,
            }
        )
    )
    print(
        f"data: {Household.objects.count()} households, {Device.objects.count()} phones, "
        f"{len(hubs)} hubs"
    )


if __name__ == "__main__":
    main(sys.argv[1])
