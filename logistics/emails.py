"""Emails of logistics to donors (sent through the outbox, core/outbox.py): the wipe certificate
of a business's pledge when its phones are wiped, in the donor's language."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from donations.emails import send_to_donor
from logistics import documents, selectors


def wipe_certificate(*, pledge_id: int) -> None:
    pairs = selectors.pledge_wiped_devices(pledge_id)
    if not pairs:
        return
    donor = pairs[0][0].pledge.donor

    def attachments(language: str) -> list[tuple[str, bytes, str]]:
        content = documents.wipe_certificate_pdf(pairs, donor=donor, language=language)
        return [(f"chung-nhan-xoa-du-lieu-{pledge_id}.pdf", content, "application/pdf")]

    send_to_donor(
        donor,
        "logistics/emails/wipe_certificate",
        {
            "pledge_id": pledge_id,
            "count": len(pairs),
            "certificate_url": settings.SITE_URL
            + reverse("logistics:pledge_wipe_certificate", args=[pledge_id]),
        },
        attachments=attachments,
    )
