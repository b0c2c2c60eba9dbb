"""The delivery API of API.md ("Devices and logistics"): batches (plan, dispatch, manifest),
handovers (with the receipt) and follow-ups. Thin views over logistics.delivery.delivery."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import IdField, Pagination, Serializer, validated
from core.media import private_file_response
from logistics import documents, selectors
from logistics.api.shared import FIELD_STAFF, HUB_STAFF, page_of
from logistics.models import DeliveryBatch, Handover, SimCard, Ticket
from logistics.services import delivery, field, sms
from messaging.phones import masked

# --- batches -------------------------------------------------------------------------------


class BatchOut(serializers.ModelSerializer):
    hub = serializers.IntegerField(source="hub_id")
    commune = serializers.CharField(source="commune_id")
    devices = serializers.SerializerMethodField()
    manifest_url = serializers.SerializerMethodField()

    class Meta:
        model = DeliveryBatch
        fields = [
            "id",
            "hub",
            "commune",
            "planned_date",
            "carrier",
            "carrier_name",
            "status",
            "devices",
            "manifest_url",
            "dispatched_at",
            "completed_at",
        ]

    def get_devices(self, batch) -> list[dict]:
        return [
            {"tracking_code": item.device.tracking_code, "outcome": item.outcome}
            for item in batch.items.select_related("device").order_by("id")
        ]

    def get_manifest_url(self, batch) -> str:
        return reverse("api:logistics-batch-manifest", args=[batch.id])


class BatchListOut(BatchOut):
    def get_devices(self, batch) -> list[dict]:
        return [
            {"tracking_code": item.device.tracking_code, "outcome": item.outcome}
            for item in batch.items.all()
        ]


class BatchListView(APIView):
    permission_classes = FIELD_STAFF  # the officer who carries a batch reads it

    class BatchListInput(Serializer):
        hub = serializers.IntegerField(source="hub_id")
        commune = serializers.CharField(max_length=5, source="commune_code")
        planned_date = serializers.DateField()
        carrier = serializers.ChoiceField(choices=DeliveryBatch.Carrier.choices, default="officer")
        carrier_name = serializers.CharField(
            max_length=150, required=False, allow_blank=True, default=""
        )
        devices = serializers.ListField(
            child=serializers.CharField(max_length=12), min_length=1, source="device_codes"
        )

    @extend_schema(
        operation_id="v1_batches_list",
        responses=page_of(BatchListOut, "PaginatedBatchListOutList"),
    )
    def get(self, request):
        qs = selectors.batches_for_staff(request.user).prefetch_related("items__device")
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(BatchListOut(page, many=True).data)

    @extend_schema(request=BatchListInput, responses={201: BatchOut})
    def post(self, request):
        data = validated(self.BatchListInput, request)
        batch = delivery.batch_create(actor=request.user, **data)
        return Response(BatchOut(batch).data, status=201)


class BatchDetailView(APIView):
    permission_classes = FIELD_STAFF  # the officer who carries a batch reads it

    @extend_schema(responses=BatchOut)
    def get(self, request, batch_id):
        return Response(BatchOut(selectors.batch_get_for_staff(request.user, batch_id)).data)


class BatchDispatchView(APIView):
    permission_classes = HUB_STAFF

    @extend_schema(request=None, responses=BatchOut)
    def post(self, request, batch_id):
        batch = selectors.batch_get_for_staff(request.user, batch_id)
        batch = delivery.batch_dispatch(batch_id=batch.id, actor=request.user)
        return Response(BatchOut(batch).data)


class BatchManifestView(APIView):
    permission_classes = FIELD_STAFF  # the officer who carries a batch reads it

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request, batch_id):
        batch = selectors.batch_get_for_staff(request.user, batch_id)
        content = documents.manifest_pdf(batch, selectors.batch_items(batch))
        return documents.pdf_response(content, f"manifest-{batch.id}.pdf")


# --- handovers -----------------------------------------------------------------------------


class SimOut(serializers.ModelSerializer):
    class Meta:
        model = SimCard
        fields = ["iccid", "carrier", "plan_expires"]


class WarningOut(Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class SmsCodeOut(Serializer):
    """The code sent to the new phone: the SMS's status, and when it was read back."""

    to = serializers.CharField()
    message = serializers.IntegerField(allow_null=True)
    status = serializers.CharField(allow_null=True)
    confirmed_at = serializers.DateTimeField(allow_null=True)


class HandoverOut(serializers.ModelSerializer):
    device = serializers.CharField(source="device.tracking_code")
    household = serializers.IntegerField(source="household_id")
    receipt_url = serializers.SerializerMethodField()
    photo_url = serializers.SerializerMethodField()
    signature_url = serializers.SerializerMethodField()
    device_status = serializers.CharField(source="device.status")
    sim = serializers.SerializerMethodField()
    recorded_at = serializers.DateTimeField(source="at")
    warnings = serializers.SerializerMethodField()
    sms_code = serializers.SerializerMethodField()

    class Meta:
        model = Handover
        fields = [
            "id",
            "device",
            "device_status",
            "household",
            "received_by",
            "relation",
            "recipient_cccd_last4",
            "cccd_override_reason",
            "training_given",
            "sim_iccid",
            "sim",
            "place",
            "at",
            "recorded_at",
            "saved_at",
            "client_id",
            "sms_consent",
            "sms_code",
            "warnings",
            "receipt_url",
            "photo_url",
            "signature_url",
        ]

    @extend_schema_field(SimOut(allow_null=True))
    def get_sim(self, handover) -> dict | None:
        """The SIM recorded for the phone (at QA or at this handover): it follows the phone."""
        sim = delivery.recorded_sim(handover.device)
        if sim is None or not handover.sim_iccid:
            return None
        return SimOut(sim).data

    @extend_schema_field(WarningOut(many=True))
    def get_warnings(self, handover):
        return [{"code": code, "message": field.note_text(code)} for code in handover.field_notes]

    @extend_schema_field(SmsCodeOut(allow_null=True))
    def get_sms_code(self, handover):
        if not handover.sim_phone:
            return None
        message = handover.sms_code_message
        return {
            "to": masked(handover.sim_phone),
            "message": message.id if message else None,
            "status": message.status if message else None,
            "confirmed_at": handover.sms_code_confirmed_at,
        }

    def get_receipt_url(self, handover) -> str:
        return reverse("api:logistics-handover-receipt", args=[handover.id])

    # The private files are named by the views that serve them (never a storage URL).
    def get_photo_url(self, handover) -> str | None:
        return (
            reverse("api:logistics-handover-photo", args=[handover.id]) if handover.photo else None
        )

    def get_signature_url(self, handover) -> str | None:
        if not handover.signature:
            return None
        return reverse("api:logistics-handover-signature", args=[handover.id])


class HandoverCreateView(APIView):
    permission_classes = FIELD_STAFF
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    class HandoverCreateInput(Serializer):
        device = serializers.CharField(max_length=12)
        household = serializers.IntegerField()
        received_by = serializers.CharField(max_length=150)
        relation = serializers.ChoiceField(choices=Handover.Relation.choices, default="head")
        recipient_cccd_last4 = serializers.CharField(max_length=4)
        training_given = serializers.BooleanField(default=False)
        sim_iccid = serializers.CharField(
            max_length=22, required=False, allow_blank=True, default=""
        )
        place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
        story = serializers.CharField(required=False, allow_blank=True, default="")
        photo = serializers.FileField(required=False, allow_null=True, default=None)
        signature = serializers.CharField(required=False, allow_blank=True, default="")
        cccd_override_reason = serializers.CharField(
            required=False, allow_blank=True, default="", max_length=1000
        )
        sim_phone = serializers.CharField(
            max_length=20, required=False, allow_blank=True, default=""
        )
        sms_consent = serializers.BooleanField(default=False)
        # A field device's record (API.md, "Field work without signal"): its own id and when it
        # really happened; the batch it was taken for (else the phone's latest batch).
        client_id = serializers.UUIDField(required=False, allow_null=True, default=None)
        recorded_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
        batch = IdField(required=False, allow_null=True, default=None)

        def validate(self, data):
            if data.get("client_id") and not data.get("recorded_at"):
                message = _("A field record needs the time it was recorded (recorded_at).")
                raise serializers.ValidationError({"recorded_at": [message]})
            return data

    @extend_schema(
        request=HandoverCreateInput,
        responses={201: HandoverOut, 200: HandoverOut},
        description="201 with the new handover; 200 with the same handover when a field "
        "record's client_id was synced before (nothing is written). A field record the server "
        "cannot accept is kept for the hub: 409 with `kept: true` and the `conflict` id.",
    )
    def post(self, request):
        data = validated(self.HandoverCreateInput, request)
        client_id, batch_id = data.pop("client_id"), data.pop("batch")
        if client_id is not None:
            handover, created = field.field_handover_sync(
                actor=request.user,
                client_id=client_id,
                device_code=data.pop("device"),
                household_id=data.pop("household"),
                batch_id=batch_id,
                **data,
            )
            return Response(HandoverOut(handover).data, status=201 if created else 200)
        device, _allocation = selectors.device_for_handover(request.user, data.pop("device"))
        handover = delivery.handover_create(
            device_id=device.id,
            household_id=data.pop("household"),
            actor=request.user,
            **data,
        )
        return Response(HandoverOut(handover).data, status=201)


class HandoverDetailView(APIView):
    permission_classes = FIELD_STAFF

    @extend_schema(responses=HandoverOut)
    def get(self, request, handover_id):
        return Response(
            HandoverOut(selectors.handover_get_for_staff(request.user, handover_id)).data
        )


class HandoverReceiptView(APIView):
    permission_classes = FIELD_STAFF

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request, handover_id):
        handover = selectors.handover_get_for_staff(request.user, handover_id)
        return documents.pdf_response(
            documents.receipt_pdf(handover), f"bien-ban-{handover.id}.pdf"
        )


class HandoverFileView(APIView):
    """The handover's photo or drawn signature, to the staff who may see the handover."""

    permission_classes = FIELD_STAFF

    @extend_schema(responses={(200, "image/*"): OpenApiTypes.BINARY})
    def get(self, request, handover_id, field):
        handover = selectors.handover_get_for_staff(request.user, handover_id)
        return private_file_response(getattr(handover, selectors.HANDOVER_FILES[field]))


class FollowUpView(APIView):
    permission_classes = FIELD_STAFF

    class FollowUpInput(Serializer):
        in_use = serializers.BooleanField()
        problems = serializers.CharField(required=False, allow_blank=True, default="")
        notes = serializers.CharField(required=False, allow_blank=True, default="")
        send_back = serializers.BooleanField(default=False)
        problem_kind = serializers.ChoiceField(
            choices=Ticket.Kind.choices, required=False, allow_blank=True, default=""
        )

    @extend_schema(request=FollowUpInput, responses={201: OpenApiTypes.OBJECT})
    def post(self, request, handover_id):
        handover = selectors.handover_get_for_staff(request.user, handover_id)
        data = validated(self.FollowUpInput, request)
        follow_up = delivery.follow_up_record(handover_id=handover.id, actor=request.user, **data)
        handover.device.refresh_from_db()
        return Response(
            {
                "id": follow_up.id,
                "handover": handover.id,
                "in_use": follow_up.in_use,
                "problems": follow_up.problems,
                "notes": follow_up.notes,
                "send_back": follow_up.send_back,
                "ticket": follow_up.tickets.values_list("id", flat=True).first(),
                "device_status": handover.device.status,
                "at": follow_up.at,
            },
            status=201,
        )


class HandoverCodeView(APIView):
    """The code read from the family's new phone (at handover, or at the follow-up)."""

    permission_classes = FIELD_STAFF

    class HandoverCodeInput(Serializer):
        code = serializers.CharField(max_length=12)

    @extend_schema(request=HandoverCodeInput, responses=HandoverOut)
    def post(self, request, handover_id):
        handover = selectors.handover_get_for_staff(request.user, handover_id)
        data = validated(self.HandoverCodeInput, request)
        handover = sms.handover_code_confirm(
            handover_id=handover.id, code=data["code"], actor=request.user
        )
        return Response(
            HandoverOut(selectors.handover_get_for_staff(request.user, handover.id)).data
        )


class HandoverCodeSendView(APIView):
    """A new code to the handover's SIM (the first did not arrive, or too many wrong ones)."""

    permission_classes = FIELD_STAFF

    @extend_schema(request=None, responses=HandoverOut)
    def post(self, request, handover_id):
        handover = sms.handover_code_resend(handover_id=handover_id, actor=request.user)
        return Response(
            HandoverOut(selectors.handover_get_for_staff(request.user, handover.id)).data
        )
