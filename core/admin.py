"""The admin site looks; the services change.

Every model with a status, and every record that is evidence (events, intake, wipe, QA, handover,
consent, bank statements, ledger, matching runs), is changed only through its app's services: they
check the move, lock the row and write the event. The admin shows such models through
`ReadOnlyAdmin`, so that not even a superuser has a back door round those checks: the pages list,
search and show, and a POST to an add, change or delete page is refused (403).
"""

from __future__ import annotations

from django.contrib import admin
from django.db import models

from core.models import OutboxMessage


class ReadOnly:
    """No add, change or delete permission, whoever asks; viewing keeps Django's rules."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnly, admin.ModelAdmin):
    """A model's admin pages for looking and searching only (each field shown read-only)."""

    list_per_page = 50
    # (links are shown, never typed here: Django 6's default scheme, without its warning)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class ReadOnlyInline(ReadOnly, admin.TabularInline):
    """Related rows (events, most often) shown under their parent, read-only."""

    extra = 0
    can_delete = False
    show_change_link = False


def read_only_inline(model, **options) -> type[ReadOnlyInline]:
    """A read-only inline of `model` (its rows under their parent), with ModelAdmin options."""
    return type(f"{model.__name__}Inline", (ReadOnlyInline,), {"model": model, **options})


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    """What the system owes people, and what it gave up on (the sender retries the rest)."""

    list_display = ["id", "task", "due_at", "attempts", "sent_at", "failed_at", "last_error"]
    list_filter = [
        ("failed_at", admin.EmptyFieldListFilter),
        ("sent_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["task", "key", "last_error"]
