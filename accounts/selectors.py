from django.db.models import Prefetch, QuerySet

from accounts.models import RoleAssignment, User
from accounts.scoping import scope_for


def staff_list(*, actor) -> QuerySet[User]:
    """Staff accounts, for admins only (others get nothing)."""
    if not scope_for(actor).is_admin:
        return User.objects.none()
    assignments = RoleAssignment.objects.prefetch_related("communes", "hubs").order_by("role")
    return (
        User.objects.filter(role_assignments__isnull=False)
        .distinct()
        .prefetch_related(Prefetch("role_assignments", queryset=assignments))
        .order_by("email")
    )


def user_with_roles(*, user_id: int) -> User:
    assignments = RoleAssignment.objects.prefetch_related("communes", "hubs").order_by("role")
    return User.objects.prefetch_related(Prefetch("role_assignments", queryset=assignments)).get(
        id=user_id
    )
