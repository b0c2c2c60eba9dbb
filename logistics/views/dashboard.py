"""The hub dashboard: phones per hub and status (the same rows as the hub list's counts), the
households and phones of the communes the hubs serve (the public numbers' one definition,
logistics/numbers.py), stuck phones, this week's batches; and the same as a spreadsheet."""

from __future__ import annotations

import io

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from accounts.scoping import scope_for
from donations.models import Device
from logistics import numbers, selectors
from logistics.views.shared import coordinator_required

S = Device.Status

# Always shown, in the order of the chain; any other status is shown once a phone is in it.
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
    S.RETURNED,
    S.REJECTED,
    S.LOST,
]
# The commune table's columns: the public numbers a hub can act on.
COMMUNE_COLUMNS = [
    ("households_verified", pgettext_lazy("households", "Verified")),
    ("households_waiting", pgettext_lazy("households", "Waiting")),
    ("households_allocated", pgettext_lazy("households", "On its way")),
    ("households_served", pgettext_lazy("households", "Served")),
    ("devices_delivered", pgettext_lazy("phones", "Delivered")),
]


def _statuses(totals: dict[str, int]) -> list[str]:
    shown = set(DASHBOARD_STATUSES) | {s for s, n in totals.items() if n}
    return [s for s in S.values if s in shown]


def _commune_rows(user) -> dict:
    """The public numbers of the communes the user's hubs serve (an admin: every commune with
    something to count), from logistics.numbers like the public pages."""
    scope = scope_for(user)
    codes = None if scope.is_admin else scope.hub_communes
    counted = numbers.numbers_compute(codes)
    rows = [
        {**r, "cells": [(key, r[key]) for key, _label in COMMUNE_COLUMNS]}
        for r in counted["communes"]
        if codes is not None or any(r[key] for key, _label in COMMUNE_COLUMNS)
    ]
    return {"rows": rows, "totals": counted["totals"]}


def _dashboard_data(request) -> dict:
    counts = selectors.device_counts(request.user)
    totals = counts["totals"]
    statuses = _statuses(totals)
    top = max([totals.get(s, 0) for s in statuses], default=0) or 1
    bars = [
        {
            "status": s,
            "label": S(s).label,
            "n": totals.get(s, 0),
            "pct": round(100 * totals.get(s, 0) / top),
        }
        for s in statuses
    ]
    rows = list(counts["per_hub"])
    if counts["unassigned"]["total"]:
        rows.append({"hub": None, **counts["unassigned"]})
    for row in rows:
        row["cells"] = [row["counts"].get(s, 0) for s in statuses]
    return {
        "per_hub": rows,
        "statuses": [(s, S(s).label) for s in statuses],
        "totals": [totals.get(s, 0) for s in statuses],
        "total": sum(totals.values()),
        "bars": bars,
        "communes": _commune_rows(request.user),
        "commune_columns": COMMUNE_COLUMNS,
        "stuck": selectors.stuck_devices(request.user),
        "week": selectors.batches_this_week(request.user),
        "losses": selectors.losses_for_staff(request.user),
        "overdue": selectors.tickets_overdue(request.user),
    }


@coordinator_required
def dashboard(request):
    return render(request, "logistics/dashboard.html", _dashboard_data(request))


@coordinator_required
def dashboard_xlsx(request):
    from openpyxl import Workbook

    data = _dashboard_data(request)
    book = Workbook()
    sheet = book.active
    sheet.title = _("Per hub")[:31]
    sheet.append([_("Hub"), *[str(label) for _s, label in data["statuses"]], _("Total")])
    for row in data["per_hub"]:
        name = row["hub"].name if row["hub"] else _("Not at a hub yet")
        sheet.append([name, *row["cells"], row["total"]])
    sheet.append([_("Total"), *data["totals"], data["total"]])
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
    communes = book.create_sheet(_("Communes")[:31])
    communes.append([_("Commune"), *[str(label) for _k, label in data["commune_columns"]]])
    for row in data["communes"]["rows"]:
        communes.append([row["name"], *[n for _key, n in row["cells"]]])
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="noi-song-kho.xlsx"'
    return response
