"""Every read of logistics data, narrowed through accounts.scoping.

Coordinators see the phones at their hubs, plus pledged phones not yet assigned to any hub (they
arrive at the bench with only a tracking code). Officers see the handovers and phones on their way
to households of their communes. Out of reach is "not found": a code from another hub tells
nothing about that hub."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role
from accounts.scoping import filter_by_commune, filter_by_hub, scope_for
from core.errors import ApplicationError, NotFound
from donations.lifecycle import may_move
from donations.models import Device, DeviceEvent, DevicePhoto
from logistics.models import BatchItem, DeliveryBatch, Handover, LossReport, Ticket
from matching.models import Allocation
from places.models import Hub

S = Device.Status


def _unassigned_pledged(user) -> Q:
    """Pledged phones with no hub yet (or pledged to one of the user's hubs)."""
    scope = scope_for(user)
    return Q(status=Device.Status.PLEDGED, hub__isnull=True) & (
        Q(pledge__isnull=True) | Q(pledge__hub__isnull=True) | Q(pledge__hub__in=scope.hubs)
    )


def devices_for_staff(user, *, status: str | None = None, hub: int | None = None) -> QuerySet:
    scope = scope_for(user)
    qs = Device.objects.select_related("hub", "pledge__donor")
    if not scope.is_admin:
        if not scope.has_role(Role.COORDINATOR) or not scope.hubs:
            return qs.none()
        qs = qs.filter(Q(hub__in=scope.hubs) | _unassigned_pledged(user))
    if status:
        qs = qs.filter(status=status)
    if hub:
        qs = qs.filter(hub_id=hub)
    return qs


def device_get_for_staff(user, code: str) -> Device:
    code = (code or "").strip().upper()
    device = devices_for_staff(user).filter(tracking_code=code).first()
    if device is None:
        raise NotFound(_("No phone with the tracking code %(code)s at your hubs.") % {"code": code})
    return device


def device_detail(device: Device) -> dict:
    """The evidence of one phone, for its staff page and the API."""
    allocation = (
        Allocation.objects.filter(device=device, is_live=True)
        .select_related("household__commune")
        .order_by("-created_at", "-id")
        .first()
    )
    events = list(DeviceEvent.objects.filter(device=device).select_related("actor"))
    for event in events:
        event.label = (
            Device.Status(event.new_status).label
            if event.new_status in Device.Status.values
            else event.new_status
        )
    return {
        "events": events,
        "intakes": list(device.intakes.select_related("hub", "actor")),
        "wipes": list(device.wipe_records.select_related("operator")),
        "repairs": list(device.repairs.select_related("actor")),
        "qa": list(device.qa_records.select_related("actor")),
        "rejections": list(device.rejections.select_related("actor")),
        "sim": getattr(device, "sim", None) if hasattr(device, "sim") else None,
        "handovers": list(device.handovers.select_related("household", "recorded_by")),
        "photos": list(device.photos.all()),  # the donor's (private files: device_photo serves)
        "allocation": allocation,
        "batches": list(BatchItem.objects.filter(device=device).select_related("batch__commune")),
        "losses": list(device.loss_reports.select_related("actor")),
    }


def device_photo_for_staff(user, code: str, photo_id: int) -> DevicePhoto:
    """A donor's photo of a phone among the user's (a private file), or 404."""
    device = device_get_for_staff(user, code)
    photo = DevicePhoto.objects.filter(device=device, id=photo_id).first()
    if photo is None:
        raise NotFound(_("No such photo of this phone."))
    return photo


def hubs_for_staff(user) -> QuerySet:
    return filter_by_hub(Hub.objects.filter(is_active=True), user, field="id")


def _counts_by_hub(user) -> dict[int | None, dict[str, int]]:
    """{hub id (None: not at a hub yet): {status: phones}} over `devices_for_staff`, in one
    grouped query. The hub list's counts and the dashboard's table are both this."""
    rows = devices_for_staff(user).order_by().values_list("hub_id", "status")
    table: dict[int | None, dict[str, int]] = {}
    for hub_id, status, n in rows.annotate(n=Count("id")):
        table.setdefault(hub_id, {})[status] = n
    return table


def _summed(table: dict) -> dict[str, int]:
    totals: dict[str, int] = {}
    for counts in table.values():
        for status, n in counts.items():
            totals[status] = totals.get(status, 0) + n
    return totals


def status_counts(user) -> dict[str, int]:
    """{status: phones} the user may see: the sums of the dashboard's table (`device_counts`)."""
    return _summed(_counts_by_hub(user))


def device_counts(user) -> dict:
    """The dashboard's table: {"per_hub": [{hub, counts: {status: n}, total}], "unassigned":
    {counts, total} (pledged phones not at a hub yet), "totals": {status: n}}, from the same
    rows as `status_counts` (so the hub list and the dashboard agree), in three queries."""
    table = _counts_by_hub(user)
    hubs = list(hubs_for_staff(user))
    # A hub closed since (inactive) still holds its phones: it keeps its row while it does.
    closed = {hub_id for hub_id in table if hub_id is not None} - {hub.id for hub in hubs}
    if closed:
        hubs += list(Hub.objects.filter(id__in=closed).order_by("name"))

    def row(counts: dict[str, int]) -> dict:
        return {"counts": counts, "total": sum(counts.values())}

    return {
        "per_hub": [{"hub": hub, **row(table.get(hub.id, {}))} for hub in hubs],
        "unassigned": row(table.get(None, {})),
        "totals": _summed(table),
    }


def counts_per_hub(user) -> list[dict]:
    """[{hub, counts: {status: n}, total}] for the dashboard (see `device_counts`)."""
    return device_counts(user)["per_hub"]


def stuck_devices(user, *, now=None) -> list[Device]:
    """Phones that have sat in one status longer than LOGISTICS_STUCK_DAYS allows."""
    now = now or timezone.now()
    limits = settings.LOGISTICS_STUCK_DAYS
    condition = Q()
    for status, days in limits.items():
        condition |= Q(status=status, since__lt=now - timedelta(days=days))
    qs = (
        filter_by_hub(Device.objects.filter(status__in=list(limits)), user)
        .annotate(since=Max("events__at"))
        .filter(condition)
        .select_related("hub")
        .order_by("since")
    )
    return list(qs[:200])


def batches_for_staff(user) -> QuerySet:
    scope = scope_for(user)
    qs = (
        DeliveryBatch.objects.select_related("hub", "commune")
        .annotate(
            n_devices=Count("items"),
            n_done=Count("items", filter=~Q(items__outcome=BatchItem.Outcome.PENDING)),
        )
        .order_by("-planned_date", "-id")
    )  # Meta.ordering does not survive the GROUP BY
    if scope.is_admin:
        return qs
    return qs.filter(Q(hub__in=scope.hubs) | Q(commune__in=scope.communes(Role.OFFICER)))


def batch_get_for_staff(user, batch_id: int) -> DeliveryBatch:
    batch = batches_for_staff(user).filter(id=batch_id).first()
    if batch is None:
        raise NotFound(_("No such delivery batch among yours."))
    return batch


def batch_items(batch: DeliveryBatch) -> list[BatchItem]:
    """The phones of a batch with the household each must reach (staff only: head names)."""
    items = list(
        batch.items.select_related("device").prefetch_related(
            Prefetch(
                "device__allocations",
                queryset=Allocation.objects.filter(is_live=True).select_related(
                    "household__village"
                ),
                to_attr="live_allocations",
            ),
            Prefetch(
                "device__handovers",
                queryset=Handover.objects.order_by("-at"),
                to_attr="handover_list",
            ),
        )
    )
    for item in items:
        allocations = item.device.live_allocations
        item.household = allocations[0].household if allocations else None
        item.handover = item.device.handover_list[0] if item.device.handover_list else None
    return items


def batch_candidates(user) -> QuerySet:
    """Phones at the user's hubs that may go on a batch: the device's table lets them be
    dispatched, they are promised to a household (a live allocation) and on no open batch."""
    may_leave = [s for s in S.values if may_move(s, S.DISPATCHED)]
    return (
        devices_for_staff(user)
        .filter(status__in=may_leave, allocations__is_live=True)
        .exclude(batch_items__outcome=BatchItem.Outcome.PENDING)
    )


def batch_groups(user) -> list[dict]:
    """The phones waiting for a batch, one group per (hub, commune of their households): what
    a coordinator plans as one batch each. Groups ordered by commune, then hub; phones by code.
    One query."""
    rows = (
        batch_candidates(user)
        .values_list(
            "tracking_code",
            "brand",
            "model",
            "hub_id",
            "hub__name",
            "allocations__household__commune_id",
            "allocations__household__commune__name",
            "allocations__household__head_name",
            "allocations__household__village__name",
        )
        .order_by("allocations__household__commune__name", "hub__name", "tracking_code")
    )
    groups: dict[tuple[int, str], dict] = {}
    for code, brand, model, hub_id, hub_name, commune, commune_name, head, village in rows:
        group = groups.setdefault(
            (hub_id, commune),
            {
                "key": f"{hub_id}-{commune}",
                "hub_id": hub_id,
                "hub_name": hub_name,
                "commune": commune,
                "commune_name": commune_name,
                "phones": [],
            },
        )
        household = ", ".join(part for part in (head, village) if part)
        group["phones"].append(
            {"code": code, "label": f"{code} · {brand} {model} · {household}".strip(" ·")}
        )
    return list(groups.values())


def handovers_for_staff(user) -> QuerySet:
    """Handovers the user may see: officers of the household's commune, coordinators of the hub."""
    scope = scope_for(user)
    qs = Handover.objects.select_related("device", "household__commune", "recorded_by", "follow_up")
    if scope.is_admin:
        return qs
    return qs.filter(
        Q(household__commune__in=scope.communes(Role.OFFICER)) | Q(device__hub__in=scope.hubs)
    )


# The private files of a handover, by the name the URLs use.
HANDOVER_FILES = {"photo": "photo", "signature": "signature"}


def handover_get_for_staff(user, handover_id: int) -> Handover:
    handover = handovers_for_staff(user).filter(id=handover_id).first()
    if handover is None:
        raise NotFound(_("No such handover among yours."))
    return handover


def devices_awaiting_handover(user) -> QuerySet:
    """Phones on their way to a household in the user's reach: the device's table lets them be
    dispatched (allocated, still at the hub) or delivered (dispatched)."""
    scope = scope_for(user)
    on_the_way = [s for s in S.values if may_move(s, S.DISPATCHED) or may_move(s, S.DELIVERED)]
    qs = Device.objects.filter(status__in=on_the_way, allocations__is_live=True).select_related(
        "hub"
    )
    if not scope.is_admin:
        qs = qs.filter(
            Q(allocations__household__commune__in=scope.communes(Role.OFFICER))
            | Q(hub__in=scope.hubs)
        )
    return qs.prefetch_related(
        Prefetch(
            "allocations",
            queryset=Allocation.objects.filter(is_live=True).select_related(
                "household__commune", "household__village"
            ),
            to_attr="live_allocations",
        )
    ).order_by("tracking_code")


def follow_ups_due(user, *, now=None) -> QuerySet:
    now = now or timezone.now()
    due = now - timedelta(days=settings.LOGISTICS_FOLLOW_UP_DAYS)
    return handovers_for_staff(user).filter(follow_up__isnull=True, at__lte=due).order_by("at")


def device_for_handover(user, code: str) -> tuple[Device, Allocation]:
    """A phone the user may hand over: the household's officer or the hub's coordinator."""
    code = (code or "").strip().upper()
    device = Device.objects.select_related("hub").filter(tracking_code=code).first()
    allocation = (
        Allocation.objects.filter(device=device, is_live=True)
        .select_related("household__commune", "household__village")
        .first()
        if device
        else None
    )
    scope = scope_for(user)
    if device is None or not (
        scope.is_admin
        or (device.hub_id and scope.covers_hub(device.hub_id))
        or (allocation and scope.covers_commune(allocation.household.commune_id, Role.OFFICER))
    ):
        raise NotFound(_("No phone with the tracking code %(code)s among yours.") % {"code": code})
    return device, allocation


# --- recovery: allocations, losses, tickets ----------------------------------------------------


def may_act_on(user, device: Device, household=None) -> bool:
    """Who may take a recovery step about a phone and its household: an admin, a coordinator of
    the phone's hub, or an officer of the household's commune."""
    scope = scope_for(user)
    return (
        scope.is_admin
        or (device.hub_id is not None and scope.covers_hub(device.hub_id))
        or (household is not None and scope.covers_commune(household.commune_id, Role.OFFICER))
    )


def may_report_lost(user, device: Device, household=None) -> bool:
    """`may_act_on`, and for a pledged phone lost in the post before any hub received it: a
    coordinator of its pledge's hub (any coordinator when the pledge names none)."""
    if may_act_on(user, device, household):
        return True
    if device.hub_id is None and device.status == S.PLEDGED and device.pledge_id:
        scope = scope_for(user)
        hub_id = device.pledge.hub_id
        return scope.covers_hub(hub_id) if hub_id else bool(scope.hubs)
    return False


def _hub_or_commune(user, *, hub: str, commune: str) -> Q | None:
    """The condition for rows of the user's hubs (as a coordinator) or communes (as an
    officer); None for an admin (everything)."""
    scope = scope_for(user)
    if scope.is_admin:
        return None
    return Q(**{f"{hub}__in": scope.hubs}) | Q(**{f"{commune}__in": scope.communes(Role.OFFICER)})


def allocations_for_staff(
    user, *, device: str = "", household: int | None = None, live: bool | None = None
) -> QuerySet:
    """Allocations of phones at the user's hubs or of households of the user's communes (as an
    officer), newest first. `live`: only those on their way (True) or only the others (False)."""
    qs = Allocation.objects.select_related("device__hub", "household__commune")
    where = _hub_or_commune(user, hub="device__hub", commune="household__commune")
    if where is not None:
        qs = qs.filter(where)
    if device:
        qs = qs.filter(device__tracking_code=device.strip().upper())
    if household:
        qs = qs.filter(household_id=household)
    if live is not None:
        status = Allocation.Status.LIVE
        qs = qs.filter(status=status) if live else qs.exclude(status=status)
    return qs.order_by("-created_at", "-id")


def allocation_get_for_staff(user, allocation_id: int) -> Allocation:
    allocation = allocations_for_staff(user).filter(id=allocation_id).first()
    if allocation is None:
        raise NotFound(_("No such allocation among yours."))
    return allocation


def live_allocation_of(device: Device) -> Allocation | None:
    return (
        Allocation.objects.filter(device=device, status=Allocation.Status.LIVE)
        .select_related("household__commune")
        .first()
    )


def device_for_recovery(user, code: str) -> tuple[Device, Allocation | None]:
    """A phone the user may report lost or release: at the user's hubs (a coordinator), or on its
    way to a household of the user's communes (an officer)."""
    code = (code or "").strip().upper()
    device = Device.objects.select_related("hub", "pledge").filter(tracking_code=code).first()
    holding = (
        Allocation.objects.filter(device=device, is_live=True)
        .select_related("household__commune")
        .first()
        if device
        else None
    )
    if device is not None and may_report_lost(user, device, holding.household if holding else None):
        live = holding if holding and holding.status == Allocation.Status.LIVE else None
        return device, live
    raise NotFound(_("No phone with the tracking code %(code)s among yours.") % {"code": code})


def losses_for_staff(user, *, limit: int = 50) -> list[LossReport]:
    """The latest phones reported lost at the user's hubs (or, for an admin, anywhere)."""
    qs = LossReport.objects.select_related("device", "hub", "actor", "batch__commune")
    scope = scope_for(user)
    if not scope.is_admin:
        qs = qs.filter(Q(hub__in=scope.hubs) | Q(device__hub__in=scope.hubs))
    return list(qs.order_by("-at", "-id")[:limit])


def tickets_for_staff(user, *, status: str | None = None) -> QuerySet:
    """Tickets about handovers of the user's communes (as an officer) or phones of the user's
    hubs (as a coordinator); everything for an admin. Overdue first, then by due date."""
    qs = Ticket.objects.select_related(
        "handover__device", "handover__household__commune", "owner", "opened_by"
    )
    where = _hub_or_commune(
        user, hub="handover__device__hub", commune="handover__household__commune"
    )
    if where is not None:
        qs = qs.filter(where)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("due_at", "id")


def ticket_get_for_staff(user, ticket_id: int) -> Ticket:
    ticket = tickets_for_staff(user).filter(id=ticket_id).first()
    if ticket is None:
        raise NotFound(_("No such ticket among yours."))
    return ticket


def tickets_overdue(user, *, now=None, limit: int = 100) -> list[Ticket]:
    now = now or timezone.now()
    qs = tickets_for_staff(user).exclude(status=Ticket.Status.RESOLVED).filter(due_at__lt=now)
    return list(qs[:limit])


def commune_for_staff(user, code: str):
    """A commune the user works in: an officer of it, a coordinator of a hub serving it, or an
    admin (404 otherwise)."""
    from places.models import Commune

    commune = Commune.objects.filter(code=code).first()
    scope = scope_for(user)
    if commune is None or not (
        scope.is_admin
        or commune.code in scope.communes(Role.OFFICER)
        or commune.code in scope.hub_communes
    ):
        raise NotFound(_("No such commune among yours."))
    return commune


def commune_handovers(user, commune_code: str, *, limit: int = 200) -> list[Handover]:
    """The commune's handovers (newest first) the user may see, with their open tickets."""
    return list(
        handovers_for_staff(user)
        .filter(household__commune_id=commune_code)
        .select_related("return_record")
        .prefetch_related(
            Prefetch(
                "tickets",
                queryset=Ticket.objects.exclude(status=Ticket.Status.RESOLVED),
                to_attr="open_tickets",
            )
        )[:limit]
    )


# Phones a label is not printed for when a list is printed, with the reason the page gives: they
# are not at a hub to stick a label on. (Named one by one, any phone's label can be printed.)
NOT_LABELLED = {
    S.DISPATCHED: gettext_lazy("with the carrier"),
    S.DELIVERED: gettext_lazy("delivered to a household"),
    S.FOLLOWED_UP: gettext_lazy("delivered to a household"),
    S.RECYCLED: gettext_lazy("recycled"),
    S.RETURNED_TO_DONOR: gettext_lazy("returned to the donor"),
    S.LOST: gettext_lazy("lost"),
    S.CANCELLED: gettext_lazy("pledge cancelled"),
}
LABELS_BY_LINK = 300  # codes named in a link (GET ?devices=): a longer link is refused by servers
LABELS_AT_ONCE = 1000  # codes sent in a form or a JSON body (POST), or phones of a status


def label_codes(raw) -> list[str]:
    """Tracking codes from a string (split by commas or spaces) or a list of strings."""
    parts = raw if isinstance(raw, list | tuple) else [raw or ""]
    codes = []
    for part in parts:
        codes += [c.strip().upper() for c in str(part).replace(" ", ",").split(",") if c.strip()]
    return list(dict.fromkeys(codes))


def labelled_devices(user, raw, *, limit: int = LABELS_BY_LINK) -> list[Device]:
    """The phones named in `raw` (codes split by commas or spaces, or a list), for a label
    sheet: all of them among the user's, at most `limit`, in the order given."""
    codes = label_codes(raw)
    if not codes:
        message = _("Name the phones: ?devices=NS-XXXXXX,NS-YYYYYY")
        raise ApplicationError(message, fields={"devices": [message]})
    if len(codes) > limit:
        message = _("At most %(max)s labels at a time.") % {"max": limit}
        raise ApplicationError(message, fields={"devices": [message]})
    found = {d.tracking_code: d for d in devices_for_staff(user).filter(tracking_code__in=codes)}
    missing = [c for c in codes if c not in found]
    if missing:
        raise NotFound(
            _("Not among the phones at your hubs: %(codes)s") % {"codes": ", ".join(missing)},
            fields={"devices": missing},
        )
    return [found[c] for c in codes]


def label_split(devices) -> tuple[list[Device], list[tuple[Device, str]]]:
    """A listed set of phones split into those that get a label and those left out, each with
    the reason (NOT_LABELLED)."""
    printed, left_out = [], []
    for device in devices:
        if device.status in NOT_LABELLED:
            left_out.append((device, str(NOT_LABELLED[device.status])))
        else:
            printed.append(device)
    return printed, left_out


def left_out_summary(left_out) -> list[dict]:
    """The phones left out of a label sheet grouped by reason: [{reason, count, codes}]."""
    groups: dict[str, list[str]] = {}
    for device, reason in left_out:
        groups.setdefault(reason, []).append(device.tracking_code)
    return [{"reason": r, "count": len(c), "codes": c} for r, c in groups.items()]


def labelled_by_status(user, status: str, *, hub: int | None = None) -> list[Device]:
    """Every phone of `status` at the user's hubs (or one hub), for a label sheet, by code."""
    if status not in S.values:
        message = _("Choose a status from the list.")
        raise ApplicationError(message, fields={"status": [message]})
    if status in NOT_LABELLED:
        message = _("Phones that are “%(status)s” get no label: %(reason)s.") % {
            "status": S(status).label,
            "reason": NOT_LABELLED[status],
        }
        raise ApplicationError(message, fields={"status": [message]})
    devices = list(
        devices_for_staff(user, status=status, hub=hub).order_by("tracking_code")[
            : LABELS_AT_ONCE + 1
        ]
    )
    if not devices:
        message = _("No phone with this status at your hubs.")
        raise ApplicationError(message, fields={"status": [message]})
    if len(devices) > LABELS_AT_ONCE:
        message = _("More than %(max)s phones: choose one hub at a time.") % {"max": LABELS_AT_ONCE}
        raise ApplicationError(message, fields={"status": [message]})
    return devices


def business_donor_devices(user, donor_id: int) -> QuerySet:
    """Wiped phones of one donor at the user's hubs, for the donor's wipe certificate."""
    return (
        filter_by_hub(Device.objects.filter(pledge__donor_id=donor_id), user)
        .filter(wipe_records__isnull=False)
        .distinct()
        .select_related("pledge__donor", "hub")
        .prefetch_related("wipe_records__operator")
        .order_by("tracking_code")
    )


def wiped_with_records(devices) -> list[tuple[Device, object]]:
    """Each phone with its latest wipe record (prefetched as `wipe_records`)."""
    return [(d, list(d.wipe_records.all())[-1]) for d in devices if d.wipe_records.all()]


def donor_wiped_devices(user, *, pledge_id: int | None = None, code: str | None = None) -> list:
    """The signed-in donor's own wiped phones — of one pledge, or one phone by its code — with
    their latest wipe record, for their wipe certificate; NotFound when there are none."""
    qs = Device.objects.none()
    if user.is_authenticated:
        qs = Device.objects.filter(pledge__donor__user=user, wipe_records__isnull=False)
        if pledge_id is not None:
            qs = qs.filter(pledge_id=pledge_id)
        if code is not None:
            qs = qs.filter(tracking_code=str(code).strip().upper())
    pairs = wiped_with_records(
        qs.distinct()
        .select_related("pledge__donor", "hub")
        .prefetch_related("wipe_records__operator")
        .order_by("tracking_code")
    )
    if not pairs:
        raise NotFound(_("No wiped phone of yours here."))
    return pairs


def pledge_wiped_devices(pledge_id: int) -> list:
    """Every wiped phone of a pledge with its latest wipe record (for the donor's email)."""
    return wiped_with_records(
        Device.objects.filter(pledge_id=pledge_id, wipe_records__isnull=False)
        .distinct()
        .select_related("pledge__donor", "hub")
        .prefetch_related("wipe_records__operator")
        .order_by("tracking_code")
    )


def batches_this_week(user, *, today=None) -> QuerySet:
    today = today or timezone.localdate()
    start = today - timedelta(days=today.weekday())
    return batches_for_staff(user).filter(
        planned_date__gte=start, planned_date__lt=start + timedelta(days=7)
    )


__all__ = [
    "HANDOVER_FILES",
    "allocation_get_for_staff",
    "allocations_for_staff",
    "batch_candidates",
    "batch_get_for_staff",
    "batch_items",
    "batches_for_staff",
    "batches_this_week",
    "business_donor_devices",
    "commune_for_staff",
    "commune_handovers",
    "counts_per_hub",
    "device_counts",
    "device_detail",
    "device_for_handover",
    "device_for_recovery",
    "device_get_for_staff",
    "device_photo_for_staff",
    "devices_awaiting_handover",
    "devices_for_staff",
    "donor_wiped_devices",
    "filter_by_commune",
    "follow_ups_due",
    "handover_get_for_staff",
    "handovers_for_staff",
    "hubs_for_staff",
    "label_codes",
    "label_split",
    "labelled_by_status",
    "labelled_devices",
    "left_out_summary",
    "live_allocation_of",
    "losses_for_staff",
    "may_act_on",
    "may_report_lost",
    "pledge_wiped_devices",
    "status_counts",
    "stuck_devices",
    "ticket_get_for_staff",
    "tickets_for_staff",
    "tickets_overdue",
    "wiped_with_records",
]
