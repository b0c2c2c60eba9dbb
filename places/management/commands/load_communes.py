from django.core.management.base import BaseCommand

from places.loading import load_communes, load_provinces, wanted_provinces
from places.models import Commune, Province


class Command(BaseCommand):
    help = (
        "Load or refresh the provinces and their commune-level units from vietnam-provinces (a "
        "new commune gets its province's reviewed flags, where it has a file; to set existing "
        "flags back to the reviewed file, use `commune_flags --reset`)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--province",
            action="append",
            default=[],
            help="a province code (repeat it); default: the provinces already loaded",
        )
        parser.add_argument("--all", action="store_true", help="all 34 provinces")

    def handle(self, *args, **options):
        load_provinces(Province)
        if options["all"]:
            codes = wanted_provinces("all")
        elif options["province"]:
            codes = wanted_provinces(options["province"])
        else:
            codes = sorted(set(Commune.objects.values_list("province_id", flat=True))) or ["44"]
        created = load_communes(Commune, codes)
        self.stdout.write(
            f"{Province.objects.count()} provinces, {Commune.objects.count()} communes "
            f"({created} new)."
        )
