"""Hub work pages (coordinators at the bench, on a phone): scan, the phone's page with the next
steps its life cycle allows, walk-ins, labels and wipe certificates."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import ApplicationError, NotFound
from core.media import private_file_response
from donations.lifecycle import allowed_moves, may_move
from donations.models import Device, Donor
from logistics import documents, selectors
from logistics.forms import (
    QAForm,
    ReceiveForm,
    RejectForm,
    RepairForm,
    ScanForm,
    WalkInForm,
    WipeForm,
)
from logistics.services import bench
from logistics.views.shared import coordinator_required, form_page, submitted

S = Device.Status


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
    labelled, left_out = selectors.label_split(devices)
    return render(
        request,
        "logistics/hub_home.html",
        {
            "form": form,
            "rows": rows,
            "devices": devices,
            "status": status,
            "labelled": labelled,
            "left_out": selectors.left_out_summary(left_out),
            # every phone of the chosen status, when the list shows only the latest of them
            "status_total": counts.get(status, 0) if status else 0,
            "status_labelled": status and status not in selectors.NOT_LABELLED,
            "status_label": S(status).label if status in S.values else "",
        },
    )


# A bench step (the name in its URL): the move it makes and its service. The page offers a step
# when the device's table allows that move; a repair also to a phone already in refurbishing.
STEPS = {
    "receive": (S.RECEIVED, bench.device_receive),
    "wipe": (S.WIPED, bench.wipe_record_create),
    "repair": (S.REFURBISHING, bench.repair_record_create),
    "qa": (S.READY, bench.qa_record_create),
    "reject": (S.REJECTED, bench.device_reject),
}
REPEATABLE = {"repair"}


def _offers(device: Device, step: str) -> bool:
    if device.status in bench.PROMISED:  # released first (logistics/services/recovery.py)
        return False
    to, _service = STEPS[step]
    return may_move(device.status, to) or (step in REPEATABLE and device.status == to)


def _step_form(request, device: Device, step: str, data=None):
    """The form of `step`, bound to `data` (a POST) or empty with the phone's values."""
    if step == "receive":
        initial = {"condition": device.condition, "imei": device.imei, "hub": device.hub_id}
        return ReceiveForm(data, hubs=selectors.hubs_for_staff(request.user), initial=initial)
    if step == "wipe":
        return WipeForm(data, required_accounts=bench.wipe_accounts_required(device))
    return {"repair": RepairForm, "qa": QAForm, "reject": RejectForm}[step](data)


def _done(step: str, result) -> str:
    """What the page says when `step` worked."""
    if step == "qa" and not result.passed:
        return _("Some checks failed: the phone stays in refurbishment.")
    return {
        "receive": _("Received. Print its label now."),
        "wipe": _("Wipe recorded."),
        "repair": _("Repair recorded."),
        "qa": _("All checks passed: the phone is ready."),
        "reject": _("Rejected."),
    }[step]


def _device_page(request, device, *, bound=None, status=200):
    device.refresh_from_db()
    bound = bound or {}
    forms = {
        step: bound.get(step) or _step_form(request, device, step)
        for step in STEPS
        if _offers(device, step)
    }
    return render(
        request,
        "logistics/device.html",
        {
            "device": device,
            "detail": selectors.device_detail(device),
            "forms": forms,
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
def device_photo(request, code, photo_id):
    """The donor's photo of a phone at the user's hubs (a private file); `?size=thumb`."""
    photo = selectors.device_photo_for_staff(request.user, code, photo_id)
    return private_file_response(photo.file_of_size(request.GET.get("size", "")))


@coordinator_required
@require_POST
def device_action(request, code, action):
    device = selectors.device_get_for_staff(request.user, code)
    if action not in STEPS:
        raise Http404
    form = _step_form(request, device, action, request.POST)
    _to, service = STEPS[action]
    result = submitted(request, form, service, device_id=device.id, actor=request.user)
    if result is not None:
        messages.success(request, _done(action, result))
        return redirect("logistics:device", code=device.tracking_code)
    return _device_page(request, device, bound={action: form}, status=400)


@coordinator_required
def walk_in(request):
    hubs = selectors.hubs_for_staff(request.user)
    form = WalkInForm(
        request.POST or None, hubs=hubs, initial={"supports_4g": True, "supports_volte": True}
    )
    device = submitted(request, form, bench.device_register_walk_in, actor=request.user)
    if device is not None:
        message = _("Registered as %(code)s. Print its label now.")
        messages.success(request, message % {"code": device.tracking_code})
        return redirect("logistics:device", code=device.tracking_code)
    return form_page(request, "logistics/walk_in.html", form)


@coordinator_required
def labels(request):
    """A label sheet. GET ?devices=codes (a short list, in a link); POST `devices` (the codes of
    a listed page, up to LABELS_AT_ONCE) or `status` (every phone of that status at the user's
    hubs, or of one `hub`): a sheet of hundreds of phones never goes into a link."""
    try:
        if request.method == "POST":
            if request.POST.get("status"):
                hub = request.POST.get("hub") or None
                devices = selectors.labelled_by_status(
                    request.user,
                    request.POST["status"],
                    hub=int(hub) if hub and hub.isdigit() else None,
                )
            else:
                devices = selectors.labelled_devices(
                    request.user,
                    request.POST.getlist("devices"),
                    limit=selectors.LABELS_AT_ONCE,
                )
        else:
            devices = selectors.labelled_devices(request.user, request.GET.get("devices", ""))
    except ApplicationError as error:
        if error.status == 404:
            raise Http404(error.message) from None
        messages.error(request, error.message)
        return redirect("logistics:hub")
    return documents.pdf_response(documents.labels_pdf(devices), "labels.pdf")


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
    return documents.pdf_response(content, f"wipe-{device.tracking_code}.pdf")


@coordinator_required
def donor_wipe_certificate(request, donor_id):
    devices = list(selectors.business_donor_devices(request.user, donor_id))
    if not devices:
        raise Http404
    donor = Donor.objects.get(id=donor_id)
    pairs = selectors.wiped_with_records(devices)
    content = documents.wipe_certificate_pdf(pairs, donor=donor, language=donor.language)
    return documents.pdf_response(content, f"wipe-donor-{donor.id}.pdf")
