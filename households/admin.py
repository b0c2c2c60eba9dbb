"""Admin views of households: for looking, not for changing. Every change goes through the
services (four eyes, consent, dedup), so the admin shows the records read-only."""

from django.contrib import admin

from households.models import ConsentRecord, Household, HouseholdEvent, HouseholdImport


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EventInline(admin.TabularInline):
    model = HouseholdEvent
    extra = 0
    can_delete = False
    fields = ["at", "kind", "old_status", "new_status", "actor", "reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Household)
class HouseholdAdmin(ReadOnlyAdmin):
    list_display = ["id", "commune", "status", "priority_score", "priority_version", "created_at"]
    list_filter = ["status", "commune"]
    list_select_related = ["commune"]
    search_fields = ["id", "cccd_last4"]
    exclude = ["cccd_hash"]
    inlines = [EventInline]


@admin.register(ConsentRecord)
class ConsentRecordAdmin(ReadOnlyAdmin):
    list_display = [
        "household",
        "processing",
        "share_story",
        "share_photo",
        "method",
        "recorded_at",
    ]


@admin.register(HouseholdImport)
class HouseholdImportAdmin(ReadOnlyAdmin):
    list_display = ["id", "uploaded_by", "file_name", "status", "rows", "created", "uploaded_at"]
    exclude = ["content"]
