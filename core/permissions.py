"""Role permissions for the API, checked before the input is (so others get 401/403 rather than a
validation error). A signed-in user's scope is `user.scope` (accounts.scoping computes it), so this
module needs nothing from the apps above it."""

from __future__ import annotations

from rest_framework.permissions import BasePermission


def scope_of(user):
    """The user's scope (roles, communes, hubs), or None for the anonymous and the deactivated."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return user.scope


class IsAdminRole(BasePermission):
    message = "Only administrators may do this."

    def has_permission(self, request, view):
        scope = scope_of(request.user)
        return bool(scope and scope.is_admin)


class IsAdminOrProvinceAdmin(BasePermission):
    """Administrators, and province admins (whose services narrow them to their provinces)."""

    message = "Only administrators may do this."

    def has_permission(self, request, view):
        scope = scope_of(request.user)
        return bool(scope and (scope.is_admin or scope.is_province_admin))


def roles_required(*roles: str) -> type[BasePermission]:
    """A permission class letting in admins and holders of any of `roles`."""

    class HasRole(BasePermission):
        message = "Your role does not allow this."

        def has_permission(self, request, view):
            scope = scope_of(request.user)
            return bool(scope and scope.has_role(*roles))

    HasRole.__name__ = HasRole.__qualname__ = "HasRole_" + "_".join(roles)
    return HasRole
