from celery import shared_task
from django.core.mail import EmailMultiAlternatives


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5, acks_late=True)
def send_invitation(user_id: int) -> None:
    from accounts.emails import invitation_email

    message: EmailMultiAlternatives | None = invitation_email(user_id)
    if message is not None:
        message.send()
