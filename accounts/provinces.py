"""What a province admin may do with staff: the staff of their provinces only.

- They see the staff whose roles touch one of their provinces (a commune, a hub or a province).
- They appoint and change officers, verifiers and coordinators, with communes and hubs of their
  provinces only; administrators and province admins are appointed by an administrator.
- They change (or deactivate) only staff whose every role lies within their provinces and who
  hold no administrator or province admin role.

Administrators (and the system: `actor` None, a management command) may do everything. The
services call these checks; the selectors narrow the staff list with `staff_visible`.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from accounts.models import Role, RoleAssignment, User
from accounts.scoping import scope_for
from core.errors import Forbidden

# The roles a province admin may give.
PROVINCE_ROLES = (Role.OFFICER, Role.VERIFIER, Role.COORDINATOR)


def _in_provinces(codes) -> Q:
    """Role assignments touching one of these provinces."""
    return (
        Q(communes__province__in=codes)
        | Q(hubs__commune__province__in=codes)
        | Q(provinces__in=codes)
    )


def staff_visible(actor, users: QuerySet[User]) -> QuerySet[User]:
    """`users` narrowed to the staff `actor` may see (all for an administrator)."""
    scope = scope_for(actor)
    if scope.is_admin:
        return users
    if not scope.is_province_admin:
        return users.none()
    touching = RoleAssignment.objects.filter(_in_provinces(scope.provinces)).values("user_id")
    return users.filter(id__in=touching)


def provinces_of(user: User) -> set[str] | None:
    """The provinces a staff member's roles touch (None: an administrator, everywhere)."""
    assignments = list(
        user.role_assignments.prefetch_related("communes", "hubs__commune", "provinces")
    )
    touched: set[str] = set()
    for assignment in assignments:
        if assignment.role == Role.ADMIN:
            return None
        touched |= {c.province_id for c in assignment.communes.all()}
        touched |= {h.commune.province_id for h in assignment.hubs.all()}
        touched |= {p.code for p in assignment.provinces.all()}
    return touched


def require_may_assign(actor, cleaned) -> None:
    """A province admin gives only PROVINCE_ROLES, with communes and hubs of their provinces.
    `cleaned`: accounts.services._clean_roles' (role, communes, hubs, provinces) tuples."""
    if actor is None:
        return
    scope = scope_for(actor)
    if scope.is_admin:
        return
    for role, communes, hubs, provinces in cleaned:
        outside = sorted(
            {c.code for c in communes if c.province_id not in scope.provinces}
            | {str(h.id) for h in hubs if h.commune.province_id not in scope.provinces}
        )
        if role not in PROVINCE_ROLES or provinces:
            message = _("Only an administrator can appoint administrators.")
            raise Forbidden(message, code="admin_only", fields={"roles": [message]})
        if outside:
            message = _("These communes or hubs are not in your province: %(items)s.") % {
                "items": ", ".join(outside)
            }
            raise Forbidden(message, code="province_not_yours", fields={"roles": [message]})


def require_may_manage(actor, user: User) -> None:
    """A province admin changes only staff of their provinces, and no administrator."""
    if actor is None:
        return
    scope = scope_for(actor)
    if scope.is_admin:
        return
    touched = provinces_of(user)
    roles = set(user.role_assignments.values_list("role", flat=True))
    if (
        not scope.is_province_admin
        or touched is None
        or not touched <= scope.provinces
        or roles - set(PROVINCE_ROLES)
    ):
        raise Forbidden(
            _("Only an administrator can change this account: it works outside your province."),
            code="province_not_yours",
        )
