"""The printed papers of logistics, as PDF bytes: QR label sheets, wipe certificates, the
carrier's manifest and the handover record (biên bản bàn giao).

Vietnamese needs a font with its glyphs: DejaVu Sans ships in logistics/fonts/ (free licence in
LICENSE there), so a fresh machine with only Python prints correct diacritics."""

from __future__ import annotations

import io
from pathlib import Path

import segno
from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

FONTS = Path(__file__).resolve().parent / "fonts"
REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"


def _register_fonts() -> None:
    if REGULAR not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(REGULAR, str(FONTS / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont(BOLD, str(FONTS / "DejaVuSans-Bold.ttf")))


def tracking_url(code: str) -> str:
    """The public tracking page a label's QR opens (staff are sent on to the staff page)."""
    return f"{settings.SITE_URL}/t/{code}"


def qr_png(data: str, *, scale: int = 4) -> bytes:
    out = io.BytesIO()
    # The links are all alike (same length, same alphabet): a fixed mask pattern skips segno's
    # search over eight masks, which is most of the time spent on a label sheet.
    segno.make(data, error="m", mask=4, micro=False).save(out, kind="png", scale=scale, border=4)
    return out.getvalue()


def _new_canvas(title: str) -> tuple[canvas.Canvas, io.BytesIO]:
    _register_fonts()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle(title)
    pdf.setAuthor("Nối Sóng")
    return pdf, buffer


def _local(dt) -> str:
    return timezone.localtime(dt).strftime("%d/%m/%Y %H:%M") if dt else "—"


class _Writer:
    """A few lines of text flowing down a page, with page breaks."""

    def __init__(self, pdf: canvas.Canvas, *, top: float = 275 * mm, left: float = 20 * mm):
        self.pdf = pdf
        self.y = top
        self.left = left
        self.top = top

    def line(self, text: str, *, size: float = 11, bold: bool = False, indent: float = 0):
        if self.y < 20 * mm:
            self.pdf.showPage()
            self.y = self.top
        self.pdf.setFont(BOLD if bold else REGULAR, size)
        self.pdf.drawString(self.left + indent, self.y, text)
        self.y -= size * 1.5

    def centre(self, text: str, *, size: float = 11, bold: bool = False):
        self.pdf.setFont(BOLD if bold else REGULAR, size)
        self.pdf.drawCentredString(A4[0] / 2, self.y, text)
        self.y -= size * 1.5

    def gap(self, height: float = 4 * mm):
        self.y -= height


# --- QR labels -----------------------------------------------------------------------------

LABEL_COLUMNS = 3
LABEL_ROWS = 5


def labels_pdf(devices) -> bytes:
    """An A4 sheet (or several) of labels: a QR to the tracking page, the code in large letters,
    the model. 15 labels a page, 70 × 59 mm each."""
    pdf, buffer = _new_canvas(_("Phone labels"))
    width, height = A4
    cell_w = width / LABEL_COLUMNS
    cell_h = (height - 2 * 1 * mm) / LABEL_ROWS
    for index, device in enumerate(devices):
        slot = index % (LABEL_COLUMNS * LABEL_ROWS)
        if index and slot == 0:
            pdf.showPage()
        col, row = slot % LABEL_COLUMNS, slot // LABEL_COLUMNS
        x = col * cell_w
        y = height - (row + 1) * cell_h
        pdf.setStrokeColorRGB(0.8, 0.8, 0.8)
        pdf.rect(x + 2 * mm, y + 2 * mm, cell_w - 4 * mm, cell_h - 4 * mm)
        qr_size = 36 * mm
        pdf.drawImage(
            ImageReader(io.BytesIO(qr_png(tracking_url(device.tracking_code)))),
            x + (cell_w - qr_size) / 2,
            y + cell_h - qr_size - 4 * mm,
            qr_size,
            qr_size,
        )
        pdf.setFont(BOLD, 17)
        pdf.drawCentredString(x + cell_w / 2, y + 11 * mm, device.tracking_code)
        pdf.setFont(REGULAR, 8)
        pdf.drawCentredString(x + cell_w / 2, y + 6 * mm, f"{device.brand} {device.model}"[:40])
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


# --- wipe certificates -----------------------------------------------------------------------


def _wipe_lines(writer: _Writer, device, record) -> None:
    from logistics.models import WIPE_ACCOUNTS

    writer.line(f"{device.tracking_code} — {device.brand} {device.model}", bold=True)
    writer.line(_("IMEI: %(imei)s") % {"imei": device.imei or "—"}, indent=5 * mm)
    writer.line(_("Method: %(method)s") % {"method": record.get_method_display()}, indent=5 * mm)
    removed = [
        str(WIPE_ACCOUNTS[k])
        for k, v in record.accounts_removed.items()
        if v and k in WIPE_ACCOUNTS
    ]
    writer.line(
        _("Accounts removed: %(list)s") % {"list": "; ".join(removed) or "—"}, indent=5 * mm
    )
    writer.line(
        _("Wiped by %(operator)s on %(at)s")
        % {"operator": record.operator.get_full_name(), "at": _local(record.at)},
        indent=5 * mm,
    )
    writer.gap(2 * mm)


def wipe_certificate_pdf(devices_with_records, *, donor=None, language: str = "vi") -> bytes:
    """A certificate that each listed phone was wiped, with method, accounts removed, operator
    and time. One phone, or every phone of a business donor."""
    with translation.override(language):
        pdf, buffer = _new_canvas(_("Data wipe certificate"))
        writer = _Writer(pdf)
        writer.centre(_("Nối Sóng"), size=12, bold=True)
        writer.centre(_("DATA WIPE CERTIFICATE"), size=16, bold=True)
        writer.gap()
        if donor is not None:
            writer.line(_("Donor: %(name)s") % {"name": donor.name}, bold=True)
        writer.line(
            _(
                "We certify that every phone below was erased and freed of its former owner's "
                "accounts before it was given on."
            ),
            size=9,
        )
        writer.gap()
        for device, record in devices_with_records:
            _wipe_lines(writer, device, record)
        writer.gap()
        writer.line(_("Issued on %(at)s") % {"at": _local(timezone.now())}, size=9)
        pdf.showPage()
        pdf.save()
    return buffer.getvalue()


# --- the carrier's manifest ----------------------------------------------------------------


def manifest_pdf(batch, items) -> bytes:
    """The list the carrier signs for: phones and the household each must reach. Staff only:
    it carries the heads' names."""
    pdf, buffer = _new_canvas(_("Delivery manifest"))
    writer = _Writer(pdf)
    writer.centre(_("DELIVERY MANIFEST"), size=16, bold=True)
    writer.gap()
    writer.line(
        _("Batch #%(id)s: %(hub)s → %(commune)s")
        % {"id": batch.id, "hub": batch.hub.name, "commune": batch.commune.name},
        bold=True,
    )
    writer.line(
        _("Planned date: %(date)s · Carrier: %(carrier)s %(name)s")
        % {
            "date": batch.planned_date.strftime("%d/%m/%Y"),
            "carrier": batch.get_carrier_display(),
            "name": batch.carrier_name,
        }
    )
    writer.line(_("Staff only: contains personal data. Do not leave it with anyone."), size=9)
    writer.gap()
    for number, item in enumerate(items, start=1):
        household = item.household
        writer.line(
            f"{number}. {item.device.tracking_code} — {item.device.brand} {item.device.model}"
            + (f" — IMEI {item.device.imei}" if item.device.imei else ""),
            bold=True,
        )
        if household is not None:
            village = household.village.name if household.village_id else ""
            writer.line(
                _("Household #%(id)s: %(head)s, %(village)s (CCCD …%(last4)s)")
                % {
                    "id": household.id,
                    "head": household.head_name,
                    "village": village,
                    "last4": household.cccd_last4,
                },
                indent=5 * mm,
            )
        writer.line(_("Received by: ____________________  Signature: __________"), indent=5 * mm)
        writer.gap(2 * mm)
    writer.gap()
    writer.line(_("Handed to the carrier by: ____________________  on ____/____/______"))
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


# --- the handover record -------------------------------------------------------------------


def _receipt_parties(writer, handover) -> None:
    """Party A (the programme, its hub) and party B (the household, who received)."""
    device = handover.device
    household = handover.household
    writer.line(_("GIVING PARTY (Party A): programme Nối Sóng"), bold=True)
    writer.line(
        _("Represented by: %(name)s") % {"name": handover.recorded_by.get_full_name()},
        indent=5 * mm,
    )
    if device.hub_id:
        writer.line(_("Hub: %(hub)s") % {"hub": device.hub.name}, indent=5 * mm)
    writer.gap(2 * mm)
    writer.line(_("RECEIVING PARTY (Party B): the household"), bold=True)
    writer.line(_("Head of household: %(name)s") % {"name": household.head_name}, indent=5 * mm)
    place = household.commune.name
    if household.village_id:
        place = f"{household.village.name}, {place}"
    writer.line(_("Address: %(place)s") % {"place": place}, indent=5 * mm)
    writer.line(
        _("Received by: %(name)s (%(relation)s), CCCD ending in %(last4)s")
        % {
            "name": handover.received_by,
            "relation": handover.get_relation_display(),
            "last4": handover.recipient_cccd_last4,
        },
        indent=5 * mm,
    )


def _receipt_phone(writer, handover) -> None:
    """What is handed over: the phone, its IMEI and code, the SIM, the first lesson."""
    device = handover.device
    writer.line(_("Party A hands over to Party B:"), bold=True)
    writer.line(
        _("Smartphone: %(brand)s %(model)s") % {"brand": device.brand, "model": device.model},
        indent=5 * mm,
    )
    writer.line(_("IMEI: %(imei)s") % {"imei": device.imei or "—"}, indent=5 * mm)
    writer.line(_("Tracking code: %(code)s") % {"code": device.tracking_code}, indent=5 * mm)
    writer.line(_("SIM: %(iccid)s") % {"iccid": handover.sim_iccid or _("none")}, indent=5 * mm)
    writer.line(
        _("First lesson on using the phone: %(given)s")
        % {"given": _("given") if handover.training_given else _("not given")},
        indent=5 * mm,
    )


def _receipt_signatures(pdf, y: float, handover) -> None:
    """Both signature blocks; the recipient's drawn signature when there is one."""
    pdf.setFont(BOLD, 11)
    pdf.drawCentredString(55 * mm, y, _("PARTY A"))
    pdf.drawCentredString(155 * mm, y, _("PARTY B"))
    pdf.setFont(REGULAR, 9)
    pdf.drawCentredString(55 * mm, y - 5 * mm, _("(signature, full name)"))
    pdf.drawCentredString(155 * mm, y - 5 * mm, _("(signature, full name)"))
    if handover.signature:
        with handover.signature.open("rb") as handle:
            pdf.drawImage(
                ImageReader(io.BytesIO(handle.read())),
                125 * mm,
                y - 35 * mm,
                60 * mm,
                25 * mm,
                preserveAspectRatio=True,
                mask="auto",
            )
    pdf.drawCentredString(55 * mm, y - 42 * mm, handover.recorded_by.get_full_name())
    pdf.drawCentredString(155 * mm, y - 42 * mm, handover.received_by)


def receipt_pdf(handover) -> bytes:
    """The biên bản bàn giao, always in Vietnamese (the administration's document): both
    parties, the phone (model, IMEI, tracking code), date, place, and signature lines or the
    recipient's drawn signature."""
    with translation.override("vi"):
        pdf, buffer = _new_canvas(_("Handover record"))
        writer = _Writer(pdf)
        writer.centre(_("SOCIALIST REPUBLIC OF VIETNAM"), size=12, bold=True)
        writer.centre(_("Independence – Freedom – Happiness"), size=11, bold=True)
        writer.gap(6 * mm)
        writer.centre(_("HANDOVER RECORD"), size=18, bold=True)
        writer.centre(_("of a donated smartphone (programme Nối Sóng)"), size=11)
        writer.gap()
        at = timezone.localtime(handover.at)
        writer.line(
            _("Today, %(time)s on %(date)s, at %(place)s, we the undersigned:")
            % {
                "time": at.strftime("%H:%M"),
                "date": at.strftime("%d/%m/%Y"),
                "place": handover.place,
            }
        )
        writer.gap(2 * mm)
        _receipt_parties(writer, handover)
        writer.gap(2 * mm)
        _receipt_phone(writer, handover)
        writer.gap(2 * mm)
        writer.line(
            _(
                "The phone was wiped, checked (4G, VoLTE) and set up in Vietnamese. Party B "
                "received it in working order."
            ),
            size=9,
        )
        writer.line(_("This record is made in two copies; each party keeps one."), size=9)
        writer.gap(8 * mm)
        _receipt_signatures(pdf, writer.y, handover)
        pdf.showPage()
        pdf.save()
    return buffer.getvalue()


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    """A PDF shown in the browser, never cached (it names people)."""
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
