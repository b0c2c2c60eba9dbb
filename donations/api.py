"""The donations API of API.md: pledges, photos, public tracking, gifts, statements. Thin:
parse, call a service or selector, render."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from core import idempotency, ratelimit
from core.api import BIGINT_MAX, Pagination, Serializer, paginated, validated
from core.media import private_file_response
from core.permissions import roles_required
from donations import money, selectors
from donations.lifecycle import steps_ahead
from donations.models import Device, Donor, Gift, HeldSettlement, Pledge, StatementImport
from donations.services.gifts import gift_checkout_start, gift_vietqr_create
from donations.services.held import held_report, held_settle
from donations.services.photos import device_photo_add
from donations.services.pledges import pledge_cancel, pledge_create, pledge_update
from donations.services.privacy import donor_erase, donor_personal_data
from donations.services.statements import statement_reconcile
from donations.views import rate_limit


def _user(request):
    return request.user if request.user.is_authenticated else None


# --- pledges -----------------------------------------------------------------------------------


class DonorInput(Serializer):
    name = serializers.CharField(max_length=150)
    email = serializers.EmailField()
    kind = serializers.ChoiceField(choices=Donor.Kind.choices, default="individual")
    country = serializers.CharField(max_length=2, default="VN")
    language = serializers.ChoiceField(choices=User.Language.choices, required=False)
    home_commune = serializers.CharField(max_length=5, required=False, allow_blank=True)


class DeviceInput(Serializer):
    brand = serializers.CharField(max_length=60)
    model = serializers.CharField(max_length=100)
    # Left out: not known. The bounds are the service's (pledges.device_size_clean).
    ram_gb = serializers.DecimalField(
        max_digits=4, decimal_places=1, required=False, allow_null=True
    )
    storage_gb = serializers.IntegerField(required=False, allow_null=True)
    os = serializers.ChoiceField(choices=Device.OS.choices, default="android")
    os_version = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    supports_4g = serializers.BooleanField()
    supports_volte = serializers.BooleanField()
    has_nfc = serializers.BooleanField(default=False)
    has_camera = serializers.BooleanField(default=True)
    condition = serializers.ChoiceField(choices=Device.Condition.choices)
    imei = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    quantity = serializers.IntegerField(min_value=1, default=1)


class PreferenceInput(Serializer):
    commune = serializers.CharField(max_length=5)
    strict = serializers.BooleanField(default=False)


class ProvincePreferenceInput(Serializer):
    province = serializers.CharField(max_length=2, help_text="A province code (GET /provinces/).")
    strict = serializers.BooleanField(default=False, help_text="Only that province.")


PLACE_HELP = (
    "Where the phone goes: the donor's home commune (commune_preference) or home province "
    "(province_preference), preferred or only (strict); neither: where the need is greatest."
)


class PledgeInput(Serializer):
    donor = DonorInput(required=False)
    devices = serializers.ListField(child=DeviceInput(), allow_empty=False, max_length=100)
    commune_preference = PreferenceInput(required=False, allow_null=True, help_text=PLACE_HELP)
    province_preference = ProvincePreferenceInput(
        required=False, allow_null=True, help_text=PLACE_HELP
    )
    dropoff = serializers.ChoiceField(choices=Pledge.Dropoff.choices, default="hub")
    hub = serializers.IntegerField(required=False, allow_null=True)
    pickup_address = serializers.CharField(
        max_length=255, required=False, allow_blank=True, default=""
    )
    pickup_window = serializers.CharField(
        max_length=120, required=False, allow_blank=True, default=""
    )
    public_name = serializers.CharField(max_length=150, required=False, allow_blank=True)


class PledgeUpdateInput(Serializer):
    commune_preference = PreferenceInput(required=False, allow_null=True, help_text=PLACE_HELP)
    province_preference = ProvincePreferenceInput(
        required=False, allow_null=True, help_text=PLACE_HELP
    )
    dropoff = serializers.ChoiceField(choices=Pledge.Dropoff.choices, required=False)
    hub = serializers.IntegerField(required=False, allow_null=True)
    pickup_address = serializers.CharField(max_length=255, required=False, allow_blank=True)
    pickup_window = serializers.CharField(max_length=120, required=False, allow_blank=True)


class EventOutput(Serializer):
    status = serializers.CharField(source="new_status")
    at = serializers.DateTimeField()


# Declared field by field, not as ModelSerializers (which rebuild their fields from the model on
# every use): these render every pledge the API returns, the new one included.
class DeviceOutput(Serializer):
    """A pledged phone and its journey so far."""

    tracking_code = serializers.CharField()
    status = serializers.ChoiceField(choices=Device.Status.choices)
    brand = serializers.CharField()
    model = serializers.CharField()
    ram_gb = serializers.DecimalField(max_digits=4, decimal_places=1)
    storage_gb = serializers.IntegerField()
    os = serializers.ChoiceField(choices=Device.OS.choices)
    os_version = serializers.CharField()
    supports_4g = serializers.BooleanField()
    supports_volte = serializers.BooleanField()
    has_nfc = serializers.BooleanField()
    has_camera = serializers.BooleanField()
    condition = serializers.ChoiceField(choices=Device.Condition.choices)
    events = EventOutput(many=True, source="timeline")
    photos = serializers.SerializerMethodField()

    def get_photos(self, device) -> list[str]:
        return [photo_url(p, device.pledge_id) for p in device.photo_list]


class PledgeOutput(Serializer):
    """A pledge and its phones."""

    id = serializers.IntegerField()
    status = serializers.CharField()
    dropoff = serializers.ChoiceField(choices=Pledge.Dropoff.choices)
    hub = serializers.IntegerField(source="hub_id", allow_null=True)
    pickup_address = serializers.CharField()
    pickup_window = serializers.CharField()
    where = serializers.SerializerMethodField(help_text="need|province|commune")
    commune_preference = serializers.SerializerMethodField()
    province_preference = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    devices = DeviceOutput(many=True, source="device_list")

    def get_where(self, pledge) -> str:
        if pledge.commune_preference_id:
            return "commune"
        return "province" if pledge.province_preference_id else "need"

    def get_commune_preference(self, pledge) -> dict | None:
        if not pledge.commune_preference_id:
            return None
        return {"commune": pledge.commune_preference_id, "strict": pledge.preference_strict}

    def get_province_preference(self, pledge) -> dict | None:
        if not pledge.province_preference_id:
            return None
        return {"province": pledge.province_preference_id, "strict": pledge.preference_strict}


IDEMPOTENCY_HEADER = OpenApiParameter(
    idempotency.HEADER,
    str,
    OpenApiParameter.HEADER,
    description="Optional. The same key within a day returns the first answer and creates nothing.",
)


def _created(request, make_body) -> Response:
    """201 with `make_body()`; with an Idempotency-Key, the first answer for that key instead of
    a second creation (core/idempotency.py)."""
    answered = idempotency.once_for_request(request, request.data, lambda: (201, make_body()))
    if answered is None:
        return Response(make_body(), status=201)
    status, body, replayed = answered
    response = Response(body, status=status)
    if replayed:
        response["Idempotent-Replayed"] = "true"
    return response


class PledgeListCreate(ListAPIView):
    """GET: the signed-in donor's own pledges. POST: anyone may pledge."""

    serializer_class = PledgeOutput

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "POST" else [IsAuthenticated()]

    def get_queryset(self):
        return selectors.pledge_list_for_donor(user=self.request.user)

    @extend_schema(
        request=PledgeInput, responses={201: PledgeOutput}, parameters=[IDEMPOTENCY_HEADER]
    )
    def post(self, request):
        return _created(request, lambda: self._pledge(request))

    def _pledge(self, request) -> dict:
        data = PledgeInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        actor = _user(request)
        donor = values.pop("donor", None)
        if actor is None and donor is None:
            from django.utils.translation import gettext as _

            from core.errors import ApplicationError

            message = _("Tell us your name and email, or sign in first.")
            raise ApplicationError(message, code="donor_required", fields={"donor": [message]})
        rate_limit(request, "pledge", (donor or {}).get("email", ""))
        result = pledge_create(
            actor=actor,
            donor=donor,
            devices=[dict(d) for d in values.pop("devices")],
            commune_preference=values.pop("commune_preference", None),
            province_preference=values.pop("province_preference", None),
            **values,
        )
        body = dict(PledgeOutput(result.pledge).data)  # as written: no need to read it back
        body["warnings"] = result.warnings
        return body


class PledgeDetail(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=PledgeOutput)
    def get(self, request, pledge_id: int):
        return Response(
            PledgeOutput(
                selectors.pledge_get_for_donor(user=request.user, pledge_id=pledge_id)
            ).data
        )

    @extend_schema(request=PledgeUpdateInput, responses=PledgeOutput)
    def patch(self, request, pledge_id: int):
        data = PledgeUpdateInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        places = ("commune_preference", "province_preference")
        named = [key for key in places if key in values]
        # A place sent as null, and no other place: where the need is greatest.
        clear = bool(named) and all(values[key] is None for key in named)
        pledge_update(
            pledge_id=pledge_id,
            actor=request.user,
            clear_preference=clear,
            commune_preference=values.pop("commune_preference", None),
            province_preference=values.pop("province_preference", None),
            **values,
        )
        return self.get(request, pledge_id)


class PledgeCancel(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=PledgeOutput)
    def post(self, request, pledge_id: int):
        pledge_cancel(pledge_id=pledge_id, actor=request.user)
        return Response(
            PledgeOutput(
                selectors.pledge_get_for_donor(user=request.user, pledge_id=pledge_id)
            ).data
        )


class PhotoInput(Serializer):
    device = serializers.CharField(max_length=12)
    image = serializers.FileField()


class OwnPledge(IsAuthenticated):
    """Only the pledge's donor gets further (404 for anyone else), before the body is parsed: a
    stranger learns nothing from a refused upload's content type or fields."""

    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view):
            return False
        selectors.pledge_require_own(user=request.user, pledge_id=view.kwargs["pledge_id"])
        return True


def photo_url(photo, pledge_id: int) -> str:
    """Where the donor fetches a photo of their phone (a private file): the serving view."""
    return reverse("api:pledge-photo", args=[pledge_id, photo.id])


class PledgePhoto(APIView):
    """A photo of the donor's own phone; `?size=thumb` for its thumbnail."""

    permission_classes = [OwnPledge]

    @extend_schema(responses={(200, "image/jpeg"): OpenApiTypes.BINARY})
    def get(self, request, pledge_id: int, photo_id: int):
        photo = selectors.device_photo_for_donor(
            user=request.user, pledge_id=pledge_id, photo_id=photo_id
        )
        return private_file_response(photo.file_of_size(request.query_params.get("size", "")))


class PledgePhotos(APIView):
    permission_classes = [OwnPledge]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request=PhotoInput, responses={201: dict})
    def post(self, request, pledge_id: int):
        data = PhotoInput(data=request.data)
        data.is_valid(raise_exception=True)
        photo = device_photo_add(
            pledge_id=pledge_id,
            tracking_code=data.validated_data["device"],
            image=data.validated_data["image"],
            actor=request.user,
        )
        return Response(
            {
                "id": photo.id,
                "device": photo.device.tracking_code,
                "url": photo_url(photo, pledge_id),
                "width": photo.width,
                "height": photo.height,
            },
            status=201,
        )


# --- public tracking ---------------------------------------------------------------------------


def track_body(device: Device, request=None) -> dict:
    outcome = selectors.public_outcome(device)
    body = {
        "tracking_code": device.tracking_code,
        "status": device.status,
        "events": [
            {"status": e.new_status, "at": timezone.localtime(e.at).isoformat()}
            for e in device.events.all()
        ],
        "next": steps_ahead(device.status),
        "outcome": None,
    }
    if outcome is not None:
        photo = outcome.photo.url if outcome.photo else None
        if photo and request is not None:
            photo = request.build_absolute_uri(photo)
        body["outcome"] = {
            "commune": outcome.commune.name,
            "commune_code": outcome.commune_id,
            "household_kind": outcome.household_kind,
            "delivered_at": timezone.localtime(outcome.delivered_at).isoformat(),
            "story": outcome.story,
            "photo": photo,
        }
    return body


class Track(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(responses=dict)
    def get(self, request, tracking_code: str):
        ratelimit.hit_for("track", request)  # 429 past settings.RATE_LIMITS["track"], per IP
        device = selectors.device_public(tracking_code=tracking_code)
        return Response(track_body(device, request))


# --- gifts -------------------------------------------------------------------------------------


GIFT_PLACE_HELP = (
    "The donor's home province (strict: the gift pays for that province's phones only); "
    "omitted: where the need is greatest."
)


class CheckoutInput(Serializer):
    amount = serializers.IntegerField()
    currency = serializers.CharField(max_length=3)
    purpose = serializers.ChoiceField(choices=Gift.Purpose.choices, default="general")
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    province_preference = ProvincePreferenceInput(
        required=False, allow_null=True, help_text=GIFT_PLACE_HELP
    )


class VietQRInput(Serializer):
    amount = serializers.IntegerField()
    purpose = serializers.ChoiceField(choices=Gift.Purpose.choices, default="general")
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    province_preference = ProvincePreferenceInput(
        required=False, allow_null=True, help_text=GIFT_PLACE_HELP
    )


def _gift_start(request, input_class, start):
    """Check the input, count the attempt against the gift rate limit, start the gift."""
    data = input_class(data=request.data)
    data.is_valid(raise_exception=True)
    rate_limit(request, "gift_checkout", data.validated_data.get("email", ""))
    return start(actor=_user(request), **data.validated_data)


class GiftCheckout(APIView):
    permission_classes = [AllowAny]

    @extend_schema(request=CheckoutInput, responses={201: dict}, parameters=[IDEMPOTENCY_HEADER])
    def post(self, request):
        def checkout() -> dict:
            gift = _gift_start(request, CheckoutInput, gift_checkout_start)
            return {"id": gift.id, "status": gift.status, "checkout_url": gift.checkout_url}

        return _created(request, checkout)


class GiftVietQR(APIView):
    permission_classes = [AllowAny]

    @extend_schema(request=VietQRInput, responses={201: dict}, parameters=[IDEMPOTENCY_HEADER])
    def post(self, request):
        from donations import vietqr

        def transfer() -> dict:
            gift = _gift_start(request, VietQRInput, gift_vietqr_create)
            return {
                "id": gift.id,
                "status": gift.status,
                "memo": gift.memo,
                "amount": {"amount": gift.amount, "currency": "VND"},
                "payload": vietqr.programme_payload(amount=gift.amount, memo=gift.memo),
                "qr_png_url": request.build_absolute_uri(
                    reverse("donations:vietqr_png", args=[gift.memo])
                ),
            }

        return _created(request, transfer)


class GiftOutput(serializers.ModelSerializer):
    amount = serializers.SerializerMethodField()
    phones = serializers.SerializerMethodField()

    class Meta:
        model = Gift
        fields = [
            "id",
            "method",
            "purpose",
            "status",
            "amount",
            "refunded_amount",
            "memo",
            "province_preference",
            "created_at",
            "paid_at",
            "phones",
        ]

    province_preference = serializers.SerializerMethodField()

    def get_province_preference(self, gift) -> dict | None:
        if not gift.province_id:
            return None
        return {"province": gift.province_id, "strict": gift.province_strict}

    def get_amount(self, gift) -> dict:
        return {
            "amount": gift.amount,
            "currency": gift.currency,
            "display": money.format_amount(gift.amount, gift.currency),
        }

    def get_phones(self, gift) -> list[dict]:
        return [
            {
                "kind": a.spend.kind,
                "amount": a.amount,
                "devices": [d.tracking_code for d in a.spend.devices.all()],
            }
            for a in gift.attributions.all()
        ]


class GiftList(ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = GiftOutput

    def get_queryset(self):
        return selectors.gift_list_for_donor(user=self.request.user)


class StatementUpload(APIView):
    permission_classes = [IsAuthenticated, roles_required("coordinator")]
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
            }
        },
        responses={201: dict},
    )
    def post(self, request):
        from django.utils.translation import gettext as _

        from core.errors import ApplicationError

        upload = request.FILES.get("file")
        if upload is None:
            message = _("Choose the statement file (.csv or .xlsx).")
            raise ApplicationError(message, code="file_required", fields={"file": [message]})
        statement = statement_reconcile(
            content=upload.read(), filename=upload.name, actor=request.user
        )
        done = statement.status == StatementImport.Status.DONE
        return Response(statement_body(statement), status=201 if done else 202)


class StatementDetail(APIView):
    """A statement's report; a long one's progress while the worker reconciles it."""

    permission_classes = [IsAuthenticated, roles_required("coordinator")]

    @extend_schema(responses={200: dict})
    def get(self, request, statement_id: int):
        statement = get_object_or_404(selectors.statement_list(user=request.user), pk=statement_id)
        return Response(statement_body(statement))


def statement_body(statement) -> dict:
    return {
        "id": statement.id,
        "status": statement.status,
        "processed": statement.processed,
        "failure": statement.failure,
        "rows": statement.rows,
        "matched": statement.matched,
        "already_reconciled": statement.already,
        "unmatched": statement.unmatched,
        "errors": statement.errors,
        # Where the money went (VND): total = matched + already + held + not_ours.
        "money": {
            "total": statement.total_amount,
            "matched": statement.matched_amount,
            "already_reconciled": statement.already_amount,
            "held_for_review": statement.held_amount,
            "not_ours": statement.not_ours_amount,
        },
        "held": statement.held,
        "unmatched_count": statement.unmatched_count,
        # What became of the held money: held = still_held + pay + keep + refund.
        "held_settled": held_report(statement),
    }


class HeldOutput(Serializer):
    id = serializers.IntegerField()
    statement = serializers.IntegerField(source="statement_id")
    row = serializers.IntegerField()
    amount = serializers.IntegerField()
    remaining = serializers.IntegerField()
    description = serializers.CharField()
    reference = serializers.CharField()
    reason = serializers.CharField()
    status = serializers.CharField()
    gifts = serializers.SerializerMethodField()
    settlements = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    def get_gifts(self, held) -> list[dict]:
        return [{"memo": g.memo, "amount": g.amount, "status": g.status} for g in held.gifts.all()]

    def get_settlements(self, held) -> list[dict]:
        return [
            {
                "action": s.action,
                "amount": s.amount,
                "gift": s.gift.memo or s.gift_id if s.gift else None,
                "note": s.note,
                "by": s.actor.get_username() if s.actor else None,
                "at": s.created_at,
            }
            for s in held.settlements.all()
        ]


class HeldList(APIView):
    """Held statement money (issue 13): what waits for a coordinator's decision."""

    permission_classes = [IsAuthenticated, roles_required("coordinator")]
    pagination_class = Pagination

    @extend_schema(
        parameters=[OpenApiParameter("status", OpenApiTypes.STR, enum=["held", "settled"])],
        responses={200: HeldOutput(many=True)},
    )
    def get(self, request):
        rows = selectors.held_money_list(
            user=request.user, status=request.query_params.get("status", "")
        )
        return paginated(request, self, rows, HeldOutput)


class HeldSettleInput(Serializer):
    action = serializers.ChoiceField(choices=HeldSettlement.Action.choices)
    amount = serializers.IntegerField(required=False, min_value=1, max_value=BIGINT_MAX)
    memo = serializers.CharField(required=False, allow_blank=True, max_length=20)
    note = serializers.CharField(required=False, allow_blank=True, max_length=255)


class HeldSettle(APIView):
    permission_classes = [IsAuthenticated, roles_required("coordinator")]

    @extend_schema(request=HeldSettleInput, responses={201: HeldOutput})
    def post(self, request, held_id: int):
        data = validated(HeldSettleInput, request)
        settlement = held_settle(held_id=held_id, actor=request.user, **data)
        held = selectors.held_money_list(user=request.user).get(pk=settlement.held_id)
        return Response(HeldOutput(held).data, status=201)


# --- the signed-in account's own data (API.md "Data subjects") ----------------------------------


class MePersonalData(APIView):
    """Everything held about the signed-in account: profile, pledges with their phones, gifts,
    and what others gave in its email's name (right of access, Law 91/2025)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        return Response(donor_personal_data(user=request.user))


class MeErase(APIView):
    """Erase the signed-in donor: name, email and public name go, the account can no longer sign
    in, gifts and pledges stay as anonymous rows (the ledger still balances). Needs
    `{"confirm": true}`; 409 `staff_account` for a member of staff."""

    permission_classes = [IsAuthenticated]

    class EraseInput(Serializer):
        confirm = serializers.BooleanField(
            default=False, help_text="true: I understand it cannot be undone."
        )

    @extend_schema(
        request=EraseInput,
        responses=inline_serializer("EraseOutput", {"erased": serializers.BooleanField()}),
    )
    def post(self, request):
        data = validated(self.EraseInput, request)
        donor_erase(user=request.user, confirm=data["confirm"])
        return Response({"erased": True})
