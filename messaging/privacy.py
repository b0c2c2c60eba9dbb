"""A household's messages, erased with the household (issue 14, Law 91/2025): the number they
went to and their text leave; the row stays (kind, status, times) so the sending's history and
counts hold. Registered with households' erasers at start (MessagingConfig.ready)."""

from __future__ import annotations

from core.text import redact
from households.models import Household
from messaging.models import Message


def household_erase(household: Household, *, actor, names: list[str]) -> None:
    for message in Message.objects.select_for_update().filter(household=household):
        message.to = ""
        message.sealed_text = ""
        message.text = redact(message.text, names)
        message.save(update_fields=["to", "sealed_text", "text"])


def register() -> None:
    from households.services.privacy import register_eraser

    register_eraser("messaging", household_erase)
