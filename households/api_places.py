"""Places that households depend on, changed through the households services (API.md, places
across the country): a commune's mountain and hardship flags (they are priority factors, so the
change re-scores) and switching a province on or off (its communes' flags come with it).

- POST /api/v1/communes/{code}/flags/ — {"is_mountain", "is_extremely_difficult", "basis"}:
  administrators, and province admins for the communes of their provinces.
- POST /api/v1/provinces/{code}/activate/ — {"without_reviewed_file": false}: administrators.
- POST /api/v1/provinces/{code}/deactivate/ — administrators.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import Serializer, validated
from core.permissions import IsAdminOrProvinceAdmin, IsAdminRole
from households.services import communes, provinces
from places.api import CommuneOutput, ProvinceOutput
from places.selectors import commune_list, province_list


class FlagsInput(Serializer):
    is_mountain = serializers.BooleanField(required=False, allow_null=True, default=None)
    is_extremely_difficult = serializers.BooleanField(required=False, allow_null=True, default=None)
    basis = serializers.CharField(
        required=False,
        allow_null=True,
        default=None,
        max_length=2000,
        help_text="The decision the flags rest on (required when a flag changes).",
    )


class CommuneFlagsView(APIView):
    permission_classes = [IsAuthenticated, IsAdminOrProvinceAdmin]

    @extend_schema(request=FlagsInput, responses=CommuneOutput)
    def post(self, request, code: str):
        data = validated(FlagsInput, request)
        communes.commune_flags_update(commune_code=code, actor=request.user, **data)
        return Response(CommuneOutput(commune_list().get(code=code)).data)


class ActivateInput(Serializer):
    without_reviewed_file = serializers.BooleanField(required=False, default=False)


class ProvinceActivateView(APIView):
    permission_classes = [IsAuthenticated, IsAdminRole]

    @extend_schema(request=ActivateInput, responses=ProvinceOutput)
    def post(self, request, code: str):
        data = validated(ActivateInput, request)
        province = provinces.province_activate(code=code, actor=request.user, **data)
        return Response(ProvinceOutput(province_list().get(code=province.code)).data)


class ProvinceDeactivateView(APIView):
    permission_classes = [IsAuthenticated, IsAdminRole]

    @extend_schema(request=None, responses=ProvinceOutput)
    def post(self, request, code: str):
        province = provinces.province_deactivate(code=code, actor=request.user)
        return Response(ProvinceOutput(province_list().get(code=province.code)).data)
