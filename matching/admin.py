"""Read-only views of runs, proposals and allocations: every change goes through the services
(approval moves devices and households through their doors), never through the admin."""

from django.contrib import admin

from matching.models import Allocation, MatchRun, MatchRunEvent, Proposal


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MatchRunEventInline(admin.TabularInline):
    model = MatchRunEvent
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "actor", "data", "at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(MatchRun)
class MatchRunAdmin(ReadOnlyAdmin):
    list_display = ["id", "created_at", "created_by", "status", "seed", "proposals_count"]
    list_filter = ["status"]
    list_select_related = ["created_by"]
    inlines = [MatchRunEventInline]


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdmin):
    list_display = ["id", "run", "device", "household_id", "score", "status"]
    list_filter = ["status"]
    list_select_related = ["run", "device"]
    raw_id_fields = ["run", "device", "household", "decided_by"]


@admin.register(Allocation)
class AllocationAdmin(ReadOnlyAdmin):
    list_display = ["id", "device", "household_id", "is_live", "approved_by", "created_at"]
    list_filter = ["is_live"]
    list_select_related = ["device", "approved_by"]
    raw_id_fields = ["device", "household", "approved_by", "proposal"]
