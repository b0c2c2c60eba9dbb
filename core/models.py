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


class OutboxMessage(models.Model):
    """A message the system owes someone (a donor's email, a staff invitation, later an SMS),
    written in the same transaction as the change that causes it. core/outbox.py sends it after
    the commit, retries with back-off, marks it sent once, and keeps what failed for staff: no
    request waits on the broker, and nothing owed is lost when the broker or the mail server is
    down."""

    task = models.CharField(_("task"), max_length=200)  # dotted path to a function or Celery task
    args = models.JSONField(_("arguments"), default=list, blank=True)
    key = models.CharField(_("key"), max_length=200, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    due_at = models.DateTimeField(_("due"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    failed_at = models.DateTimeField(_("given up"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("owed message")
        verbose_name_plural = _("owed messages")
        indexes = [
            models.Index(
                fields=["due_at"],
                name="outbox_due",
                condition=models.Q(sent_at__isnull=True, failed_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        state = "sent" if self.sent_at else "failed" if self.failed_at else "due"
        return f"{self.task}{tuple(self.args)} {state}"


class IdempotentRequest(models.Model):
    """The first answer to a creating request sent with an `Idempotency-Key` (core/idempotency.py):
    the same key again within a day gets the same answer and writes nothing new."""

    scope = models.CharField(_("scope"), max_length=300)  # method, path and who asked
    key = models.CharField(_("key"), max_length=255)
    fingerprint = models.CharField(_("fingerprint"), max_length=64)  # of the request's body
    status_code = models.PositiveSmallIntegerField(_("status"), default=0)
    body = models.JSONField(_("answer"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("idempotent request")
        verbose_name_plural = _("idempotent requests")
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="one_answer_per_idempotency_key")
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}"
