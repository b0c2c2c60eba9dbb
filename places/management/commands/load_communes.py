from django.core.management.base import BaseCommand

from places.loading import load_communes
from places.models import Commune


class Command(BaseCommand):
    help = "Load or refresh Quảng Trị's commune-level units and their reviewed flags."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset-flags",
            action="store_true",
            help="Overwrite admins' flag corrections with the reviewed data file.",
        )

    def handle(self, *args, reset_flags=False, **options):
        created = load_communes(Commune, reset_flags=reset_flags)
        self.stdout.write(f"{Commune.objects.count()} communes ({created} new).")
