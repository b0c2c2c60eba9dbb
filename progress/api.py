"""GET /api/v1/stats/ (API.md "Public numbers"): the same aggregates as /tien-do/ and its CSV."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import Serializer
from core.errors import ApplicationError
from progress import selectors


class _StatsCounts(Serializer):
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


class StatsProvinceOutput(StatsTotalsOutput):
    code = serializers.CharField()
    name = serializers.CharField()


class StatsOutput(Serializer):
    generated_at = serializers.DateTimeField()
    cache_seconds = serializers.IntegerField()
    totals = StatsTotalsOutput()
    communes = StatsCommuneOutput(many=True)
    provinces = StatsProvinceOutput(
        many=True,
        required=False,
        help_text="Without ?province=: each province the programme works in, with its totals.",
    )


class Stats(APIView):
    """Public numbers: totals and one row per commune (sorted by name), of one province
    (?province=) or of the whole deployment with each active province's totals (`provinces`). Aggregates only;
    definitions of verified / waiting / allocated / served / pledged / ready / delivered / lost
    in logistics/numbers.py. At most PROGRESS_CACHE_SECONDS old."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        responses=StatsOutput,
        auth=[],
        parameters=[
            OpenApiParameter(
                "province", str, description="A province code: its communes and totals only."
            )
        ],
    )
    def get(self, request):
        province = request.query_params.get("province") or None
        if province is not None and not selectors.province_exists(province):
            message = _("There is no province with this code.")
            raise ApplicationError(message, code="unknown_province", fields={"province": [message]})
        stats = selectors.public_stats(province)
        rows, _sort = selectors.commune_rows(stats, sort="name")
        return Response({**stats, "communes": rows})
