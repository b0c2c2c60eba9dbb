"""SMS rows, read-only: their status moves only through messaging.services. The number shows
masked and a text with a code is never shown (`sealed_text` is left out)."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin, read_only_inline
from messaging.models import Message, MessageEvent


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "to_masked", "status", "attempts", "created_at", "last_error"]
    list_filter = ["status", "kind", "provider"]
    search_fields = ["household__id", "provider_id"]
    exclude = ["to", "sealed_text"]
    readonly_fields = ["to_masked"]
    raw_id_fields = ["household"]
    inlines = [read_only_inline(MessageEvent)]
