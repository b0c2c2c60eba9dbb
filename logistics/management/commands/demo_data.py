"""Loads believable demo data. Each app owns a `demo.py` with a `load(ctx)` function; they run in
the order of the imports (places → accounts → households → donations → matching → logistics) and
pass what they made along in `ctx`. Safe to run again: each step looks before it creates."""

import random
from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

APPS = ["places", "accounts", "households", "donations", "matching", "logistics", "progress"]


class Command(BaseCommand):
    help = "Load demo data (hubs, one account per role, households, donors, phones)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, seed=2026, **options):
        ctx = {"rng": random.Random(seed), "stdout": self.stdout}
        # The services send the emails real use would send; keep them out of the console.
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
            transaction.atomic(),
        ):
            for app in APPS:
                try:
                    module = import_module(f"{app}.demo")
                except ModuleNotFoundError as error:
                    if error.name != f"{app}.demo":
                        raise
                    continue
                module.load(ctx)
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Sign in at /dang-nhap/ with:"))
        for role, email, password in ctx.get("credentials", []):
            self.stdout.write(f"  {role:<22} {email:<34} {password}")
