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
