"""The recovery paths of a season (issue 14): a promise that cannot be kept before delivery, a
phone lost on the way, a phone that comes back after delivery. Each is one atomic service that
moves the phone, the household and the allocation through their doors (donations.lifecycle,
households.lifecycle, matching.lifecycle.ALLOCATION), each move with its event row, and leaves
both free for the next matching run (or out of the programme) as the caller says.

    allocation_release(allocation_id=…, reason="refused", household="ineligible", actor=…)
    device_report_lost(device_id=…, reason="…", last_seen="…", actor=…)
    handover_return(handover_id=…, reason="broken", household="waiting", actor=…)

Who may: an admin, a coordinator of the phone's hub, or an officer of the household's commune
(for a phone not promised to anyone, its hub's coordinators). Anyone else gets "not found".

A household whose phone failed through no fault of its own (failed before delivery, lost on the
way, returned broken or locked) waits again *first in line*: `Household.replacement_owed_at` is
set, and matching/loading.py adds the policy's `replacement_bonus` to its priority until it is
served again.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ApplicationError, Conflict, NotFound
from core.text import nfc
from donations.lifecycle import DEVICE
from donations.models import Device
from households.lifecycle import household_transition
from households.models import Household
from logistics.models import BatchItem, Handover, HandoverReturn, LossReport, QARecord
from logistics.selectors import may_act_on, may_report_lost
from logistics.services.delivery import _close_item
from logistics.services.shared import move_device
from matching.lifecycle import allocation_transition
from matching.models import Allocation

S = Device.Status
H = Household.Status
A = Allocation.Status

RELEASE_REASONS = Allocation.RELEASE_REASONS
WAITING, INELIGIBLE, SERVED = "waiting", "ineligible", "served"


def _text(value, field: str, message: str, *, required: bool = True, limit: int = 2000) -> str:
    value = nfc(value or "").strip()
    if required and not value:
        raise ApplicationError(message, code="invalid", fields={field: [message]})
    if len(value) > limit:
        too_long = _("At most %(n)s characters.") % {"n": limit}
        raise ApplicationError(too_long, code="invalid", fields={field: [too_long]})
    return value


def _choice(value, allowed, field: str) -> str:
    if value not in allowed:
        message = _("Choose one of: %(values)s.") % {"values": ", ".join(allowed)}
        raise ApplicationError(message, code="invalid", fields={field: [message]})
    return value


def _household_waits_or_leaves(
    household: Household, to: str, actor, *, reason: str, data: dict, owed: bool
) -> None:
    """The household after its allocation ended: waiting again (first in line when `owed`), or
    out of the programme. A household already out (anonymised, withdrawn) stays out."""
    if household.status == H.INACTIVE:
        return
    if to == WAITING:
        also = {"replacement_owed_at": timezone.now()} if owed else None
        household_transition(
            household_id=household.id,
            to=H.VERIFIED,
            actor=actor,
            reason=reason,
            data={**data, "replacement_owed": owed},
            also=also,
        )
    else:
        household_transition(
            household_id=household.id, to=H.INACTIVE, actor=actor, reason=reason, data=data
        )


def _take_off_batch(device: Device, actor, outcome: str) -> int | None:
    """A phone promised but not delivered leaves its open batch: a dispatched phone comes back
    (allocated again), the batch item gets `outcome`, and the batch completes when nothing of it
    is still on its way. Returns the batch's id (None: the phone was on no open batch)."""
    item = (
        BatchItem.objects.select_for_update()
        .filter(device=device, outcome=BatchItem.Outcome.PENDING)
        .first()
    )
    if item is None:
        return None
    if device.status == S.DISPATCHED and outcome == BatchItem.Outcome.RETURNED:
        move_device(device, S.ALLOCATED, actor, {"batch": item.batch_id, "returned": True})
    _close_item(item, outcome, actor)
    return item.batch_id


# --- release before delivery -----------------------------------------------------------------


def allocation_release(
    *,
    allocation_id: int,
    reason: str,
    household: str | None = None,
    recheck: bool | None = None,
    notes: str = "",
    actor,
) -> Allocation:
    """End a live allocation before delivery. `reason`: moved | refused | died | ineligible |
    phone_failed. The phone goes back to ready, or to refurbishing (a new QA before it is ready)
    when `recheck` or when it failed; a phone on an open batch leaves it. The household waits
    again (`household="waiting"`, first in line when the phone failed) or leaves the programme
    (`"ineligible"`); by default it waits when the phone failed and leaves otherwise. 409
    `allocation_not_live` when the allocation was delivered or ended already."""
    found = Allocation.objects.select_related("device", "household").filter(id=allocation_id)
    allocation = found.first()
    if allocation is None or not may_act_on(actor, allocation.device, allocation.household):
        raise NotFound(_("No such allocation among yours."))
    reason = _choice(reason, RELEASE_REASONS, "reason")
    phone_failed = reason == Allocation.Reason.PHONE_FAILED
    household = household or (WAITING if phone_failed else INELIGIBLE)
    household = _choice(household, (WAITING, INELIGIBLE), "household")
    if phone_failed and recheck is False:
        message = _("A phone that failed is checked again before it can be given.")
        raise ApplicationError(message, code="invalid", fields={"recheck": [message]})
    recheck = bool(recheck) or phone_failed
    notes = _text(notes, "notes", "", required=False)
    with transaction.atomic():
        # Locks in the order of an approval (phone, then household, then the allocation).
        device = Device.objects.select_for_update().get(id=allocation.device_id)
        Household.objects.select_for_update().get(id=allocation.household_id)
        allocation = Allocation.objects.select_for_update().get(id=allocation.id)
        if allocation.status != A.LIVE:
            raise Conflict(
                _("This allocation is “%(status)s”: only a live allocation can be released.")
                % {"status": allocation.get_status_display()},
                code="allocation_not_live",
                fields={"allowed": []},
            )
        data = {"allocation": allocation.id, "reason": reason}
        batch_id = _take_off_batch(device, actor, BatchItem.Outcome.RETURNED)
        if batch_id:
            data["batch"] = batch_id
        device.refresh_from_db()
        if recheck:
            move_device(device, S.REFURBISHING, actor, {**data, "recheck": True})
        else:
            qa = (
                QARecord.objects.filter(device=device, passed=True)
                .order_by("-at", "-id")
                .values_list("id", flat=True)
                .first()
            )
            move_device(device, S.READY, actor, {**data, "qa_record": qa})
        label = str(Allocation.Reason(reason).label)
        _household_waits_or_leaves(
            allocation.household,
            household,
            actor,
            reason=label,
            data={**data, "device": device.tracking_code},
            owed=phone_failed and household == WAITING,
        )
        return allocation_transition(
            allocation_id=allocation.id,
            to=A.RELEASED,
            actor=actor,
            reason=notes or label,
            data={"reason": reason, "household": household, "recheck": recheck, **data},
            also={"released_at": timezone.now(), "end_reason": reason, "release_reason": notes},
        )


# --- lost ------------------------------------------------------------------------------------


def device_report_lost(*, device_id: int, reason: str, last_seen: str, actor) -> LossReport:
    """A phone lost in transit or at a hub: the report (who, where it was last seen, what
    happened), the phone → lost, its open batch item → lost, its live allocation released (its
    household waits again, first in line); the donor is told kindly, in their language (the
    device's door owes the email). A phone already lost is answered with its report, and nothing
    is written (a retry). A phone already handed over is the household's: open a ticket."""
    device = Device.objects.select_related("pledge").filter(id=device_id).first()
    # The household the phone is promised to or holds it: its commune's officers may report.
    holding = Allocation.objects.select_related("household").filter(
        device_id=device_id, is_live=True
    )
    allocation = holding.first() if device else None
    household = allocation.household if allocation else None
    if device is None or not may_report_lost(actor, device, household):
        raise NotFound(_("No such phone among yours."))
    if device.status in (S.DELIVERED, S.FOLLOWED_UP):
        raise Conflict(
            _(
                "This phone was handed over: it is the household's now. Open a ticket "
                "(lost or stolen) from its handover instead."
            ),
            code="delivered_open_a_ticket",
        )
    reason = _text(reason, "reason", _("Say what happened."))
    last_seen = _text(last_seen, "last_seen", _("Say where it was last seen."), limit=255)
    with transaction.atomic():
        device = Device.objects.select_for_update().get(id=device.id)
        if device.status == S.LOST:
            report = device.loss_reports.order_by("-at", "-id").first()
            if report is not None:
                return report
        DEVICE.check_move(device.status, S.LOST)
        status_before = device.status
        batch_id = None
        item = BatchItem.objects.filter(device=device, outcome=BatchItem.Outcome.PENDING).first()
        if item is not None:
            batch_id = item.batch_id
        allocation = Allocation.objects.select_for_update().filter(device=device, status=A.LIVE)
        allocation = allocation.first()
        report = LossReport.objects.create(
            device=device,
            hub_id=device.hub_id,
            status_before=status_before,
            last_seen=last_seen,
            reason=reason,
            batch_id=batch_id,
            allocation=allocation,
            actor=actor,
        )
        data = {"loss_report": report.id}
        move_device(device, S.LOST, actor, data)
        if item is not None:
            _take_off_batch(device, actor, BatchItem.Outcome.LOST)
        if allocation is not None:
            Household.objects.select_for_update().get(id=allocation.household_id)
            _household_waits_or_leaves(
                allocation.household,
                WAITING,
                actor,
                reason=str(Allocation.Reason.LOST.label),
                data={**data, "device": device.tracking_code},
                owed=True,
            )
            allocation_transition(
                allocation_id=allocation.id,
                to=A.RELEASED,
                actor=actor,
                reason=str(Allocation.Reason.LOST.label),
                data={"reason": Allocation.Reason.LOST, "household": WAITING, **data},
                also={
                    "released_at": timezone.now(),
                    "end_reason": Allocation.Reason.LOST,
                    "release_reason": reason,
                },
            )
    return report


# --- return after delivery -------------------------------------------------------------------


def _holds_another_phone(household: Household, device: Device) -> bool:
    return (
        Allocation.objects.filter(household=household, status=A.DELIVERED)
        .exclude(device=device)
        .exists()
    )


def handover_return(
    *,
    handover_id: int,
    reason: str,
    household: str = WAITING,
    notes: str = "",
    phone_fault: bool | None = None,
    actor,
) -> HandoverReturn:
    """A delivered phone comes back from its household. The phone → returned (the hub receives
    it, wipes and checks it, and it is matched again like any other phone), its allocation →
    returned. The household: waiting again (first in line when the fault was the phone's:
    broken or locked, or `phone_fault`), served (only when it still holds another phone of the
    programme), or out of the programme. A handover already returned is answered with its
    return, and nothing is written (a retry)."""
    handover = Handover.objects.select_related("device", "household").filter(id=handover_id).first()
    if handover is None or not may_act_on(actor, handover.device, handover.household):
        raise NotFound(_("No such handover among yours."))
    reason = _choice(reason, HandoverReturn.Reason.values, "reason")
    household = _choice(household, HandoverReturn.HouseholdOutcome.values, "household")
    notes = _text(notes, "notes", "", required=False)
    fault = reason in HandoverReturn.PHONE_FAULTS if phone_fault is None else bool(phone_fault)
    with transaction.atomic():
        device = Device.objects.select_for_update().get(id=handover.device_id)
        subject = Household.objects.select_for_update().get(id=handover.household_id)
        Handover.objects.select_for_update().get(id=handover.id)
        done = HandoverReturn.objects.filter(handover=handover).first()
        if done is not None:
            return done
        latest = device.handovers.order_by("-at", "-id").values_list("id", flat=True).first()
        if latest != handover.id or device.status not in (S.DELIVERED, S.FOLLOWED_UP):
            raise Conflict(
                _("This phone is no longer with this household (it is “%(status)s”).")
                % {"status": device.get_status_display()},
                code="not_with_household",
            )
        if subject.status == H.INACTIVE:
            household = INELIGIBLE  # out already (anonymised, withdrew): it stays out
        elif household == SERVED and not _holds_another_phone(subject, device):
            message = _(
                "This household holds no other phone of the programme: it waits for another "
                "one, or leaves the programme."
            )
            raise Conflict(message, code="household_not_served", fields={"household": [message]})
        record = HandoverReturn.objects.create(
            handover=handover,
            reason=reason,
            household_outcome=household,
            phone_fault=fault,
            notes=notes,
            actor=actor,
        )
        data = {"handover_return": record.id, "handover": handover.id, "reason": reason}
        move_device(device, S.RETURNED, actor, data)
        label = str(HandoverReturn.Reason(reason).label)
        allocation = (
            Allocation.objects.select_for_update()
            .filter(device=device, household=subject, status=A.DELIVERED)
            .first()
        )
        if allocation is not None:
            allocation_transition(
                allocation_id=allocation.id,
                to=A.RETURNED,
                actor=actor,
                reason=notes or label,
                data={"household": household, **data},
                also={"released_at": timezone.now(), "end_reason": reason, "release_reason": notes},
            )
        if household != SERVED:
            _household_waits_or_leaves(
                subject,
                household,
                actor,
                reason=label,
                data={**data, "device": device.tracking_code},
                owed=fault and household == WAITING,
            )
    return record
