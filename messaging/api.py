"""The messages API of API.md ("Field work without signal"): the SMS rows of a household for its
staff (numbers masked but for the last three digits) and the providers' delivery reports."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import IdField, Pagination, Serializer, paginated
from core.permissions import roles_required
from messaging import selectors, services
from messaging.models import Message


class MessageOut(serializers.ModelSerializer):
    to = serializers.CharField(source="to_masked")
    household = serializers.IntegerField(source="household_id")
    error = serializers.CharField(source="last_error")

    class Meta:
        model = Message
        fields = [
            "id",
            "household",
            "to",
            "kind",
            "status",
            "created_at",
            "sent_at",
            "delivered_at",
            "attempts",
            "error",
            "retry_at",
        ]


class MessageListView(APIView):
    permission_classes = [IsAuthenticated, roles_required("coordinator", "officer")]
    pagination_class = Pagination

    class MessageListQuery(Serializer):
        household = IdField(required=False)

    @extend_schema(
        parameters=[OpenApiParameter("household", int, required=False)],
        responses=MessageOut(many=True),
    )
    def get(self, request):
        query = self.MessageListQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = selectors.messages_for_staff(
            request.user, household_id=query.validated_data.get("household")
        )
        return paginated(request, self, rows, MessageOut)


class DeliveryReportOut(Serializer):
    ok = serializers.BooleanField()


class DeliveryReportView(APIView):
    """A provider's delivery report. eSMS calls with GET and query parameters; a POST (query
    string, form or JSON body) is read the same way. Verified by the provider's module."""

    permission_classes = [AllowAny]
    authentication_classes: list = []  # the provider has no account; its report is verified
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    @extend_schema(
        operation_id="v1_messages_callback_get",
        request=None,
        responses={200: DeliveryReportOut},
    )
    def get(self, request, provider):
        return self._receive(request, provider)

    @extend_schema(
        operation_id="v1_messages_callback_post",
        request=OpenApiTypes.OBJECT,
        responses={200: DeliveryReportOut},
    )
    def post(self, request, provider):
        return self._receive(request, provider)

    def _receive(self, request, provider):
        params = {key: request.query_params.get(key) for key in request.query_params}
        if isinstance(request.data, dict):
            params.update({str(k): v for k, v in request.data.items()})
        services.delivery_report_receive(provider_name=provider, params=params)
        return Response({"ok": True})
