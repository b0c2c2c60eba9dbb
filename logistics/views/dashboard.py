"""The hub dashboard: phones per hub and status, stuck phones, this week's batches; and the
same as a spreadsheet."""

from __future__ import annotations

import io

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from donations.models import Device
from logistics import selectors
from logistics.views.shared import coordinator_required

S = Device.Status

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
        # Each count with its status, for the stacked cards a phone shows instead of columns.
        row["labelled_cells"] = list(
            zip(row["cells"], [label for _s, label in data["statuses"]], strict=True)
        )
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
