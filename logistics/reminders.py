"""Reminders sent by the beat tasks: the officer's 30-day follow-up, a SIM's data plan running
out. Each marks its row as reminded in the same transaction, so a reminder goes once.

The family hears of the 30-day call too, by SMS in Vietnamese, but only where it agreed at the
handover to get reminders by SMS at the SIM's number (Handover.sms_consent)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from logistics.models import Handover, SimCard
from messaging import texts
from messaging.models import Message
from messaging.services import sms_owe


def _officers_of(commune_code: str):
    return User.objects.filter(
        is_active=True,
        role_assignments__role=Role.OFFICER,
        role_assignments__communes__code=commune_code,
    ).distinct()


def _coordinators_of(hub_id: int):
    return User.objects.filter(
        is_active=True,
        role_assignments__role=Role.COORDINATOR,
        role_assignments__hubs__id=hub_id,
    ).distinct()


# (subject, body) of each reminder, translated for each recipient in their language.
FOLLOW_UP_DUE = (
    _("Follow-up due: phone %(code)s"),
    _(
        "A month ago phone %(code)s was handed over in %(commune)s. Please visit the "
        "household and record whether it is in use: %(link)s"
    ),
)
PLAN_ENDING = (
    _("Data plan ending: phone %(code)s"),
    _(
        "The data plan of the SIM in phone %(code)s ends on %(date)s. Top it up or "
        "tell the household."
    ),
)


def _mail(users, message: tuple, values: dict) -> int:
    sent = 0
    for user in users:
        with translation.override(user.language):
            subject, body = (str(part) % values for part in message)
        transaction.on_commit(lambda s=subject, b=body, to=user.email: send_mail(s, b, None, [to]))
        sent += 1
    return sent


@transaction.atomic
def follow_up_reminders_send(*, now=None) -> int:
    """Remind the commune's officers of every handover 30 days old without a follow-up."""
    now = now or timezone.now()
    due = (
        Handover.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(
            follow_up__isnull=True,
            follow_up_reminded_at__isnull=True,
            at__lte=now - timedelta(days=settings.LOGISTICS_FOLLOW_UP_DAYS),
        )
        .select_related("device", "household__commune")
    )
    sent = 0
    for handover in due:
        values = {
            "code": handover.device.tracking_code,
            "commune": handover.household.commune.name,
            "link": settings.SITE_URL + reverse("logistics:handover", args=[handover.id]),
        }
        sent += _mail(_officers_of(handover.household.commune_id), FOLLOW_UP_DUE, values)
        if handover.sms_consent and handover.sim_phone:
            sms_owe(
                household_id=handover.household_id,
                to=handover.sim_phone,
                kind=Message.Kind.FOLLOW_UP,
                text=texts.in_vietnamese(texts.FOLLOW_UP, code=handover.device.tracking_code),
                key=f"follow-up:{handover.id}",
            )
        handover.follow_up_reminded_at = now
        handover.save(update_fields=["follow_up_reminded_at"])
    return sent


@transaction.atomic
def sim_expiry_reminders_send(*, now=None) -> int:
    """Tell the hub's coordinators about data plans that run out soon."""
    now = now or timezone.now()
    horizon = timezone.localdate(now) + timedelta(days=settings.LOGISTICS_SIM_REMINDER_DAYS)
    due = (
        SimCard.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(
            reminded_at__isnull=True,
            plan_expires__isnull=False,
            plan_expires__lte=horizon,
            device__hub__isnull=False,
        )
        .select_related("device")
    )
    sent = 0
    for sim in due:
        values = {"code": sim.device.tracking_code, "date": sim.plan_expires.strftime("%d/%m/%Y")}
        sent += _mail(_coordinators_of(sim.device.hub_id), PLAN_ENDING, values)
        sim.reminded_at = now
        sim.save(update_fields=["reminded_at"])
    return sent


TICKET_OVERDUE = (
    _("Overdue ticket #%(id)s: phone %(code)s"),
    _(
        "Ticket #%(id)s (%(kind)s) about phone %(code)s in %(commune)s was due on %(due)s and "
        "is still %(status)s. Please resolve it or say what is happening: %(link)s"
    ),
)


def ticket_overdue_send(*, ticket_id: int) -> int:
    """Remind an overdue ticket's owner (the hub's coordinators while it has none). Called by the
    outbox, inside its transaction: a failure to send is retried there. Nothing is sent for a
    ticket resolved meanwhile."""
    from logistics.models import Ticket

    ticket = (
        Ticket.objects.select_related("owner", "handover__device", "handover__household__commune")
        .filter(id=ticket_id)
        .first()
    )
    if ticket is None or ticket.status == Ticket.Status.RESOLVED:
        return 0
    device = ticket.handover.device
    if ticket.owner_id and ticket.owner.is_active:
        users = [ticket.owner]
    else:
        users = list(_coordinators_of(device.hub_id)) if device.hub_id else []
    sent = 0
    for user in users:
        with translation.override(user.language):
            values = {
                "id": ticket.id,
                "kind": ticket.get_kind_display(),
                "code": device.tracking_code,
                "commune": ticket.handover.household.commune.name,
                "due": timezone.localtime(ticket.due_at).strftime("%d/%m/%Y"),
                "status": ticket.get_status_display(),
                "link": settings.SITE_URL + reverse("logistics:ticket", args=[ticket.id]),
            }
            subject, body = (str(part) % values for part in TICKET_OVERDUE)
        send_mail(subject, body, None, [user.email])
        sent += 1
    return sent
