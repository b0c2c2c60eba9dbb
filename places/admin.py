from django.contrib import admin

from core.admin import ReadOnlyAdmin
from places.models import Commune, Hub, Village


@admin.register(Commune)
class CommuneAdmin(ReadOnlyAdmin):
    """The official list comes from vietnam-provinces; the mountain and hardship flags change only
    through the places service, which re-scores the households they touch."""

    list_display = ["code", "name", "kind", "is_mountain", "is_extremely_difficult"]
    list_filter = ["kind", "is_mountain", "is_extremely_difficult"]
    search_fields = ["code", "name", "old_districts", "legacy_sources"]
    fields = [
        "code",
        "name",
        "kind",
        "is_mountain",
        "is_extremely_difficult",
        "flags_basis",
        "old_districts",
        "legacy_sources",
    ]


@admin.register(Village)
class VillageAdmin(admin.ModelAdmin):
    list_display = ["name", "commune"]
    list_filter = ["commune__is_mountain"]
    search_fields = ["name", "commune__name"]
    autocomplete_fields = ["commune"]


@admin.register(Hub)
class HubAdmin(admin.ModelAdmin):
    list_display = ["name", "commune", "address", "is_active"]
    search_fields = ["name", "address"]
    filter_horizontal = ["serves"]
    autocomplete_fields = ["commune"]
