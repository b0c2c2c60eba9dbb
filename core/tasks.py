"""The outbox's sender: run by Celery beat every few seconds, and once when a worker starts (what
a broker outage or a dead worker left behind is sent as soon as one is back)."""

from celery import shared_task
from celery.signals import worker_ready


@shared_task(acks_late=True, ignore_result=True)
def outbox_send_due() -> int:
    from core.outbox import send_due

    return send_due()


@worker_ready.connect
def _sweep_at_start(sender=None, **_kwargs) -> None:
    outbox_send_due.delay()
