"""The field pack of API.md ("Field work without signal"): what a field device stores for a
batch before it goes where there is no signal (logistics/services/field.py)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import Serializer
from logistics.api.shared import FIELD_STAFF
from logistics.services import field


class PackCommuneOut(Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class PackBatchOut(Serializer):
    id = serializers.IntegerField()
    hub = serializers.CharField()
    commune = PackCommuneOut()
    planned_date = serializers.DateField()
    status = serializers.CharField()
    dispatched_at = serializers.DateTimeField(allow_null=True)


class PackPhoneOut(Serializer):
    code = serializers.CharField()
    model = serializers.CharField()
    imei_last5 = serializers.CharField()
    household = serializers.IntegerField()


class RelationRulesOut(Serializer):
    relations = serializers.ListField(child=serializers.CharField())
    cccd_last4_required = serializers.BooleanField()
    cccd_must_match = serializers.BooleanField()
    override_with_reason = serializers.BooleanField()


class PackHouseholdOut(Serializer):
    id = serializers.IntegerField()
    head_name = serializers.CharField()
    village = serializers.CharField()
    cccd_last4 = serializers.CharField()
    photo_consent = serializers.BooleanField()
    relation_rules = RelationRulesOut()


class PackRelationOut(Serializer):
    value = serializers.CharField()
    label = serializers.CharField()


class FieldPackOut(Serializer):
    batch = PackBatchOut()
    generated_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    may_override_cccd = serializers.BooleanField()
    relations = PackRelationOut(many=True)
    phones = PackPhoneOut(many=True)
    households = PackHouseholdOut(many=True)


class FieldPackView(APIView):
    permission_classes = FIELD_STAFF  # coordinators of the hub, officers of the commune

    @extend_schema(responses=FieldPackOut)
    def get(self, request, batch_id):
        pack = field.field_pack(user=request.user, batch_id=batch_id)
        response = Response(FieldPackOut(pack).data)
        response["Cache-Control"] = "private, no-store"  # personal data: the device keeps it
        return response
