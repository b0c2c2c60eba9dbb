from django.core.management.base import BaseCommand

from places.loading import load_communes
from places.models import Commune


class Command(BaseCommand):
    help = (
        "Load or refresh Quảng Trị's commune-level units (a new commune gets its reviewed flags; "
        "to set existing flags back to the reviewed file, use `commune_flags --reset`)."
    )

    def handle(self, *args, **options):
        created = load_communes(Commune)
        self.stdout.write(f"{Commune.objects.count()} communes ({created} new).")
