"""Delivery pages: batches (plan, dispatch, return a phone, the carrier's manifest) for
coordinators, and handovers and follow-ups for officers and coordinators."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.scoping import scope_for
from core.media import private_file_response
from logistics import documents, selectors
from logistics.forms import BatchForm, FollowUpForm, HandoverForm
from logistics.lifecycle import BATCH
from logistics.models import DeliveryBatch
from logistics.services import delivery, field, sms
from logistics.views.shared import (
    coordinator_required,
    field_staff_required,
    form_page,
    pressed,
    submitted,
)
from messaging import selectors as messages_selectors
from places.models import Commune


def _batch_forms(request) -> tuple[list[BatchForm], BatchForm | None]:
    """One form per group of waiting phones (same hub, households of the same commune); the
    posted one is bound. A post for a group that no longer waits binds none."""
    posted = None
    if request.method == "POST":
        posted = f"{request.POST.get('hub', '')}-{request.POST.get('commune', '')}"
    forms, bound = [], None
    for group in selectors.batch_groups(request.user):
        data = request.POST if group["key"] == posted else None
        form = BatchForm(data, group=group, initial={"planned_date": timezone.localdate()})
        forms.append(form)
        if data is not None:
            bound = form
    return forms, bound


@coordinator_required
def batches(request):
    forms, bound = _batch_forms(request)
    if request.method == "POST" and bound is None:
        messages.error(
            request,
            _("These phones no longer wait for a batch (planned meanwhile?). The list is fresh."),
        )
        return redirect("logistics:batches")
    batch = submitted(request, bound, delivery.batch_create, actor=request.user)
    if batch is not None:
        messages.success(request, _("Batch planned."))
        return redirect("logistics:batch", batch_id=batch.id)
    batches = selectors.batches_for_staff(request.user)[:100]
    return form_page(request, "logistics/batches.html", bound, forms=forms, batches=batches)


@field_staff_required
def batch_page(request, batch_id):
    batch = selectors.batch_get_for_staff(request.user, batch_id)
    scope = scope_for(request.user)
    conflicts = list(field.conflicts_for_batch(request.user, batch))
    for conflict in conflicts:
        conflict.text = field.conflict_text(conflict)
    return render(
        request,
        "logistics/batch.html",
        {
            "batch": batch,
            "items": selectors.batch_items(batch),
            "may_dispatch": BATCH.may_move(batch.status, DeliveryBatch.Status.DISPATCHED)
            and scope.covers_hub(batch.hub_id),
            "may_take_to_field": batch.status != DeliveryBatch.Status.COMPLETED,
            "conflicts": conflicts,
        },
    )


@coordinator_required
@require_POST
def batch_dispatch(request, batch_id):
    batch = selectors.batch_get_for_staff(request.user, batch_id)
    done = _("Dispatched: the phones are on their way.")
    pressed(request, done, delivery.batch_dispatch, batch_id=batch.id, actor=request.user)
    return redirect("logistics:batch", batch_id=batch.id)


@coordinator_required
@require_POST
def batch_return(request, batch_id, code):
    batch = selectors.batch_get_for_staff(request.user, batch_id)
    device = selectors.device_get_for_staff(request.user, code)
    done = _("Marked as returned to the hub.")
    service = delivery.batch_return_device
    pressed(request, done, service, batch_id=batch.id, device_id=device.id, actor=request.user)
    return redirect("logistics:batch", batch_id=batch.id)


@field_staff_required
def batch_manifest(request, batch_id):
    batch = selectors.batch_get_for_staff(request.user, batch_id)
    return documents.pdf_response(
        documents.manifest_pdf(batch, selectors.batch_items(batch)), f"manifest-{batch.id}.pdf"
    )


@field_staff_required
def handovers(request):
    """The field page of officers and coordinators: phones to hand over, follow-ups due, overdue
    tickets (their dashboard), and a link to each of their communes' pages."""
    scope = scope_for(request.user)
    communes = Commune.objects.order_by("name")
    if not scope.is_admin:
        communes = communes.filter(code__in=scope.communes(Role.OFFICER) | scope.hub_communes)
    return render(
        request,
        "logistics/handovers.html",
        {
            "awaiting": selectors.devices_awaiting_handover(request.user)[:100],
            "due": selectors.follow_ups_due(request.user)[:100],
            "recent": selectors.handovers_for_staff(request.user)[:30],
            "sms_trouble": messages_selectors.messages_in_trouble(request.user)[:50],
            "overdue": selectors.tickets_overdue(request.user),
            "communes": communes if not scope.is_admin else communes.none(),
        },
    )


@field_staff_required
def handover_new(request, code):
    device, allocation = selectors.device_for_handover(request.user, code)
    if allocation is None:
        messages.error(request, _("This phone is not allocated to a household."))
        return redirect("logistics:handovers")
    household = allocation.household
    sim = delivery.recorded_sim(device)
    form = HandoverForm(
        request.POST or None,
        request.FILES or None,
        household=household,
        may_override=scope_for(request.user).covers_hub(device.hub_id or 0),
        sim=sim,
    )
    # The form's fields are the service's (story and photo only with the household's consent).
    handover = submitted(
        request,
        form,
        delivery.handover_create,
        device_id=device.id,
        household_id=int(request.POST.get("household") or 0),
        actor=request.user,
    )
    if handover is not None:
        messages.success(request, _("Handover recorded. Download the handover record."))
        return redirect("logistics:handover", handover_id=handover.id)
    return form_page(
        request, "logistics/handover_new.html", form, device=device, household=household, sim=sim
    )


@field_staff_required
def handover_page(request, handover_id):
    handover = selectors.handover_get_for_staff(request.user, handover_id)
    form = None
    if not hasattr(handover, "follow_up"):
        form = FollowUpForm(request.POST or None)
        follow_up = submitted(
            request, form, delivery.follow_up_record, handover_id=handover.id, actor=request.user
        )
        if follow_up is not None:
            messages.success(request, _("Follow-up recorded."))
            return redirect("logistics:handover", handover_id=handover.id)
    sms = list(
        messages_selectors.messages_for_staff(request.user, household_id=handover.household_id)
    )
    return form_page(
        request,
        "logistics/handover.html",
        form,
        handover=handover,
        sim=delivery.recorded_sim(handover.device),
        sms_messages=sms,
        notes=[field.note_text(code) for code in handover.field_notes],
        tickets=list(selectors.tickets_for_staff(request.user).filter(handover=handover)),
    )


@field_staff_required
@require_POST
def handover_code(request, handover_id):
    """The code read from the family's phone, typed at handover or at the follow-up."""
    handover = selectors.handover_get_for_staff(request.user, handover_id)
    done = _("Code confirmed: the SIM works and the phone receives SMS.")
    code = request.POST.get("code", "")
    pressed(
        request,
        done,
        sms.handover_code_confirm,
        handover_id=handover.id,
        code=code,
        actor=request.user,
    )
    return redirect("logistics:handover", handover_id=handover.id)


@field_staff_required
@require_POST
def handover_code_send(request, handover_id):
    handover = selectors.handover_get_for_staff(request.user, handover_id)
    done = _("A new code is on its way to the phone.")
    pressed(request, done, sms.handover_code_resend, handover_id=handover.id, actor=request.user)
    return redirect("logistics:handover", handover_id=handover.id)


@field_staff_required
def handover_receipt(request, handover_id):
    handover = selectors.handover_get_for_staff(request.user, handover_id)
    response = documents.pdf_response(
        documents.receipt_pdf(handover), f"bien-ban-{handover.id}.pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="bien-ban-ban-giao-{handover.id}.pdf"'
    return response


@field_staff_required
def handover_file(request, handover_id, field):
    """The handover's photo or drawn signature (private files), to the staff who may see it."""
    handover = selectors.handover_get_for_staff(request.user, handover_id)
    return private_file_response(getattr(handover, selectors.HANDOVER_FILES[field]))
