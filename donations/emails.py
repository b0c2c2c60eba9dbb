"""Emails to donors, each rendered in the donor's language (vi/en). Called by tasks.py."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from donations import documents, money
from donations.models import DeviceEvent, DeviceOutcome, Gift, Pledge


def send_to_donor(donor, template: str, context: dict, *, attachments=None) -> None:
    """Email `donor` the template `template` (a path without "_subject.txt"/".txt"), in the
    donor's language; `attachments(language)` gives the files to attach, as (name, bytes, type)."""
    if not donor.email:
        return
    # A claim's email speaks the language of the account it goes to, not the visitor's.
    language = (context.get("account") or donor).language or "vi"
    with translation.override(language):
        context = {
            "donor": donor,
            "site_url": settings.SITE_URL,
            "my_url": settings.SITE_URL + reverse("donations:mine"),
            **context,
        }
        subject = render_to_string(f"{template}_subject.txt", context)
        body = render_to_string(f"{template}.txt", context)
        files = attachments(language) if attachments else []
    message = EmailMultiAlternatives(" ".join(subject.split()), body, to=[donor.email])
    for name, content, mimetype in files:
        message.attach(name, content, mimetype)
    message.send()


def _send(donor, template: str, context: dict, *, attachments=None) -> None:
    send_to_donor(donor, f"donations/emails/{template}", context, attachments=attachments)


def _claim(donor) -> dict:
    """For a donor row waiting for its account's owner (an unconfirmed DonorClaim): the account
    and the one-time link that confirms the pledge or gift is theirs; else nothing."""
    from donations.services.claims import donor_claim_link, donor_claim_open_for

    claim = donor_claim_open_for(donor)
    if claim is None:
        return {}
    return {
        "account": claim.account,
        "claim_link": donor_claim_link(claim),
        "claim_days": settings.DONATIONS_CLAIM_LINK_MAX_AGE // (24 * 3600),
    }


def _track_url(code: str) -> str:
    return settings.SITE_URL + reverse("donations:track", args=[code])


def pledge_received(*, pledge_id: int) -> None:
    pledge = (
        Pledge.objects.select_related("donor__user", "hub")
        .prefetch_related("devices")
        .get(id=pledge_id)
    )
    claim = _claim(pledge.donor)
    user = claim["account"] if claim else pledge.donor.user
    link = ""
    if user is not None and not user.has_usable_password():
        from accounts.emails import password_set_link

        link = password_set_link(user)
    phones = sorted(pledge.devices.all(), key=lambda d: d.id)
    devices = [(d, _track_url(d.tracking_code)) for d in phones]
    post_hubs = []
    if pledge.dropoff == "post" and pledge.hub is None:
        from donations.selectors import hubs_for_pledging

        post_hubs = list(hubs_for_pledging())
    _send(
        pledge.donor,
        "pledge_received",
        {
            "pledge": pledge,
            "devices": devices,
            "sign_in_link": link,
            "post_hubs": post_hubs,
            "attached": len(phones) >= documents.ATTACH_FROM,
            "labels_attached": len(phones) <= documents.ATTACH_LABELS_UP_TO,
            **claim,
        },
        attachments=lambda language: documents.pledge_attachments(
            pledge, phones, language=language
        ),
    )


def device_milestone(*, event_id: int) -> None:
    event = (
        DeviceEvent.objects.select_related("device__pledge__donor", "device__hub")
        .filter(id=event_id)
        .first()
    )
    if event is None or event.device.pledge is None:
        return
    device = event.device
    outcome = None
    if event.new_status == "delivered":
        outcome = DeviceOutcome.objects.select_related("commune").filter(device=device).first()
    _send(
        device.pledge.donor,
        f"device_{event.new_status}",
        {
            "device": device,
            "event": event,
            "outcome": outcome,
            "reason": (event.data or {}).get("reason", ""),
            "returning": (event.data or {}).get("next") == "return",
            "track_url": _track_url(device.tracking_code),
        },
    )


def gift_paid(*, gift_id: int) -> None:
    gift = Gift.objects.select_related("donor").get(id=gift_id)
    _send(
        gift.donor,
        "gift_paid",
        {
            "gift": gift,
            "amount": money.format_amount(gift.amount, gift.currency),
            **_claim(gift.donor),
        },
    )


def gift_refunded(*, gift_id: int, amount: int) -> None:
    gift = Gift.objects.select_related("donor").get(id=gift_id)
    _send(
        gift.donor,
        "gift_refunded",
        {"gift": gift, "amount": money.format_amount(amount, gift.currency)},
    )
