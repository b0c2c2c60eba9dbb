"""The recovery paths of API.md ("Recovery paths"): allocations and their release, a phone lost,
a phone returned after delivery, and tickets. Thin views over logistics.services.recovery and
logistics.services.tickets; coordinators of the phone's hub, officers of the household's commune
and admins (the services check which)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.scoping import scope_for
from core import idempotency
from core.api import IdField, Pagination, Serializer, paginated, validated
from core.errors import ApplicationError
from logistics import selectors
from logistics.api.devices import device_payload
from logistics.api.shared import FIELD_STAFF, page_of
from logistics.models import HandoverReturn, HouseholdAfterRelease, Ticket
from logistics.services import recovery, tickets
from matching.models import Allocation

# --- allocations ---------------------------------------------------------------------------


class AllocationOut(serializers.ModelSerializer):
    device = serializers.CharField(source="device.tracking_code")
    household = serializers.IntegerField(source="household_id")
    reason = serializers.CharField(source="end_reason")
    notes = serializers.CharField(source="release_reason")

    class Meta:
        model = Allocation
        fields = [
            "id",
            "device",
            "household",
            "status",
            "created_at",
            "delivered_at",
            "released_at",
            "reason",
            "notes",
        ]


def _flag(value: str | None, name: str) -> bool | None:
    if value in (None, ""):
        return None
    if value.lower() in ("true", "1", "yes"):
        return True
    if value.lower() in ("false", "0", "no"):
        return False
    message = _("Write true or false.")
    raise ApplicationError(message, fields={name: [message]})


class AllocationListView(APIView):
    permission_classes = FIELD_STAFF
    pagination_class = Pagination

    @extend_schema(
        operation_id="v1_allocations_list",
        parameters=[
            OpenApiParameter("device", str, description="tracking code"),
            OpenApiParameter("household", int),
            OpenApiParameter("live", bool, description="true: only those on their way"),
        ],
        responses=page_of(AllocationOut, "PaginatedAllocationOutList"),
    )
    def get(self, request):
        params = request.query_params
        household = params.get("household") or ""
        if household and not household.isdigit():
            message = _("A household is named by its number.")
            raise ApplicationError(message, fields={"household": [message]})
        rows = selectors.allocations_for_staff(
            request.user,
            device=params.get("device", "")[:20],
            household=int(household) if household else None,
            live=_flag(params.get("live"), "live"),
        )
        return paginated(request, self, rows, AllocationOut)


class AllocationReleaseView(APIView):
    permission_classes = FIELD_STAFF

    class ReleaseInput(Serializer):
        reason = serializers.ChoiceField(choices=recovery.RELEASE_REASONS)
        household = serializers.ChoiceField(
            choices=HouseholdAfterRelease.choices, required=False, allow_null=True, default=None
        )
        recheck = serializers.BooleanField(required=False, allow_null=True, default=None)
        notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)

    @extend_schema(request=ReleaseInput, responses=AllocationOut)
    def post(self, request, allocation_id):
        allocation = selectors.allocation_get_for_staff(request.user, allocation_id)
        data = validated(self.ReleaseInput, request)
        allocation = recovery.allocation_release(
            allocation_id=allocation.id, actor=request.user, **data
        )
        return Response(AllocationOut(allocation).data)


# --- lost ------------------------------------------------------------------------------------


class DeviceLostView(APIView):
    permission_classes = FIELD_STAFF

    class LostInput(Serializer):
        reason = serializers.CharField(max_length=2000)
        last_seen = serializers.CharField(max_length=255)

    @extend_schema(request=LostInput, responses=OpenApiTypes.OBJECT)
    def post(self, request, code):
        device, _allocation = selectors.device_for_recovery(request.user, code)
        data = validated(self.LostInput, request)
        report = recovery.device_report_lost(device_id=device.id, actor=request.user, **data)
        device.refresh_from_db()
        body = {
            "tracking_code": device.tracking_code,
            "status": device.status,
            "loss_report": {
                "id": report.id,
                "reason": report.reason,
                "last_seen": report.last_seen,
                "status_before": report.status_before,
                "reported_by": report.actor_id,
                "at": report.at,
            },
        }
        if scope_for(request.user).covers_hub(device.hub_id or 0):
            body = {**device_payload(device, with_events=False), **body}
        return Response(body)


# --- return after delivery -------------------------------------------------------------------


class HandoverReturnView(APIView):
    permission_classes = FIELD_STAFF

    class ReturnInput(Serializer):
        reason = serializers.ChoiceField(choices=HandoverReturn.Reason.choices)
        household = serializers.ChoiceField(
            choices=HandoverReturn.HouseholdOutcome.choices, default="waiting"
        )
        notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)

    @extend_schema(request=ReturnInput, responses=OpenApiTypes.OBJECT)
    def post(self, request, handover_id):
        handover = selectors.handover_get_for_staff(request.user, handover_id)
        data = validated(self.ReturnInput, request)
        record = recovery.handover_return(handover_id=handover.id, actor=request.user, **data)
        handover.device.refresh_from_db()
        handover.household.refresh_from_db()
        return Response(
            {
                "id": record.id,
                "handover": handover.id,
                "device": handover.device.tracking_code,
                "device_status": handover.device.status,
                "household": handover.household_id,
                "household_status": handover.household.status,
                "reason": record.reason,
                "household_outcome": record.household_outcome,
                "phone_fault": record.phone_fault,
                "replacement_owed": handover.household.replacement_owed_at is not None,
                "at": record.at,
            }
        )


# --- tickets ---------------------------------------------------------------------------------


class TicketOut(serializers.ModelSerializer):
    handover = serializers.IntegerField(source="handover_id")
    device = serializers.CharField(source="handover.device.tracking_code")
    commune = serializers.CharField(source="handover.household.commune_id")
    owner = serializers.IntegerField(source="owner_id", allow_null=True)
    opened_by = serializers.IntegerField(source="opened_by_id")
    overdue = serializers.BooleanField(source="is_overdue")

    class Meta:
        model = Ticket
        fields = [
            "id",
            "handover",
            "device",
            "commune",
            "kind",
            "description",
            "status",
            "owner",
            "opened_by",
            "opened_at",
            "due_at",
            "overdue",
            "outcome",
            "resolution",
            "resolved_at",
        ]


class TicketListView(APIView):
    permission_classes = FIELD_STAFF
    pagination_class = Pagination

    class TicketInput(Serializer):
        handover = IdField()
        kind = serializers.ChoiceField(choices=Ticket.Kind.choices)
        description = serializers.CharField(max_length=4000)

    @extend_schema(
        operation_id="v1_tickets_list",
        parameters=[OpenApiParameter("status", str, enum=Ticket.Status.values)],
        responses=page_of(TicketOut, "PaginatedTicketOutList"),
    )
    def get(self, request):
        status = request.query_params.get("status") or None
        if status and status not in Ticket.Status.values:
            raise ApplicationError(_("Unknown status."), fields={"status": [_("Unknown status.")]})
        rows = selectors.tickets_for_staff(request.user, status=status)
        return paginated(request, self, rows, TicketOut)

    @extend_schema(request=TicketInput, responses={201: TicketOut})
    def post(self, request):
        data = validated(self.TicketInput, request)
        selectors.handover_get_for_staff(request.user, data["handover"])

        def create():
            ticket = tickets.ticket_open(
                handover_id=data["handover"],
                kind=data["kind"],
                description=data["description"],
                actor=request.user,
            )
            return TicketOut(selectors.ticket_get_for_staff(request.user, ticket.id)).data

        answered = idempotency.once_for_request(request, request.data, lambda: (201, create()))
        if answered is None:
            return Response(create(), status=201)
        status, body, replayed = answered
        response = Response(body, status=status)
        if replayed:
            response["Idempotent-Replayed"] = "true"
        return response


class TicketDetailView(APIView):
    permission_classes = FIELD_STAFF

    @extend_schema(responses=TicketOut)
    def get(self, request, ticket_id):
        return Response(TicketOut(selectors.ticket_get_for_staff(request.user, ticket_id)).data)


class TicketAssignView(APIView):
    permission_classes = FIELD_STAFF

    class AssignInput(Serializer):
        to = IdField()

    @extend_schema(request=AssignInput, responses=TicketOut)
    def post(self, request, ticket_id):
        ticket = selectors.ticket_get_for_staff(request.user, ticket_id)
        data = validated(self.AssignInput, request)
        tickets.ticket_assign(ticket_id=ticket.id, to_user_id=data["to"], actor=request.user)
        return Response(TicketOut(selectors.ticket_get_for_staff(request.user, ticket.id)).data)


class TicketResolveView(APIView):
    permission_classes = FIELD_STAFF

    class ResolveInput(Serializer):
        outcome = serializers.ChoiceField(choices=Ticket.Outcome.choices)
        resolution = serializers.CharField(max_length=4000)
        household = serializers.ChoiceField(
            choices=HouseholdAfterRelease.choices, required=False, allow_blank=True, default=""
        )

    @extend_schema(request=ResolveInput, responses=TicketOut)
    def post(self, request, ticket_id):
        ticket = selectors.ticket_get_for_staff(request.user, ticket_id)
        data = validated(self.ResolveInput, request)
        tickets.ticket_resolve(ticket_id=ticket.id, actor=request.user, **data)
        return Response(TicketOut(selectors.ticket_get_for_staff(request.user, ticket.id)).data)
