from celery import shared_task


@shared_task(acks_late=True)
def match_run_execute_task(run_id: int) -> None:
    from matching.services import match_run_execute

    match_run_execute(run_id=run_id)


def match_run_enqueue(run_id: int) -> None:
    """Sent by the outbox (in a worker, where the broker is): hand the run to a worker."""
    match_run_execute_task.delay(run_id)


@shared_task(acks_late=True, ignore_result=True)
def match_runs_expire_task() -> None:
    from matching.services import match_runs_expire

    match_runs_expire()
