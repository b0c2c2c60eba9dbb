"""Emails about accounts, rendered in the recipient's language."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import AccountEvent, User


def password_set_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.SITE_URL + reverse(
        "accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": token}
    )


def invitation_email(user_id: int) -> EmailMultiAlternatives | None:
    user = User.objects.filter(id=user_id, is_active=True).first()
    if user is None:
        return None
    with translation.override(user.language):
        context = {"user": user, "link": password_set_link(user), "site_url": settings.SITE_URL}
        subject = render_to_string("emails/invitation_subject.txt", context).strip()
        body = render_to_string("emails/invitation.txt", context)
    AccountEvent.objects.create(user=user, action=AccountEvent.Action.INVITED)
    return EmailMultiAlternatives(subject, body, to=[user.email])
