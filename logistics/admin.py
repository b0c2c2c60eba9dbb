"""Read-only views of the bench records, batches and handovers: they are evidence of what happened
to a phone, written by the logistics services with the device's status move; never by hand."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin, read_only_inline
from logistics.models import (
    BatchItem,
    DeliveryBatch,
    FollowUp,
    Handover,
    Intake,
    QARecord,
    Rejection,
    RepairRecord,
    SimCard,
    WipeRecord,
)

# One page per record about a device, listed newest first and found by the device's code.
for model in (Intake, Rejection, WipeRecord, RepairRecord, QARecord, SimCard):
    admin.site.register(
        model,
        ReadOnlyAdmin,
        list_display=["id", "device", "__str__"],
        list_select_related=["device"],
        search_fields=["device__tracking_code"],
        raw_id_fields=["device"],
    )


@admin.register(DeliveryBatch)
class DeliveryBatchAdmin(ReadOnlyAdmin):
    list_display = ["id", "hub", "commune", "planned_date", "status"]
    list_filter = ["status", "hub"]
    search_fields = ["id", "carrier_name", "commune__name"]
    inlines = [read_only_inline(BatchItem)]


@admin.register(BatchItem)
class BatchItemAdmin(ReadOnlyAdmin):
    list_display = ["id", "batch", "device", "outcome"]
    list_filter = ["outcome"]
    search_fields = ["device__tracking_code", "batch__id"]


@admin.register(Handover)
class HandoverAdmin(ReadOnlyAdmin):
    list_display = ["id", "device", "household", "at"]
    search_fields = ["device__tracking_code", "household__id", "received_by"]
    raw_id_fields = ["device", "household", "batch"]


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnlyAdmin):
    list_display = ["id", "handover", "in_use", "send_back", "at"]
    list_filter = ["in_use", "send_back"]
    search_fields = ["handover__device__tracking_code"]
