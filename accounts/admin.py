from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import AccountEvent, RoleAssignment, User


class RoleAssignmentInline(admin.StackedInline):
    model = RoleAssignment
    extra = 0
    filter_horizontal = ["communes", "hubs"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "language", "is_active", "is_staff", "date_joined"]
    list_filter = ["is_active", "is_staff", "role_assignments__role"]
    search_fields = ["email", "name"]
    inlines = [RoleAssignmentInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["name", "language"]}),
        (_("Access"), {"fields": ["is_active", "is_staff", "is_superuser"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "name", "password1", "password2"]})
    ]


@admin.register(AccountEvent)
class AccountEventAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "action", "actor"]
    list_filter = ["action"]
    search_fields = ["user__email"]
    readonly_fields = ["user", "actor", "action", "data", "at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
