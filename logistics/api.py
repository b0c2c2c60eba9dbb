"""The logistics API of API.md ("Devices and logistics"): thin views over the services and
selectors, nested input serializers, the one error shape."""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import Pagination
from core.errors import ApplicationError, NotFound
from core.permissions import roles_required
from donations.lifecycle import allowed_moves
from donations.models import Device
from logistics import documents, selectors, services
from logistics.models import (
    QA_CHECKS,
    QA_SETUP,
    WIPE_ACCOUNTS,
    DeliveryBatch,
    Handover,
    Rejection,
    WipeRecord,
)

# --- output ------------------------------------------------------------------------------


# Roles are checked before input, so a donor gets 403, not a validation error.
HUB_STAFF = [IsAuthenticated, roles_required("coordinator")]
FIELD_STAFF = [IsAuthenticated, roles_required("coordinator", "officer")]


def _page_of(serializer_class, name: str):
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


class DeviceOut(serializers.ModelSerializer):
    hub = serializers.IntegerField(source="hub_id", allow_null=True)

    class Meta:
        model = Device
        fields = [
            "tracking_code",
            "status",
            "brand",
            "model",
            "os",
            "imei",
            "condition",
            "hub",
            "supports_4g",
            "supports_volte",
            "has_nfc",
            "updated_at",
        ]


def device_payload(device: Device, *, with_events: bool = True) -> dict:
    data = DeviceOut(device).data
    data["allowed_moves"] = allowed_moves(device.status)
    if with_events:
        detail = selectors.device_detail(device)
        data["events"] = [
            {
                "from": e.old_status,
                "status": e.new_status,
                "at": e.at.isoformat(),
                "by": e.actor.get_full_name() if e.actor else None,
                "data": e.data,
            }
            for e in detail["events"]
        ]
        data["wipe_records"] = [
            {"id": w.id, "method": w.method, "accounts_removed": w.accounts_removed, "at": w.at}
            for w in detail["wipes"]
        ]
        data["qa_records"] = [
            {
                "id": q.id,
                "passed": q.passed,
                "failures": q.failures,
                "battery_health": q.battery_health,
                "at": q.at,
            }
            for q in detail["qa"]
        ]
    return data


# --- devices -------------------------------------------------------------------------------


class WalkInIn(serializers.Serializer):
    hub = serializers.IntegerField()
    brand = serializers.CharField(max_length=60)
    model = serializers.CharField(max_length=100)
    imei = serializers.CharField(max_length=20)
    condition = serializers.ChoiceField(choices=Device.Condition.choices)
    os = serializers.ChoiceField(choices=Device.OS.choices, default="android")
    ram_gb = serializers.DecimalField(max_digits=4, decimal_places=1, min_value=0, default=0)
    storage_gb = serializers.IntegerField(min_value=0, max_value=4096, default=0)
    supports_4g = serializers.BooleanField()
    supports_volte = serializers.BooleanField()
    has_nfc = serializers.BooleanField(default=False)
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class DeviceListView(APIView):
    permission_classes = HUB_STAFF

    @extend_schema(
        operation_id="v1_devices_list", responses=_page_of(DeviceOut, "PaginatedDeviceOutList")
    )
    def get(self, request):
        status = request.query_params.get("status") or None
        hub = request.query_params.get("hub") or None
        if status and status not in Device.Status.values:
            raise ApplicationError(_("Unknown status."), fields={"status": [_("Unknown status.")]})
        if hub and not hub.isdigit():
            raise ApplicationError(_("Unknown hub."), fields={"hub": [_("Unknown hub.")]})
        qs = selectors.devices_for_staff(
            request.user, status=status, hub=int(hub) if hub else None
        ).order_by("-updated_at", "-id")
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(DeviceOut(page, many=True).data)

    @extend_schema(request=WalkInIn, responses={201: OpenApiTypes.OBJECT})
    def post(self, request):
        """A walk-in phone, registered and received on the spot."""

        data = _valid(WalkInIn, request)
        hub = data.pop("hub")
        device = services.device_register_walk_in(hub_id=hub, actor=request.user, **data)
        return Response(device_payload(device), status=201)


class DeviceDetailView(APIView):
    permission_classes = HUB_STAFF

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, code):
        device = selectors.device_get_for_staff(request.user, code)
        return Response(device_payload(device))


def _valid(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class DeviceReceiveView(APIView):
    permission_classes = HUB_STAFF

    class DeviceReceiveInput(serializers.Serializer):
        hub = serializers.IntegerField()
        imei = serializers.CharField(max_length=20)
        condition = serializers.ChoiceField(
            choices=Device.Condition.choices, required=False, allow_blank=True, default=""
        )
        notes = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(request=DeviceReceiveInput, responses=OpenApiTypes.OBJECT)
    def post(self, request, code):
        device = selectors.device_get_for_staff(request.user, code)
        data = _valid(self.DeviceReceiveInput, request)
        device = services.device_receive(
            device_id=device.id,
            hub_id=data["hub"],
            imei=data["imei"],
            condition=data["condition"],
            notes=data["notes"],
            actor=request.user,
        )
        return Response(device_payload(device))


class DeviceWipeView(APIView):
    permission_classes = HUB_STAFF

    class DeviceWipeInput(serializers.Serializer):
        method = serializers.ChoiceField(choices=WipeRecord.Method.choices)
        accounts_removed = serializers.BooleanField(
            help_text="true confirms every account that applies to this phone is removed"
        )
        accounts = serializers.DictField(
            child=serializers.BooleanField(), required=False, default=dict
        )
        notes = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(request=DeviceWipeInput, responses=OpenApiTypes.OBJECT)
    def post(self, request, code):
        device = selectors.device_get_for_staff(request.user, code)
        data = _valid(self.DeviceWipeInput, request)
        accounts = {k: v for k, v in data["accounts"].items() if k in WIPE_ACCOUNTS}
        if data["accounts_removed"]:
            accounts.update({k: True for k in services.wipe_accounts_required(device)})
        else:
            accounts = {}
        services.wipe_record_create(
            device_id=device.id,
            method=data["method"],
            accounts=accounts,
            notes=data["notes"],
            actor=request.user,
        )
        device.refresh_from_db()
        return Response(device_payload(device))


class DeviceRepairView(APIView):
    permission_classes = HUB_STAFF

    class DeviceRepairInput(serializers.Serializer):
        description = serializers.CharField(max_length=255)
        parts = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
        cost_vnd = serializers.IntegerField(min_value=0, default=0)
        book_to_fund = serializers.BooleanField(default=False)

    @extend_schema(request=DeviceRepairInput, responses=OpenApiTypes.OBJECT)
    def post(self, request, code):
        device = selectors.device_get_for_staff(request.user, code)
        data = _valid(self.DeviceRepairInput, request)
        services.repair_record_create(device_id=device.id, actor=request.user, **data)
        device.refresh_from_db()
        return Response(device_payload(device))


class ChecksIn(serializers.Serializer):
    lte = serializers.BooleanField()
    volte = serializers.BooleanField()
    nfc = serializers.BooleanField(default=False)
    battery_health = serializers.IntegerField(min_value=0, max_value=100)
    screen = serializers.BooleanField()
    camera = serializers.BooleanField()
    charging = serializers.BooleanField()
    speaker = serializers.BooleanField(required=False)
    microphone = serializers.BooleanField(required=False)


class SetupIn(serializers.Serializer):
    vietnamese_language = serializers.BooleanField(default=False)
    vietnamese_keyboard = serializers.BooleanField(default=False)
    vneid = serializers.BooleanField(default=False)
    zalo = serializers.BooleanField(default=False)
    public_service_app = serializers.BooleanField(default=False)


class SimIn(serializers.Serializer):
    iccid = serializers.CharField(required=False, allow_blank=True, default="")
    # A plain string (checked by the service): viettel | vinaphone | mobifone | other.
    carrier = serializers.CharField(required=False, allow_blank=True, default="", max_length=12)
    plan_expires = serializers.DateField(required=False, allow_null=True, default=None)


class DeviceQAView(APIView):
    permission_classes = HUB_STAFF

    class DeviceQAInput(serializers.Serializer):
        checks = ChecksIn()
        setup = SetupIn(required=False, default=dict)
        sim = SimIn(required=False, allow_null=True, default=None)
        notes = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(request=DeviceQAInput, responses=OpenApiTypes.OBJECT)
    def post(self, request, code):
        device = selectors.device_get_for_staff(request.user, code)
        data = _valid(self.DeviceQAInput, request)
        checks = dict(data["checks"])
        battery = checks.pop("battery_health")
        nfc = checks.pop("nfc")
        setup = dict(data["setup"] or {})
        record = services.qa_record_create(
            device_id=device.id,
            checks={k: v for k, v in checks.items() if k in QA_CHECKS},
            battery_health=battery,
            nfc=nfc,
            setup={k: setup.get(k, False) for k in QA_SETUP},
            sim=dict(data["sim"]) if data["sim"] else None,
            notes=data["notes"],
            actor=request.user,
        )
        device.refresh_from_db()
        body = device_payload(device)
        body["qa"] = {"id": record.id, "passed": record.passed, "failures": record.failures}
        return Response(body)


class DeviceRejectView(APIView):
    permission_classes = HUB_STAFF

    class DeviceRejectInput(serializers.Serializer):
        reason = serializers.ChoiceField(choices=Rejection.Reason.choices)
        next = serializers.ChoiceField(choices=Rejection.Next.choices)
        notes = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(request=DeviceRejectInput, responses=OpenApiTypes.OBJECT)
    def post(self, request, code):
        device = selectors.device_get_for_staff(request.user, code)
        data = _valid(self.DeviceRejectInput, request)
        device = services.device_reject(
            device_id=device.id,
            reason=data["reason"],
            next_step=data["next"],
            notes=data["notes"],
            actor=request.user,
        )
        return Response(device_payload(device))


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def labelled_devices(user, raw: str) -> list[Device]:
    codes = [c.strip().upper() for c in (raw or "").replace(" ", ",").split(",") if c.strip()]
    if not codes:
        message = _("Name the phones: ?devices=NS-XXXXXX,NS-YYYYYY")
        raise ApplicationError(message, fields={"devices": [message]})
    if len(codes) > 300:
        message = _("At most 300 labels at a time.")
        raise ApplicationError(message, fields={"devices": [message]})
    found = {
        d.tracking_code: d
        for d in selectors.devices_for_staff(user).filter(tracking_code__in=codes)
    }
    missing = [c for c in codes if c not in found]
    if missing:
        raise NotFound(
            _("Not among the phones at your hubs: %(codes)s") % {"codes": ", ".join(missing)},
            fields={"devices": missing},
        )
    return [found[c] for c in dict.fromkeys(codes)]


class LabelsView(APIView):
    permission_classes = HUB_STAFF

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request):
        devices = labelled_devices(request.user, request.query_params.get("devices", ""))
        return pdf_response(documents.labels_pdf(devices), "labels.pdf")


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

    class BatchListInput(serializers.Serializer):
        hub = serializers.IntegerField()
        commune = serializers.CharField(max_length=5)
        planned_date = serializers.DateField()
        carrier = serializers.ChoiceField(choices=DeliveryBatch.Carrier.choices, default="officer")
        carrier_name = serializers.CharField(required=False, allow_blank=True, default="")
        devices = serializers.ListField(child=serializers.CharField(max_length=12), min_length=1)

    @extend_schema(
        operation_id="v1_batches_list",
        responses=_page_of(BatchListOut, "PaginatedBatchListOutList"),
    )
    def get(self, request):
        qs = selectors.batches_for_staff(request.user).prefetch_related("items__device")
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(BatchListOut(page, many=True).data)

    @extend_schema(request=BatchListInput, responses={201: BatchOut})
    def post(self, request):
        data = _valid(self.BatchListInput, request)
        batch = services.batch_create(
            hub_id=data["hub"],
            commune_code=data["commune"],
            planned_date=data["planned_date"],
            carrier=data["carrier"],
            carrier_name=data["carrier_name"],
            device_codes=data["devices"],
            actor=request.user,
        )
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
        batch = services.batch_dispatch(batch_id=batch.id, actor=request.user)
        return Response(BatchOut(batch).data)


class BatchManifestView(APIView):
    permission_classes = FIELD_STAFF  # the officer who carries a batch reads it

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request, batch_id):
        batch = selectors.batch_get_for_staff(request.user, batch_id)
        content = documents.manifest_pdf(batch, selectors.batch_items(batch))
        return pdf_response(content, f"manifest-{batch.id}.pdf")


# --- handovers -----------------------------------------------------------------------------


class HandoverOut(serializers.ModelSerializer):
    device = serializers.CharField(source="device.tracking_code")
    household = serializers.IntegerField(source="household_id")
    receipt_url = serializers.SerializerMethodField()
    device_status = serializers.CharField(source="device.status")

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
            "training_given",
            "sim_iccid",
            "place",
            "at",
            "receipt_url",
        ]

    def get_receipt_url(self, handover) -> str:
        return reverse("api:logistics-handover-receipt", args=[handover.id])


class HandoverCreateView(APIView):
    permission_classes = FIELD_STAFF
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    class HandoverCreateInput(serializers.Serializer):
        device = serializers.CharField(max_length=12)
        household = serializers.IntegerField()
        received_by = serializers.CharField(max_length=150)
        relation = serializers.ChoiceField(choices=Handover.Relation.choices, default="head")
        recipient_cccd_last4 = serializers.CharField(max_length=4)
        training_given = serializers.BooleanField(default=False)
        sim_iccid = serializers.CharField(required=False, allow_blank=True, default="")
        place = serializers.CharField(required=False, allow_blank=True, default="")
        story = serializers.CharField(required=False, allow_blank=True, default="")
        photo = serializers.FileField(required=False, allow_null=True, default=None)
        signature = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(request=HandoverCreateInput, responses={201: HandoverOut})
    def post(self, request):
        data = _valid(self.HandoverCreateInput, request)
        device, _allocation = selectors.device_for_handover(request.user, data.pop("device"))
        handover = services.handover_create(
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
        return pdf_response(documents.receipt_pdf(handover), f"bien-ban-{handover.id}.pdf")


class FollowUpView(APIView):
    permission_classes = FIELD_STAFF

    class FollowUpInput(serializers.Serializer):
        in_use = serializers.BooleanField()
        problems = serializers.CharField(required=False, allow_blank=True, default="")
        notes = serializers.CharField(required=False, allow_blank=True, default="")
        send_back = serializers.BooleanField(default=False)

    @extend_schema(request=FollowUpInput, responses={201: OpenApiTypes.OBJECT})
    def post(self, request, handover_id):
        handover = selectors.handover_get_for_staff(request.user, handover_id)
        data = _valid(self.FollowUpInput, request)
        follow_up = services.follow_up_record(handover_id=handover.id, actor=request.user, **data)
        handover.device.refresh_from_db()
        return Response(
            {
                "id": follow_up.id,
                "handover": handover.id,
                "in_use": follow_up.in_use,
                "problems": follow_up.problems,
                "notes": follow_up.notes,
                "send_back": follow_up.send_back,
                "device_status": handover.device.status,
                "at": follow_up.at,
            },
            status=201,
        )
