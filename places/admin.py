from django.contrib import admin

from places.models import Commune, Hub, Village


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "is_mountain", "is_extremely_difficult"]
    list_filter = ["kind", "is_mountain", "is_extremely_difficult"]
    list_editable = ["is_mountain", "is_extremely_difficult"]
    search_fields = ["code", "name", "old_districts", "legacy_sources"]
    readonly_fields = ["code", "name", "kind", "old_districts", "legacy_sources"]
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

    def has_add_permission(self, request):
        return False  # the official list comes from vietnam-provinces

    def has_delete_permission(self, request, obj=None):
        return False


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
