"""A donor's rights over their own data (Law 91/2025): to see everything held about their
account (`donor_personal_data`) and to have it erased (`donor_erase`).

Erasing a donor empties their name, email and public name (and those of the donor rows made in
their email's name by others: unconfirmed claims), their pickup addresses, their photos of the
phones (files deleted from storage), their name in stored payment events and bank statement
lines (those kept for review too); closes the account (it can no longer sign in: inactive, no password, no API token, a
placeholder address); and keeps their pledges, phones and gifts as anonymous rows, so the ledger
still balances and every phone's journey stays whole. The honour roll forgets them at once
(apps above register a listener: progress drops its cached roll)."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AccountEvent, User
from accounts.scoping import scope_for
from core.errors import ApplicationError, Conflict
from core.media import erase_file
from core.text import redact
from donations.models import (
    Device,
    DevicePhoto,
    Donor,
    DonorClaim,
    Gift,
    HeldMoney,
    Pledge,
    PledgeEvent,
    StatementImport,
    StatementLine,
    StripeEvent,
)

# name → listener(): called after the commit of an erasure (progress forgets its honour roll).
ERASED_LISTENERS: dict[str, Callable[[], None]] = {}


def register_erased_listener(name: str, listener: Callable[[], None]) -> None:
    ERASED_LISTENERS[name] = listener


def _local(value):
    return timezone.localtime(value).isoformat() if value else None


def _device(device: Device) -> dict:
    outcome = getattr(device, "outcome", None)
    return {
        "tracking_code": device.tracking_code,
        "brand": device.brand,
        "model": device.model,
        "imei": device.imei,
        "condition": device.condition,
        "status": device.status,
        "photos": len(device.photo_list),
        "outcome": {
            "commune": outcome.commune.name,
            "household_kind": outcome.household_kind,
            "delivered_at": _local(outcome.delivered_at),
        }
        if outcome is not None and device.status in ("delivered", "followed_up")
        else None,
    }


def _pledge(pledge: Pledge) -> dict:
    return {
        "id": pledge.id,
        "status": pledge.status,
        "created_at": _local(pledge.created_at),
        "dropoff": pledge.dropoff,
        "hub": pledge.hub.name if pledge.hub_id else None,
        "pickup_address": pledge.pickup_address,
        "pickup_window": pledge.pickup_window,
        "commune_preference": pledge.commune_preference_id,
        "only_that_commune": pledge.preference_strict,
        "devices": [_device(d) for d in pledge.devices.all()],
    }


def _gift(gift: Gift) -> dict:
    return {
        "id": gift.id,
        "method": gift.method,
        "purpose": gift.purpose,
        "amount": {"amount": gift.amount, "currency": gift.currency},
        "refunded": gift.refunded_amount,
        "status": gift.status,
        "memo": gift.memo,
        "created_at": _local(gift.created_at),
        "paid_at": _local(gift.paid_at),
    }


def _donor(donor: Donor) -> dict:
    return {
        "name": donor.name,
        "email": donor.email,
        "kind": donor.kind,
        "country": donor.country,
        "language": donor.language,
        "public_name": donor.public_name,
        "home_commune": donor.home_commune.name if donor.home_commune_id else None,
        "created_at": _local(donor.created_at),
        "pledges": [_pledge(p) for p in donor.pledges.all()],
        "gifts": [_gift(g) for g in donor.gifts.all()],
    }


def _donors(query: Q):
    devices = Device.objects.order_by("id").select_related("outcome__commune")
    devices = devices.prefetch_related(Prefetch("photos", to_attr="photo_list"))
    return (
        Donor.objects.filter(query)
        .select_related("home_commune")
        .prefetch_related(
            Prefetch(
                "pledges",
                queryset=Pledge.objects.select_related("hub").prefetch_related(
                    Prefetch("devices", queryset=devices)
                ),
            ),
            Prefetch("gifts", queryset=Gift.objects.order_by("created_at", "id")),
        )
    )


def donor_personal_data(*, user) -> dict:
    """Everything held about the signed-in account (right of access), as JSON-ready data: the
    account, its donor profile with every pledge (and each phone's journey as the donor sees
    it), every gift, and what others gave in its email's name still waiting for confirmation."""
    claims = DonorClaim.objects.filter(account=user).select_related("donor")
    return {
        "exported_at": _local(timezone.now()),
        "account": {
            "email": user.email,
            "name": user.name,
            "language": user.language,
            "joined": _local(user.date_joined),
            "last_sign_in": _local(user.last_login),
        },
        "donor": [_donor(d) for d in _donors(Q(user=user))],
        "unconfirmed_claims": [
            {
                "created_at": _local(claim.created_at),
                "confirmed_at": _local(claim.confirmed_at),
                "typed": claim.typed,
                **_donor(donor),
            }
            for claim in claims
            for donor in _donors(Q(id=claim.donor_id))
        ],
    }


def _erase_donor(donor: Donor, names: list[str]) -> None:
    donor.name = donor.email = donor.public_name = ""
    donor.home_commune = None
    donor.erased_at = timezone.now()
    donor.save(update_fields=["name", "email", "public_name", "home_commune", "erased_at"])
    pledges = Pledge.objects.filter(donor=donor)
    names += [p for p in pledges.values_list("pickup_address", flat=True) if p]
    pledges.update(pickup_address="", pickup_window="")
    for photo in DevicePhoto.objects.filter(device__pledge__donor=donor):
        erase_file(photo.image)
        erase_file(photo.thumbnail)
        photo.delete()


def _redact_rows(rows, fields: tuple[str, ...], names: list[str]) -> None:
    for row in rows:
        clean = {f: redact(getattr(row, f), names) for f in fields}
        if any(clean[f] != getattr(row, f) for f in fields):
            for f, value in clean.items():
                setattr(row, f, value)
            row.save(update_fields=list(fields))


@transaction.atomic
def donor_erase(*, user, confirm: bool) -> None:
    """Erase the signed-in donor (see the module's docstring). It cannot be undone, so it needs
    `confirm`; a member of staff's account is closed by an administrator instead (their acts
    are the programme's records)."""
    if confirm is not True:
        message = _("Confirm that you want your data erased: it cannot be undone.")
        raise ApplicationError(message, code="confirm_required", fields={"confirm": [message]})
    if scope_for(user).is_staff_member or user.is_staff or user.is_superuser:
        raise Conflict(
            _("A staff account is closed by an administrator: please ask one."),
            code="staff_account",
        )
    from unidecode import unidecode

    user = User.objects.select_for_update().get(pk=user.pk)
    donors = list(
        Donor.objects.select_for_update(of=("self",)).filter(
            Q(user=user) | Q(claim__account=user) | Q(email__iexact=user.email, user__isnull=True)
        )
    )
    names = [user.name, user.email]
    for donor in donors:
        names += [donor.name, donor.email, donor.public_name]
    names += [unidecode(n) for n in names if n]  # a bank writes names without diacritics
    for donor in donors:
        _erase_donor(donor, names)
    DonorClaim.objects.filter(Q(account=user) | Q(donor__in=donors)).delete()
    gifts = Gift.objects.filter(donor__in=donors)
    sessions = [s for s in gifts.values_list("stripe_session_id", flat=True) if s]
    intents = [i for i in gifts.values_list("stripe_payment_intent", flat=True) if i]
    stripe = StripeEvent.objects.filter(Q(session_id__in=sessions) | Q(payment_intent__in=intents))
    _redact_rows(stripe, ("payload",), names)
    _redact_rows(StatementLine.objects.filter(gift__in=gifts), ("description",), names)
    # A bank line kept for review (unmatched, held) may name them without naming their gift.
    _redact_rows(StatementImport.objects.all(), ("unmatched", "held", "errors"), names)
    _redact_rows(HeldMoney.objects.all(), ("description", "reason"), names)
    _redact_rows(PledgeEvent.objects.filter(pledge__donor__in=donors), ("data", "reason"), names)
    _redact_rows(AccountEvent.objects.filter(user=user), ("data",), names)
    user.email = f"erased-{user.pk}@erased.invalid"  # unique, never delivered
    user.name = ""
    user.is_active = False
    user.set_unusable_password()  # and every session of the account ends with its password
    user.save(update_fields=["email", "name", "is_active", "password"])
    from rest_framework.authtoken.models import Token

    Token.objects.filter(user=user).delete()
    AccountEvent.objects.create(user=user, actor=user, action=AccountEvent.Action.ERASED)
    for listener in ERASED_LISTENERS.values():
        transaction.on_commit(listener)
