"""The outbox: messages owed to people, sent after the commit, never lost, sent once.

    owe("donations.tasks.email_pledge_received", pledge.id, key=f"pledge-received:{pledge.id}")

`owe` only writes a row in the caller's transaction: a request never talks to the broker, so a
broker outage cannot turn a committed change into a 500 or lose its email. The worker sends what is
due (`send_due`: Celery beat every few seconds, and once when a worker starts), each message in its
own transaction with the row locked, so two workers never send the same message; a failure is
retried with back-off and, after MAX_ATTEMPTS, kept as failed for staff to see (admin, /healthz).
In the embedded mode (eager Celery, no broker) a message is sent right after the commit.

A task may carry an `outbox_failed(*args, error=, attempts=, gave_up=, retry_at=)` attribute: it is
called after each failed attempt, in the outbox's transaction (the attempt's own writes are rolled
back), so the thing the message is about can show its failure to staff (an SMS row: messaging).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from core.models import OutboxMessage

log = logging.getLogger("noisong.outbox")
MAX_ATTEMPTS = 8
FIRST_RETRY_SECONDS = 30
LONGEST_WAIT_SECONDS = 60 * 60


def owe(task: str, *args, key: str | None = None) -> OutboxMessage:
    """Owe `task(*args)` once the caller's transaction commits (once only per `key`)."""
    if key is not None:
        try:
            with transaction.atomic():
                message = OutboxMessage.objects.create(task=task, args=list(args), key=key)
        except IntegrityError:
            return OutboxMessage.objects.get(key=key)  # owed already: a retry or a double click
    else:
        message = OutboxMessage.objects.create(task=task, args=list(args))
    if settings.CELERY_TASK_ALWAYS_EAGER:
        transaction.on_commit(lambda: send_one(message.id))
    return message


def _wait(attempts: int) -> timedelta:
    return timedelta(seconds=min(FIRST_RETRY_SECONDS * 2 ** (attempts - 1), LONGEST_WAIT_SECONDS))


def send_one(message_id: int) -> bool:
    """Send one due message; True when it was sent now. Never raises for the message's fault."""
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(id=message_id, sent_at__isnull=True, failed_at__isnull=True)
            .first()
        )
        if message is None:
            return False  # sent already, given up, or another worker has it
        message.attempts += 1
        now = timezone.now()
        function = None
        try:
            function = import_string(message.task)
            with transaction.atomic():
                getattr(function, "run", function)(*message.args)
        except Exception as error:  # any failure of the sending: retried later, kept for staff
            message.last_error = f"{type(error).__name__}: {error}"[:2000]
            if message.attempts >= MAX_ATTEMPTS:
                message.failed_at = now
                log.error("outbox gave up on %s: %s", message, message.last_error)
            else:
                message.due_at = now + _wait(message.attempts)
                log.warning("outbox will retry %s: %s", message, message.last_error)
            message.save(update_fields=["attempts", "last_error", "failed_at", "due_at"])
            _report_failure(function, message)
            return False
        message.sent_at = now
        message.last_error = ""
        message.save(update_fields=["attempts", "sent_at", "last_error"])
        return True


def _report_failure(function, message: OutboxMessage) -> None:
    """The task's own `outbox_failed`, if it has one; its failure is logged, never raised."""
    report = getattr(function, "outbox_failed", None)
    if report is None:
        return
    gave_up = message.failed_at is not None
    try:
        with transaction.atomic():
            report(
                *message.args,
                error=message.last_error,
                attempts=message.attempts,
                gave_up=gave_up,
                retry_at=None if gave_up else message.due_at,
            )
    except Exception:
        log.exception("outbox could not report the failure of %s", message)


def due_messages():
    return OutboxMessage.objects.filter(
        sent_at__isnull=True, failed_at__isnull=True, due_at__lte=timezone.now()
    )


def send_due(limit: int = 500) -> int:
    """Send what is due (oldest first); the number sent."""
    ids = list(due_messages().order_by("due_at", "id").values_list("id", flat=True)[:limit])
    return sum(send_one(message_id) for message_id in ids)


def backlog() -> dict:
    """For /healthz and staff: how many messages wait, and how many were given up."""
    waiting = OutboxMessage.objects.filter(sent_at__isnull=True, failed_at__isnull=True).count()
    return {
        "waiting": waiting,
        "failed": OutboxMessage.objects.filter(failed_at__isnull=False).count(),
    }
