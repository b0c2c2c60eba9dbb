"""The printed papers of logistics, as PDF bytes: QR label sheets, wipe certificates, the
carrier's manifest and the handover record (biên bản bàn giao).

Laid out with core/pdf.py: paragraphs and tables that wrap inside the page, text made NFC and
cleaned of what the font cannot print, labels cut between graphemes."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table, TableStyle

from core.pdf import STYLES, Label, Paper, label_sheet, pdf_response, signature_image

__all__ = [
    "labels_pdf",
    "manifest_pdf",
    "pdf_response",
    "receipt_pdf",
    "tracking_url",
    "wipe_certificate_pdf",
]


def tracking_url(code: str) -> str:
    """The public tracking page a label's QR opens (staff are sent on to the staff page)."""
    return f"{settings.SITE_URL}/t/{code}"


def _local(dt) -> str:
    return timezone.localtime(dt).strftime("%d/%m/%Y %H:%M") if dt else "—"


def _phone(device) -> str:
    return f"{device.brand} {device.model}".strip()


def _imei(device) -> str:
    return device.imei or _("no IMEI recorded")


# --- QR labels -----------------------------------------------------------------------------


def labels_pdf(devices) -> bytes:
    """An A4 sheet (or several) of labels: a QR to the tracking page, the code in large letters,
    the model. 15 labels a page, 70 × 59 mm each."""
    labels = [Label(d.tracking_code, tracking_url(d.tracking_code), _phone(d)) for d in devices]
    return label_sheet(labels, title=_("Phone labels"))


# --- wipe certificates -----------------------------------------------------------------------


def _wipe_block(paper: Paper, device, record) -> list:
    from logistics.models import WIPE_ACCOUNTS
    from logistics.services.bench import wipe_standard

    standard = wipe_standard(record.method, device.os)
    # in WIPE_ACCOUNTS' order: PostgreSQL's jsonb keeps its own order of the keys
    removed = [str(label) for k, label in WIPE_ACCOUNTS.items() if record.accounts_removed.get(k)]
    rows = [
        (_("Phone"), f"{_phone(device)} ({device.tracking_code})"),
        (_("IMEI"), _imei(device)),
        (_("Method"), record.get_method_display()),
        (_("Level (NIST SP 800-88)"), standard.level),
        (_("What it means"), standard.explanation),
        (_("Accounts removed"), "; ".join(removed) or "—"),
        (_("Verification"), _("The operator confirmed each account above removed.")),
        (_("Hub"), device.hub.name if device.hub_id else "—"),
        (_("Wiped by"), record.operator.get_full_name()),
        (_("Wiped on"), _local(record.at)),
    ]
    return [KeepTogether([paper.rows(rows), Spacer(0, 5 * mm)])]


def wipe_certificate_pdf(devices_with_records, *, donor=None, language: str = "vi") -> bytes:
    """A certificate that each listed phone was wiped: method, the level of NIST SP 800-88 it
    reaches (logistics.services.bench.wipe_standard), accounts removed, operator, place and time.
    One phone, a pledge's phones or every phone of a business donor."""
    with translation.override(language or "vi"):
        paper = Paper(_("Data wipe certificate"))
        story = [
            paper.para(_("Nối Sóng"), "centre_bold"),
            paper.para(_("DATA WIPE CERTIFICATE"), "title"),
            Spacer(0, 4 * mm),
        ]
        if donor is not None:
            story.append(paper.para(_("Donor: %(name)s"), "heading", name=donor.name))
        story += [
            paper.para(
                _(
                    "We certify that every phone below was erased and freed of its former "
                    "owner's accounts before it was given on. Each is listed with its method and "
                    "the level of the NIST SP 800-88 Rev. 1 guidelines for media sanitisation "
                    "(Appendix A, mobile devices) that the method reaches."
                )
            ),
            Spacer(0, 4 * mm),
        ]
        for device, record in devices_with_records:
            story += _wipe_block(paper, device, record)
        story.append(paper.para(_("Issued on %(at)s"), "small", at=_local(timezone.now())))
        return paper.build(story)


# --- the carrier's manifest ----------------------------------------------------------------


def manifest_pdf(batch, items) -> bytes:
    """The list the carrier signs for: phones and the household each must reach, with its
    village and the last four digits of its CCCD. Staff only: it carries the heads' names."""
    paper = Paper(_("Delivery manifest"))
    story = [
        paper.para(_("DELIVERY MANIFEST"), "title"),
        Spacer(0, 4 * mm),
        paper.para(
            _("Batch #%(id)s: %(hub)s → %(commune)s"),
            "heading",
            id=batch.id,
            hub=batch.hub.name,
            commune=batch.commune.name,
        ),
        paper.para(
            _("Planned date: %(date)s · Carrier: %(carrier)s %(name)s"),
            date=batch.planned_date.strftime("%d/%m/%Y"),
            carrier=batch.get_carrier_display(),
            name=batch.carrier_name,
        ),
        paper.para(_("Staff only: contains personal data. Do not leave it with anyone."), "small"),
        Spacer(0, 4 * mm),
    ]
    body = []
    for number, item in enumerate(items, start=1):
        device, household = item.device, item.household
        phone = Paragraph(
            f"<b>{paper.text(device.tracking_code)}</b><br/>{paper.text(_phone(device))}"
            f"<br/>{paper.text(_('IMEI: %(imei)s') % {'imei': _imei(device)})}",
            STYLES["cell"],
        )
        if household is not None:
            head = f"#{household.id} {household.head_name}"
            village = household.village.name if household.village_id else "—"
            last4 = f"…{household.cccd_last4}" if household.cccd_last4 else "—"
        else:
            head, village, last4 = "—", "—", "—"
        body.append([str(number), phone, head, village, last4, Spacer(0, 12 * mm)])
    story.append(
        paper.grid(
            [
                "#",
                _("Phone"),
                _("Household"),
                _("Village"),
                _("CCCD (last 4)"),
                _("Received by, signature"),
            ],
            body,
            widths=[9, 42, 42, 31, 18, 38],
        )
    )
    story += [
        Spacer(0, 6 * mm),
        paper.para(_("Handed to the carrier by: ____________________  on ____/____/______")),
    ]
    return paper.build(story)


# --- the handover record -------------------------------------------------------------------

LABELS = 64 * mm  # the receipt's label column: its longest label fits on one line


def _receipt_parties(paper: Paper, handover) -> list:
    """Party A (the programme, its hub) and party B (the household, who received), one after
    the other, each a table of wrapping rows: they cannot overlap, whatever their length."""
    device, household = handover.device, handover.household
    party_a = [(_("Represented by"), handover.recorded_by.get_full_name())]
    if device.hub_id:
        party_a.append((_("Hub"), device.hub.name))
    parties = [
        paper.para(_("GIVING PARTY (Party A): programme Nối Sóng"), "heading"),
        paper.rows(party_a, label_width=LABELS),
        paper.para(_("RECEIVING PARTY (Party B): the household"), "heading"),
    ]
    if household.is_anonymised:
        # Drawn again from the erased rows: the commune stays, nobody is named.
        erased = _("Personal data erased at the household's request on %(date)s.") % {
            "date": timezone.localtime(household.anonymised_at).strftime("%d/%m/%Y")
        }
        return [
            *parties,
            paper.rows([("", erased), (_("Address"), household.commune.name)], label_width=LABELS),
        ]
    place = household.commune.name
    if household.village_id:
        place = f"{household.village.name}, {place}"
    party_b = [
        (_("Head of household"), household.head_name),
        (_("Address"), place),
        (_("Received by"), f"{handover.received_by or '—'} ({handover.get_relation_display()})"),
        (_("Recipient's CCCD, last 4 digits"), handover.recipient_cccd_last4 or "—"),
    ]
    return [*parties, paper.rows(party_b, label_width=LABELS)]


def _receipt_sim(handover) -> str:
    """The SIM handed over with the phone: its number, and the carrier and data plan recorded at
    QA (they follow the phone). An anonymised household's SIM number is erased."""
    from logistics.models import SimCard

    if handover.household.is_anonymised:
        return _("erased at the household's request")
    sim = SimCard.objects.filter(device_id=handover.device_id).first()
    if not handover.sim_iccid:
        return _("none")
    parts = [handover.sim_iccid]
    if sim is not None and sim.carrier:
        parts.append(sim.get_carrier_display())
    if sim is not None and sim.plan_expires:
        parts.append(
            _("data plan until %(date)s") % {"date": sim.plan_expires.strftime("%d/%m/%Y")}
        )
    return ", ".join(parts)


def _receipt_phone(paper: Paper, handover) -> list:
    """What is handed over: the phone, its IMEI and code, the SIM, the first lesson."""
    device = handover.device
    return [
        paper.para(_("Party A hands over to Party B:"), "heading"),
        paper.rows(
            label_width=LABELS,
            pairs=[
                (_("Smartphone"), _phone(device)),
                (_("IMEI"), _imei(device)),
                (_("Tracking code"), device.tracking_code),
                (_("SIM"), _receipt_sim(handover)),
                (
                    _("First lesson on using the phone"),
                    _("given") if handover.training_given else _("not given"),
                ),
            ],
        ),
    ]


def _receipt_signatures(paper: Paper, handover) -> KeepTogether:
    """Both signature blocks side by side in a two-column table (the recipient's drawn signature
    when there is one), kept together on one page."""
    drawn = Spacer(0, 25 * mm)
    if handover.signature:
        with handover.signature.open("rb") as handle:
            drawn = signature_image(handle.read(), 70 * mm, 25 * mm)
    half = paper.width / 2
    table = Table(
        [
            [paper.para(_("PARTY A"), "centre_bold"), paper.para(_("PARTY B"), "centre_bold")],
            [
                paper.para(_("(signature, full name)"), "centre"),
                paper.para(_("(signature, full name)"), "centre"),
            ],
            [Spacer(0, 25 * mm), drawn],
            [
                paper.plain(handover.recorded_by.get_full_name(), "centre"),
                paper.plain(handover.received_by or "", "centre"),
            ],
        ],
        colWidths=[half, half],
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                ("TEXTCOLOR", (0, 0), (-1, -1), colors.black),
            ]
        )
    )
    return KeepTogether([Spacer(0, 8 * mm), table])


def receipt_pdf(handover) -> bytes:
    """The biên bản bàn giao, always in Vietnamese (the administration's document): both
    parties, the phone (model, IMEI, tracking code), date, place, and signature lines or the
    recipient's drawn signature."""
    with translation.override("vi"):
        paper = Paper(_("Handover record"))
        at = timezone.localtime(handover.at)
        story = [
            paper.para(_("SOCIALIST REPUBLIC OF VIETNAM"), "centre_bold"),
            paper.para(_("Independence – Freedom – Happiness"), "centre_bold"),
            Spacer(0, 6 * mm),
            paper.para(_("HANDOVER RECORD"), "title"),
            paper.para(_("of a donated smartphone (programme Nối Sóng)"), "centre"),
            Spacer(0, 5 * mm),
            paper.para(
                _("Today, %(time)s on %(date)s, at %(place)s, we the undersigned:"),
                time=at.strftime("%H:%M"),
                date=at.strftime("%d/%m/%Y"),
                place=handover.place,
            ),
            *_receipt_parties(paper, handover),
            *_receipt_phone(paper, handover),
            Spacer(0, 3 * mm),
            paper.para(
                _(
                    "The phone was wiped, checked (4G, VoLTE) and set up in Vietnamese. Party B "
                    "received it in working order."
                ),
                "small",
            ),
            paper.para(_("This record is made in two copies; each party keeps one."), "small"),
            _receipt_signatures(paper, handover),
        ]
        return paper.build(story)
