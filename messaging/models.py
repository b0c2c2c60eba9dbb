"""Every SMS to a household is a row: who it went to, what kind, and where it is
(queued → sent → delivered, or failed), moved only through `messaging.lifecycle.MESSAGE`.

The number a message goes to is personal data: staff of the household's commune or hub see it
masked except its last three digits (selectors, API); the text of a message that carries a code
is kept only until it is sent (`sealed_text`), so nobody can read the code off the server instead
of the family's phone."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import StatusEvent
from households.models import Household


class Message(models.Model):
    class Kind(models.TextChoices):
        HANDOVER_CODE = "handover_code", pgettext_lazy("SMS kind", "Handover code")
        FOLLOW_UP = "follow_up", pgettext_lazy("SMS kind", "Follow-up")
        OTHER = "other", pgettext_lazy("SMS kind", "Other")

    class Status(models.TextChoices):
        # words other life cycles use too (a run is queued, a phone delivered): their own context
        QUEUED = "queued", pgettext_lazy("SMS status", "Queued")
        SENT = "sent", pgettext_lazy("SMS status", "Sent")
        DELIVERED = "delivered", pgettext_lazy("SMS status", "Delivered")
        FAILED = "failed", pgettext_lazy("SMS status", "Failed")

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="messages", verbose_name=_("household")
    )
    to = models.CharField(_("to"), max_length=15)  # E.164 digits without "+": 84xxxxxxxxx
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    text = models.TextField(_("text (as staff may read it)"))
    sealed_text = models.TextField(_("text to send"), blank=True)  # emptied once sent
    key = models.CharField(max_length=100, unique=True, null=True, blank=True)
    provider = models.CharField(_("provider"), max_length=20)
    provider_id = models.CharField(_("provider's id"), max_length=100, blank=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    retry_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [models.Index(fields=["household", "created_at"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} → …{self.to[-3:]} ({self.status})"

    @property
    def to_masked(self) -> str:
        return "*" * max(len(self.to) - 3, 0) + self.to[-3:]


class MessageEvent(StatusEvent):
    """One status move of a message (written by messaging.lifecycle.MESSAGE)."""

    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, related_name="events", verbose_name=_("message")
    )

    class Meta(StatusEvent.Meta):
        verbose_name = _("message event")
        verbose_name_plural = _("message events")

    def __str__(self) -> str:
        return f"{self.message_id}: {self.old_status} → {self.new_status}"
