"""Beat tasks of logistics (schedules in settings: CELERY_BEAT_SCHEDULE)."""

from celery import shared_task


@shared_task(acks_late=True)
def send_follow_up_reminders() -> int:
    from logistics.reminders import follow_up_reminders_send

    return follow_up_reminders_send()


@shared_task(acks_late=True)
def send_sim_expiry_reminders() -> int:
    from logistics.reminders import sim_expiry_reminders_send

    return sim_expiry_reminders_send()


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5, acks_late=True)
def email_wipe_certificate(pledge_id: int) -> None:
    from logistics.emails import wipe_certificate

    wipe_certificate(pledge_id=pledge_id)


@shared_task(acks_late=True)
def remind_overdue_tickets() -> int:
    from logistics.services.tickets import tickets_remind_overdue

    return tickets_remind_overdue()


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5, acks_late=True)
def email_ticket_overdue(ticket_id: int) -> int:
    """Sent through the outbox (core/outbox.py owes it, once per ticket per day)."""
    from logistics.reminders import ticket_overdue_send

    return ticket_overdue_send(ticket_id=ticket_id)
