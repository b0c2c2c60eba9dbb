from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CoreConfig(AppConfig):
    """Shared code at the bottom of the house: errors, API plumbing, rate limits, role permissions,
    the status-door machinery and the site-wide views. Imports no app of the project."""

    default = True
    name = "core"
    verbose_name = "Core"


class AdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin, whose default site limits sign-in attempts (core/admin_site.py)."""

    default = False  # named in INSTALLED_APPS; "core" alone means CoreConfig
    default_site = "core.admin_site.AdminSite"
