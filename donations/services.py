"""Every write of the donations app: pledges, photos, outcomes, gifts (Stripe and VietQR), the
statement reconciliation and the fund ledger. Keyword-only, atomic, an event row per write, side
effects (emails, thumbnails) on commit.

Fund ledger attribution rule (what a donor sees as "your gift became these phones"):
    A spend (refurbish / sim / buy_phone, tied to devices) is paid from paid gifts in the SAME
    currency, first from gifts earmarked for that purpose, then from gifts for "general", each
    oldest payment first (FIFO), up to what each gift still holds (its amount minus refunds minus
    earlier attributions). Whatever no gift covers is paid from the programme's general fund and
    stays unattributed. A refund after spending does not rewrite history: it only lowers what the
    gift can still pay for.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import ApplicationError, Conflict, Forbidden, NotFound
from donations import money, stripe_client, vietqr
from donations.images import clean_image
from donations.lifecycle import device_transition
from donations.models import (
    Device,
    DeviceEvent,
    DeviceOutcome,
    DevicePhoto,
    Donor,
    Gift,
    GiftEvent,
    LedgerAttribution,
    LedgerEntry,
    Pledge,
    PledgeEvent,
    StatementImport,
    StatementLine,
    StripeEvent,
)
from places.models import Commune, Hub

IMEI_RE = re.compile(r"^\d{15}$")
DEVICE_FIELDS = (
    "brand",
    "model",
    "ram_gb",
    "storage_gb",
    "os",
    "os_version",
    "supports_4g",
    "supports_volte",
    "has_nfc",
    "has_camera",
    "condition",
    "imei",
)


def _error(message: str, code: str, field: str | None = None) -> ApplicationError:
    return ApplicationError(message, code=code, fields={field: [message]} if field else None)


# ---------------------------------------------------------------------------------------------
# Donors


def _clean_email(email: str, field: str = "email") -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise _error(_("Enter a valid email address."), "invalid_email", field) from None
    return email


@dataclass
class DonorResult:
    donor: Donor
    new_account: bool = False


def donor_for(
    *,
    user=None,
    name: str = "",
    email: str = "",
    kind: str = "",
    country: str = "",
    language: str = "",
    public_name: str | None = None,
    home_commune: str | None = None,
) -> DonorResult:
    """The donor behind a pledge or gift. Signed in: the user's donor row (made on first use).
    Not signed in: the donor of that email; a new email gets an account without a password,
    whose owner sets one through the link in the confirmation email."""
    kind = kind or Donor.Kind.INDIVIDUAL
    if kind not in Donor.Kind.values:
        raise _error(
            _("Choose what kind of donor you are: %(kinds)s.")
            % {"kinds": ", ".join(Donor.Kind.values)},
            "invalid_donor_kind",
            "donor.kind",
        )
    language = language if language in ("vi", "en") else (get_language() or "vi")[:2]
    country = (country or "VN").strip().upper()[:2]
    commune = None
    if home_commune:
        commune = Commune.objects.filter(code=home_commune).first()
        if commune is None:
            raise _error(_("Choose a commune of Quảng Trị."), "unknown_commune", "home_commune")
    new_account = False
    if user is not None and user.is_authenticated:
        donor = Donor.objects.select_for_update().filter(user=user).first()
        if donor is None:
            donor = Donor.objects.create(
                user=user,
                name=user.name or name or user.email,
                email=user.email,
                kind=kind,
                country=country,
                language=user.language or language,
            )
    else:
        name = (name or "").strip()
        if not name:
            raise _error(_("Tell us your name."), "donor_required", "donor.name")
        email = _clean_email(email, "donor.email")
        # The account and its donor row in one query (an account may have no donor row yet).
        account = User.objects.select_related("donor").filter(email__iexact=email).first()
        if account is None:
            account = User.objects.create_user(
                email=email, password=None, name=name, language=language
            )
            new_account = True
        donor = None if new_account else getattr(account, "donor", None)
        if donor is None:
            donor = Donor.objects.filter(email__iexact=email, user__isnull=True).first()
            if donor is not None:
                donor.user = account
                donor.save(update_fields=["user"])
        if donor is None:
            donor = Donor.objects.create(
                user=account, name=name, email=email, kind=kind, country=country, language=language
            )
    changed = []
    if public_name is not None and public_name.strip() != donor.public_name:
        donor.public_name = public_name.strip()[:150]
        changed.append("public_name")
    if commune is not None and donor.home_commune_id != commune.code:
        donor.home_commune = commune
        changed.append("home_commune")
    if changed:
        donor.save(update_fields=changed)
    return DonorResult(donor=donor, new_account=new_account)


# ---------------------------------------------------------------------------------------------
# Pledges


def _luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _os_major(version: str) -> int | None:
    match = re.match(r"\s*(\d+)", version or "")
    return int(match.group(1)) if match else None


def _recycling_url() -> str:
    url = settings.DONATIONS_RECYCLING_URL
    return settings.SITE_URL + url if url.startswith("/") else url


def device_check(spec: dict, *, prefix: str = "devices.0") -> list[str]:
    """Refuse what cannot serve a household; return warnings for what can but is weak."""
    if not spec.get("supports_4g"):
        message = _(
            "This phone has no 4G. Vietnam switched 2G off in October 2024 and 3G ends by 2028, "
            "so it could not make calls or run VNeID here. Please take it to a recycling "
            "point instead: %(url)s"
        ) % {"url": _recycling_url()}
        raise _error(message, "device_not_usable", f"{prefix}.supports_4g")
    if not spec.get("supports_volte"):
        message = _(
            "This phone has no VoLTE (calls over 4G). Without it, calls fall back to 2G/3G, which "
            "are being switched off in Vietnam, so it could not make calls here. Please take it "
            "to a recycling point instead: %(url)s"
        ) % {"url": _recycling_url()}
        raise _error(message, "device_not_usable", f"{prefix}.supports_volte")
    quantity = spec.get("quantity", 1)
    if not isinstance(quantity, int) or quantity < 1:
        raise _error(
            _("The number of phones must be at least 1."), "invalid_quantity", f"{prefix}.quantity"
        )
    if quantity > 1 and spec.get("condition") != Device.Condition.NEW:
        raise _error(
            _(
                "Several identical phones in one line are only possible for new phones; "
                "list used phones one by one."
            ),
            "batch_only_new",
            f"{prefix}.quantity",
        )
    if quantity > settings.DONATIONS_MAX_BATCH:
        raise _error(
            _("At most %(max)s phones per line; please split larger batches.")
            % {"max": settings.DONATIONS_MAX_BATCH},
            "invalid_quantity",
            f"{prefix}.quantity",
        )
    if spec.get("condition") not in Device.Condition.values:
        raise _error(_("Choose the phone's condition."), "invalid", f"{prefix}.condition")
    if spec.get("os", "android") not in Device.OS.values:
        raise _error(_("Choose the operating system."), "invalid", f"{prefix}.os")
    if not (spec.get("brand") or "").strip() or not (spec.get("model") or "").strip():
        raise _error(_("Enter the phone's brand and model."), "invalid", f"{prefix}.model")
    imei = (spec.get("imei") or "").strip()
    if imei:
        if quantity > 1:
            raise _error(
                _("An IMEI belongs to one phone; leave it empty for a batch."),
                "invalid_imei",
                f"{prefix}.imei",
            )
        if not IMEI_RE.match(imei) or not _luhn_ok(imei):
            raise _error(
                _("An IMEI has 15 digits (dial *#06# to see it); this one is not valid."),
                "invalid_imei",
                f"{prefix}.imei",
            )
    warnings = []
    minimum = settings.DONATIONS_MIN_OS_VERSION.get(spec.get("os", ""))
    major = _os_major(spec.get("os_version", ""))
    if minimum and major is not None and major < minimum:
        warnings.append(
            _(
                "%(os)s %(version)s is old: banking, VNeID and school apps may stop supporting it. "
                "We accept the phone, but if it can be updated to %(os)s %(min)s or later, please "
                "update it first."
            )
            % {"os": Device.OS(spec["os"]).label, "version": spec.get("os_version"), "min": minimum}
        )
    return warnings


def _clean_dropoff(dropoff: str, hub_id, pickup_address: str, pickup_window: str) -> Hub | None:
    if dropoff not in Pledge.Dropoff.values:
        raise _error(_("Choose how the phone reaches us."), "invalid_dropoff", "dropoff")
    hub = None
    if hub_id not in (None, ""):
        hub = (
            Hub.objects.filter(id=hub_id, is_active=True).order_by().first()
            if str(hub_id).isdigit()
            else None
        )
        if hub is None:
            raise _error(_("Choose one of our hubs."), "unknown_hub", "hub")
    if dropoff == Pledge.Dropoff.HUB and hub is None:
        raise _error(_("Choose the hub you will bring the phone to."), "hub_required", "hub")
    if dropoff == Pledge.Dropoff.PICKUP:
        if not (pickup_address or "").strip():
            raise _error(
                _("Tell us where to pick the phone up."),
                "pickup_details_required",
                "pickup_address",
            )
        if not (pickup_window or "").strip():
            raise _error(
                _("Tell us when we may pick it up (for example: weekdays 17:00–19:00)."),
                "pickup_details_required",
                "pickup_window",
            )
    return hub


def _clean_preference(preference: dict | None) -> tuple[Commune | None, bool]:
    if not preference or not preference.get("commune"):
        return None, False
    commune = Commune.objects.filter(code=str(preference["commune"])).first()
    if commune is None:
        raise _error(
            _("Choose one of the 78 communes of Quảng Trị."),
            "unknown_commune",
            "commune_preference.commune",
        )
    return commune, bool(preference.get("strict"))


@dataclass
class PledgeResult:
    pledge: Pledge
    warnings: list[str] = field(default_factory=list)
    new_account: bool = False


PLEDGE_ATTEMPTS = 3


def pledge_create(
    *,
    actor,
    devices: list[dict],
    dropoff: str = "hub",
    hub=None,
    pickup_address: str = "",
    pickup_window: str = "",
    commune_preference: dict | None = None,
    donor: dict | None = None,
    public_name: str | None = None,
) -> PledgeResult:
    """A pledge of one or more phones (a line with quantity N makes N identical new phones).

    The pledge goes in as one transaction with no savepoint inside: a drawn tracking code that is
    already taken (25^6 codes: rare) or an account that a simultaneous first pledge of the same
    email has just made breaks a unique constraint, and the whole pledge is tried again from the
    start, drawing new codes and finding that account (at most PLEDGE_ATTEMPTS times)."""
    for attempt in range(1, PLEDGE_ATTEMPTS + 1):
        try:
            with transaction.atomic():
                return _pledge_create_once(
                    actor=actor,
                    devices=devices,
                    dropoff=dropoff,
                    hub=hub,
                    pickup_address=pickup_address,
                    pickup_window=pickup_window,
                    commune_preference=commune_preference,
                    donor=donor,
                    public_name=public_name,
                )
        except IntegrityError as error:
            if attempt == PLEDGE_ATTEMPTS or not _pledge_race(error):
                raise
    raise AssertionError("unreachable")  # pragma: no cover


# The unique constraints a pledge may break by chance rather than by a fault, as PostgreSQL
# ("... unique constraint "donations_device_tracking_code_key"") and SQLite ("UNIQUE constraint
# failed: donations_device.tracking_code") name them: a drawn tracking code already taken, an
# account or a donor row that a simultaneous first pledge of the same person has just made.
PLEDGE_RACES = (
    ("donations_device_tracking_code", "donations_device.tracking_code"),
    ("accounts_user_email", "accounts_user.email"),
    ("donations_donor_user_id", "donations_donor.user_id"),
)


def _pledge_race(error: IntegrityError) -> bool:
    message = str(error)
    return any(name in message for names in PLEDGE_RACES for name in names)


def _pledge_create_once(
    *,
    actor,
    devices,
    dropoff,
    hub,
    pickup_address,
    pickup_window,
    commune_preference,
    donor,
    public_name,
) -> PledgeResult:
    if not devices:
        raise _error(_("Add at least one phone."), "no_devices", "devices")
    warnings: list[str] = []
    total = 0
    for index, spec in enumerate(devices):
        warnings += device_check(spec, prefix=f"devices.{index}")
        total += spec.get("quantity", 1)
    if total > settings.DONATIONS_MAX_BATCH:
        raise _error(
            _("At most %(max)s phones per pledge; please split larger gifts.")
            % {"max": settings.DONATIONS_MAX_BATCH},
            "invalid_quantity",
            "devices",
        )
    hub_obj = _clean_dropoff(dropoff, hub, pickup_address, pickup_window)
    commune, strict = _clean_preference(commune_preference)
    donor_data = donor or {}
    result = donor_for(
        user=actor,
        name=donor_data.get("name", ""),
        email=donor_data.get("email", ""),
        kind=donor_data.get("kind", ""),
        country=donor_data.get("country", ""),
        language=donor_data.get("language", ""),
        public_name=public_name,
        home_commune=donor_data.get("home_commune"),
    )
    pledge = Pledge.objects.create(
        donor=result.donor,
        commune_preference=commune,
        preference_strict=strict if commune else False,
        dropoff=dropoff,
        hub=hub_obj,
        pickup_address=(pickup_address or "").strip() if dropoff == "pickup" else "",
        pickup_window=(pickup_window or "").strip() if dropoff == "pickup" else "",
    )
    made = []
    for spec in devices:
        values = {k: spec[k] for k in DEVICE_FIELDS if k in spec and spec[k] is not None}
        values["brand"] = values["brand"].strip()
        values["model"] = values["model"].strip()
        for _n in range(spec.get("quantity", 1)):
            made.append(Device(pledge=pledge, **values))
    # One INSERT for the whole pledge (a business's batch may hold hundreds of phones).
    Device.objects.bulk_create(made)
    by = actor if actor is not None and actor.is_authenticated else result.donor.user
    events = DeviceEvent.objects.bulk_create(
        [DeviceEvent(device=d, actor=by, old_status="", new_status="pledged") for d in made]
    )
    PledgeEvent.objects.create(
        pledge=pledge,
        actor=by,
        action=PledgeEvent.Action.CREATED,
        data={"devices": [d.tracking_code for d in made], "warnings": [str(w) for w in warnings]},
    )
    # What the pledge selectors prefetch (selectors.pledge_list_for_donor), set from what was just
    # written, so the caller can render the new pledge without reading it back.
    pledge.device_list = made
    for device, event in zip(made, events, strict=True):
        device.timeline = [event]
        device.photo_list = []
    from donations.tasks import email_pledge_received

    transaction.on_commit(lambda: email_pledge_received.delay(pledge.id))
    return PledgeResult(
        pledge=pledge, warnings=[str(w) for w in warnings], new_account=result.new_account
    )


def pledge_get_for_donor(*, pledge_id: int, user, lock: bool = False) -> Pledge:
    qs = Pledge.objects.select_related("donor")
    if lock:
        qs = qs.select_for_update()
    pledge = qs.filter(id=pledge_id, donor__user=user).first() if user.is_authenticated else None
    if pledge is None:
        raise NotFound(_("No such pledge among yours."))
    return pledge


def _ensure_editable(pledge: Pledge) -> None:
    if pledge.status == Pledge.Status.CANCELLED:
        raise Conflict(_("This pledge was cancelled."), code="pledge_cancelled")
    moved = pledge.devices.exclude(status__in=["pledged", "cancelled"]).exists()
    if moved:
        raise Conflict(
            _(
                "A hub has already received a phone of this pledge, so it can no longer be "
                "changed or cancelled. Please contact the hub."
            ),
            code="pledge_locked",
        )


@transaction.atomic
def pledge_update(
    *,
    pledge_id: int,
    actor,
    dropoff: str | None = None,
    hub=None,
    pickup_address: str | None = None,
    pickup_window: str | None = None,
    commune_preference: dict | None = None,
    clear_preference: bool = False,
) -> Pledge:
    """The donor changes how the phone reaches us or the commune rule, until a hub receives it."""
    pledge = pledge_get_for_donor(pledge_id=pledge_id, user=actor, lock=True)
    _ensure_editable(pledge)
    before = {
        "dropoff": pledge.dropoff,
        "hub": pledge.hub_id,
        "pickup_address": pledge.pickup_address,
        "pickup_window": pledge.pickup_window,
        "commune": pledge.commune_preference_id,
        "strict": pledge.preference_strict,
    }
    dropoff = dropoff if dropoff is not None else pledge.dropoff
    hub = hub if hub is not None else pledge.hub_id
    pickup_address = pickup_address if pickup_address is not None else pledge.pickup_address
    pickup_window = pickup_window if pickup_window is not None else pledge.pickup_window
    hub_obj = _clean_dropoff(dropoff, hub, pickup_address, pickup_window)
    pledge.dropoff, pledge.hub = dropoff, hub_obj
    pledge.pickup_address = pickup_address.strip() if dropoff == "pickup" else ""
    pledge.pickup_window = pickup_window.strip() if dropoff == "pickup" else ""
    if clear_preference:
        pledge.commune_preference, pledge.preference_strict = None, False
    elif commune_preference is not None:
        commune, strict = _clean_preference(commune_preference)
        pledge.commune_preference, pledge.preference_strict = commune, strict if commune else False
    pledge.save()
    after = {
        "dropoff": pledge.dropoff,
        "hub": pledge.hub_id,
        "pickup_address": pledge.pickup_address,
        "pickup_window": pledge.pickup_window,
        "commune": pledge.commune_preference_id,
        "strict": pledge.preference_strict,
    }
    changed = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if changed:
        PledgeEvent.objects.create(
            pledge=pledge, actor=actor, action=PledgeEvent.Action.UPDATED, data=changed
        )
    return pledge


@transaction.atomic
def pledge_cancel(*, pledge_id: int, actor) -> Pledge:
    pledge = pledge_get_for_donor(pledge_id=pledge_id, user=actor, lock=True)
    if pledge.status == Pledge.Status.CANCELLED:
        return pledge
    _ensure_editable(pledge)
    for device_id in pledge.devices.filter(status="pledged").values_list("id", flat=True):
        device_transition(device_id=device_id, to=Device.Status.CANCELLED, actor=actor)
    pledge.status = Pledge.Status.CANCELLED
    pledge.save(update_fields=["status", "updated_at"])
    PledgeEvent.objects.create(pledge=pledge, actor=actor, action=PledgeEvent.Action.CANCELLED)
    return pledge


@transaction.atomic
def device_photo_add(*, pledge_id: int, tracking_code: str, image, actor) -> DevicePhoto:
    """Up to DONATIONS_PHOTOS_PER_DEVICE photos per phone, cleaned by images.clean_image."""
    pledge = pledge_get_for_donor(pledge_id=pledge_id, user=actor)
    device = (
        Device.objects.select_for_update()
        .filter(pledge=pledge, tracking_code=(tracking_code or "").strip().upper())
        .first()
    )
    if device is None:
        raise _error(_("Choose one of this pledge's phones."), "unknown_device", "device")
    if pledge.status == Pledge.Status.CANCELLED:
        raise Conflict(_("This pledge was cancelled."), code="pledge_cancelled")
    if image is None:
        raise _error(_("Choose a photo to upload."), "image_required", "image")
    limit = settings.DONATIONS_PHOTOS_PER_DEVICE
    if device.photos.count() >= limit:
        raise Conflict(
            _("A phone can have at most %(max)s photos.") % {"max": limit},
            code="too_many_photos",
            fields={"image": [_("A phone can have at most %(max)s photos.") % {"max": limit}]},
        )
    content = clean_image(image)
    width, height = content.image_size
    photo = DevicePhoto(device=device, uploaded_by=actor, width=width, height=height)
    photo.image.save(content.name, content, save=False)
    photo.save()
    PledgeEvent.objects.create(
        pledge=pledge,
        actor=actor,
        action=PledgeEvent.Action.PHOTO_ADDED,
        data={"device": device.tracking_code, "photo": photo.id},
    )
    from donations.tasks import make_photo_thumbnail

    transaction.on_commit(lambda: make_photo_thumbnail.delay(photo.id))
    return photo


def photo_thumbnail_make(*, photo_id: int) -> None:
    from donations.images import thumbnail_of

    photo = DevicePhoto.objects.filter(id=photo_id).first()
    if photo is None or photo.thumbnail:
        return
    with photo.image.open("rb") as handle:
        content = thumbnail_of(handle, settings.DONATIONS_THUMBNAIL_SIDE)
    photo.thumbnail.save(content.name, content, save=False)
    photo.save(update_fields=["thumbnail"])


# ---------------------------------------------------------------------------------------------
# Outcome (called by logistics at handover, with anonymised data only)


@transaction.atomic
def device_outcome_record(
    *,
    device_id: int,
    commune_code: str,
    household_kind: str,
    delivered_at,
    story: str = "",
    photo=None,
    actor=None,
) -> DeviceOutcome:
    """What the donor and the public learn about a delivered phone: the commune, the kind of
    household, and, only if the household consented, a short story and a photo (cleaned of EXIF).
    One per device; recording again replaces it."""
    device = Device.objects.select_for_update().filter(id=device_id).first()
    if device is None:
        raise NotFound(_("No such phone."))
    commune = Commune.objects.filter(code=commune_code).first()
    if commune is None:
        raise _error(_("Choose a commune of Quảng Trị."), "unknown_commune", "commune")
    if household_kind not in DeviceOutcome.HouseholdKind.values:
        raise _error(
            _("Unknown household kind: %(kind)s.") % {"kind": household_kind},
            "invalid_household_kind",
            "household_kind",
        )
    outcome = DeviceOutcome.objects.filter(device=device).first() or DeviceOutcome(device=device)
    outcome.commune = commune
    outcome.household_kind = household_kind
    outcome.delivered_at = delivered_at or timezone.now()
    outcome.story = (story or "").strip()[:2000]
    outcome.recorded_by = actor
    if photo is not None:
        content = clean_image(photo, field="photo")
        outcome.photo.save(content.name, content, save=False)
    outcome.save()
    return outcome


# ---------------------------------------------------------------------------------------------
# Gifts


def _gift_status_set(gift: Gift, status: str, *, source: str, data: dict | None = None) -> None:
    if gift.status == status:
        return
    old = gift.status
    gift.status = status
    if status == Gift.Status.PAID and gift.paid_at is None:
        gift.paid_at = timezone.now()
    gift.save()
    GiftEvent.objects.create(
        gift=gift, old_status=old, new_status=status, source=source, data=data or {}
    )
    if status == Gift.Status.PAID:
        _entry, created = LedgerEntry.objects.get_or_create(
            gift=gift,
            kind=LedgerEntry.Kind.GIFT,
            defaults={"amount": gift.amount, "currency": gift.currency, "note": source},
        )
        if created:
            from donations.tasks import email_gift_paid

            gift_id = gift.id
            transaction.on_commit(lambda: email_gift_paid.delay(gift_id))


def _purpose(purpose: str) -> str:
    purpose = purpose or Gift.Purpose.GENERAL
    if purpose not in Gift.Purpose.values:
        raise _error(
            _("Choose what the gift is for: %(list)s.") % {"list": ", ".join(Gift.Purpose.values)},
            "invalid_purpose",
            "purpose",
        )
    return purpose


def gift_checkout_start(
    *,
    actor,
    amount,
    currency: str,
    purpose: str = "general",
    email: str = "",
    name: str = "",
    language: str = "",
) -> Gift:
    """Create a pending card gift and its Stripe Checkout Session. If Stripe is down the gift
    stays pending and the error says so; nothing is lost and the donor may try again."""
    amount, currency = money.check_amount(amount, currency)
    purpose = _purpose(purpose)
    if not stripe_client.is_configured():
        raise ApplicationError(
            _("Card gifts are not switched on yet. Please give by bank transfer (VietQR)."),
            code="stripe_disabled",
            status=409,
        )
    with transaction.atomic():
        result = donor_for(user=actor, name=name, email=email, language=language)
        gift = Gift.objects.create(
            donor=result.donor,
            method=Gift.Method.STRIPE,
            purpose=purpose,
            amount=amount,
            currency=currency,
        )
        GiftEvent.objects.create(gift=gift, new_status="pending", source="checkout")
    # Outside the transaction: the pending gift is kept whatever Stripe answers.
    return gift_checkout_session_open(gift_id=gift.id)


def gift_checkout_session_open(*, gift_id: int) -> Gift:
    gift = Gift.objects.select_related("donor").get(id=gift_id)
    if gift.stripe_session_id and gift.checkout_url:
        return gift
    base = settings.SITE_URL
    try:
        session_id, url = stripe_client.checkout_session_create(
            gift_id=gift.id,
            amount=gift.amount,
            currency=gift.currency,
            product_name=str(
                _("Gift to Nối Sóng: %(purpose)s") % {"purpose": gift.get_purpose_display()}
            ),
            email=gift.donor.email,
            success_url=base + reverse("donations:gift_success") + f"?gift={gift.id}",
            cancel_url=base + reverse("donations:gift_cancel") + f"?gift={gift.id}",
            locale=gift.donor.language,
        )
    except stripe_client.StripeUnavailable:
        GiftEvent.objects.create(
            gift=gift, old_status=gift.status, new_status=gift.status, source="stripe_unavailable"
        )
        raise ApplicationError(
            _(
                "The card payment service is not answering right now. Your gift is saved as "
                "waiting for payment; please try again in a few minutes or give by bank transfer."
            ),
            code="payment_provider_unavailable",
            status=503,
        ) from None
    gift.stripe_session_id = session_id
    gift.checkout_url = url
    gift.save(update_fields=["stripe_session_id", "checkout_url", "updated_at"])
    return gift


def _event_refs(event: dict) -> tuple[str, str, str | None]:
    """(session id, payment intent, gift id) named by a webhook event."""
    obj = (event.get("data") or {}).get("object") or {}
    kind = event.get("type", "")
    metadata = obj.get("metadata") or {}
    if kind.startswith("checkout.session."):
        return (
            obj.get("id", ""),
            obj.get("payment_intent") or "",
            metadata.get("gift_id") or obj.get("client_reference_id"),
        )
    if kind.startswith("charge."):
        return "", obj.get("payment_intent") or "", metadata.get("gift_id")
    return "", "", None


HANDLED_EVENTS = (
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "checkout.session.async_payment_failed",
    "charge.refunded",
)


def stripe_webhook_receive(*, payload: bytes, signature: str | None) -> StripeEvent | None:
    """Verify, store once, and bring the gift's state up to date. Raises
    stripe_client.InvalidWebhook for a bad signature (nothing stored)."""
    event = stripe_client.webhook_event_construct(payload, signature)
    session_id, payment_intent, gift_id = _event_refs(event)
    with transaction.atomic():
        try:
            with transaction.atomic():
                stored = StripeEvent.objects.create(
                    event_id=event["id"],
                    type=event.get("type", ""),
                    session_id=session_id,
                    payment_intent=payment_intent,
                    payload=event,
                )
        except IntegrityError:
            return None  # a replay: this event id was applied already
        if stored.type not in HANDLED_EVENTS:
            return stored
        gift = _gift_for_event(session_id, payment_intent, gift_id)
        if gift is not None:
            gift_state_from_stripe(gift_id=gift.id, source=stored.event_id)
    return stored


def _gift_for_event(session_id: str, payment_intent: str, gift_id) -> Gift | None:
    qs = Gift.objects.filter(method=Gift.Method.STRIPE)
    if session_id:
        gift = qs.filter(stripe_session_id=session_id).first()
        if gift:
            return gift
    if payment_intent:
        gift = qs.filter(stripe_payment_intent=payment_intent).first()
        if gift:
            return gift
    if gift_id and str(gift_id).isdigit():
        return qs.filter(id=int(gift_id)).first()
    return None


def gift_state_from_stripe(*, gift_id: int, source: str) -> Gift:
    """Derive the gift's state from ALL its stored events, so order and repetition do not matter:
    paid once any event says paid; failed only if nothing says paid; refunded by the largest
    refunded amount seen."""
    gift = Gift.objects.select_for_update().get(id=gift_id)
    # Learn the session's payment intent first (a refund may name only the payment intent).
    sessions = StripeEvent.objects.filter(session_id=gift.stripe_session_id).exclude(session_id="")
    if not gift.stripe_payment_intent:
        for event in sessions:
            pi = event.payment_intent
            if pi:
                gift.stripe_payment_intent = pi
                gift.save(update_fields=["stripe_payment_intent", "updated_at"])
                break
    events = list(sessions)
    if gift.stripe_payment_intent:
        events += list(
            StripeEvent.objects.filter(
                payment_intent=gift.stripe_payment_intent, type="charge.refunded"
            )
        )
    paid = failed = False
    refunded = 0
    for event in events:
        obj = event.payload.get("data", {}).get("object", {})
        if (
            event.type == "checkout.session.completed"
            and obj.get("payment_status")
            in (
                "paid",
                "no_payment_required",
            )
        ) or event.type == "checkout.session.async_payment_succeeded":
            paid = True
        elif event.type == "checkout.session.async_payment_failed":
            failed = True
        elif event.type == "charge.refunded":
            paid = True  # a charge can only be refunded once it was paid
            refunded = max(refunded, int(obj.get("amount_refunded") or 0))
    if paid and gift.status in (Gift.Status.PENDING, Gift.Status.FAILED):
        _gift_status_set(gift, Gift.Status.PAID, source=source)
    elif failed and gift.status == Gift.Status.PENDING:
        _gift_status_set(gift, Gift.Status.FAILED, source=source)
    refunded = min(refunded, gift.amount)
    if refunded > gift.refunded_amount:
        gift_refund_record(gift=gift, refunded_total=refunded, source=source)
    return gift


def gift_refund_record(*, gift: Gift, refunded_total: int, source: str) -> None:
    delta = refunded_total - gift.refunded_amount
    gift.refunded_amount = refunded_total
    gift.save(update_fields=["refunded_amount", "updated_at"])
    LedgerEntry.objects.create(
        kind=LedgerEntry.Kind.REFUND, amount=delta, currency=gift.currency, gift=gift, note=source
    )
    if refunded_total >= gift.amount:
        _gift_status_set(
            gift, Gift.Status.REFUNDED, source=source, data={"refunded": refunded_total}
        )
    else:
        GiftEvent.objects.create(
            gift=gift,
            old_status=gift.status,
            new_status=gift.status,
            source=source,
            data={"refunded": refunded_total},
        )
    from donations.tasks import email_gift_refunded

    gift_id = gift.id
    transaction.on_commit(lambda: email_gift_refunded.delay(gift_id, delta))


@transaction.atomic
def gift_vietqr_create(
    *, actor, amount, purpose: str = "general", email: str = "", name: str = "", language: str = ""
) -> Gift:
    try:
        amount = int(amount)
    except (TypeError, ValueError):
        raise _error(
            _("Enter the amount in đồng, as a whole number."), "invalid_amount", "amount"
        ) from None
    minimum = settings.DONATIONS_VIETQR_MIN_VND
    if amount < minimum:
        raise _error(
            _("The smallest gift by bank transfer is %(min)s.")
            % {"min": money.format_amount(minimum, "VND")},
            "amount_below_minimum",
            "amount",
        )
    if amount > 9_999_999_999_999:
        raise _error(_("This amount is too large for one transfer."), "invalid_amount", "amount")
    purpose = _purpose(purpose)
    result = donor_for(user=actor, name=name, email=email, language=language)
    for _attempt in range(5):
        memo = vietqr.new_memo()
        if not Gift.objects.filter(memo=memo).exists():
            break
    gift = Gift.objects.create(
        donor=result.donor,
        method=Gift.Method.VIETQR,
        purpose=purpose,
        amount=amount,
        currency="VND",
        memo=memo,
    )
    GiftEvent.objects.create(gift=gift, new_status="pending", source="vietqr")
    return gift


# ---------------------------------------------------------------------------------------------
# Bank statement reconciliation

MEMO_RE = re.compile(r"NS[" + vietqr.MEMO_ALPHABET + r"]{8}")
HEADERS = {
    "date": ("date", "ngay", "ngày", "ngay giao dich", "ngày giao dịch", "booking date"),
    "amount": ("amount", "so tien", "số tiền", "credit", "ghi co", "ghi có", "số tiền ghi có"),
    "description": (
        "description",
        "noi dung",
        "nội dung",
        "memo",
        "dien giai",
        "diễn giải",
        "details",
    ),
    "reference": (
        "reference",
        "ma giao dich",
        "mã giao dịch",
        "so tham chieu",
        "số tham chiếu",
        "ref",
    ),
}


@dataclass
class StatementRow:
    number: int
    booked_on: date | None
    amount: int
    description: str
    reference: str


def _header_map(header: list) -> dict[str, int]:
    found = {}
    for index, cell in enumerate(header):
        name = str(cell or "").strip().lower()
        for key, names in HEADERS.items():
            if name in names and key not in found:
                found[key] = index
    return found


def _parse_amount(value) -> int:
    if isinstance(value, (int, float)):
        if value != int(value):
            raise ValueError
        return int(value)
    text = str(value or "").strip().replace(" ", "").replace("VND", "").replace("đ", "")
    if re.fullmatch(r"\d{1,3}([.,]\d{3})+", text):
        text = re.sub(r"[.,]", "", text)
    if not re.fullmatch(r"\d+", text):
        raise ValueError
    return int(text)


def _parse_date(value) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M"):
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 (a calendar date)
        except ValueError:
            continue
    raise ValueError


def statement_rows(*, content: bytes, filename: str) -> tuple[list[StatementRow], list[dict]]:
    """Read a CSV or xlsx statement: the rows it could read and a list of broken rows."""
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        import openpyxl

        try:
            book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds for a file that is not a workbook
            raise _error(
                _("This is not an Excel (.xlsx) file we can read."), "invalid_statement", "file"
            ) from None
        raw = [list(row) for row in book.active.iter_rows(values_only=True)]
    elif name.endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise _error(
                _("Save the CSV file as UTF-8 and upload it again."), "invalid_statement", "file"
            ) from None
        dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;\t") if text.strip() else csv.excel
        raw = list(csv.reader(io.StringIO(text), dialect))
    else:
        raise _error(
            _("Upload the statement as a .csv or .xlsx file."), "invalid_statement", "file"
        )
    header_at = next((i for i, row in enumerate(raw[:20]) if len(_header_map(row)) >= 2), None)
    if header_at is None:
        raise _error(
            _(
                "The statement needs a header row with at least the columns “amount” and "
                "“description” (or “Số tiền” and “Nội dung”)."
            ),
            "invalid_statement",
            "file",
        )
    columns = _header_map(raw[header_at])
    if "amount" not in columns or "description" not in columns:
        raise _error(
            _(
                "The statement needs the columns “amount” and “description” (or “Số tiền” and “Nội dung”)."
            ),
            "invalid_statement",
            "file",
        )
    rows, broken = [], []
    for offset, row in enumerate(raw[header_at + 1 :], start=header_at + 2):
        if not any(str(c or "").strip() for c in row):
            continue

        def cell(key, row=row):
            index = columns.get(key)
            return row[index] if index is not None and index < len(row) else None

        try:
            amount = _parse_amount(cell("amount"))
        except ValueError:
            broken.append(
                {
                    "row": offset,
                    "error": str(
                        _("The amount “%(v)s” is not a whole number.") % {"v": cell("amount")}
                    ),
                }
            )
            continue
        try:
            booked_on = _parse_date(cell("date"))
        except ValueError:
            broken.append(
                {
                    "row": offset,
                    "error": str(_("The date “%(v)s” is not a date.") % {"v": cell("date")}),
                }
            )
            continue
        description = str(cell("description") or "").strip()
        if not description:
            broken.append({"row": offset, "error": str(_("The description is empty."))})
            continue
        rows.append(
            StatementRow(
                offset,
                booked_on,
                amount,
                description[:500],
                str(cell("reference") or "").strip()[:100],
            )
        )
    return rows, broken


def _line_key(row: StatementRow) -> str:
    basis = row.reference or f"{row.booked_on}|{row.amount}|{row.description}"
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()


def statement_reconcile(*, content: bytes, filename: str, actor) -> StatementImport:
    """Mark VietQR gifts paid from a bank statement, by the memo in the transfer description.
    Safe to re-run: a line already used (same reference, or same date, amount and text) is
    counted as already reconciled and pays nothing twice. All or nothing."""
    from accounts.scoping import scope_for

    scope = scope_for(actor)
    if not scope.has_role("coordinator"):
        raise Forbidden(_("Only coordinators reconcile bank statements."), code="forbidden")
    rows, broken = statement_rows(content=content, filename=filename)
    with transaction.atomic():
        statement = StatementImport.objects.create(
            uploaded_by=actor, filename=filename[:255], rows=len(rows) + len(broken), errors=broken
        )
        unmatched = []
        for row in rows:
            key = _line_key(row)
            if StatementLine.objects.filter(key=key).exists():
                statement.already += 1
                continue
            memos = MEMO_RE.findall(re.sub(r"[\s\-_.]", "", row.description.upper()))
            gift = (
                Gift.objects.select_for_update().filter(method="vietqr", memo__in=memos).first()
                if memos
                else None
            )
            reason = None
            if gift is not None and StatementLine.objects.filter(key=key).exists():
                statement.already += 1  # a parallel upload used this line while we waited
                continue
            if gift is None:
                reason = _("No gift has this memo.")
            elif gift.status == Gift.Status.PAID:
                reason = _("Gift %(memo)s was already paid by another line.") % {"memo": gift.memo}
            elif row.amount < gift.amount:
                reason = _("%(got)s is less than the %(want)s pledged for %(memo)s.") % {
                    "got": money.format_amount(row.amount, "VND"),
                    "want": money.format_amount(gift.amount, "VND"),
                    "memo": gift.memo,
                }
            if reason:
                unmatched.append(
                    {
                        "row": row.number,
                        "amount": row.amount,
                        "description": row.description,
                        "reference": row.reference,
                        "reason": str(reason),
                    }
                )
                continue
            StatementLine.objects.create(
                key=key,
                gift=gift,
                statement=statement,
                booked_on=row.booked_on,
                amount=row.amount,
                description=row.description,
                reference=row.reference,
            )
            gift.bank_reference = row.reference
            _gift_status_set(
                gift,
                Gift.Status.PAID,
                source=f"statement:{statement.id}",
                data={"row": row.number, "reference": row.reference, "amount": row.amount},
            )
            statement.matched += 1
        statement.unmatched = unmatched
        statement.save()
    return statement


# ---------------------------------------------------------------------------------------------
# Fund ledger


@transaction.atomic
def ledger_spend(
    *, kind: str, amount: int, currency: str, device_ids: list[int], note: str, actor
) -> LedgerEntry:
    """Book money spent on devices (refurbishment, SIM plans, phone purchases) and attribute it to
    paid gifts by the rule in this module's docstring."""
    if kind not in LedgerEntry.SPEND_KINDS:
        raise _error(
            _("Spending is one of: %(kinds)s.") % {"kinds": ", ".join(LedgerEntry.SPEND_KINDS)},
            "invalid_kind",
            "kind",
        )
    currency = (currency or "").upper()
    if currency not in settings.DONATIONS_CURRENCIES:
        raise _error(_("Unknown currency."), "unsupported_currency", "currency")
    if not isinstance(amount, int) or amount <= 0:
        raise _error(_("The amount must be a positive whole number."), "invalid_amount", "amount")
    devices = list(Device.objects.filter(id__in=device_ids or []))
    if not devices or len(devices) != len(set(device_ids)):
        raise _error(
            _("Name the phones this money was spent on."), "devices_required", "device_ids"
        )
    entry = LedgerEntry.objects.create(
        kind=kind, amount=amount, currency=currency, note=(note or "")[:255], actor=actor
    )
    entry.devices.set(devices)
    remaining = amount
    for purposes in ((kind,), (Gift.Purpose.GENERAL,)):
        if remaining == 0:
            break
        gifts = (
            Gift.objects.select_for_update()
            .filter(status=Gift.Status.PAID, currency=currency, purpose__in=purposes)
            .order_by("paid_at", "id")
        )
        for gift in gifts:
            used = gift.attributions.aggregate(total=Sum("amount"))["total"] or 0
            free = gift.amount - gift.refunded_amount - used
            if free <= 0:
                continue
            take = min(free, remaining)
            LedgerAttribution.objects.create(spend=entry, gift=gift, amount=take)
            remaining -= take
            if remaining == 0:
                break
    return entry
