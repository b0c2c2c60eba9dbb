from django.core.management.base import BaseCommand, CommandError

from core.errors import ApplicationError
from households.services.provinces import province_activate, province_deactivate
from places.selectors import province_list


class Command(BaseCommand):
    help = (
        "List the provinces, or switch one on (its communes loaded, their flags from its "
        "reviewed file places/data/communes-<code>.csv) or off."
    )

    def add_arguments(self, parser):
        parser.add_argument("--activate", metavar="CODE", help="switch this province on")
        parser.add_argument("--deactivate", metavar="CODE", help="switch this province off")
        parser.add_argument(
            "--without-reviewed-file",
            action="store_true",
            help="switch on a province that has no reviewed flags file (all flags off)",
        )

    def handle(self, *args, activate=None, deactivate=None, without_reviewed_file=False, **opts):
        try:
            if activate:
                province_activate(
                    code=activate, actor=None, without_reviewed_file=without_reviewed_file
                )
            elif deactivate:
                province_deactivate(code=deactivate, actor=None)
        except ApplicationError as error:
            raise CommandError(error.message) from None
        for province in province_list():
            state = "on " if province.active else "off"
            self.stdout.write(
                f"{province.code} {state} {province.communes_count:4} {province.name}"
            )
