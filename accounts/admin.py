"""Staff accounts are created and changed by accounts.services (roles checked, an account event
written): `manage.py create_staff`, the staff pages and `POST/PATCH /api/v1/staff/`. The admin shows
them read-only, so that no role or flag changes without its event."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import AccountEvent, RoleAssignment, User
from core.admin import ReadOnlyAdmin, read_only_inline


@admin.register(User)
class UserAdmin(ReadOnlyAdmin, BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "language", "is_active", "is_staff", "date_joined"]
    list_filter = ["is_active", "is_staff", "role_assignments__role"]
    search_fields = ["email", "name"]
    inlines = [read_only_inline(RoleAssignment)]
    fieldsets = [
        (None, {"fields": ["email"]}),
        (_("Person"), {"fields": ["name", "language"]}),
        (_("Access"), {"fields": ["is_active", "is_staff", "is_superuser"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]


@admin.register(AccountEvent)
class AccountEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "action", "actor"]
    list_filter = ["action"]
    search_fields = ["user__email"]
