from celery import shared_task


def household_import_check_enqueue(import_id: int) -> None:
    """Sent by the outbox (in a worker, where the broker is): hand the check to a worker, where
    each progress report commits at once and the page can show it."""
    household_import_check_task.delay(import_id)


@shared_task(acks_late=True)
def household_import_check_task(import_id: int) -> None:
    from households.services.imports import household_import_check

    household_import_check(import_id=import_id)
