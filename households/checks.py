"""System checks of the households app. The database check runs with `manage.py migrate` and
`manage.py check --database default`: stored priority scores of another formula version are
reported, never left silently beside the current ones."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register
from django.db import DatabaseError


@register(Tags.database)
def stale_priority_scores(app_configs=None, databases=None, **kwargs):
    from households.models import Household

    if not databases:
        return []
    version = settings.HOUSEHOLD_PRIORITY_VERSION
    try:
        stale = Household.objects.exclude(priority_version=version).count()
    except DatabaseError:  # the table does not exist yet (before the first migrate)
        return []
    if not stale:
        return []
    return [
        Warning(
            f"{stale} households keep a priority score of another formula version than {version}.",
            hint="Run `python manage.py rescore_households`.",
            id="households.W001",
        )
    ]
