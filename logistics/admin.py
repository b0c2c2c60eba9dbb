"""Read-only views of the bench records, batches and handovers: they are evidence of what happened
to a phone, written by the logistics services with the device's status move; never by hand."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdmin, read_only_inline
from logistics.models import (
    BatchItem,
    DeliveryBatch,
    DeliveryBatchEvent,
    FollowUp,
    Handover,
    HandoverConflict,
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
    inlines = [read_only_inline(BatchItem), read_only_inline(DeliveryBatchEvent)]


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
    # Private files have no storage URL (a file input would ask for one): links to the views
    # that serve them after checking the role.
    exclude = ["photo", "signature"]
    readonly_fields = ["photo_link", "signature_link"]

    @admin.display(description=_("photo"))
    def photo_link(self, handover):
        return self._link(handover, "photo", "logistics:handover_photo")

    @admin.display(description=_("signature"))
    def signature_link(self, handover):
        return self._link(handover, "signature", "logistics:handover_signature")

    @staticmethod
    def _link(handover, field, url_name):
        if not handover.pk or not getattr(handover, field):
            return "—"
        return format_html('<a href="{}">{}</a>', reverse(url_name, args=[handover.pk]), field)


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnlyAdmin):
    list_display = ["id", "handover", "in_use", "send_back", "at"]
    list_filter = ["in_use", "send_back"]
    search_fields = ["handover__device__tracking_code"]


@admin.register(HandoverConflict)
class HandoverConflictAdmin(ReadOnlyAdmin):
    """Field records the server kept because it could not accept them (settled on the batch's
    page by its staff). The signature is a private file: not shown here."""

    list_display = ["id", "device", "household", "code", "recorded_at", "settled_at"]
    list_filter = ["code", ("settled_at", admin.EmptyFieldListFilter)]
    search_fields = ["device__tracking_code", "household__id", "client_id"]
    raw_id_fields = ["device", "household", "batch"]
    exclude = ["signature"]
