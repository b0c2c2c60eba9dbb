from django.contrib import admin

from logistics.models import (
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

for model in (Intake, Rejection, WipeRecord, RepairRecord, QARecord, SimCard, FollowUp):
    admin.site.register(model)


@admin.register(DeliveryBatch)
class DeliveryBatchAdmin(admin.ModelAdmin):
    list_display = ["id", "hub", "commune", "planned_date", "status"]
    list_filter = ["status", "hub"]


@admin.register(Handover)
class HandoverAdmin(admin.ModelAdmin):
    list_display = ["id", "device", "household", "at"]
    raw_id_fields = ["device", "household", "batch"]
