"""The bench API of API.md ("Devices and logistics"): the phones at my hubs, intake, wipe,
repair, QA, rejection and labels. Thin views over logistics.bench.bench and the selectors."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import Pagination, Serializer, validated
from core.errors import ApplicationError
from donations.lifecycle import allowed_moves
from donations.models import Device
from logistics import documents, selectors
from logistics.api.shared import HUB_STAFF, page_of
from logistics.models import QA_CHECKS, QA_SETUP, WIPE_ACCOUNTS, Rejection, WipeRecord
from logistics.services import bench

# --- output ------------------------------------------------------------------------------


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


# An input field whose service keyword differs names it as its `source`.
class WalkInIn(Serializer):
    hub = serializers.IntegerField(source="hub_id")
    brand = serializers.CharField(max_length=60)
    model = serializers.CharField(max_length=100)
    imei = serializers.CharField(max_length=20)
    condition = serializers.ChoiceField(choices=Device.Condition.choices)
    os = serializers.ChoiceField(choices=Device.OS.choices, default="android")
    # Left out: not known. The bounds are the pledge's (donations: pledges.device_size_clean).
    ram_gb = serializers.DecimalField(
        max_digits=4, decimal_places=1, required=False, allow_null=True
    )
    storage_gb = serializers.IntegerField(required=False, allow_null=True)
    supports_4g = serializers.BooleanField()
    supports_volte = serializers.BooleanField()
    has_nfc = serializers.BooleanField(default=False)
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class DeviceListView(APIView):
    permission_classes = HUB_STAFF

    @extend_schema(
        operation_id="v1_devices_list", responses=page_of(DeviceOut, "PaginatedDeviceOutList")
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

        data = validated(WalkInIn, request)
        device = bench.device_register_walk_in(actor=request.user, **data)
        return Response(device_payload(device), status=201)


class DeviceDetailView(APIView):
    permission_classes = HUB_STAFF

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, code):
        device = selectors.device_get_for_staff(request.user, code)
        return Response(device_payload(device))


# One bench step for a phone: the input checked (`Input`), the step's service called with the
# input's `arguments`, and the phone answered as it now is (with `answer`'s extra keys). (A
# comment, not a docstring: the schema would show a docstring as each step's description.)
class DeviceStepView(APIView):
    permission_classes = HUB_STAFF
    Input: type[serializers.Serializer]
    service = None  # a staticmethod: the service of logistics.services.bench

    def arguments(self, device: Device, data: dict) -> dict:
        return data

    def answer(self, result) -> dict:
        return {}

    def post(self, request, code):
        device = selectors.device_get_for_staff(request.user, code)
        data = validated(self.Input, request)
        arguments = self.arguments(device, data)
        result = self.service(device_id=device.id, actor=request.user, **arguments)
        device.refresh_from_db()
        return Response({**device_payload(device), **self.answer(result)})


def _step_schema(input_class):
    return extend_schema_view(
        post=extend_schema(request=input_class, responses=OpenApiTypes.OBJECT)
    )


class DeviceReceiveInput(Serializer):
    hub = serializers.IntegerField(source="hub_id")
    imei = serializers.CharField(max_length=20)
    condition = serializers.ChoiceField(
        choices=Device.Condition.choices, required=False, allow_blank=True, default=""
    )
    notes = serializers.CharField(required=False, allow_blank=True, default="")


@_step_schema(DeviceReceiveInput)
class DeviceReceiveView(DeviceStepView):
    Input = DeviceReceiveInput
    service = staticmethod(bench.device_receive)


class DeviceWipeInput(Serializer):
    method = serializers.ChoiceField(choices=WipeRecord.Method.choices)
    accounts_removed = serializers.BooleanField(
        help_text="true confirms every account that applies to this phone is removed"
    )
    accounts = serializers.DictField(child=serializers.BooleanField(), required=False, default=dict)
    notes = serializers.CharField(required=False, allow_blank=True, default="")


@_step_schema(DeviceWipeInput)
class DeviceWipeView(DeviceStepView):
    Input = DeviceWipeInput
    service = staticmethod(bench.wipe_record_create)

    def arguments(self, device, data):
        accounts = {k: v for k, v in data["accounts"].items() if k in WIPE_ACCOUNTS}
        if data["accounts_removed"]:
            accounts.update({k: True for k in bench.wipe_accounts_required(device)})
        else:
            accounts = {}
        return {"method": data["method"], "accounts": accounts, "notes": data["notes"]}


class DeviceRepairInput(Serializer):
    description = serializers.CharField(max_length=255)
    parts = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    cost_vnd = serializers.IntegerField(min_value=0, default=0)
    book_to_fund = serializers.BooleanField(default=False)


@_step_schema(DeviceRepairInput)
class DeviceRepairView(DeviceStepView):
    Input = DeviceRepairInput
    service = staticmethod(bench.repair_record_create)


class ChecksIn(Serializer):
    lte = serializers.BooleanField()
    volte = serializers.BooleanField()
    nfc = serializers.BooleanField(default=False)
    battery_health = serializers.IntegerField(min_value=0, max_value=100)
    screen = serializers.BooleanField()
    camera = serializers.BooleanField()
    charging = serializers.BooleanField()
    speaker = serializers.BooleanField(required=False)
    microphone = serializers.BooleanField(required=False)


class SetupIn(Serializer):
    vietnamese_language = serializers.BooleanField(default=False)
    vietnamese_keyboard = serializers.BooleanField(default=False)
    vneid = serializers.BooleanField(default=False)
    zalo = serializers.BooleanField(default=False)
    public_service_app = serializers.BooleanField(default=False)


class SimIn(Serializer):
    iccid = serializers.CharField(max_length=22, required=False, allow_blank=True, default="")
    # A plain string (checked by the service): viettel | vinaphone | mobifone | other.
    carrier = serializers.CharField(required=False, allow_blank=True, default="", max_length=12)
    plan_expires = serializers.DateField(required=False, allow_null=True, default=None)


class DeviceQAInput(Serializer):
    checks = ChecksIn()
    setup = SetupIn(required=False, default=dict)
    sim = SimIn(required=False, allow_null=True, default=None)
    notes = serializers.CharField(required=False, allow_blank=True, default="")


@_step_schema(DeviceQAInput)
class DeviceQAView(DeviceStepView):
    Input = DeviceQAInput
    service = staticmethod(bench.qa_record_create)

    def arguments(self, device, data):
        checks = dict(data["checks"])
        setup = dict(data["setup"] or {})
        return {
            "checks": {k: v for k, v in checks.items() if k in QA_CHECKS},
            "battery_health": checks["battery_health"],
            "nfc": checks["nfc"],
            "setup": {k: setup.get(k, False) for k in QA_SETUP},
            "sim": dict(data["sim"]) if data["sim"] else None,
            "notes": data["notes"],
        }

    def answer(self, record):
        return {"qa": {"id": record.id, "passed": record.passed, "failures": record.failures}}


class DeviceRejectInput(Serializer):
    reason = serializers.ChoiceField(choices=Rejection.Reason.choices)
    next = serializers.ChoiceField(choices=Rejection.Next.choices, source="next_step")
    notes = serializers.CharField(required=False, allow_blank=True, default="")


@_step_schema(DeviceRejectInput)
class DeviceRejectView(DeviceStepView):
    Input = DeviceRejectInput
    service = staticmethod(bench.device_reject)


class LabelsInput(Serializer):
    devices = serializers.ListField(
        child=serializers.CharField(max_length=20),
        required=False,
        max_length=selectors.LABELS_AT_ONCE,
        help_text="tracking codes, in the order to print",
    )
    status = serializers.ChoiceField(
        choices=Device.Status.choices,
        required=False,
        help_text="instead of devices: every phone of this status at your hubs",
    )
    hub = serializers.IntegerField(required=False, help_text="with status: only this hub")

    def validate(self, attrs):
        if bool(attrs.get("devices")) == bool(attrs.get("status")):
            message = _("Send either the phones' codes (devices) or a status.")
            raise serializers.ValidationError({"devices": [message]})
        return attrs


class LabelsView(APIView):
    """A QR label sheet (A4, 15 a page). GET ?devices=codes for a short list (at most
    LABELS_BY_LINK, a link's length); POST {"devices": [codes]} (up to LABELS_AT_ONCE) or
    {"status", "hub"} for more."""

    permission_classes = HUB_STAFF

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request):
        devices = selectors.labelled_devices(request.user, request.query_params.get("devices", ""))
        return documents.pdf_response(documents.labels_pdf(devices), "labels.pdf")

    @extend_schema(request=LabelsInput, responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def post(self, request):
        data = validated(LabelsInput, request)
        if data.get("status"):
            devices = selectors.labelled_by_status(
                request.user, data["status"], hub=data.get("hub")
            )
        else:
            devices = selectors.labelled_devices(
                request.user, data["devices"], limit=selectors.LABELS_AT_ONCE
            )
        return documents.pdf_response(documents.labels_pdf(devices), "labels.pdf")
