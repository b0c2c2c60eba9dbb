"""Who may see what. Every selector that returns households, devices or anything tied to a
commune or a hub narrows its queryset through this module, so the rule lives in one place.

- admin: everything.
- officer / verifier: the communes assigned to them.
- coordinator: the hubs assigned to them, and the communes those hubs serve (for deliveries).
- province admin: the staff, hubs and communes (their flags) of the provinces assigned to them —
  not their households, phones or runs (accounts/provinces.py for staff, places.services for
  hubs, households.services.communes for the flags).
- donors and the public: no commune- or hub-scoped staff data at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet

from accounts.models import Role


@dataclass(frozen=True)
class Scope:
    is_admin: bool = False
    roles: frozenset[str] = frozenset()
    communes_by_role: dict[str, frozenset[str]] = field(default_factory=dict)
    hubs: frozenset[int] = frozenset()
    hub_communes: frozenset[str] = frozenset()
    # A donor record is linked to the account (staff who also give see their donations too).
    has_donor: bool = False
    provinces: frozenset[str] = frozenset()  # those a province admin manages

    @property
    def is_staff_member(self) -> bool:
        return self.is_admin or bool(self.roles)

    def has_role(self, *roles: str) -> bool:
        return self.is_admin or any(role in self.roles for role in roles)

    def communes(self, *roles: str) -> frozenset[str]:
        """Commune codes covered by the given roles (all staff roles when none is named)."""
        wanted = roles or tuple(self.communes_by_role)
        codes: set[str] = set()
        for role in wanted:
            codes |= self.communes_by_role.get(role, frozenset())
            if role == Role.COORDINATOR:
                codes |= self.hub_communes
        return frozenset(codes)

    def covers_commune(self, code: str, *roles: str) -> bool:
        return self.is_admin or code in self.communes(*roles)

    def covers_hub(self, hub_id: int) -> bool:
        return self.is_admin or hub_id in self.hubs

    @property
    def is_province_admin(self) -> bool:
        return Role.PROVINCE_ADMIN in self.roles and bool(self.provinces)

    def administers_province(self, code: str | None) -> bool:
        """Admins: every province; a province admin: theirs."""
        return self.is_admin or (code is not None and code in self.provinces)


ANONYMOUS = Scope()


def scope_for(user) -> Scope:
    """The user's scope, computed once per request (cached on the user object)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_noisong_scope", None)
    if cached is not None:
        return cached
    # The donor record comes with the same query ("donor" is donations' name for it; no import).
    assignments = list(
        user.role_assignments.select_related("user__donor").prefetch_related(
            "communes", "hubs__serves"
        )
    )
    roles = frozenset(a.role for a in assignments)
    is_admin = user.is_superuser or Role.ADMIN in roles
    communes_by_role: dict[str, frozenset[str]] = {}
    hubs: set[int] = set()
    hub_communes: set[str] = set()
    provinces: set[str] = set()
    for assignment in assignments:
        communes_by_role[assignment.role] = frozenset(c.code for c in assignment.communes.all())
        if assignment.role == Role.COORDINATOR:
            for hub in assignment.hubs.all():
                hubs.add(hub.id)
                hub_communes.update(c.code for c in hub.serves.all())
        if assignment.role == Role.PROVINCE_ADMIN:  # (one query, for province admins only)
            provinces.update(assignment.provinces.values_list("code", flat=True))
    scope = Scope(
        is_admin=is_admin,
        roles=roles,
        communes_by_role=communes_by_role,
        hubs=frozenset(hubs),
        hub_communes=frozenset(hub_communes),
        has_donor=bool(assignments) and _linked_donor(assignments[0].user),
        provinces=frozenset(provinces),
    )
    user._noisong_scope = scope
    return scope


def _linked_donor(user) -> bool:
    try:
        return user.donor is not None
    except ObjectDoesNotExist:
        return False


def forget_scope(user) -> None:
    """Drop the cached scope after the user's roles change."""
    if hasattr(user, "_noisong_scope"):
        del user._noisong_scope


def filter_by_commune(queryset: QuerySet, user, *roles: str, field: str = "commune_id") -> QuerySet:
    """Rows whose commune the user covers in one of `roles` (any staff role if none named)."""
    scope = scope_for(user)
    if scope.is_admin:
        return queryset
    codes = scope.communes(*roles)
    if not codes:
        return queryset.none()
    return queryset.filter(**{f"{field}__in": codes})


def filter_by_hub(queryset: QuerySet, user, *, field: str = "hub_id") -> QuerySet:
    """Rows at one of the coordinator's hubs."""
    scope = scope_for(user)
    if scope.is_admin:
        return queryset
    if not scope.hubs:
        return queryset.none()
    return queryset.filter(**{f"{field}__in": scope.hubs})
