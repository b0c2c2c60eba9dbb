"""The households API of API.md (/api/v1/households/...). Thin: parse, call a service or a
selector, render. Officers and verifiers of a commune only; everyone else sees nothing."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.scoping import scope_for
from core.api import Serializer, error_response
from core.errors import ApplicationError
from households import selectors
from households.excel.export import XLSX_TYPE, xlsx_response
from households.fields import FACT_NAMES, HOUSEHOLD_FIELDS, HouseholdField, Kind
from households.models import ConsentRecord, Household, HouseholdAccess, PovertyList
from households.selectors import STAFF_ROLES
from households.services import editing, imports, privacy, renewal, verification


class IsHouseholdStaff(BasePermission):
    """Officers, verifiers and admins; coordinators, donors and the public get 403."""

    message = "Only commune officers and verifiers can see households."

    def has_permission(self, request, view):
        return scope_for(request.user).has_role(*STAFF_ROLES)


class ConsentInput(Serializer):
    processing = serializers.BooleanField()
    share_story = serializers.BooleanField(default=False)
    share_photo = serializers.BooleanField(default=False)
    method = serializers.ChoiceField(
        choices=ConsentRecord.Method.choices, default=ConsentRecord.Method.SIGNED_FORM
    )
    witness_name = serializers.CharField(max_length=150, required=False, allow_blank=True)


# What the API adds to the declared fields (households/fields.py), by field.
API_OPTIONS = {
    "commune": {"max_length": 5},
    "head_name": {"max_length": 150},
    "cccd": {"max_length": 32, "write_only": True},
    "members": {"default": 1},
}


def input_field(f: HouseholdField) -> serializers.Field:
    """The API field of a declared household field, by its kind. Types only; the rules (CCCD
    shape, counts, scope) are the service's, so they match the pages."""
    options = API_OPTIONS.get(f.name, {})
    column = _column_length(f.name)
    if f.kind == Kind.COUNT:
        return serializers.IntegerField(**{"default": 0, **options})
    if f.kind in (Kind.VILLAGE, Kind.YEAR):
        return serializers.IntegerField(required=False, allow_null=True)
    if f.kind == Kind.OPTIONAL_TEXT:
        return serializers.CharField(
            required=False, allow_blank=True, default="", max_length=column
        )
    if f.kind == Kind.MULTI:
        return serializers.ListField(child=serializers.CharField(max_length=40), default=list)
    # commune, text, CCCD and choices: bounded as their column is (a longer text is a 400)
    return serializers.CharField(**{"max_length": column, **options})


def _column_length(name: str) -> int | None:
    try:
        return getattr(Household._meta.get_field(name), "max_length", None)
    except FieldDoesNotExist:
        return None


HouseholdInput = type(
    "HouseholdInput",
    (serializers.Serializer,),
    {
        **{f.name: input_field(f) for f in HOUSEHOLD_FIELDS},
        "consent": ConsentInput(required=False),
        "__module__": __name__,
    },
)


class PriorityOutput(Serializer):
    score = serializers.IntegerField()
    version = serializers.CharField()
    breakdown = serializers.ListField(
        child=inline_serializer(
            "PriorityFactor",
            {"factor": serializers.CharField(), "points": serializers.IntegerField()},
        )
    )


_WHEN = serializers.DateTimeField()  # renders a time as DRF does (ISO 8601, Vietnam time)


class HouseholdOutput(serializers.ModelSerializer):
    commune = serializers.CharField(source="commune_id")
    village = serializers.IntegerField(source="village_id", allow_null=True)
    village_name = serializers.SerializerMethodField()
    priority = PriorityOutput()
    need_kind = serializers.CharField()
    consent = serializers.SerializerMethodField()

    class Meta:
        model = Household
        fields = [
            "id",
            "status",
            "commune",
            "village",
            "village_name",
            # The facts as stored: the last 4 digits of the CCCD, never the number.
            *("cccd_last4" if name == "cccd" else name for name in FACT_NAMES),
            "need_kind",
            "priority",
            "consent",
            "created_at",
            "updated_at",
        ]

    def get_village_name(self, household) -> str | None:
        return household.village.name if household.village_id else None

    # The list answers pages of 50: the rows are built here directly rather than field by field
    # by DRF (3× less CPU per page, bench/households_list.py). The fields declared above stay the
    # schema; tests/households/test_api_output.py holds this equal to DRF's own rendering.
    _FACTS = tuple("cccd_last4" if name == "cccd" else name for name in FACT_NAMES)

    def to_representation(self, household) -> dict:
        h, when = household, _WHEN.to_representation
        out = {
            "id": h.id,
            "status": h.status,
            "commune": h.commune_id,
            "village": h.village_id,
            "village_name": h.village.name if h.village_id else None,
        }
        for name in self._FACTS:
            out[name] = getattr(h, name)
        out["need_kind"] = h.need_kind
        out["priority"] = {
            "score": h.priority_score,
            "version": h.priority_version,
            "breakdown": [
                {"factor": row["factor"], "points": row["points"]} for row in h.priority_breakdown
            ],
        }
        out["consent"] = self.get_consent(h)
        out["created_at"] = when(h.created_at)
        out["updated_at"] = when(h.updated_at)
        return out

    def get_consent(self, household) -> dict:
        return {
            "processing": household.consent_processing,
            "share_story": household.consent_share_story,
            "share_photo": household.consent_share_photo,
        }


class ReasonInput(Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class VerifyInput(Serializer):
    near_duplicate_reason = serializers.CharField(required=False, allow_blank=True, default="")


def _output(request, household_id: int) -> dict:
    return HouseholdOutput(
        selectors.household_get(user=request.user, household_id=household_id)
    ).data


class HouseholdListView(GenericAPIView):
    permission_classes = [IsAuthenticated, IsHouseholdStaff]
    serializer_class = HouseholdOutput
    filter_backends: list = []

    def get_queryset(self):
        params = self.request.query_params
        return selectors.household_list(
            user=self.request.user,
            commune=params.get("commune"),
            status=params.get("status"),
            q=params.get("q"),
        )

    @extend_schema(
        operation_id="households_list",
        responses=HouseholdOutput(many=True),
        parameters=[
            OpenApiParameter("commune", str, description="commune code"),
            OpenApiParameter("status", str, enum=Household.Status.values),
            OpenApiParameter("q", str, description="name, household id or CCCD last 4 digits"),
        ],
    )
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(HouseholdOutput(page, many=True).data)

    @extend_schema(request=HouseholdInput, responses={201: HouseholdOutput})
    def post(self, request):
        data = HouseholdInput(data=request.data)
        data.is_valid(raise_exception=True)
        household = editing.household_create(actor=request.user, **data.validated_data)
        return Response(_output(request, household.id), status=201)


class HouseholdDetailView(APIView):
    permission_classes = [IsAuthenticated, IsHouseholdStaff]

    @extend_schema(operation_id="households_retrieve", responses=HouseholdOutput)
    def get(self, request, pk: int):
        body = _output(request, pk)
        privacy.accesses_record(
            actor=request.user, household_ids=[body["id"]], channel=HouseholdAccess.Channel.API
        )
        return Response(body)

    @extend_schema(request=HouseholdInput(partial=True), responses=HouseholdOutput)
    def patch(self, request, pk: int):
        selectors.household_get(user=request.user, household_id=pk)
        data = HouseholdInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        editing.household_update(household_id=pk, actor=request.user, **data.validated_data)
        return Response(_output(request, pk))


class _ActionView(APIView):
    permission_classes = [IsAuthenticated, IsHouseholdStaff]
    input_class: type[serializers.Serializer] | None = None

    def act(self, request, pk: int, data: dict):
        raise NotImplementedError

    def post(self, request, pk: int):
        selectors.household_get(user=request.user, household_id=pk)
        data = {}
        if self.input_class is not None:
            parsed = self.input_class(data=request.data)
            parsed.is_valid(raise_exception=True)
            data = parsed.validated_data
        self.act(request, pk, data)
        return Response(_output(request, pk))


@extend_schema(request=None, responses=HouseholdOutput)
class SubmitView(_ActionView):
    def act(self, request, pk, data):
        editing.household_submit(household_id=pk, actor=request.user)


@extend_schema(request=VerifyInput, responses=HouseholdOutput)
class VerifyView(_ActionView):
    input_class = VerifyInput

    def act(self, request, pk, data):
        verification.household_verify(household_id=pk, actor=request.user, **data)


@extend_schema(request=ReasonInput, responses=HouseholdOutput)
class RejectView(_ActionView):
    input_class = ReasonInput

    def act(self, request, pk, data):
        verification.household_reject(household_id=pk, actor=request.user, reason=data["reason"])


@extend_schema(request=ReasonInput, responses=HouseholdOutput)
class RequestChangesView(_ActionView):
    input_class = ReasonInput

    def act(self, request, pk, data):
        verification.household_request_changes(
            household_id=pk, actor=request.user, reason=data["reason"]
        )


@extend_schema(request=ReasonInput, responses=HouseholdOutput)
class AppealView(_ActionView):
    """An officer of the commune appeals a rejection: back to the verifiers' queue."""

    input_class = ReasonInput

    def act(self, request, pk, data):
        verification.household_appeal(household_id=pk, actor=request.user, reason=data["reason"])


@extend_schema(request=ReasonInput, responses=HouseholdOutput)
class NotRenewedView(_ActionView):
    """A household waiting for re-confirmation is not on the commune's new list: it leaves."""

    input_class = ReasonInput

    def act(self, request, pk, data):
        renewal.household_not_renewed(household_id=pk, actor=request.user, reason=data["reason"])


# The erasing actions read their input leniently (the service checks who asks before what is
# asked, so a stranger gets 403/404 whatever the body); the schema shows what is required.
AnonymiseRequest = inline_serializer(
    "Anonymise",
    {"reason": serializers.CharField(help_text="When and how the household asked (required).")},
)
WithdrawRequest = inline_serializer(
    "WithdrawConsent",
    {
        "method": serializers.ChoiceField(choices=ConsentRecord.Method.choices),
        "witness_name": serializers.CharField(max_length=150, required=False, allow_blank=True),
    },
)


@extend_schema(request=AnonymiseRequest, responses=HouseholdOutput)
class AnonymiseView(_ActionView):
    input_class = ReasonInput

    def act(self, request, pk, data):
        privacy.household_anonymise(household_id=pk, actor=request.user, reason=data["reason"])


class WithdrawInput(Serializer):
    # Required by the service (after it has checked who asks): see WithdrawRequest.
    method = serializers.ChoiceField(
        choices=ConsentRecord.Method.choices, required=False, allow_blank=True, default=""
    )
    witness_name = serializers.CharField(
        max_length=150, required=False, allow_blank=True, default=""
    )


@extend_schema(request=WithdrawRequest, responses=HouseholdOutput)
class WithdrawConsentView(_ActionView):
    input_class = WithdrawInput

    def act(self, request, pk, data):
        privacy.household_withdraw_consent(household_id=pk, actor=request.user, **data)


class PersonalDataView(APIView):
    """The household's data-subject export (right of access), as JSON."""

    permission_classes = [IsAuthenticated, IsHouseholdStaff]

    @extend_schema(responses={200: dict})
    def get(self, request, pk: int):
        selectors.household_get(user=request.user, household_id=pk)
        return Response(privacy.household_export_personal_data(household_id=pk, actor=request.user))


ImportReport = inline_serializer(
    "HouseholdImportReport",
    {
        "import_id": serializers.IntegerField(allow_null=True),
        "rows": serializers.IntegerField(),
        "valid": serializers.BooleanField(),
        "committed": serializers.BooleanField(),
        "created": serializers.IntegerField(),
        "errors": serializers.ListField(child=serializers.DictField()),
    },
)


class BulkSubmitView(APIView):
    """Submit several drafts at once (an import's rows): those that can go are submitted, each
    refusal is listed with its reason (editing.households_submit)."""

    permission_classes = [IsAuthenticated, IsHouseholdStaff]

    class HouseholdsSubmitInput(Serializer):
        households = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)

    class HouseholdsSubmitOutput(Serializer):
        submitted = serializers.ListField(child=serializers.IntegerField())
        refused = serializers.ListField(
            child=inline_serializer(
                "HouseholdSubmitRefusal",
                {
                    "id": serializers.IntegerField(),
                    "code": serializers.CharField(),
                    "message": serializers.CharField(),
                },
            )
        )

    # Read leniently (the service checks who asks before what is asked: a verifier gets 403
    # whatever the body); the schema shows what is required.
    @extend_schema(
        request=HouseholdsSubmitInput,
        responses=HouseholdsSubmitOutput,
        operation_id="v1_households_submit_many",
    )
    def post(self, request):
        ids = request.data.get("households") if hasattr(request.data, "get") else None
        return Response(editing.households_submit(household_ids=ids, actor=request.user))


class ImportView(APIView):
    permission_classes = [IsAuthenticated, IsHouseholdStaff]
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        request={
            "multipart/form-data": inline_serializer(
                "HouseholdImportInput", {"file": serializers.FileField()}
            )
        },
        parameters=[OpenApiParameter("commit", bool, description="false (default): preview")],
        responses={200: ImportReport, 201: ImportReport},
    )
    def post(self, request):
        upload = request.FILES.get("file")
        if upload is None:
            message = _("Attach the Excel file (field “file”).")
            raise ApplicationError(message, code="file_required", fields={"file": [message]})
        commit = request.query_params.get("commit", "false").lower() in {"1", "true", "yes"}
        try:
            report = imports.household_import(
                actor=request.user, content=upload.read(), file_name=upload.name, commit=commit
            )
        except ApplicationError as error:
            report = getattr(error, "report", None)
            if report is None:
                raise
            response = error_response(error.code, error.message, error.status, error.fields)
            response.data["error"]["rows"] = report["errors"]
            return response
        return Response(report, status=201 if commit else 200)


class ImportTemplateView(APIView):
    permission_classes = [IsAuthenticated, IsHouseholdStaff]

    @extend_schema(responses={(200, XLSX_TYPE): bytes})
    def get(self, request):
        from households.excel.template import build_template

        return xlsx_response(build_template(user=request.user), "mau-nhap-ho-gia-dinh.xlsx")


# --- yearly renewal of the poverty list ------------------------------------------------------


class PovertyListOutput(serializers.ModelSerializer):
    commune = serializers.CharField(source="commune_id")
    published_by = serializers.IntegerField(source="published_by_id")

    class Meta:
        model = PovertyList
        fields = ["id", "commune", "year", "published_by", "published_at", "flagged"]


class PovertyListView(GenericAPIView):
    """GET: the poverty lists published in the user's communes. POST: a verifier of the commune
    (or an admin) publishes the list of a year: the commune's verified households whose
    certificate is older are flagged (status "lapsed") until an officer re-confirms them."""

    permission_classes = [IsAuthenticated, IsHouseholdStaff]
    serializer_class = PovertyListOutput
    filter_backends: list = []

    class PublishInput(Serializer):
        commune = serializers.CharField(max_length=5)
        year = serializers.IntegerField(min_value=1, max_value=9999)

    def get_queryset(self):
        return selectors.poverty_lists(
            user=self.request.user, commune=self.request.query_params.get("commune")
        )

    @extend_schema(
        operation_id="poverty_lists_list",
        parameters=[OpenApiParameter("commune", str, description="commune code")],
        responses=PovertyListOutput(many=True),
    )
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(PovertyListOutput(page, many=True).data)

    @extend_schema(request=PublishInput, responses={201: PovertyListOutput})
    def post(self, request):
        data = self.PublishInput(data=request.data)
        data.is_valid(raise_exception=True)
        published = renewal.poverty_list_publish(
            commune_code=data.validated_data["commune"],
            year=data.validated_data["year"],
            actor=request.user,
        )
        return Response(PovertyListOutput(published).data, status=201)


ReconfirmReport = inline_serializer(
    "ReconfirmReport",
    {
        "reconfirmed": serializers.IntegerField(),
        "households": serializers.ListField(child=serializers.IntegerField()),
    },
)


class ReconfirmView(APIView):
    """An officer re-confirms lapsed households of their communes in bulk (all or none)."""

    permission_classes = [IsAuthenticated, IsHouseholdStaff]

    class ReconfirmInput(Serializer):
        households = serializers.ListField(
            child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
            min_length=1,
            max_length=renewal.MAX_IDS,
        )
        certificate_numbers = serializers.DictField(
            child=serializers.CharField(max_length=50, allow_blank=True),
            required=False,
            default=dict,
            help_text="household id → the new certificate number",
        )

    @extend_schema(request=ReconfirmInput, responses=ReconfirmReport)
    def post(self, request):
        data = self.ReconfirmInput(data=request.data)
        data.is_valid(raise_exception=True)
        numbers = {}
        for key, value in data.validated_data["certificate_numbers"].items():
            if not str(key).isdigit():
                message = _("Name each household by its number.")
                raise ApplicationError(message, fields={"certificate_numbers": [message]})
            numbers[int(key)] = value
        moved = renewal.households_reconfirm(
            household_ids=data.validated_data["households"],
            actor=request.user,
            certificate_numbers=numbers,
        )
        return Response({"reconfirmed": len(moved), "households": moved})


ReconfirmImportReport = inline_serializer(
    "ReconfirmImportReport",
    {
        "rows": serializers.IntegerField(),
        "confirmed": serializers.IntegerField(),
        "households": serializers.ListField(child=serializers.IntegerField()),
        "errors": serializers.ListField(child=serializers.DictField()),
        "applied": serializers.BooleanField(),
    },
)


class ReconfirmImportView(APIView):
    """The re-confirmation as an Excel file (the template of the renewal page): `?commit=false`
    checks it and applies nothing; otherwise every marked row is re-confirmed, or none."""

    permission_classes = [IsAuthenticated, IsHouseholdStaff]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={
            "multipart/form-data": inline_serializer(
                "ReconfirmImportInput", {"file": serializers.FileField()}
            )
        },
        parameters=[OpenApiParameter("commit", bool, description="true (default): apply")],
        responses=ReconfirmImportReport,
    )
    def post(self, request):
        upload = request.FILES.get("file")
        if upload is None:
            message = _("Attach the Excel file (field “file”).")
            raise ApplicationError(message, code="file_required", fields={"file": [message]})
        if upload.size > settings.HOUSEHOLD_IMPORT_MAX_BYTES:
            message = _("The file is too large.")
            raise ApplicationError(message, code="file_too_large", fields={"file": [message]})
        commit = request.query_params.get("commit", "true").lower() not in {"0", "false", "no"}
        try:
            report = renewal.reconfirm_import(
                actor=request.user, content=upload.read(), commit=commit
            )
        except ApplicationError as error:
            report = getattr(error, "report", None)
            if report is None:
                raise
            response = error_response(error.code, error.message, error.status, error.fields)
            response.data["error"]["rows"] = report["errors"]
            return response
        return Response(report.as_dict())
