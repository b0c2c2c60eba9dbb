"""Hub work pages (coordinators, at the bench, on a phone) and handover pages (officers).
Thin: parse a form, call a service or selector, render. Work without JavaScript."""

from __future__ import annotations

import io
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.scoping import scope_for
from core.errors import ApplicationError, NotFound, apply_to_form
from donations.lifecycle import allowed_moves
from donations.models import Device, Donor
from logistics import documents, selectors, services
from logistics.api import labelled_devices, pdf_response
from logistics.forms import (
    BatchForm,
    FollowUpForm,
    HandoverForm,
    QAForm,
    ReceiveForm,
    RejectForm,
    RepairForm,
    ScanForm,
    WalkInForm,
    WipeForm,
)
from logistics.models import DeliveryBatch
from places.models import Commune

S = Device.Status


def coordinator_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not scope_for(request.user).has_role(Role.COORDINATOR):
            raise PermissionDenied
        try:
            return view(request, *args, **kwargs)
        except NotFound as error:
            raise Http404(error.message) from None

    return wrapper


def field_staff_required(view):
    """Officers and coordinators (handovers and follow-ups)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not scope_for(request.user).has_role(Role.COORDINATOR, Role.OFFICER):
            raise PermissionDenied
        try:
            return view(request, *args, **kwargs)
        except NotFound as error:
            raise Http404(error.message) from None

    return wrapper


# --- hub work ------------------------------------------------------------------------------


@coordinator_required
def hub_home(request):
    """Scan or type a tracking code; the phones at my hubs by status."""
    form = ScanForm(request.GET or None)
    if form.is_valid():
        code = form.cleaned_data["code"].strip()
        if "/t/" in code.lower():  # a scanned label gives the whole link
            code = code[code.lower().rindex("/t/") + 3 :].strip("/")
        code = code.upper()
        try:
            device = selectors.device_get_for_staff(request.user, code)
        except NotFound as error:
            form.add_error("code", error.message)
        else:
            return redirect("logistics:device", code=device.tracking_code)
    counts = selectors.status_counts(request.user)
    rows = [(value, label, counts.get(value, 0)) for value, label in S.choices if counts.get(value)]
    status = request.GET.get("status") or ""
    devices = (
        selectors.devices_for_staff(request.user, status=status or None).order_by(
            "-updated_at", "-id"
        )[:50]
        if status in S.values or not status
        else []
    )
    devices = list(devices)
    labelled = ",".join(d.tracking_code for d in devices if d.imei)
    return render(
        request,
        "logistics/hub_home.html",
        {"form": form, "rows": rows, "devices": devices, "status": status, "labelled": labelled},
    )


ACTIONS = {
    "receive": {S.PLEDGED, S.RETURNED},
    "wipe": {S.RECEIVED},
    "repair": {S.WIPED, S.REFURBISHING},
    "qa": {S.WIPED, S.REFURBISHING},
    "reject": {S.RECEIVED, S.WIPED, S.REFURBISHING, S.READY},
}


def _forms_for(request, device, bound: dict | None = None) -> dict:
    hubs = selectors.hubs_for_staff(request.user)
    bound = bound or {}
    forms = {}
    for action, statuses in ACTIONS.items():
        if device.status not in statuses:
            continue
        if action == "receive":
            form = bound.get(action) or ReceiveForm(
                hubs=hubs,
                initial={"condition": device.condition, "imei": device.imei, "hub": device.hub_id},
            )
        elif action == "wipe":
            form = bound.get(action) or WipeForm(
                required_accounts=services.wipe_accounts_required(device)
            )
        elif action == "repair":
            form = bound.get(action) or RepairForm()
        elif action == "qa":
            form = bound.get(action) or QAForm()
        else:
            form = bound.get(action) or RejectForm()
        forms[action] = form
    return forms


def _device_page(request, device, *, bound=None, status=200):
    device.refresh_from_db()
    detail = selectors.device_detail(device)
    return render(
        request,
        "logistics/device.html",
        {
            "device": device,
            "detail": detail,
            "forms": _forms_for(request, device, bound),
            "allowed": [S(a).label for a in allowed_moves(device.status)],
            "public_url": documents.tracking_url(device.tracking_code),
        },
        status=status,
    )


@coordinator_required
def device_page(request, code):
    device = selectors.device_get_for_staff(request.user, code)
    return _device_page(request, device)


@coordinator_required
@require_POST
def device_action(request, code, action):
    device = selectors.device_get_for_staff(request.user, code)
    if action not in ACTIONS:
        raise Http404
    hubs = selectors.hubs_for_staff(request.user)
    user = request.user
    if action == "receive":
        form = ReceiveForm(request.POST, hubs=hubs)
    elif action == "wipe":
        form = WipeForm(request.POST, required_accounts=services.wipe_accounts_required(device))
    elif action == "repair":
        form = RepairForm(request.POST)
    elif action == "qa":
        form = QAForm(request.POST)
    else:
        form = RejectForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if action == "receive":
                services.device_receive(
                    device_id=device.id,
                    hub_id=data["hub"].id,
                    imei=data["imei"],
                    condition=data["condition"],
                    notes=data["notes"],
                    actor=user,
                )
                message = _("Received. Print its label now.")
            elif action == "wipe":
                services.wipe_record_create(
                    device_id=device.id,
                    method=data["method"],
                    accounts=form.accounts(),
                    notes=data["notes"],
                    actor=user,
                )
                message = _("Wipe recorded.")
            elif action == "repair":
                services.repair_record_create(
                    device_id=device.id,
                    description=data["description"],
                    parts=data["parts"],
                    cost_vnd=data["cost_vnd"],
                    book_to_fund=data["book_to_fund"],
                    actor=user,
                )
                message = _("Repair recorded.")
            elif action == "qa":
                record = services.qa_record_create(
                    device_id=device.id,
                    checks=form.checks(),
                    battery_health=data["battery_health"],
                    nfc=data["nfc"],
                    setup=form.setup(),
                    sim=form.sim(),
                    notes=data["notes"],
                    actor=user,
                )
                message = (
                    _("All checks passed: the phone is ready.")
                    if record.passed
                    else _("Some checks failed: the phone stays in refurbishment.")
                )
            else:
                services.device_reject(
                    device_id=device.id,
                    reason=data["reason"],
                    next_step=data["next"],
                    notes=data["notes"],
                    actor=user,
                )
                message = _("Rejected.")
        except ApplicationError as error:
            apply_to_form(form, error)
        else:
            messages.success(request, message)
            return redirect("logistics:device", code=device.tracking_code)
    return _device_page(request, device, bound={action: form}, status=400)


@coordinator_required
def walk_in(request):
    hubs = selectors.hubs_for_staff(request.user)
    form = WalkInForm(
        request.POST or None, hubs=hubs, initial={"supports_4g": True, "supports_volte": True}
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        hub = data.pop("hub")
        try:
            device = services.device_register_walk_in(hub_id=hub.id, actor=request.user, **data)
        except ApplicationError as error:
            apply_to_form(form, error)
        else:
            messages.success(
                request,
                _("Registered as %(code)s. Print its label now.") % {"code": device.tracking_code},
            )
            return redirect("logistics:device", code=device.tracking_code)
    return render(
        request, "logistics/walk_in.html", {"form": form}, status=400 if form.errors else 200
    )


@coordinator_required
def labels(request):
    try:
        devices = labelled_devices(request.user, request.GET.get("devices", ""))
    except ApplicationError as error:
        if error.status == 404:
            raise Http404(error.message) from None
        messages.error(request, error.message)
        return redirect("logistics:hub")
    return pdf_response(documents.labels_pdf(devices), "labels.pdf")


@coordinator_required
def device_wipe_certificate(request, code):
    device = selectors.device_get_for_staff(request.user, code)
    record = device.wipe_records.select_related("operator").last()
    if record is None:
        raise Http404
    donor = device.pledge.donor if device.pledge_id else None
    content = documents.wipe_certificate_pdf(
        [(device, record)], donor=donor, language=donor.language if donor else "vi"
    )
    return pdf_response(content, f"wipe-{device.tracking_code}.pdf")


@coordinator_required
def donor_wipe_certificate(request, donor_id):
    devices = list(selectors.business_donor_devices(request.user, donor_id))
    if not devices:
        raise Http404
    donor = Donor.objects.get(id=donor_id)
    pairs = [(d, list(d.wipe_records.all())[-1]) for d in devices]
    content = documents.wipe_certificate_pdf(pairs, donor=donor, language=donor.language)
    return pdf_response(content, f"wipe-donor-{donor.id}.pdf")


# --- batches -------------------------------------------------------------------------------


def _batch_form(request, data=None):
    hubs = selectors.hubs_for_staff(request.user)
    communes = Commune.objects.filter(served_by__in=hubs).distinct().order_by("name")
    devices = (
        selectors.devices_for_staff(request.user, status=S.ALLOCATED)
        .filter(allocations__is_live=True)
        .exclude(batch_items__outcome="pending")
        .values_list("tracking_code", "brand", "model", "allocations__household__commune__name")
        .order_by("allocations__household__commune__name", "tracking_code")
    )
    candidates = [
        (code, f"{code} · {brand} {model} · {commune}") for code, brand, model, commune in devices
    ]
    return BatchForm(
        data,
        hubs=hubs,
        communes=communes,
        candidates=candidates,
        initial={"planned_date": timezone.localdate()},
    )


@coordinator_required
def batches(request):
    form = _batch_form(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            batch = services.batch_create(
                hub_id=data["hub"].id,
                commune_code=data["commune"],
                planned_date=data["planned_date"],
                carrier=data["carrier"],
                carrier_name=data["carrier_name"],
                device_codes=data["devices"],
                actor=request.user,
            )
        except ApplicationError as error:
            apply_to_form(form, error)
        else:
            messages.success(request, _("Batch planned."))
            return redirect("logistics:batch", batch_id=batch.id)
    return render(
        request,
        "logistics/batches.html",
        {"form": form, "batches": selectors.batches_for_staff(request.user)[:100]},
        status=400 if form.errors else 200,
    )


@field_staff_required
def batch_page(request, batch_id):
    batch = selectors.batch_get_for_staff(request.user, batch_id)
    scope = scope_for(request.user)
    return render(
        request,
        "logistics/batch.html",
        {
            "batch": batch,
            "items": selectors.batch_items(batch),
            "may_dispatch": batch.status == DeliveryBatch.Status.PLANNED
            and scope.covers_hub(batch.hub_id),
        },
    )


@coordinator_required
@require_POST
def batch_dispatch(request, batch_id):
    batch = selectors.batch_get_for_staff(request.user, batch_id)
    try:
        services.batch_dispatch(batch_id=batch.id, actor=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Dispatched: the phones are on their way."))
    return redirect("logistics:batch", batch_id=batch.id)


@coordinator_required
@require_POST
def batch_return(request, batch_id, code):
    batch = selectors.batch_get_for_staff(request.user, batch_id)
    device = selectors.device_get_for_staff(request.user, code)
    try:
        services.batch_return_device(batch_id=batch.id, device_id=device.id, actor=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Marked as returned to the hub."))
    return redirect("logistics:batch", batch_id=batch.id)


@field_staff_required
def batch_manifest(request, batch_id):
    batch = selectors.batch_get_for_staff(request.user, batch_id)
    return pdf_response(
        documents.manifest_pdf(batch, selectors.batch_items(batch)), f"manifest-{batch.id}.pdf"
    )


# --- handovers -----------------------------------------------------------------------------


@field_staff_required
def handovers(request):
    return render(
        request,
        "logistics/handovers.html",
        {
            "awaiting": selectors.devices_awaiting_handover(request.user)[:100],
            "due": selectors.follow_ups_due(request.user)[:100],
            "recent": selectors.handovers_for_staff(request.user)[:30],
        },
    )


@field_staff_required
def handover_new(request, code):
    device, allocation = selectors.device_for_handover(request.user, code)
    if allocation is None:
        messages.error(request, _("This phone is not allocated to a household."))
        return redirect("logistics:handovers")
    household = allocation.household
    form = HandoverForm(request.POST or None, request.FILES or None, household=household)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            handover = services.handover_create(
                device_id=device.id,
                household_id=int(request.POST.get("household") or 0),
                received_by=data["received_by"],
                relation=data["relation"],
                recipient_cccd_last4=data["recipient_cccd_last4"],
                training_given=data["training_given"],
                sim_iccid=data["sim_iccid"],
                place=data["place"],
                story=data.get("story", ""),
                photo=data.get("photo"),
                signature=data["signature"],
                actor=request.user,
            )
        except ApplicationError as error:
            apply_to_form(form, error)
        else:
            messages.success(request, _("Handover recorded. Download the handover record."))
            return redirect("logistics:handover", handover_id=handover.id)
    return render(
        request,
        "logistics/handover_new.html",
        {"form": form, "device": device, "household": household},
        status=400 if form.errors else 200,
    )


@field_staff_required
def handover_page(request, handover_id):
    handover = selectors.handover_get_for_staff(request.user, handover_id)
    form = None
    if not hasattr(handover, "follow_up"):
        form = FollowUpForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.follow_up_record(
                    handover_id=handover.id, actor=request.user, **form.cleaned_data
                )
            except ApplicationError as error:
                apply_to_form(form, error)
            else:
                messages.success(request, _("Follow-up recorded."))
                return redirect("logistics:handover", handover_id=handover.id)
    return render(
        request,
        "logistics/handover.html",
        {"handover": handover, "form": form},
        status=400 if form is not None and form.errors else 200,
    )


@field_staff_required
def handover_receipt(request, handover_id):
    handover = selectors.handover_get_for_staff(request.user, handover_id)
    response = pdf_response(documents.receipt_pdf(handover), f"bien-ban-{handover.id}.pdf")
    response["Content-Disposition"] = f'attachment; filename="bien-ban-ban-giao-{handover.id}.pdf"'
    return response


# --- dashboard -----------------------------------------------------------------------------

DASHBOARD_STATUSES = [
    S.PLEDGED,
    S.RECEIVED,
    S.WIPED,
    S.REFURBISHING,
    S.READY,
    S.ALLOCATED,
    S.DISPATCHED,
    S.DELIVERED,
    S.FOLLOWED_UP,
    S.REJECTED,
    S.RETURNED,
]


def _dashboard_data(request) -> dict:
    per_hub = selectors.counts_per_hub(request.user)
    totals = {s: sum(row["counts"].get(s, 0) for row in per_hub) for s in DASHBOARD_STATUSES}
    top = max(totals.values(), default=0) or 1
    bars = [
        {"status": s, "label": S(s).label, "n": totals[s], "pct": round(100 * totals[s] / top)}
        for s in DASHBOARD_STATUSES
    ]
    return {
        "per_hub": per_hub,
        "statuses": [(s, S(s).label) for s in DASHBOARD_STATUSES],
        "bars": bars,
        "stuck": selectors.stuck_devices(request.user),
        "week": selectors.batches_this_week(request.user),
    }


@coordinator_required
def dashboard(request):
    data = _dashboard_data(request)
    for row in data["per_hub"]:
        row["cells"] = [row["counts"].get(s, 0) for s, _label in data["statuses"]]
    return render(request, "logistics/dashboard.html", data)


@coordinator_required
def dashboard_xlsx(request):
    from openpyxl import Workbook

    data = _dashboard_data(request)
    book = Workbook()
    sheet = book.active
    sheet.title = _("Per hub")[:31]
    sheet.append([_("Hub"), *[str(label) for _s, label in data["statuses"]], _("Total")])
    for row in data["per_hub"]:
        sheet.append(
            [
                row["hub"].name,
                *[row["counts"].get(s, 0) for s, _l in data["statuses"]],
                row["total"],
            ]
        )
    stuck = book.create_sheet(_("Stuck")[:31])
    stuck.append([_("Tracking code"), _("Hub"), _("Status"), _("Since")])
    for device in data["stuck"]:
        stuck.append(
            [
                device.tracking_code,
                device.hub.name if device.hub_id else "",
                str(S(device.status).label),
                timezone.localtime(device.since).strftime("%Y-%m-%d %H:%M") if device.since else "",
            ]
        )
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="noi-song-kho.xlsx"'
    return response
