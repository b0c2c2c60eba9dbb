"""Read-only views of donors, pledges, devices, gifts and the money's trail: each changes only
through the donations services (the device's door, the webhook's de-duplication, the statement
matcher, the ledger), so the admin shows and searches them but changes nothing."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdmin, read_only_inline
from donations import models


@admin.register(models.Donor)
class DonorAdmin(ReadOnlyAdmin):
    list_display = ["id", "name", "kind", "country", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name", "email", "public_name"]


@admin.register(models.Pledge)
class PledgeAdmin(ReadOnlyAdmin):
    list_display = ["id", "donor", "status", "dropoff", "hub", "created_at"]
    list_filter = ["status", "dropoff"]
    list_select_related = ["donor", "hub"]
    search_fields = ["id", "donor__name", "donor__email", "devices__tracking_code"]
    inlines = [read_only_inline(models.PledgeEvent)]


@admin.register(models.Device)
class DeviceAdmin(ReadOnlyAdmin):
    list_display = ["tracking_code", "brand", "model", "status", "hub"]
    list_filter = ["status", "hub"]
    list_select_related = ["hub"]
    search_fields = ["tracking_code", "imei", "model"]
    raw_id_fields = ["pledge"]
    inlines = [read_only_inline(models.DeviceEvent)]


@admin.register(models.Gift)
class GiftAdmin(ReadOnlyAdmin):
    list_display = ["id", "donor", "method", "amount", "currency", "status", "created_at"]
    list_filter = ["status", "method", "purpose"]
    list_select_related = ["donor"]
    search_fields = ["memo", "stripe_session_id", "bank_reference", "donor__email"]
    inlines = [read_only_inline(models.GiftEvent)]


@admin.register(models.StatementImport)
class StatementImportAdmin(ReadOnlyAdmin):
    list_display = ["id", "filename", "rows", "matched", "created_at"]
    search_fields = ["filename"]
    inlines = [read_only_inline(models.StatementLine)]


# Rows of a trail: listed with their parent, found by what a person has in hand.
TRAILS = {
    models.DeviceEvent: ["device__tracking_code", "reason"],
    models.PledgeEvent: ["pledge__id"],
    models.GiftEvent: ["gift__memo", "gift__stripe_session_id"],
    models.StatementLine: ["reference", "description", "gift__memo"],
    models.LedgerEntry: ["note", "gift__memo"],
    models.LedgerAttribution: ["gift__memo"],
    models.DeviceOutcome: ["device__tracking_code", "commune__name"],
}
for model, search in TRAILS.items():
    admin.site.register(model, ReadOnlyAdmin, list_display=["id", "__str__"], search_fields=search)


@admin.register(models.StripeEvent)
class StripeEventAdmin(ReadOnlyAdmin):
    """Stripe's record of the webhook events, malformed ones first: signed by Stripe but of a
    shape the gift rules cannot read, kept for a person to look at and never applied."""

    list_display = ["event_id", "type", "malformed", "problem", "received_at"]
    list_filter = ["malformed", "type"]
    search_fields = ["event_id", "session_id", "payment_intent"]
    ordering = ["-malformed", "-received_at"]


@admin.register(models.DevicePhoto)
class DevicePhotoAdmin(ReadOnlyAdmin):
    """A donor's photo of their phone is a private file (core/media.py): it has no storage URL,
    so the page links to the bench view that serves it after checking the role."""

    list_display = ["id", "device", "created_at"]
    search_fields = ["device__tracking_code"]
    raw_id_fields = ["device"]
    exclude = ["image", "thumbnail"]
    readonly_fields = ["photo_link"]

    @admin.display(description=_("photo"))
    def photo_link(self, photo):
        if not photo.pk or not photo.image:
            return "—"
        url = reverse("logistics:device_photo", args=[photo.device.tracking_code, photo.pk])
        return format_html('<a href="{}">{}</a>', url, photo.device.tracking_code)


@admin.register(models.DonorClaim)
class DonorClaimAdmin(ReadOnlyAdmin):
    list_display = ["id", "donor", "account", "created_at", "confirmed_at"]
    search_fields = ["account__email", "donor__email"]
    raw_id_fields = ["donor", "account"]
