"""Tickets about delivered phones: opened at a follow-up that reports a problem, by an officer of
the household's commune or by a coordinator of the phone's hub; assigned to an owner; resolved
as fixed, replaced, returned or closed. Every act goes through logistics.lifecycle.TICKET and
writes a TicketEvent. Overdue tickets remind their owner once a day (`tickets_remind_overdue`,
a beat task) through the outbox.

    ticket_open(handover_id=…, kind="broken", description="…", actor=…)
    ticket_assign(ticket_id=…, to_user_id=…, actor=…)
    ticket_resolve(ticket_id=…, outcome="replaced", resolution="…", actor=…)
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from core.errors import ApplicationError, Conflict, NotFound
from core.models import OutboxMessage
from core.outbox import owe
from logistics.lifecycle import TICKET
from logistics.models import FollowUp, Handover, HandoverReturn, Ticket, TicketEvent
from logistics.selectors import may_act_on
from logistics.services.recovery import _choice, _text, handover_return

T = Ticket.Status
Out = Ticket.Outcome

# The reason a phone comes back when a ticket of this kind is resolved by its return.
RETURN_REASON = {
    Ticket.Kind.BROKEN: HandoverReturn.Reason.BROKEN,
    Ticket.Kind.LOCKED: HandoverReturn.Reason.LOCKED,
    Ticket.Kind.UNUSED: HandoverReturn.Reason.UNUSED,
}


def _ticket_for(actor, ticket_id: int) -> Ticket:
    ticket = (
        Ticket.objects.select_related("handover__device", "handover__household")
        .filter(id=ticket_id)
        .first()
    )
    if ticket is None or not may_act_on(actor, ticket.handover.device, ticket.handover.household):
        raise NotFound(_("No such ticket among yours."))
    return ticket


def ticket_open(
    *, handover_id: int, kind: str, description: str, actor, follow_up: FollowUp | None = None
) -> Ticket:
    """Open a ticket about a handed-over phone (due in settings.LOGISTICS_TICKET_DUE_DAYS)."""
    handover = Handover.objects.select_related("device", "household").filter(id=handover_id).first()
    if handover is None or not may_act_on(actor, handover.device, handover.household):
        raise NotFound(_("No such handover among yours."))
    kind = _choice(kind, Ticket.Kind.values, "kind")
    description = _text(description, "description", _("Describe the problem."), limit=4000)
    now = timezone.now()
    with transaction.atomic():
        ticket = Ticket.objects.create(
            handover=handover,
            kind=kind,
            description=description,
            follow_up=follow_up,
            opened_by=actor,
            opened_at=now,
            due_at=now + timedelta(days=settings.LOGISTICS_TICKET_DUE_DAYS),
        )
        TicketEvent.objects.create(
            ticket=ticket,
            actor=actor,
            old_status="",
            new_status=T.OPEN,
            data={
                "kind": kind,
                "handover": handover.id,
                "follow_up": getattr(follow_up, "id", None),
            },
        )
    return ticket


def ticket_owners(ticket: Ticket):
    """Who may own a ticket: active staff who may act on it (admins, coordinators of the phone's
    hub, officers of the household's commune)."""
    device, household = ticket.handover.device, ticket.handover.household
    admins = Q(is_superuser=True) | Q(role_assignments__role=Role.ADMIN)
    hub = Q(role_assignments__role=Role.COORDINATOR, role_assignments__hubs__id=device.hub_id)
    commune = Q(
        role_assignments__role=Role.OFFICER,
        role_assignments__communes__code=household.commune_id,
    )
    return (
        User.objects.filter(is_active=True)
        .filter(admins | hub | commune)
        .distinct()
        .order_by("name", "id")
    )


def ticket_assign(*, ticket_id: int, to_user_id: int, actor) -> Ticket:
    """Give the ticket an owner (or another one). Assigning it to its owner again changes
    nothing; a resolved ticket is a 409."""
    ticket = _ticket_for(actor, ticket_id)
    owner = ticket_owners(ticket).filter(id=to_user_id).first()
    if owner is None:
        message = _("Choose an active coordinator of the phone's hub or officer of the commune.")
        raise ApplicationError(message, code="invalid_owner", fields={"to": [message]})
    with transaction.atomic():
        locked = Ticket.objects.select_for_update().get(id=ticket.id)
        if locked.status == T.ASSIGNED:
            if locked.owner_id == owner.id:
                return locked
            TicketEvent.objects.create(
                ticket=locked,
                actor=actor,
                old_status=T.ASSIGNED,
                new_status=T.ASSIGNED,
                data={"owner": owner.id, "previous_owner": locked.owner_id},
            )
            locked.owner = owner
            locked.save(update_fields=["owner"])
            return locked
        return TICKET.move(
            obj_id=ticket.id,
            to=T.ASSIGNED,
            actor=actor,
            data={"owner": owner.id},
            also={"owner": owner},
        )


def ticket_resolve(
    *, ticket_id: int, outcome: str, resolution: str, household: str = "", actor
) -> Ticket:
    """Resolve a ticket. `returned` and `replaced` bring the phone back when it has not come
    back yet (logistics.services.recovery.handover_return): `replaced` leaves the household
    waiting first in line for another phone; `returned` leaves it as `household` says (waiting,
    the default, or ineligible). A lost phone cannot come back: close or fix its ticket. A
    ticket resolved already with the same outcome is answered as it is (a retry); with another
    outcome, 409 `ticket_resolved`."""
    ticket = _ticket_for(actor, ticket_id)
    outcome = _choice(outcome, Out.values, "outcome")
    resolution = _text(resolution, "resolution", _("Say what was done."), limit=4000)
    if household:
        household = _choice(household, ("waiting", "ineligible"), "household")
    with transaction.atomic():
        locked = Ticket.objects.select_for_update().get(id=ticket.id)
        if locked.status == T.RESOLVED:
            if locked.outcome == outcome:
                return locked
            raise Conflict(
                _("This ticket was resolved already (%(outcome)s).")
                % {"outcome": locked.get_outcome_display()},
                code="ticket_resolved",
            )
        data = {"outcome": outcome}
        comes_back = outcome in (Out.RETURNED, Out.REPLACED)
        if comes_back and not HandoverReturn.objects.filter(handover=ticket.handover).exists():
            if ticket.kind == Ticket.Kind.LOST:
                message = _("A lost phone cannot come back: fix or close this ticket.")
                raise Conflict(message, code="lost_cannot_return", fields={"outcome": [message]})
            returned = handover_return(
                handover_id=ticket.handover_id,
                reason=RETURN_REASON.get(ticket.kind, HandoverReturn.Reason.OTHER),
                household="waiting" if outcome == Out.REPLACED else (household or "waiting"),
                notes=resolution,
                phone_fault=True if outcome == Out.REPLACED else None,
                actor=actor,
            )
            data["handover_return"] = returned.id
        return TICKET.move(
            obj_id=ticket.id,
            to=T.RESOLVED,
            actor=actor,
            reason=resolution,
            data=data,
            also={"outcome": outcome, "resolution": resolution, "resolved_at": timezone.now()},
        )


def overdue_tickets():
    return Ticket.objects.exclude(status=T.RESOLVED).filter(due_at__lt=timezone.now())


def tickets_remind_overdue(*, now=None) -> int:
    """Owe one reminder per overdue ticket per day: the outbox key is the ticket and the local
    day, so a second beat the same day (or two workers at once: the rows are locked, skipped by
    the other) owes nothing more. Returns how many reminders were owed now."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    start_of_day = timezone.make_aware(datetime.combine(today, time.min))
    owed = 0
    with transaction.atomic():
        due = (
            Ticket.objects.select_for_update(skip_locked=True)
            .exclude(status=T.RESOLVED)
            .filter(due_at__lt=now)
            .exclude(reminded_at__gte=start_of_day)
            .order_by("id")
        )
        for ticket in due:
            key = f"ticket-overdue:{ticket.id}:{today.isoformat()}"
            if not OutboxMessage.objects.filter(key=key).exists():
                owe("logistics.tasks.email_ticket_overdue", ticket.id, key=key)
                owed += 1
            ticket.reminded_at = now
            ticket.save(update_fields=["reminded_at"])
    return owed
