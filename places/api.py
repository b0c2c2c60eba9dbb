from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import SAFE_METHODS, AllowAny
from rest_framework.response import Response

from core.api import Serializer
from core.permissions import IsAdminOrProvinceAdmin, scope_of
from places import selectors, services
from places.models import Commune, Hub, Province, Village


class ProvinceOutput(serializers.ModelSerializer):
    communes = serializers.IntegerField(
        source="communes_count", help_text="How many commune-level units it has."
    )
    active = serializers.BooleanField(help_text="The programme works there.")

    class Meta:
        model = Province
        fields = ["code", "name", "communes", "active"]


class ProvinceFilter(filters.FilterSet):
    active = filters.BooleanFilter()

    class Meta:
        model = Province
        fields = ["active"]


class ProvinceViewSet(viewsets.ReadOnlyModelViewSet):
    """The 34 provinces (public), in official order; `?active=true` for those the programme
    works in."""

    permission_classes = [AllowAny]
    serializer_class = ProvinceOutput
    filterset_class = ProvinceFilter
    lookup_field = "code"
    queryset = selectors.province_list()


class CommuneOutput(serializers.ModelSerializer):
    province = serializers.CharField(source="province_id")

    class Meta:
        model = Commune
        fields = ["code", "name", "province", "kind", "is_mountain", "is_extremely_difficult"]


class CommuneFilter(filters.FilterSet):
    is_mountain = filters.BooleanFilter()
    kind = filters.ChoiceFilter(choices=Commune.Kind.choices)
    province = filters.CharFilter(field_name="province_id", help_text="A province code: 44.")
    active = filters.BooleanFilter(
        field_name="province__active",
        help_text="Only communes of provinces the programme works in.",
    )

    class Meta:
        model = Commune
        fields = ["is_mountain", "kind", "province", "active"]


class CommuneViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [AllowAny]
    serializer_class = CommuneOutput
    filterset_class = CommuneFilter
    lookup_field = "code"
    queryset = selectors.commune_list()


class HubOutput(serializers.ModelSerializer):
    commune = serializers.CharField(source="commune_id")
    province = serializers.CharField(source="commune.province_id")
    serves = serializers.SerializerMethodField()

    class Meta:
        model = Hub
        fields = ["id", "name", "commune", "province", "address", "phone", "serves", "is_active"]

    def get_serves(self, hub) -> list[str]:
        return sorted(c.code for c in hub.serves.all())


class HubInput(Serializer):
    name = serializers.CharField(max_length=120)
    commune = serializers.CharField(max_length=5)
    address = serializers.CharField(max_length=255)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    serves = serializers.ListField(child=serializers.CharField(max_length=5), default=list)
    is_active = serializers.BooleanField(required=False)


class HubFilter(filters.FilterSet):
    province = filters.CharFilter(field_name="commune__province_id")

    class Meta:
        model = Hub
        fields = ["province"]


class HubViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Hubs (public); administrators create and change any, province admins those of their
    provinces (places.services)."""

    serializer_class = HubOutput
    filterset_class = HubFilter
    queryset = selectors.hub_list()
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_permissions(self):
        if self.request.method in SAFE_METHODS:
            return [AllowAny()]
        return [IsAdminOrProvinceAdmin()]

    @extend_schema(request=HubInput, responses={201: HubOutput})
    def create(self, request):
        data = HubInput(data=request.data)
        data.is_valid(raise_exception=True)
        payload = dict(data.validated_data)
        payload.pop("is_active", None)
        hub = services.hub_create(actor=request.user, **payload)
        return Response(HubOutput(selectors.hub_list().get(id=hub.id)).data, status=201)

    @extend_schema(request=HubInput(partial=True), responses=HubOutput)
    def partial_update(self, request, pk=None):
        hub = self.get_object()
        data = HubInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.hub_update(hub_id=hub.id, actor=request.user, **data.validated_data)
        return Response(HubOutput(selectors.hub_list().get(id=hub.id)).data)


class VillageOutput(serializers.ModelSerializer):
    commune = serializers.CharField(source="commune_id")

    class Meta:
        model = Village
        fields = ["id", "name", "commune"]


class VillageViewSet(viewsets.ReadOnlyModelViewSet):
    """Villages of the communes the signed-in staff member covers."""

    serializer_class = VillageOutput

    def get_queryset(self):
        return selectors.village_list_for(
            scope=scope_of(self.request.user), commune=self.request.query_params.get("commune")
        )
