"""Pages of the recovery paths, for coordinators of the phone's hub and officers of the
household's commune: allocations and their release, a phone lost, a phone returned after
delivery, tickets, and the commune's page (its handovers and their problems)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.scoping import scope_for
from logistics import selectors
from logistics.forms import AssignForm, LostForm, ReleaseForm, ResolveForm, ReturnForm, TicketForm
from logistics.models import HandoverReturn, Ticket
from logistics.services import recovery, tickets
from logistics.views.shared import field_staff_required, form_page, submitted
from matching.models import Allocation


@field_staff_required
def allocations(request):
    """Phones promised to households of my communes or at my hubs: on their way by default."""
    show = request.GET.get("show", "live")
    live = {"live": True, "ended": False}.get(show)
    rows = selectors.allocations_for_staff(request.user, live=live)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "logistics/allocations.html", {"page": page, "show": show})


@field_staff_required
def allocation_release(request, allocation_id):
    allocation = selectors.allocation_get_for_staff(request.user, allocation_id)
    form = None
    if allocation.status == Allocation.Status.LIVE:
        form = ReleaseForm(request.POST or None)
        released = submitted(
            request,
            form,
            recovery.allocation_release,
            allocation_id=allocation.id,
            actor=request.user,
        )
        if released is not None:
            messages.success(
                request,
                _("Released: phone %(code)s and the household are free again.")
                % {"code": allocation.device.tracking_code},
            )
            return redirect("logistics:allocations")
    return form_page(request, "logistics/release.html", form, allocation=allocation)


@field_staff_required
def device_lost(request, code):
    device, allocation = selectors.device_for_recovery(request.user, code)
    form = LostForm(request.POST or None)
    report = submitted(
        request, form, recovery.device_report_lost, device_id=device.id, actor=request.user
    )
    if report is not None:
        messages.success(
            request,
            _("Phone %(code)s is recorded as lost. Its donor will be told.")
            % {"code": device.tracking_code},
        )
        if scope_for(request.user).covers_hub(device.hub_id or 0):
            return redirect("logistics:device", code=device.tracking_code)
        return redirect("logistics:handovers")
    return form_page(request, "logistics/lost.html", form, device=device, allocation=allocation)


@field_staff_required
def handover_return(request, handover_id):
    handover = selectors.handover_get_for_staff(request.user, handover_id)
    done = HandoverReturn.objects.filter(handover=handover).first()
    form = None
    if done is None:
        form = ReturnForm(request.POST or None, initial={"household": "waiting"})
        record = submitted(
            request, form, recovery.handover_return, handover_id=handover.id, actor=request.user
        )
        if record is not None:
            messages.success(
                request,
                _("Recorded: phone %(code)s comes back to its hub, to be received there.")
                % {"code": handover.device.tracking_code},
            )
            return redirect("logistics:handover", handover_id=handover.id)
    return form_page(request, "logistics/return.html", form, handover=handover, done=done)


@field_staff_required
def ticket_list(request):
    status = request.GET.get("status") or ""
    if status not in Ticket.Status.values:
        status = ""
    rows = selectors.tickets_for_staff(request.user, status=status or None)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "logistics/tickets.html",
        {"page": page, "status": status, "statuses": Ticket.Status.choices},
    )


@field_staff_required
def ticket_new(request, handover_id):
    handover = selectors.handover_get_for_staff(request.user, handover_id)
    form = TicketForm(request.POST or None)
    ticket = submitted(
        request, form, tickets.ticket_open, handover_id=handover.id, actor=request.user
    )
    if ticket is not None:
        messages.success(request, _("Ticket #%(id)s opened.") % {"id": ticket.id})
        return redirect("logistics:ticket", ticket_id=ticket.id)
    return form_page(request, "logistics/ticket_new.html", form, handover=handover)


@field_staff_required
def ticket_page(request, ticket_id):
    ticket = selectors.ticket_get_for_staff(request.user, ticket_id)
    action = request.POST.get("action") if request.method == "POST" else None
    owners = list(tickets.ticket_owners(ticket))
    assign = AssignForm(
        request.POST if action == "assign" else None,
        owners=owners,
        initial={"to": ticket.owner_id or request.user.id},
    )
    resolve = ResolveForm(request.POST if action == "resolve" else None)
    done = None
    if action == "assign":
        done = submitted(
            request, assign, tickets.ticket_assign, ticket_id=ticket.id, actor=request.user
        )
        message = _("Ticket assigned.")
    elif action == "resolve":
        done = submitted(
            request, resolve, tickets.ticket_resolve, ticket_id=ticket.id, actor=request.user
        )
        message = _("Ticket resolved.")
    if done is not None:
        messages.success(request, message)
        return redirect("logistics:ticket", ticket_id=ticket.id)
    status = 400 if (assign.errors or resolve.errors) else 200
    return render(
        request,
        "logistics/ticket.html",
        {
            "ticket": ticket,
            "events": _labelled(ticket.events.select_related("actor")),
            "assign": assign if ticket.status != Ticket.Status.RESOLVED else None,
            "resolve": resolve if ticket.status != Ticket.Status.RESOLVED else None,
        },
        status=status,
    )


def _labelled(events) -> list:
    events = list(events)
    for event in events:
        if event.old_status == event.new_status:
            event.label = _("Assigned to another owner")
        else:
            event.label = Ticket.Status(event.new_status).label
    return events


@field_staff_required
def commune_page(request, commune):
    """The commune's page: its handed-over phones with their problems, where an officer of the
    commune (or a coordinator serving it) opens a ticket; its open and overdue tickets."""
    place = selectors.commune_for_staff(request.user, commune)
    open_tickets = (
        selectors.tickets_for_staff(request.user)
        .filter(handover__household__commune=place)
        .exclude(status=Ticket.Status.RESOLVED)
    )
    return render(
        request,
        "logistics/commune.html",
        {
            "commune": place,
            "handovers": selectors.commune_handovers(request.user, place.code),
            "tickets": list(open_tickets[:100]),
            "is_officer": scope_for(request.user).covers_commune(place.code, Role.OFFICER),
        },
    )
