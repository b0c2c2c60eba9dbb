"""Papers of logistics for donors, on their own pages (/cua-toi/): the wipe certificate of their
phones. Only the donor of the phones (signed in) gets it; anyone else a 404. Staff print the same
certificate from the hub's pages (logistics:device_wipe_certificate, donor_wipe_certificate)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.errors import NotFound
from donations.papers import PledgePaper
from logistics import documents, selectors


def _certificate(pairs, filename: str):
    donor = pairs[0][0].pledge.donor
    content = documents.wipe_certificate_pdf(pairs, donor=donor, language=donor.language)
    return documents.pdf_response(content, filename)


@login_required
def pledge_wipe_certificate(request, pledge_id: int):
    """The certificate of every wiped phone of one of the donor's pledges."""
    try:
        pairs = selectors.donor_wiped_devices(request.user, pledge_id=pledge_id)
    except NotFound:
        raise Http404 from None
    return _certificate(pairs, f"chung-nhan-xoa-du-lieu-{pledge_id}.pdf")


@login_required
def phone_wipe_certificate(request, code: str):
    """The certificate of one of the donor's phones."""
    try:
        pairs = selectors.donor_wiped_devices(request.user, code=code)
    except NotFound:
        raise Http404 from None
    return _certificate(pairs, f"chung-nhan-xoa-du-lieu-{pairs[0][0].tracking_code}.pdf")


def wipe_certificate_papers(pledge) -> list[PledgePaper]:
    """For the donor's pages (donations/papers.py): the wipe certificate once a phone of the
    pledge is wiped (a `wiped` step in its prefetched timeline; the door allows that step only
    with a wipe record)."""
    wiped = any(e.new_status == "wiped" for d in pledge.device_list for e in d.timeline)
    if not wiped:
        return []
    url = reverse("logistics:pledge_wipe_certificate", args=[pledge.id])
    return [PledgePaper(_("Data wipe certificate (PDF)"), url)]
