"""Reads of the donations app, with their joins applied. Donors see only their own rows; the
public sees a device's journey by its tracking code, never household data."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet, Sum
from django.utils.translation import gettext as _

from core.collation import vietnamese_sort_key
from core.errors import NotFound
from donations.models import (
    Device,
    DeviceEvent,
    DeviceOutcome,
    DevicePhoto,
    Gift,
    HeldMoney,
    LedgerAttribution,
    LedgerEntry,
    Pledge,
    StatementImport,
)
from places.models import Commune, Hub, Province


def pledge_list_for_donor(*, user) -> QuerySet[Pledge]:
    if not user.is_authenticated:
        return Pledge.objects.none()
    return (
        Pledge.objects.filter(donor__user=user)
        .select_related("hub", "commune_preference", "donor")
        .prefetch_related(
            # Into lists named for what they hold (device_list, and each device's timeline and
            # photo_list): pledge_create sets the same attributes on a pledge it has just written.
            Prefetch(
                "devices",
                queryset=Device.objects.order_by("id")
                .select_related("outcome__commune")
                .prefetch_related(
                    Prefetch(
                        "events",
                        queryset=DeviceEvent.objects.only("id", "device_id", "new_status", "at"),
                        to_attr="timeline",
                    ),
                    Prefetch("photos", to_attr="photo_list"),
                ),
                to_attr="device_list",
            )
        )
        .order_by("-created_at", "-id")
    )


def pledge_require_own(*, user, pledge_id) -> None:
    """NotFound unless the pledge is the signed-in donor's (one EXISTS query)."""
    owned = user.is_authenticated and str(pledge_id).isdigit()
    if not owned or not Pledge.objects.filter(id=pledge_id, donor__user=user).exists():
        raise NotFound(_("No such pledge among yours."))


def pledge_for_papers(*, user, pledge_id, session_pledge=None) -> tuple[Pledge, list[Device]]:
    """The pledge and its phones (in the order they were pledged) for its papers: the signed-in
    donor's own pledge, or the one this browser has just made without signing in
    (`session_pledge`, as the thank-you page shows it); NotFound otherwise."""
    if not (str(pledge_id).isdigit() and str(pledge_id) == str(session_pledge or "")):
        pledge_require_own(user=user, pledge_id=pledge_id)
    pledge = Pledge.objects.select_related("donor", "hub").get(id=pledge_id)
    return pledge, list(Device.objects.filter(pledge=pledge).order_by("id"))


def pledge_get_for_donor(*, user, pledge_id: int) -> Pledge:
    pledge = pledge_list_for_donor(user=user).filter(id=pledge_id).first()
    if pledge is None:
        raise NotFound(_("No such pledge among yours."))
    return pledge


def device_photo_for_donor(*, user, pledge_id: int, photo_id: int) -> DevicePhoto:
    """A photo of a phone of the signed-in donor's own pledge (a private file), or 404."""
    photo = None
    if user.is_authenticated:
        photo = DevicePhoto.objects.filter(
            id=photo_id, device__pledge_id=pledge_id, device__pledge__donor__user=user
        ).first()
    if photo is None:
        raise NotFound(_("No such photo among yours."))
    return photo


def gift_list_for_donor(*, user) -> QuerySet[Gift]:
    if not user.is_authenticated:
        return Gift.objects.none()
    return (
        Gift.objects.filter(donor__user=user)
        .prefetch_related(
            Prefetch(
                "attributions",
                queryset=LedgerAttribution.objects.select_related("spend").prefetch_related(
                    Prefetch(
                        "spend__devices",
                        queryset=Device.objects.only("id", "tracking_code", "status"),
                    )
                ),
            )
        )
        .order_by("-created_at", "-id")
    )


def claim_held(*, claim) -> dict:
    """What an unconfirmed claim holds, for its owner's confirmation page: the claim, its pledges
    with their phones, its gifts."""
    pledges = Pledge.objects.filter(donor_id=claim.donor_id).select_related("hub")
    return {
        "claim": claim,
        "pledges": list(
            pledges.prefetch_related(Prefetch("devices", queryset=Device.objects.order_by("id")))
        ),
        "gifts": list(Gift.objects.filter(donor_id=claim.donor_id).order_by("created_at", "id")),
    }


def device_public(*, tracking_code: str) -> Device:
    """A device by its code, for the public page: the events' statuses and times and the
    consented outcome only (callers must not show event data: it may name records)."""
    code = (tracking_code or "").strip().upper()
    device = (
        Device.objects.select_related("outcome__commune")
        .prefetch_related(
            Prefetch(
                "events", queryset=DeviceEvent.objects.only("id", "device_id", "new_status", "at")
            )
        )
        .filter(tracking_code=code)
        .first()
    )
    if device is None:
        raise NotFound(_("No phone has this tracking code."))
    return device


def public_outcome(device: Device) -> DeviceOutcome | None:
    if device.status not in ("delivered", "followed_up"):
        return None
    try:
        return device.outcome
    except DeviceOutcome.DoesNotExist:
        return None


def hubs_for_pledging() -> QuerySet[Hub]:
    return Hub.objects.filter(is_active=True).select_related("commune").order_by("name")


def provinces_for_choice() -> QuerySet[Province]:
    """The provinces a donor may give to: those the programme works in."""
    return Province.objects.filter(active=True).order_by("code")


def communes_for_choice(province: str = "") -> list[Commune]:
    """The communes of a province the programme works in, in Vietnamese alphabetical order
    ("Xã Ái Tử" with the A's, not after Z); none without a province."""
    if not province:
        return []
    communes = Commune.objects.filter(province_id=province, province__active=True)
    return sorted(communes, key=lambda c: (vietnamese_sort_key(c.name), c.code))


def statement_list(*, user) -> QuerySet[StatementImport]:
    from accounts.scoping import scope_for

    if not scope_for(user).has_role("coordinator"):
        return StatementImport.objects.none()
    return StatementImport.objects.select_related("uploaded_by").order_by("-created_at", "-id")


def ledger_public(*, limit: int = 100) -> dict:
    """Totals in and out per currency, and the latest entries with the phones each spend paid for."""
    from donations.money import format_amount

    totals: dict[str, dict] = {}
    for row in LedgerEntry.objects.values("currency", "kind").annotate(
        total=Sum("amount"), count=Count("id")
    ):
        line = totals.setdefault(
            row["currency"], {"currency": row["currency"], "in": 0, "out": 0, "refunded": 0}
        )
        if row["kind"] == LedgerEntry.Kind.GIFT:
            line["in"] += row["total"]
        elif row["kind"] == LedgerEntry.Kind.REFUND:
            line["refunded"] += row["total"]
        else:
            line["out"] += row["total"]
    for line in totals.values():
        line["balance"] = line["in"] - line["refunded"] - line["out"]
        for key in ("in", "out", "refunded", "balance"):
            line[f"{key}_display"] = format_amount(line[key], line["currency"])
    entries = list(
        LedgerEntry.objects.select_related("gift")
        .prefetch_related(Prefetch("devices", queryset=Device.objects.only("id", "tracking_code")))
        .order_by("-created_at", "-id")[:limit]
    )
    for entry in entries:
        entry.display = format_amount(entry.amount, entry.currency)
    return {"totals": sorted(totals.values(), key=lambda t: t["currency"]), "entries": entries}


def held_money_list(*, user, status: str = "") -> QuerySet[HeldMoney]:
    """Held statement money for coordinators, waiting first, newest first."""
    from accounts.scoping import scope_for

    if not scope_for(user).has_role("coordinator"):
        return HeldMoney.objects.none()
    items = HeldMoney.objects.select_related("statement").prefetch_related(
        "gifts", "settlements__gift", "settlements__actor"
    )
    if status in HeldMoney.Status.values:
        items = items.filter(status=status)
    return items.order_by("-status", "-created_at", "-id")
