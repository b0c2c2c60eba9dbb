"""Every write of messaging: an SMS owed to a household (a queued row and an outbox entry in the
caller's transaction), its sending by the outbox (retried with back-off; the row shows each
failure to staff) and the provider's delivery report. Statuses move through MESSAGE only.

Who asks for a message (the handover, the follow-up reminder) decides whether the household
agreed to be contacted; this module only refuses a number that is no Vietnamese mobile."""

from __future__ import annotations

import hmac
import logging
from hashlib import sha256

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.outbox import owe
from messaging.lifecycle import MESSAGE
from messaging.models import Message
from messaging.phones import mobile_clean, same_number
from messaging.providers import (
    Outgoing,
    ProviderUnavailable,
    ReportRejected,
    SendRefused,
    provider_named,
)

log = logging.getLogger("noisong.sms")
M = Message.Status
SEND_TASK = "messaging.services.message_send"


# --- the reference a provider sends back ------------------------------------------------------


def _mac(message_id: int) -> str:
    key = settings.SMS_CALLBACK_SECRET.encode()
    return hmac.new(key, f"sms:{message_id}".encode(), sha256).hexdigest()[:20]


def reference_for(message_id: int) -> str:
    """Ours for each message: its id and an HMAC of it, so a report naming it is the provider's."""
    return f"ns{message_id}-{_mac(message_id)}"


def message_id_from_reference(reference: str) -> int | None:
    head, _, mac = (reference or "").partition("-")
    if not head.startswith("ns") or not head[2:].isdigit() or len(head) > 22:
        return None
    message_id = int(head[2:])
    return message_id if hmac.compare_digest(mac, _mac(message_id)) else None


def callback_url(provider: str) -> str:
    return settings.SITE_URL + reverse("api:messages-callback", args=[provider])


# --- owing and sending ------------------------------------------------------------------------


def sms_owe(
    *,
    household_id: int,
    to: str,
    kind: str,
    text: str,
    sealed_text: str = "",
    actor=None,
    key: str | None = None,
) -> Message:
    """An SMS to `to` about the household: a queued row, sent by the outbox after the caller's
    transaction commits. `text` is what staff may read; `sealed_text` (when given) is what is
    sent, kept only until then (a code the family must read from their own phone). With `key`,
    the same message is owed once only."""
    if key is not None:
        existing = Message.objects.filter(key=key).first()
        if existing is not None:
            return existing
    message = Message.objects.create(
        household_id=household_id,
        to=mobile_clean(to),
        kind=kind,
        text=text,
        sealed_text=sealed_text,
        key=key,
        provider=settings.SMS_PROVIDER,
        created_by=actor,
    )
    owe(SEND_TASK, message.id, key=f"sms:{message.id}")
    return message


def message_send(message_id: int) -> None:
    """The outbox's task: hand the message to its provider once. A refusal fails it at once; a
    provider that is unavailable raises, so the outbox tries again later (message_send_failed
    notes each failure on the row)."""
    with transaction.atomic():
        message = Message.objects.select_for_update().filter(id=message_id).first()
        if message is None or message.status != M.QUEUED:
            return  # sent already (or reported), or failed: nothing twice
        provider = provider_named(message.provider)
        outgoing = Outgoing(
            message_id=message.id,
            to=message.to,
            text=message.sealed_text or message.text,
            reference=reference_for(message.id),
            callback_url=callback_url(provider.name),
        )
        attempts = message.attempts + 1
        try:
            accepted = provider.send(outgoing)
        except SendRefused as refused:
            MESSAGE.move(
                obj_id=message.id,
                to=M.FAILED,
                actor=None,
                reason=str(refused)[:500],
                also={
                    "failed_at": timezone.now(),
                    "last_error": str(refused)[:2000],
                    "attempts": attempts,
                    "sealed_text": "",
                    "retry_at": None,
                },
            )
            return
        MESSAGE.move(
            obj_id=message.id,
            to=M.SENT,
            actor=None,
            data={"provider_id": accepted.provider_id, "attempts": attempts},
            also={
                "sent_at": timezone.now(),
                "provider_id": accepted.provider_id[:100],
                "attempts": attempts,
                "last_error": "",
                "sealed_text": "",
                "retry_at": None,
            },
        )


def message_send_failed(message_id: int, *, error: str, attempts: int, gave_up: bool, retry_at):
    """Called by the outbox after an attempt failed: the row shows the error and the next try,
    and fails once the outbox gives up."""
    message = Message.objects.select_for_update().filter(id=message_id).first()
    if message is None or message.status != M.QUEUED:
        return
    error = error.removeprefix(f"{ProviderUnavailable.__name__}: ")  # the provider's own words
    message.last_error = error[:2000]
    message.attempts = attempts
    message.retry_at = None if gave_up else retry_at
    message.save(update_fields=["last_error", "attempts", "retry_at"])
    if gave_up:
        MESSAGE.move(
            obj_id=message.id,
            to=M.FAILED,
            actor=None,
            reason=error[:500],
            also={"failed_at": timezone.now(), "sealed_text": ""},
        )


message_send.outbox_failed = message_send_failed


# --- delivery reports -------------------------------------------------------------------------


def delivery_report_receive(*, provider_name: str, params: dict) -> Message:
    """A provider's report on a message: checked (the reference is ours, the provider's id and
    the number are the message's), then delivered or failed through the door. A report repeated
    or out of order changes nothing; one about a message still queued (its send's answer was
    lost) proves it was sent."""
    provider = provider_named(provider_name)
    report = provider.read_report(params)
    message_id = message_id_from_reference(report.reference)
    message = (
        Message.objects.filter(id=message_id, provider=provider.name).first()
        if message_id
        else None
    )
    if message is None:
        raise ReportRejected()
    if message.provider_id and report.provider_id != message.provider_id:
        raise ReportRejected()
    if report.to and not same_number(report.to, message.to):
        raise ReportRejected()
    with transaction.atomic():
        message = Message.objects.select_for_update().get(id=message.id)
        if not message.provider_id and report.provider_id:
            message.provider_id = report.provider_id[:100]
            message.save(update_fields=["provider_id"])
        if report.status is None:
            return message
        now = timezone.now()
        if message.status == M.QUEUED:
            message = MESSAGE.move(
                obj_id=message.id,
                to=M.SENT,
                actor=None,
                data={"report": report.detail},
                also={"sent_at": now, "sealed_text": "", "retry_at": None},
            )
        to = M.DELIVERED if report.status == "delivered" else M.FAILED
        if not MESSAGE.may_move(message.status, to):
            return message  # delivered or failed already: a report again changes nothing
        also = (
            {"delivered_at": now}
            if to == M.DELIVERED
            else {
                "failed_at": now,
                "last_error": report.detail[:2000],
            }
        )
        return MESSAGE.move(
            obj_id=message.id,
            to=to,
            actor=None,
            reason=report.detail if to == M.FAILED else "",
            data={"report": report.detail},
            also=also,
        )
