from django.core.management.base import BaseCommand, CommandError

from core.errors import ApplicationError
from households.services.communes import commune_flags_reset, commune_flags_update


def _yes_no(text: str) -> bool:
    value = text.strip().lower()
    if value in {"yes", "true", "1"}:
        return True
    if value in {"no", "false", "0"}:
        return False
    raise CommandError(f"“{text}”: write yes or no.")


class Command(BaseCommand):
    help = (
        "Change a commune's mountain or extremely-difficult flag (re-scoring its households), "
        "or with --reset set every commune's flags back to the reviewed data file."
    )

    def add_arguments(self, parser):
        parser.add_argument("code", nargs="?", help="the commune's official code")
        parser.add_argument("--mountain", help="yes or no")
        parser.add_argument("--extremely-difficult", dest="difficult", help="yes or no")
        parser.add_argument("--basis", help="the decision the flags rest on")
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Set every commune's flags and basis back to its province's reviewed file "
            "(places/data/quang-tri-communes.csv for Quảng Trị).",
        )
        parser.add_argument("--province", default="44", help="with --reset: the province code")

    def handle(self, *args, code=None, mountain=None, difficult=None, basis=None, **options):
        try:
            if options["reset"]:
                events = commune_flags_reset(actor=None, province=options["province"])
            elif code:
                event = commune_flags_update(
                    commune_code=code,
                    actor=None,
                    is_mountain=None if mountain is None else _yes_no(mountain),
                    is_extremely_difficult=None if difficult is None else _yes_no(difficult),
                    basis=basis,
                )
                events = [event] if event else []
            else:
                raise CommandError("Give a commune code, or --reset.")
        except ApplicationError as error:
            raise CommandError(error.message) from None
        for event in events:
            self.stdout.write(
                f"{event.commune_id}: {event.data['changes'] or 'basis'}; "
                f"{event.data['rescored']} households re-scored."
            )
        self.stdout.write(f"{len(events)} communes changed.")
