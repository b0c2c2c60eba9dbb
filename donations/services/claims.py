"""Unconfirmed donor claims (models.DonorClaim): the one-time link emailed to the address an
anonymous pledge or gift named, and its confirmation by the account's owner, signed in.

The link carries the claim's id signed with a timestamp (TimestampSigner): it cannot be forged,
it expires settings.DONATIONS_CLAIM_LINK_MAX_AGE seconds after the email was written, and it
works once (a confirmed claim refuses it). Only the account the email belongs to may use it."""

from __future__ import annotations

from django.conf import settings
from django.core.signing import BadSignature, SignatureExpired, TimestampSigner
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ApplicationError, Conflict, Forbidden, NotFound
from donations.models import DonorClaim, Gift, Pledge, PledgeEvent
from donations.services.donors import donor_for
from donations.services.gifts import GIFT
from donations.services.pledges import pledge_note
from donations.services.timeline import timeline_note

CLAIM_SALT = "donations.donor-claim"


def donor_claim_token(claim: DonorClaim) -> str:
    """The token of `claim`'s confirmation link, signed now (its age counts from now)."""
    return TimestampSigner(salt=CLAIM_SALT).sign(str(claim.id))


def donor_claim_link(claim: DonorClaim) -> str:
    return settings.SITE_URL + reverse("donations:claim_confirm", args=[donor_claim_token(claim)])


def donor_claim_open_for(donor) -> DonorClaim | None:
    """The unconfirmed claim holding `donor`'s row, if any (the emails add its link)."""
    return DonorClaim.objects.filter(donor=donor, confirmed_at__isnull=True).first()


def donor_claim_get(*, token: str, actor, lock: bool = False) -> DonorClaim:
    """The claim a link names, if `actor` may confirm it now. Refused, with what to do: a link
    that is not ours (404), expired (410), meant for another account (403), already used (409)."""
    invalid = _(
        "This confirmation link is not valid. Open the link from the email exactly as it came."
    )
    try:
        claim_id = TimestampSigner(salt=CLAIM_SALT).unsign(
            token, max_age=settings.DONATIONS_CLAIM_LINK_MAX_AGE
        )
    except SignatureExpired:
        raise ApplicationError(
            _(
                "This confirmation link has expired. The pledge stays registered as it is; if it "
                "is yours, please write to us and we will add it to your donations."
            ),
            code="claim_link_expired",
            status=410,
        ) from None
    except BadSignature:
        raise NotFound(invalid, code="claim_link_invalid") from None
    qs = DonorClaim.objects.select_related("donor")
    if lock:
        qs = qs.select_for_update()
    claim = qs.filter(id=claim_id).first() if claim_id.isdigit() else None
    if claim is None:
        raise NotFound(invalid, code="claim_link_invalid")
    if not actor.is_authenticated or actor.id != claim.account_id:
        raise Forbidden(
            _(
                "This link was sent to another email address. Sign in with the account of the "
                "address that received it, then open the link again."
            ),
            code="claim_other_account",
        )
    if claim.confirmed_at is not None:
        raise Conflict(
            _("This confirmation link was already used: the pledge is among your donations."),
            code="claim_link_used",
        )
    return claim


@transaction.atomic
def donor_claim_confirm(*, token: str, actor) -> DonorClaim:
    """The owner says "this is mine": the claim's pledges and gifts move to the owner's donor
    row (made on first use), each with an event row; the owner's profile is left as it is."""
    claim = donor_claim_get(token=token, actor=actor, lock=True)
    held = claim.donor
    owner = donor_for(
        actor=actor, name=held.name, kind=held.kind, country=held.country, language=held.language
    ).donor
    data = {"claim": claim.id, "from_donor": held.id}
    for pledge in Pledge.objects.select_for_update().filter(donor=held):
        pledge.donor = owner
        pledge.save(update_fields=["donor", "updated_at"])
        pledge_note(pledge=pledge, action=PledgeEvent.Action.CLAIMED, actor=actor, data=data)
    for gift in Gift.objects.select_for_update().filter(donor=held):
        gift.donor = owner
        gift.save(update_fields=["donor", "updated_at"])
        timeline_note(GIFT, gift, actor=actor, data=data, source="claim")
    claim.confirmed_at = timezone.now()
    claim.confirmed_by = actor
    claim.save(update_fields=["confirmed_at", "confirmed_by"])
    return claim
