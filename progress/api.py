"""GET /api/v1/stats/ (API.md "Public numbers"): the same aggregates as /tien-do/ and its CSV."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from progress import selectors


class _StatsCounts(serializers.Serializer):
    """The counts a total and a commune row share (defined in logistics/numbers.py)."""

    households_verified = serializers.IntegerField()
    households_waiting = serializers.IntegerField()
    households_allocated = serializers.IntegerField(
        help_text="A phone is set aside for the household and not yet handed over."
    )
    households_served = serializers.IntegerField(
        help_text="Households holding a delivered phone that has not come back."
    )
    devices_delivered = serializers.IntegerField(
        help_text="Phones delivered and not come back: the same rows as households_served."
    )


class StatsTotalsOutput(_StatsCounts):
    devices_pledged = serializers.IntegerField()
    devices_ready = serializers.IntegerField()
    devices_lost = serializers.IntegerField()


class StatsCommuneOutput(_StatsCounts):
    code = serializers.CharField()
    name = serializers.CharField()
    is_mountain = serializers.BooleanField()


class StatsOutput(serializers.Serializer):
    generated_at = serializers.DateTimeField()
    cache_seconds = serializers.IntegerField()
    totals = StatsTotalsOutput()
    communes = StatsCommuneOutput(many=True)


class Stats(APIView):
    """Public numbers: province totals and one row per commune (sorted by name). Aggregates only;
    definitions of verified / waiting / allocated / served / pledged / ready / delivered / lost
    in logistics/numbers.py. At most PROGRESS_CACHE_SECONDS old."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(responses=StatsOutput, auth=[])
    def get(self, request):
        stats = selectors.public_stats()
        rows, _sort = selectors.commune_rows(stats, sort="name")
        return Response({**stats, "communes": rows})
