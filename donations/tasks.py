"""Celery tasks: they take ids and call the emails/services modules; retries live here."""

from celery import shared_task

RETRY = {"autoretry_for": (OSError,), "retry_backoff": True, "max_retries": 5, "acks_late": True}


@shared_task(**RETRY)
def email_pledge_received(pledge_id: int) -> None:
    from donations.emails import pledge_received

    pledge_received(pledge_id=pledge_id)


@shared_task(**RETRY)
def email_device_milestone(event_id: int) -> None:
    from donations.emails import device_milestone

    device_milestone(event_id=event_id)


@shared_task(**RETRY)
def email_gift_paid(gift_id: int) -> None:
    from donations.emails import gift_paid

    gift_paid(gift_id=gift_id)


@shared_task(**RETRY)
def email_gift_refunded(gift_id: int, amount: int) -> None:
    from donations.emails import gift_refunded

    gift_refunded(gift_id=gift_id, amount=amount)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=3, acks_late=True)
def make_photo_thumbnail(photo_id: int) -> None:
    from donations.services.photos import photo_thumbnail_make

    photo_thumbnail_make(photo_id=photo_id)


@shared_task(acks_late=True, ignore_result=True)
def thumbnails_sweep_task() -> None:
    from donations.services.photos import thumbnails_sweep

    thumbnails_sweep()


@shared_task(acks_late=True, ignore_result=True)
def statement_process(statement_id: int) -> None:
    """Reconcile a long bank statement in chunks (donations.services.statements)."""
    from donations.services.statements import statement_process as process

    process(statement_id=statement_id)


@shared_task(acks_late=True, ignore_result=True)
def statements_resume_task() -> None:
    """Finish statements whose worker died: any still queued or running and untouched for
    STATEMENT_STALE_SECONDS goes on from where it stopped."""
    from donations.services.statements import statements_resume

    statements_resume()
