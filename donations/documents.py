"""A pledge's papers for its donor: the printable sheet of its tracking codes (PDF), the same as
CSV, and the QR label sheet for donors who print labels themselves. Offered on the donor's pages
(donations/papers.py) and attached to the pledge's email when it holds several phones.

Laid out with core/pdf.py (text that wraps, NFC, what the font cannot print replaced visibly)."""

from __future__ import annotations

import csv
import io

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from core.pdf import STYLES, Label, Paper, label_sheet

# The CSV's header: stable keys, as in the API (a business's system reads them).
CSV_FIELDS = ("tracking_code", "brand", "model", "condition", "imei", "status", "tracking_url")
# A pledge of at least this many phones gets its papers attached to the pledge's email (with one
# phone, its code in the email and on the thank-you page is enough).
ATTACH_FROM = 2
# The label sheet is attached up to this many phones (beyond, it is downloaded from the page).
ATTACH_LABELS_UP_TO = 100


def track_url(code: str) -> str:
    return settings.SITE_URL + reverse("donations:track", args=[code])


def _dropoff(pledge) -> str:
    hub = pledge.hub
    if pledge.dropoff == "hub" and hub:
        return _("Bring the phones to %(hub)s, %(address)s.") % {
            "hub": hub.name,
            "address": hub.address,
        }
    if pledge.dropoff == "post" and hub:
        return _("Send the phones by post to %(hub)s, %(address)s.") % {
            "hub": hub.name,
            "address": hub.address,
        }
    if pledge.dropoff == "pickup":
        return _("We will pick the phones up at %(address)s (%(window)s).") % {
            "address": pledge.pickup_address,
            "window": pledge.pickup_window,
        }
    return _("Send the phones by post to the hub nearest to you (listed in our email).")


def pledge_codes_pdf(pledge, devices, *, language: str = "vi") -> bytes:
    """One page (or more) listing every phone of the pledge with its tracking code, to print and
    pack with the phones."""
    with translation.override(language or "vi"):
        paper = Paper(_("Tracking codes of pledge #%(id)s") % {"id": pledge.id})
        story = [
            paper.para(_("Nối Sóng"), "centre_bold"),
            paper.para(_("TRACKING CODES"), "title"),
            Spacer(0, 4 * mm),
            paper.para(
                _("Pledge #%(id)s of %(date)s · %(count)s phones"),
                "heading",
                id=pledge.id,
                date=timezone.localtime(pledge.created_at).strftime("%d/%m/%Y"),
                count=len(devices),
            ),
            paper.para(_("Donor: %(name)s"), name=pledge.donor.name),
            paper.para("%(text)s", text=_dropoff(pledge)),
            paper.para(
                _(
                    "Put each phone in a bag or envelope with its code (or stick its label on "
                    "it), and tick it here when it is packed. Each code's page shows where the "
                    "phone is on its way."
                ),
                "small",
            ),
            Spacer(0, 4 * mm),
        ]
        body = [
            [
                str(n),
                Paragraph(f"<b>{paper.text(d.tracking_code)}</b>", STYLES["bold"]),
                paper.plain(f"{d.brand} {d.model} · {d.get_condition_display()}", "cell"),
                paper.plain(track_url(d.tracking_code), "cell"),
                "☐",
            ]
            for n, d in enumerate(devices, start=1)
        ]
        story.append(
            paper.grid(
                ["#", _("Tracking code"), _("Phone"), _("Follow it at"), _("Packed")],
                body,
                widths=[9, 30, 55, 68, 14],
            )
        )
        return paper.build(story)


def _cell(value) -> str:
    """A value as a CSV cell that a spreadsheet never runs as a formula."""
    text = str(value if value is not None else "")
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def pledge_codes_csv(devices) -> bytes:
    """The pledge's phones as CSV: UTF-8 with a BOM (Excel reads Vietnamese right), the API's
    keys as header, one row per phone."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_FIELDS)
    for d in devices:
        values = (d.tracking_code, d.brand, d.model, d.condition, d.imei, d.status)
        writer.writerow([*(_cell(v) for v in values), track_url(d.tracking_code)])
    return out.getvalue().encode("utf-8")


def pledge_labels_pdf(devices, *, language: str = "vi") -> bytes:
    """The QR label sheet of the pledge's phones, as the hub prints it."""
    with translation.override(language or "vi"):
        labels = [
            Label(d.tracking_code, track_url(d.tracking_code), f"{d.brand} {d.model}")
            for d in devices
        ]
        return label_sheet(labels, title=_("Phone labels"))


def pledge_attachments(pledge, devices, *, language: str) -> list[tuple[str, bytes, str]]:
    """What the pledge's email carries: nothing for one phone; else the codes sheet and CSV, and
    the label sheet up to ATTACH_LABELS_UP_TO phones."""
    if len(devices) < ATTACH_FROM:
        return []
    files = [
        (
            f"noi-song-ma-theo-doi-{pledge.id}.pdf",
            pledge_codes_pdf(pledge, devices, language=language),
            "application/pdf",
        ),
        (f"noi-song-ma-theo-doi-{pledge.id}.csv", pledge_codes_csv(devices), "text/csv"),
    ]
    if len(devices) <= ATTACH_LABELS_UP_TO:
        files.append(
            (
                f"noi-song-tem-{pledge.id}.pdf",
                pledge_labels_pdf(devices, language=language),
                "application/pdf",
            )
        )
    return files
