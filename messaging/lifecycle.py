"""The door of a message: queued → sent → delivered, or failed (refused by the provider, given up
after the outbox's retries, or reported undelivered). A failed message stays failed: sending
again is a new message, so the history of each stays whole."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.lifecycle import Lifecycle
from messaging.models import Message, MessageEvent

M = Message.Status

MESSAGE_ALLOWED: dict[str, set[str]] = {
    M.QUEUED: {M.SENT, M.FAILED},
    M.SENT: {M.DELIVERED, M.FAILED},
    M.DELIVERED: set(),
    M.FAILED: set(),
}

MESSAGE = Lifecycle(
    model=Message,
    event_model=MessageEvent,
    subject="message",
    allowed=MESSAGE_ALLOWED,
    refusal=_("A message that is “%(now)s” cannot become “%(to)s”. Allowed next: %(allowed)s."),
)
