from django.core.management.base import BaseCommand, CommandError

from accounts.models import Role
from accounts.services import staff_create
from core.errors import ApplicationError


class Command(BaseCommand):
    help = "Create a staff account (officer, verifier, coordinator, province_admin or admin)."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", default="")
        parser.add_argument("--role", required=True, action="append", choices=Role.values)
        parser.add_argument("--commune", action="append", default=[], help="commune code")
        parser.add_argument("--hub", action="append", default=[], type=int, help="hub id")
        parser.add_argument(
            "--province", action="append", default=[], help="province code (province_admin)"
        )
        parser.add_argument("--password", help="without it, an invitation email is sent")
        parser.add_argument("--language", default="vi", choices=["vi", "en"])

    def handle(self, *args, **opts):
        roles = [
            {
                "role": r,
                "communes": opts["commune"],
                "hubs": opts["hub"],
                "provinces": opts["province"],
            }
            for r in opts["role"]
        ]
        try:
            user = staff_create(
                email=opts["email"],
                name=opts["name"] or opts["email"].split("@")[0],
                roles=roles,
                password=opts["password"],
                language=opts["language"],
                actor=None,
            )
        except ApplicationError as error:
            details = "; ".join(m for msgs in error.fields.values() for m in msgs)
            raise CommandError(details or error.message) from None
        self.stdout.write(self.style.SUCCESS(f"Created {user.email} (id {user.id})."))
