"""What the logistics API views share: who may call them and the page schema (the input check is
core.api.validated)."""

from __future__ import annotations

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated

from core.permissions import roles_required

# Roles are checked before input, so a donor gets 403, not a validation error.
HUB_STAFF = [IsAuthenticated, roles_required("coordinator")]
FIELD_STAFF = [IsAuthenticated, roles_required("coordinator", "officer")]


def page_of(serializer_class, name: str):
    """The schema of core.api.Pagination's page around `serializer_class` rows."""
    return inline_serializer(
        name=name,
        fields={
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": serializer_class(many=True),
        },
    )
