"""What must hold after any sequence of moves of a season (issue 14, "Prove it"): the state
machine test (tests/progress/test_season_machine.py) checks it after every step, and
`manage.py simulate_season` at the end of its year.

    season_violations(erased_names=[...]) -> list[str]   # [] when everything adds up

Each violation is one line saying what is wrong and where. The checks:
  * phones     — every phone's status is the `new_status` of its latest DeviceEvent (its events
                 explain it);
  * allocations — at most one allocation holding (is_live) each phone and each household;
                 `is_live` is exactly "live or delivered"; a live allocation's phone is on its way
                 (allocated, dispatched) and a delivered one's is with a household;
  * handovers  — a phone with a household (delivered, followed up) has exactly one handover not
                 ended by a return, any other phone none;
  * households — households served (logistics/numbers.py) = phones delivered and not returned;
                 a household marked served holds a phone, one marked allocated has a live
                 allocation;
  * money      — per currency, the ledger's money in (gifts booked − refunds) = money spent from
                 gifts (attributions) + money the gifts still hold; each paid gift booked once at
                 its amount, its refunds at its refunded amount; a spend never attributed more
                 than it cost, a gift never more than it received;
  * erasure    — none of `erased_names` (the names of anonymised households, which the caller
                 remembers: the database no longer does) in any text or JSON column of the
                 project's tables.

It reads everything, so it is for tests and the simulation, not for a request.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable

from django.apps import apps
from django.db import models
from django.db.models import Count, Exists, OuterRef, Subquery, Sum

from donations.lifecycle import ON_THE_WAY, WITH_A_HOUSEHOLD
from donations.models import Device, DeviceEvent, Gift, LedgerAttribution, LedgerEntry
from households.models import Household
from logistics.models import Handover, HandoverReturn
from logistics.numbers import commune_counts, held_handovers
from matching.models import Allocation

# The apps whose tables the erasure check reads (and the accounts' tokens).
PROJECT_APPS = (
    "core",
    "places",
    "accounts",
    "households",
    "messaging",
    "donations",
    "matching",
    "logistics",
    "progress",
    "authtoken",
)
TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField, models.FileField)


def season_violations(*, erased_names: Iterable[str] = ()) -> list[str]:
    """Every invariant of the module docstring that does not hold, one line each."""
    found: list[str] = []
    found += phone_violations()
    found += allocation_violations()
    found += handover_violations()
    found += household_violations()
    found += ledger_violations()
    found += erasure_violations(erased_names)
    return found


def phone_violations() -> list[str]:
    latest = DeviceEvent.objects.filter(device_id=OuterRef("pk")).order_by("-at", "-id")
    rows = (
        Device.objects.order_by("id")
        .annotate(explained=Subquery(latest.values("new_status")[:1]))
        .values_list("tracking_code", "status", "explained")
    )
    return [
        f"phone {code} is “{status}” but its latest event says “{explained}”"
        for code, status, explained in rows
        if status != explained
    ]


def allocation_violations() -> list[str]:
    found = []
    for field in ("device_id", "household_id"):
        doubled = (
            Allocation.objects.filter(is_live=True)
            .values(field)
            .annotate(n=Count("id"))
            .filter(n__gt=1)
        )
        found += [f"{field} {row[field]} has {row['n']} live allocations" for row in doubled]
    holding = Allocation.HOLDING
    for pk, status, is_live, device_status in Allocation.objects.values_list(
        "id", "status", "is_live", "device__status"
    ):
        if is_live != (status in holding):
            found.append(f"allocation #{pk} is “{status}” with is_live={is_live}")
        if status == Allocation.Status.LIVE and device_status not in ON_THE_WAY:
            found.append(f"live allocation #{pk}: its phone is “{device_status}”")
        if status == Allocation.Status.DELIVERED and device_status not in WITH_A_HOUSEHOLD:
            found.append(f"delivered allocation #{pk}: its phone is “{device_status}”")
    on_the_way = Device.objects.filter(status__in=ON_THE_WAY).exclude(
        Exists(Allocation.objects.filter(device=OuterRef("pk"), status=Allocation.Status.LIVE))
    )
    found += [
        f"phone {code} is on its way with no live allocation"
        for code in on_the_way.values_list("tracking_code", flat=True)
    ]
    return found


def handover_violations() -> list[str]:
    open_handovers = Counter(
        Handover.objects.exclude(
            Exists(HandoverReturn.objects.filter(handover=OuterRef("pk")))
        ).values_list("device_id", flat=True)
    )
    found = []
    for pk, code, status in Device.objects.values_list("id", "tracking_code", "status"):
        want = 1 if status in WITH_A_HOUSEHOLD else 0
        if open_handovers.get(pk, 0) != want:
            found.append(
                f"phone {code} is “{status}” with {open_handovers.get(pk, 0)} handovers not "
                f"returned (want {want})"
            )
    return found


def household_violations() -> list[str]:
    found = []
    counts = commune_counts()
    served = sum(row["households_served"] for row in counts.values())
    delivered = sum(row["devices_delivered"] for row in counts.values())
    with_household = Device.objects.filter(status__in=WITH_A_HOUSEHOLD).count()
    if not served == delivered == with_household:
        found.append(
            f"households served {served}, phones delivered {delivered}, phones with a household "
            f"{with_household}: they differ"
        )
    holders = set(held_handovers().values_list("household_id", flat=True))
    marked = set(
        Household.objects.filter(status=Household.Status.SERVED).values_list("id", flat=True)
    )
    found += [f"household #{pk} is served but holds no phone" for pk in sorted(marked - holders)]
    # A holder is served, or out of the programme while it keeps its phone (anonymised, moved).
    off = Household.objects.filter(id__in=holders).exclude(
        status__in=(Household.Status.SERVED, Household.Status.INACTIVE)
    )
    found += [
        f"household #{pk} holds a phone but is “{status}”"
        for pk, status in off.values_list("id", "status")
    ]
    allocated = Household.objects.filter(status=Household.Status.ALLOCATED).exclude(
        Exists(Allocation.objects.filter(household=OuterRef("pk"), status=Allocation.Status.LIVE))
    )
    found += [
        f"household #{pk} is allocated with no live allocation"
        for pk in allocated.values_list("id", flat=True)
    ]
    return found


def ledger_violations() -> list[str]:
    found = []
    money_in: dict[str, int] = defaultdict(int)
    booked = defaultdict(int)
    refunds = defaultdict(int)
    for kind, amount, currency, gift_id in LedgerEntry.objects.filter(
        kind__in=(LedgerEntry.Kind.GIFT, LedgerEntry.Kind.REFUND)
    ).values_list("kind", "amount", "currency", "gift_id"):
        if kind == LedgerEntry.Kind.GIFT:
            money_in[currency] += amount
            booked[gift_id] += amount
        else:
            money_in[currency] -= amount
            refunds[gift_id] += amount
    attributed = dict(
        LedgerAttribution.objects.values_list("gift_id").annotate(total=Sum("amount"))
    )
    spent: dict[str, int] = defaultdict(int)
    held: dict[str, int] = defaultdict(int)
    for pk, memo, status, amount, refunded, currency in Gift.objects.values_list(
        "id", "memo", "status", "amount", "refunded_amount", "currency"
    ):
        used = attributed.get(pk, 0)
        if status in (Gift.Status.PAID, Gift.Status.REFUNDED):
            if booked.get(pk, 0) != amount:
                found.append(f"gift {memo or pk}: {amount} received, {booked.get(pk, 0)} booked")
            held[currency] += amount - refunded - used
        elif booked.get(pk) or used:
            found.append(f"gift {memo or pk} is “{status}” but is in the ledger")
        if refunds.get(pk, 0) != refunded:
            found.append(f"gift {memo or pk}: {refunded} refunded, {refunds.get(pk, 0)} booked")
        if used > amount:
            found.append(f"gift {memo or pk}: {used} attributed of {amount}")
        spent[currency] += used
    for entry_id, cost in LedgerEntry.objects.filter(kind__in=LedgerEntry.SPEND_KINDS).values_list(
        "id", "amount"
    ):
        paid = LedgerAttribution.objects.filter(spend_id=entry_id).aggregate(t=Sum("amount"))["t"]
        if (paid or 0) > cost:
            found.append(f"spend #{entry_id}: {paid} attributed of {cost}")
    for currency in sorted(set(money_in) | set(spent) | set(held)):
        if money_in[currency] != spent[currency] + held[currency]:
            found.append(
                f"ledger {currency}: money in {money_in[currency]} ≠ spent {spent[currency]} + "
                f"held {held[currency]}"
            )
    return found


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def erasure_violations(erased_names: Iterable[str]) -> list[str]:
    """ "app.Model.field #pk" for every text, JSON or file-name value naming an erased household."""
    wanted = sorted({_fold(n) for n in erased_names if n and n.strip()}, key=len, reverse=True)
    if not wanted:
        return []
    pattern = re.compile("|".join(re.escape(n) for n in wanted))
    found = []
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS or model._meta.proxy:
            continue
        names = [f.attname for f in model._meta.concrete_fields if isinstance(f, TEXT_FIELDS)]
        if not names:
            continue
        for pk, *values in model._default_manager.order_by().values_list("pk", *names).iterator():
            for name, value in zip(names, values, strict=True):
                if value in (None, "", {}, []):
                    continue
                text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                if pattern.search(_fold(text)):
                    found.append(f"an erased name in {model._meta.label}.{name} #{pk}")
    return found


def season_summary() -> dict:
    """What the simulation reports: phones and households by status, the money (VND)."""
    phones = dict(Device.objects.order_by().values_list("status").annotate(n=Count("id")))
    households = dict(Household.objects.order_by().values_list("status").annotate(n=Count("id")))
    entries = dict(
        LedgerEntry.objects.filter(currency="VND")
        .order_by()
        .values_list("kind")
        .annotate(total=Sum("amount"))
    )
    money_in = entries.get(LedgerEntry.Kind.GIFT, 0) - entries.get(LedgerEntry.Kind.REFUND, 0)
    spent = sum(entries.get(kind, 0) for kind in LedgerEntry.SPEND_KINDS)
    from_gifts = (
        LedgerAttribution.objects.filter(gift__currency="VND").aggregate(t=Sum("amount"))["t"] or 0
    )
    return {
        "phones": phones,
        "households": households,
        "money": {
            "received": entries.get(LedgerEntry.Kind.GIFT, 0),
            "refunded": entries.get(LedgerEntry.Kind.REFUND, 0),
            "in": money_in,
            "spent": spent,
            "spent_from_gifts": from_gifts,
            "spent_from_general_fund": spent - from_gifts,
            "held": money_in - from_gifts,
        },
    }
