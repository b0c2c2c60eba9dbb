"""Read-only views of runs, proposals and allocations: every change goes through the services
(approval moves devices and households through their doors), never through the admin."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin, read_only_inline
from matching.models import Allocation, MatchRun, MatchRunEvent, Proposal


@admin.register(MatchRun)
class MatchRunAdmin(ReadOnlyAdmin):
    list_display = ["id", "created_at", "created_by", "status", "seed", "proposals_count"]
    list_filter = ["status"]
    list_select_related = ["created_by"]
    search_fields = ["id", "created_by__email", "message"]
    inlines = [read_only_inline(MatchRunEvent)]


@admin.register(MatchRunEvent)
class MatchRunEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "run", "__str__"]
    list_select_related = ["run"]
    search_fields = ["run__id"]


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdmin):
    list_display = ["id", "run", "device", "household_id", "score", "status"]
    list_filter = ["status"]
    list_select_related = ["run", "device"]
    search_fields = ["device__tracking_code", "household__id", "run__id"]
    raw_id_fields = ["run", "device", "household", "decided_by"]


@admin.register(Allocation)
class AllocationAdmin(ReadOnlyAdmin):
    list_display = ["id", "device", "household_id", "is_live", "approved_by", "created_at"]
    list_filter = ["is_live"]
    list_select_related = ["device", "approved_by"]
    search_fields = ["device__tracking_code", "household__id"]
    raw_id_fields = ["device", "household", "approved_by", "proposal"]
