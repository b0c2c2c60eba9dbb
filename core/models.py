"""Abstract bases of the audit rows every app keeps: who acted (`actor`), when (`at`), and what
(`data`); a status event adds the move itself (from, to, why). No tables of their own."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Event(models.Model):
    """One act on a thing, by a person (or the system: `actor` empty)."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    data = models.JSONField(_("data"), default=dict, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["at", "id"]


class StatusEvent(Event):
    """One status move: from, to, and why (written by core.lifecycle.Lifecycle.move)."""

    old_status = models.CharField(_("from"), max_length=20, blank=True)
    new_status = models.CharField(_("to"), max_length=20)
    reason = models.TextField(_("reason"), blank=True)

    class Meta(Event.Meta):
        abstract = True
