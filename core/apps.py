from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared code at the bottom of the house: errors, API plumbing, rate limits, role permissions,
    the status-door machinery and the site-wide views. Imports no app of the project."""

    name = "core"
    verbose_name = "Core"
