import pytest
from django.core.management import CommandError, call_command

from accounts.models import AccountEvent, User
from tests.conftest import COMMUNE_A

pytestmark = pytest.mark.django_db


def test_it_creates_an_officer_of_a_commune(communes):
    call_command(
        "create_staff",
        "--email=canbo@example.vn",
        "--role=officer",
        f"--commune={COMMUNE_A}",
        "--password=a-long-password-for-cli",
    )
    user = User.objects.get(email="canbo@example.vn")
    assignment = user.role_assignments.get()
    assert assignment.role == "officer"
    assert list(assignment.communes.values_list("code", flat=True)) == [COMMUNE_A]
    assert AccountEvent.objects.filter(user=user, action="created", actor=None).exists()


def test_it_refuses_a_commune_outside_the_province(communes):
    with pytest.raises(CommandError, match="79999"):
        call_command("create_staff", "--email=x@example.vn", "--role=officer", "--commune=79999")
    assert not User.objects.filter(email="x@example.vn").exists()
