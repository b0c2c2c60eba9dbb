from celery import shared_task


@shared_task(acks_late=True)
def match_run_execute_task(run_id: int) -> None:
    from matching.services import match_run_execute

    match_run_execute(run_id=run_id)
