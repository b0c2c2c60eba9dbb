from django.db.models import Prefetch, QuerySet

from accounts.models import RoleAssignment, User
from accounts.provinces import staff_visible

ROLE_PLACES = ("communes", "hubs", "provinces")


def staff_list(*, actor) -> QuerySet[User]:
    """Staff accounts: all for admins, those of their provinces for province admins
    (accounts/provinces.py), none for others."""
    assignments = RoleAssignment.objects.prefetch_related(*ROLE_PLACES).order_by("role")
    users = (
        User.objects.filter(role_assignments__isnull=False)
        .distinct()
        .prefetch_related(Prefetch("role_assignments", queryset=assignments))
        .order_by("email")
    )
    return staff_visible(actor, users)


def user_with_roles(*, user_id: int) -> User:
    assignments = RoleAssignment.objects.prefetch_related(*ROLE_PLACES).order_by("role")
    return User.objects.prefetch_related(Prefetch("role_assignments", queryset=assignments)).get(
        id=user_id
    )
