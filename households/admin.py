"""Admin views of households: for looking, not for changing. Every change goes through the
services (four eyes, consent, dedup), so the admin shows the records read-only."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdmin, read_only_inline
from core.errors import ApplicationError
from households.models import (
    CommuneFlagsEvent,
    ConsentRecord,
    Household,
    HouseholdAccess,
    HouseholdEvent,
    HouseholdImport,
)
from households.services.provinces import province_activate, province_deactivate
from places.models import Province, ProvinceEvent

EVENT_FIELDS = ["at", "kind", "old_status", "new_status", "actor", "reason"]


@admin.register(Household)
class HouseholdAdmin(ReadOnlyAdmin):
    list_display = ["id", "commune", "status", "priority_score", "priority_version", "created_at"]
    list_filter = ["status", "commune"]
    list_select_related = ["commune"]
    search_fields = ["id", "cccd_last4"]
    exclude = ["cccd_hash"]
    inlines = [read_only_inline(HouseholdEvent, fields=EVENT_FIELDS)]


@admin.register(HouseholdEvent)
class HouseholdEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "household", "kind", "old_status", "new_status", "actor"]
    list_filter = ["kind", "new_status"]
    list_select_related = ["household", "actor"]
    search_fields = ["household__id", "reason"]


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
    search_fields = ["household__id", "witness_name"]


@admin.register(HouseholdImport)
class HouseholdImportAdmin(ReadOnlyAdmin):
    list_display = ["id", "uploaded_by", "file_name", "status", "rows", "created", "uploaded_at"]
    search_fields = ["file_name", "uploaded_by__email"]
    exclude = ["content"]


@admin.register(HouseholdAccess)
class HouseholdAccessAdmin(ReadOnlyAdmin):
    """Who read which household's personal data, when and where (Law 91/2025)."""

    list_display = ["at", "actor", "household", "channel"]
    list_filter = ["channel"]
    list_select_related = ["actor", "household"]
    search_fields = ["household__id", "actor__email"]
    date_hierarchy = "at"


@admin.register(CommuneFlagsEvent)
class CommuneFlagsEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "commune", "actor", "__str__"]
    list_select_related = ["commune", "actor"]
    search_fields = ["commune__name", "commune__code"]


@admin.register(Province)
class ProvinceAdmin(ReadOnlyAdmin):
    """Here rather than in places: switching a province on sets its communes' flags through
    households.services (re-scoring); the list is read-only otherwise."""

    list_display = ["code", "name", "active"]
    list_filter = ["active"]
    search_fields = ["code", "name"]
    actions = ["switch_on", "switch_off"]

    def has_switch_permission(self, request):
        """The actions' own permission: the page stays read-only."""
        return request.user.is_superuser

    def _each(self, request, queryset, call):
        for province in queryset:
            try:
                call(code=province.code, actor=request.user)
            except ApplicationError as error:
                self.message_user(request, f"{province.name}: {error.message}", messages.ERROR)
            else:
                self.message_user(request, str(province.name), messages.SUCCESS)

    @admin.action(description=_("Switch on (flags from the reviewed file)"), permissions=["switch"])
    def switch_on(self, request, queryset):
        self._each(request, queryset, province_activate)

    @admin.action(description=_("Switch off"), permissions=["switch"])
    def switch_off(self, request, queryset):
        self._each(request, queryset, province_deactivate)


@admin.register(ProvinceEvent)
class ProvinceEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "province", "action", "actor"]
    list_filter = ["action"]
