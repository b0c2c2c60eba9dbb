"""Reads of messages, narrowed through accounts.scoping: officers of the household's commune and
coordinators of the hubs serving it (the staff who hand phones over and follow them up)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts.models import Role
from accounts.scoping import scope_for
from messaging.models import Message

STAFF_ROLES = (Role.OFFICER, Role.COORDINATOR)


def messages_for_staff(user, *, household_id: int | None = None) -> QuerySet:
    scope = scope_for(user)
    qs = Message.objects.all()
    if not scope.is_admin:
        codes = scope.communes(*STAFF_ROLES)
        if not codes:
            return qs.none()
        qs = qs.filter(household__commune_id__in=codes)
    if household_id is not None:
        qs = qs.filter(household_id=household_id)
    return qs.order_by("-created_at", "-id")


def messages_in_trouble(user) -> QuerySet:
    """Failed messages, and queued ones whose last attempt failed (they wait for a retry): shown
    to the coordinator so a wrong number or a provider problem is seen and acted on."""
    return (
        messages_for_staff(user)
        .filter(Q(status=Message.Status.FAILED) | Q(status=Message.Status.QUEUED, attempts__gt=0))
        .select_related("household")
    )
