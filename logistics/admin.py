from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

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
