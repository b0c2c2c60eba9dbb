from django.db.models import Count, QuerySet

from places.models import Commune, Hub, Province, Village


def province_list() -> QuerySet[Province]:
    """The provinces in official order, each with its number of communes (`communes_count`)."""
    return Province.objects.annotate(communes_count=Count("communes")).order_by("code")


def active_provinces() -> QuerySet[Province]:
    return Province.objects.filter(active=True).order_by("code")


def commune_list(*, is_mountain: bool | None = None) -> QuerySet[Commune]:
    communes = Commune.objects.order_by("name", "code")
    if is_mountain is not None:
        communes = communes.filter(is_mountain=is_mountain)
    return communes


def hub_list() -> QuerySet[Hub]:
    return Hub.objects.select_related("commune").prefetch_related("serves").order_by("name")


def village_list_for(*, scope, commune: str | None = None) -> QuerySet:
    """Villages of the communes a staff scope covers (none for donors and the public: pass None)."""
    villages = Village.objects.select_related("commune")
    if scope is None or not (scope.is_admin or scope.communes()):
        villages = villages.none()
    elif not scope.is_admin:
        villages = villages.filter(commune_id__in=scope.communes())
    if commune:
        villages = villages.filter(commune_id=commune)
    return villages.order_by("commune__name", "name")
