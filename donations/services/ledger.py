"""The fund ledger: money spent on devices, attributed to the paid gifts that paid for it.

Attribution rule (what a donor sees as "your gift became these phones"):
    A spend (refurbish / sim / buy_phone, tied to devices) is paid from paid gifts in the SAME
    currency, first from gifts earmarked for that purpose, then from gifts for "general", each
    oldest payment first (FIFO), up to what each gift still holds (its amount minus refunds minus
    earlier attributions). Where: when all the spend's phones are at hubs of one province, the
    gifts for that province pay first (purpose, then general), then the gifts for where the need
    is greatest or that only prefer another province; a gift for "only" another province never
    pays (services/places.py). Whatever no gift covers is paid from the programme's general fund and
    stays unattributed. A refund after spending does not rewrite history: it only lowers what the
    gift can still pay for.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from donations.models import Device, Gift, LedgerAttribution, LedgerEntry
from donations.services.errors import field_error


def ledger_gift_received(*, gift: Gift, source: str) -> bool:
    """Book a paid gift as money in (once per gift); True when it was booked now."""
    _entry, created = LedgerEntry.objects.get_or_create(
        gift=gift,
        kind=LedgerEntry.Kind.GIFT,
        defaults={"amount": gift.amount, "currency": gift.currency, "note": source},
    )
    return created


def ledger_refund_book(*, gift: Gift, amount: int, source: str) -> LedgerEntry:
    """Book money given back to a donor (a refund lowers what the gift can still pay for)."""
    return LedgerEntry.objects.create(
        kind=LedgerEntry.Kind.REFUND, amount=amount, currency=gift.currency, gift=gift, note=source
    )


@transaction.atomic
def ledger_spend(
    *, kind: str, amount: int, currency: str, device_ids: list[int], note: str, actor
) -> LedgerEntry:
    """Book money spent on devices (refurbishment, SIM plans, phone purchases) and attribute it to
    paid gifts by the rule in this module's docstring."""
    if kind not in LedgerEntry.SPEND_KINDS:
        raise field_error(
            _("Spending is one of: %(kinds)s.") % {"kinds": ", ".join(LedgerEntry.SPEND_KINDS)},
            "invalid_kind",
            "kind",
        )
    currency = (currency or "").upper()
    if currency not in settings.DONATIONS_CURRENCIES:
        raise field_error(_("Unknown currency."), "unsupported_currency", "currency")
    if not isinstance(amount, int) or amount <= 0:
        raise field_error(
            _("The amount must be a positive whole number."), "invalid_amount", "amount"
        )
    devices = list(Device.objects.filter(id__in=device_ids or []).select_related("hub__commune"))
    if not devices or len(devices) != len(set(device_ids)):
        raise field_error(
            _("Name the phones this money was spent on."), "devices_required", "device_ids"
        )
    entry = LedgerEntry.objects.create(
        kind=kind, amount=amount, currency=currency, note=(note or "")[:255], actor=actor
    )
    entry.devices.set(devices)
    remaining = amount
    provinces = {d.hub.commune.province_id if d.hub_id else None for d in devices}
    province = provinces.pop() if len(provinces) == 1 else None
    for places, purposes in _gift_order(kind, province):
        if remaining == 0:
            break
        gifts = (
            Gift.objects.select_for_update()
            .filter(places, status=Gift.Status.PAID, currency=currency, purpose__in=purposes)
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


def _gift_order(kind: str, province: str | None) -> list[tuple[Q, tuple[str, ...]]]:
    """(which gifts, which purposes) in the order they pay a spend on phones of `province`."""
    purposes = [(kind,), (Gift.Purpose.GENERAL,)]
    open_gifts = Q(province__isnull=True) | Q(province_strict=False)
    if province is None:
        return [(open_gifts, p) for p in purposes]
    ours = Q(province_id=province)
    return [(ours, p) for p in purposes] + [(open_gifts & ~ours, p) for p in purposes]
