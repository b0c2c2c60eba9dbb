"""What an administrator may look at in the donations app: the Stripe webhook events, the
malformed ones first (signed by Stripe but of a shape the gift rules cannot read: kept for a
person to look at, never applied). Read only: events are Stripe's record, not ours to edit."""

from django.contrib import admin

from donations.models import StripeEvent
from households.admin import ReadOnlyAdmin  # households sit below donations


@admin.register(StripeEvent)
class StripeEventAdmin(ReadOnlyAdmin):
    list_display = ["event_id", "type", "malformed", "problem", "received_at"]
    list_filter = ["malformed", "type"]
    search_fields = ["event_id", "session_id", "payment_intent"]
    ordering = ["-malformed", "-received_at"]
