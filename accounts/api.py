from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors, services
from accounts.models import Role, User
from core import ratelimit
from core.api import Serializer
from core.errors import ApplicationError
from core.permissions import IsAdminOrProvinceAdmin


class RoleSerializer(Serializer):
    role = serializers.ChoiceField(choices=Role.choices)
    communes = serializers.ListField(
        child=serializers.CharField(max_length=5), required=False, default=list
    )
    hubs = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        required=False,
        default=list,
    )
    provinces = serializers.ListField(
        child=serializers.CharField(max_length=2),
        required=False,
        default=list,
        help_text="For a province_admin: the province codes they manage.",
    )


class UserOutput(serializers.ModelSerializer):
    roles = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "email", "name", "language", "is_active", "roles"]

    def get_roles(self, user) -> list[dict]:
        return [services.role_places(a) for a in user.role_assignments.all()]


class TokenInput(Serializer):
    username = serializers.CharField(max_length=254, help_text="The account's email address.")
    password = serializers.CharField(style={"input_type": "password"})


class TokenView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        request=TokenInput,
        responses=inline_serializer("TokenOutput", {"token": serializers.CharField()}),
    )
    def post(self, request):
        data = TokenInput(data=request.data)
        data.is_valid(raise_exception=True)
        ratelimit.hit_for("sign_in", request, data.validated_data["username"])
        user = authenticate(
            request,
            username=data.validated_data["username"].strip(),
            password=data.validated_data["password"],
        )
        if user is None:
            raise ApplicationError(
                _("The email or password is not correct."), code="invalid_credentials"
            )
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=UserOutput)
    def get(self, request):
        return Response(UserOutput(selectors.user_with_roles(user_id=request.user.id)).data)


class StaffCreateInput(Serializer):
    email = serializers.EmailField()
    name = serializers.CharField(max_length=150)
    password = serializers.CharField(required=False, allow_blank=True, write_only=True)
    language = serializers.ChoiceField(choices=User.Language.choices, default=User.Language.VI)
    roles = RoleSerializer(many=True)


class StaffUpdateInput(Serializer):
    name = serializers.CharField(max_length=150, required=False)
    language = serializers.ChoiceField(choices=User.Language.choices, required=False)
    roles = RoleSerializer(many=True, required=False)
    is_active = serializers.BooleanField(required=False)


class StaffViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Administrators: all staff; province admins: the staff of their provinces
    (accounts/provinces.py)."""

    permission_classes = [IsAuthenticated, IsAdminOrProvinceAdmin]
    serializer_class = UserOutput
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.staff_list(actor=self.request.user)

    @extend_schema(request=StaffCreateInput, responses={201: UserOutput})
    def create(self, request):
        data = StaffCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.staff_create(
            actor=request.user,
            email=data.validated_data["email"],
            name=data.validated_data["name"],
            password=data.validated_data.get("password") or None,
            language=data.validated_data["language"],
            roles=data.validated_data["roles"],
        )
        return Response(UserOutput(selectors.user_with_roles(user_id=user.id)).data, status=201)

    @extend_schema(request=StaffUpdateInput, responses=UserOutput)
    def partial_update(self, request, pk=None):
        user = self.get_object()
        data = StaffUpdateInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.staff_update(user_id=user.id, actor=request.user, **data.validated_data)
        return Response(UserOutput(selectors.user_with_roles(user_id=user.id)).data)
