from django.conf import settings
from django.core.management.base import BaseCommand

from households.services.scoring import households_rescore_stale


class Command(BaseCommand):
    help = (
        "Re-score every household whose stored priority was computed with another formula "
        "version than the current one (or every household, with --all), in one transaction."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all",
            action="store_true",
            dest="every",
            help="Re-score every household, whatever the version of its stored score.",
        )

    def handle(self, *args, every=False, **options):
        examined, changed = households_rescore_stale(every=every)
        self.stdout.write(
            f"{changed} of {examined} households re-scored "
            f"(formula {settings.HOUSEHOLD_PRIORITY_VERSION})."
        )
