"""Pledges of phones: the rules a phone must meet (device_check), the pledge itself (one
transaction, retried on a chance unique clash), the donor's edits, and the pledge's status door
(`PLEDGE`, `pledge_transition`) through which a pledge is cancelled."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.db import unique_or_none
from core.errors import Conflict, NotFound
from core.lifecycle import Lifecycle
from core.outbox import owe
from core.text import nfc
from donations.lifecycle import device_transition
from donations.models import Device, DeviceEvent, Pledge, PledgeEvent
from donations.services.donors import donor_for
from donations.services.errors import field_error
from donations.services.places import place_clean
from donations.services.timeline import timeline_note
from places.models import Hub

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

# The pledge life cycle: open until the donor cancels it (while no hub has received a phone).
PLEDGE = Lifecycle(
    model=Pledge,
    event_model=PledgeEvent,
    subject="pledge",
    allowed={Pledge.Status.OPEN: {Pledge.Status.CANCELLED}, Pledge.Status.CANCELLED: set()},
    refusal=gettext_lazy(
        "A pledge that is “%(now)s” cannot become “%(to)s”. Allowed next: %(allowed)s."
    ),
    save_fields=("updated_at",),
)


def _luhn_ok(digits: str) -> bool:
    """The IMEI's check digit (Luhn): every second digit from the right doubled, digits summed."""
    doubled = (int(c) * (1 + i % 2) for i, c in enumerate(reversed(digits)))
    return sum(d - 9 if d > 9 else d for d in doubled) % 10 == 0


def _os_major(version: str) -> int | None:
    match = re.match(r"\s*(\d+)", version or "")
    return int(match.group(1)) if match else None


def _recycling_url() -> str:
    url = settings.DONATIONS_RECYCLING_URL
    return settings.SITE_URL + url if url.startswith("/") else url


# What a phone must support to make calls in Vietnam once 2G and 3G are off, and why.
NETWORK_NEEDS = {
    "supports_4g": gettext_lazy(
        "This phone has no 4G. Vietnam switched 2G off in October 2024 and 3G ends by 2028, "
        "so it could not make calls or run VNeID here. Please take it to a recycling "
        "point instead: %(url)s"
    ),
    "supports_volte": gettext_lazy(
        "This phone has no VoLTE (calls over 4G). Without it, calls fall back to 2G/3G, which "
        "are being switched off in Vietnam, so it could not make calls here. Please take it "
        "to a recycling point instead: %(url)s"
    ),
}


# What a phone may have, in GB: below 0.5 GB of RAM or 1 GB of storage nothing of today's runs
# (VNeID, a banking app, Zalo, school apps), and no phone has more than these.
RAM_GB = (Decimal("0.5"), Decimal("64"))
STORAGE_GB = (1, 4096)


def _size(value, *, places: int, bounds: tuple, refusal, field: str) -> Decimal | None:
    """A size as typed (number or text) → Decimal with at most `places` decimals within
    `bounds`; None for "not known" ("" or None); else `refusal()` is raised on `field`."""
    if value is None or value == "":
        return None
    try:
        number = None if isinstance(value, bool) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        number = None
    if (
        number is not None
        and number.is_finite()
        and number == number.quantize(Decimal(1).scaleb(-places))
        and bounds[0] <= number <= bounds[1]
    ):
        return number
    raise field_error(refusal(), "invalid", field)


def device_size_clean(*, ram_gb, storage_gb, prefix: str = "") -> tuple[Decimal | None, int | None]:
    """The phone's RAM and storage in GB within RAM_GB and STORAGE_GB, or None for "not known"
    (left empty); anything else is refused on its field (`prefix` + ram_gb / storage_gb). The one
    rule for the pledge (page and API) and the walk-in phone at the bench."""
    ram = _size(
        ram_gb,
        places=1,
        bounds=RAM_GB,
        refusal=lambda: (
            _(
                "Enter the phone's RAM in GB, from %(min)s to %(max)s (for example 4), or "
                "leave it empty if you do not know."
            )
            % {"min": number_format(RAM_GB[0]), "max": RAM_GB[1]}
        ),
        field=f"{prefix}ram_gb",
    )
    storage = _size(
        storage_gb,
        places=0,
        bounds=STORAGE_GB,
        refusal=lambda: (
            _(
                "Enter the phone's storage in GB, a whole number from %(min)s to %(max)s "
                "(for example 64), or leave it empty if you do not know."
            )
            % {"min": STORAGE_GB[0], "max": STORAGE_GB[1]}
        ),
        field=f"{prefix}storage_gb",
    )
    return ram, None if storage is None else int(storage)


def device_check(spec: dict, *, prefix: str = "devices.0") -> list[str]:
    """Refuse what cannot serve a household; return warnings for what can but is weak. The
    phone's sizes are written back to `spec` as checked (None: not known)."""
    for needed, refusal in NETWORK_NEEDS.items():
        if not spec.get(needed):
            message = refusal % {"url": _recycling_url()}
            raise field_error(message, "device_not_usable", f"{prefix}.{needed}")
    quantity = spec.get("quantity", 1)
    if not isinstance(quantity, int) or quantity < 1:
        raise field_error(
            _("The number of phones must be at least 1."), "invalid_quantity", f"{prefix}.quantity"
        )
    if quantity > 1 and spec.get("condition") != Device.Condition.NEW:
        raise field_error(
            _(
                "Several identical phones in one line are only possible for new phones; "
                "list used phones one by one."
            ),
            "batch_only_new",
            f"{prefix}.quantity",
        )
    if quantity > settings.DONATIONS_MAX_BATCH:
        raise field_error(
            _("At most %(max)s phones per line; please split larger batches.")
            % {"max": settings.DONATIONS_MAX_BATCH},
            "invalid_quantity",
            f"{prefix}.quantity",
        )
    if spec.get("condition") not in Device.Condition.values:
        raise field_error(_("Choose the phone's condition."), "invalid", f"{prefix}.condition")
    if spec.get("os", "android") not in Device.OS.values:
        raise field_error(_("Choose the operating system."), "invalid", f"{prefix}.os")
    if not (spec.get("brand") or "").strip() or not (spec.get("model") or "").strip():
        raise field_error(_("Enter the phone's brand and model."), "invalid", f"{prefix}.model")
    spec["ram_gb"], spec["storage_gb"] = device_size_clean(
        ram_gb=spec.get("ram_gb"), storage_gb=spec.get("storage_gb"), prefix=f"{prefix}."
    )
    imei = (spec.get("imei") or "").strip()
    if imei:
        if quantity > 1:
            raise field_error(
                _("An IMEI belongs to one phone; leave it empty for a batch."),
                "invalid_imei",
                f"{prefix}.imei",
            )
        if not IMEI_RE.match(imei) or not _luhn_ok(imei):
            raise field_error(
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


def _clean_dropoff(dropoff: str, hub_id, pickup_address: str, pickup_window: str) -> int | None:
    """The id of the active hub chosen (None for a pickup without one), or a field error."""
    if dropoff not in Pledge.Dropoff.values:
        raise field_error(_("Choose how the phone reaches us."), "invalid_dropoff", "dropoff")
    found = None
    if hub_id not in (None, ""):
        if str(hub_id).isdigit():
            active = Hub.objects.filter(id=hub_id, is_active=True)
            found = unique_or_none(active.values_list("id", flat=True))
        if found is None:
            raise field_error(_("Choose one of our hubs."), "unknown_hub", "hub")
    if dropoff == Pledge.Dropoff.HUB and found is None:
        raise field_error(_("Choose the hub you will bring the phone to."), "hub_required", "hub")
    if dropoff == Pledge.Dropoff.PICKUP:
        if not (pickup_address or "").strip():
            raise field_error(
                _("Tell us where to pick the phone up."),
                "pickup_details_required",
                "pickup_address",
            )
        if not (pickup_window or "").strip():
            raise field_error(
                _("Tell us when we may pick it up (for example: weekdays 17:00–19:00)."),
                "pickup_details_required",
                "pickup_window",
            )
    return found


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
    province_preference: dict | None = None,
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
                    province_preference=province_preference,
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


def _pledge_devices_check(devices: list[dict]) -> list[str]:
    """Every line of phones checked (device_check) and their total; the warnings."""
    if not devices:
        raise field_error(_("Add at least one phone."), "no_devices", "devices")
    warnings: list[str] = []
    total = 0
    for index, spec in enumerate(devices):
        warnings += device_check(spec, prefix=f"devices.{index}")
        total += spec.get("quantity", 1)
    if total > settings.DONATIONS_MAX_BATCH:
        raise field_error(
            _("At most %(max)s phones per pledge; please split larger gifts.")
            % {"max": settings.DONATIONS_MAX_BATCH},
            "invalid_quantity",
            "devices",
        )
    return warnings


def _pledge_create_once(
    *,
    actor,
    devices,
    dropoff,
    hub,
    pickup_address,
    pickup_window,
    commune_preference,
    province_preference,
    donor,
    public_name,
) -> PledgeResult:
    warnings = _pledge_devices_check(devices)
    hub_id = _clean_dropoff(dropoff, hub, pickup_address, pickup_window)
    place = place_clean(
        commune_preference=commune_preference, province_preference=province_preference
    )
    donor = donor or {}
    details = {key: donor.get(key, "") for key in ("name", "email", "kind", "country", "language")}
    result = donor_for(
        actor=actor, public_name=public_name, home_commune=donor.get("home_commune"), **details
    )
    pledge = Pledge.objects.create(
        donor=result.donor,
        commune_preference=place.commune,
        province_preference=place.province,
        preference_strict=place.strict,
        dropoff=dropoff,
        hub_id=hub_id,
        pickup_address=nfc(pickup_address or "").strip() if dropoff == "pickup" else "",
        pickup_window=nfc(pickup_window or "").strip() if dropoff == "pickup" else "",
    )
    made = []
    for spec in devices:
        values = {k: spec[k] for k in DEVICE_FIELDS if k in spec and spec[k] is not None}
        values["brand"] = nfc(values["brand"]).strip()
        values["model"] = nfc(values["model"]).strip()
        for _n in range(spec.get("quantity", 1)):
            made.append(Device(pledge=pledge, **values))
    # One INSERT for the whole pledge (a business's batch may hold hundreds of phones).
    Device.objects.bulk_create(made)
    # A pledge made without signing in is recorded as the act of the donor's account.
    event_actor = actor if actor is not None and actor.is_authenticated else result.donor.user
    events = DeviceEvent.objects.bulk_create(
        [
            DeviceEvent(device=d, actor=event_actor, old_status="", new_status="pledged")
            for d in made
        ]
    )
    PledgeEvent.objects.create(
        pledge=pledge,
        actor=event_actor,
        action=PledgeEvent.Action.CREATED,
        old_status="",
        new_status=pledge.status,
        data={"devices": [d.tracking_code for d in made], "warnings": [str(w) for w in warnings]},
    )
    # What the pledge selectors prefetch (selectors.pledge_list_for_donor), set from what was just
    # written, so the caller can render the new pledge without reading it back.
    pledge.device_list = made
    for device, event in zip(made, events, strict=True):
        device.timeline = [event]
        device.photo_list = []
    # Owed in the pledge's transaction (core/outbox.py): a broker that is down cannot lose it.
    owe("donations.tasks.email_pledge_received", pledge.id)
    return PledgeResult(
        pledge=pledge, warnings=[str(w) for w in warnings], new_account=result.new_account
    )


def pledge_get_for_donor(*, pledge_id: int, actor, lock: bool = False) -> Pledge:
    """The actor's own pledge (optionally locked), or 404."""
    qs = Pledge.objects.select_related("donor")
    if lock:
        qs = qs.select_for_update()
    pledge = qs.filter(id=pledge_id, donor__user=actor).first() if actor.is_authenticated else None
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
    province_preference: dict | None = None,
    clear_preference: bool = False,
) -> Pledge:
    """The donor changes how the phone reaches us or where it goes (commune, province, or where
    the need is greatest: `clear_preference`), until a hub receives it."""
    pledge = pledge_get_for_donor(pledge_id=pledge_id, actor=actor, lock=True)
    _ensure_editable(pledge)
    before = _pledge_terms(pledge)
    dropoff = dropoff if dropoff is not None else pledge.dropoff
    hub = hub if hub is not None else pledge.hub_id
    pickup_address = pickup_address if pickup_address is not None else pledge.pickup_address
    pickup_window = pickup_window if pickup_window is not None else pledge.pickup_window
    pledge.hub_id = _clean_dropoff(dropoff, hub, pickup_address, pickup_window)
    pledge.dropoff = dropoff
    pledge.pickup_address = nfc(pickup_address).strip() if dropoff == "pickup" else ""
    pledge.pickup_window = nfc(pickup_window).strip() if dropoff == "pickup" else ""
    if clear_preference or commune_preference is not None or province_preference is not None:
        place = place_clean(
            commune_preference=None if clear_preference else commune_preference,
            province_preference=None if clear_preference else province_preference,
        )
        pledge.commune_preference, pledge.province_preference = place.commune, place.province
        pledge.preference_strict = place.strict
    pledge.save(update_fields=[*PLEDGE_TERMS.values(), "updated_at"])
    after = _pledge_terms(pledge)
    changed = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if changed:
        pledge_note(pledge=pledge, action=PledgeEvent.Action.UPDATED, actor=actor, data=changed)
    return pledge


# What a donor may change on an open pledge: the key in the change's event data → the field.
PLEDGE_TERMS = {
    "dropoff": "dropoff",
    "hub": "hub",
    "pickup_address": "pickup_address",
    "pickup_window": "pickup_window",
    "commune": "commune_preference",
    "province": "province_preference",
    "strict": "preference_strict",
}


def _pledge_terms(pledge: Pledge) -> dict:
    return {key: pledge.serializable_value(name) for key, name in PLEDGE_TERMS.items()}


def pledge_note(*, pledge: Pledge, action: str, actor, data: dict | None = None) -> PledgeEvent:
    """A row on the pledge's timeline that is not a move (an edit, a photo)."""
    return timeline_note(PLEDGE, pledge, actor=actor, data=data, action=action)


def pledge_transition(*, pledge_id: int, to: str, actor, reason: str = "") -> Pledge:
    """Move a pledge to `to`, or raise Conflict (409, invalid_transition) naming the allowed moves
    and writing nothing. A repeated move changes nothing. Writes one PledgeEvent per move, whose
    action is the new status."""
    return PLEDGE.move(
        obj_id=pledge_id, to=to, actor=actor, reason=reason, event_fields={"action": to}
    )


@transaction.atomic
def pledge_cancel(*, pledge_id: int, actor) -> Pledge:
    """The donor cancels the pledge and its phones, until a hub has received one of them."""
    pledge = pledge_get_for_donor(pledge_id=pledge_id, actor=actor, lock=True)
    if pledge.status == Pledge.Status.CANCELLED:
        return pledge
    _ensure_editable(pledge)
    for device_id in pledge.devices.filter(status="pledged").values_list("id", flat=True):
        device_transition(device_id=device_id, to=Device.Status.CANCELLED, actor=actor)
    return pledge_transition(pledge_id=pledge.id, to=Pledge.Status.CANCELLED, actor=actor)
