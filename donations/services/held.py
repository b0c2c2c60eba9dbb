"""Held statement money (issue 13): what a person decides about money a statement line brought
that paid no gift in full. Three decisions, each a HeldSettlement row, never more than what is
still held:

- pay: pay a waiting bank-transfer gift from it (a line naming several gifts is split this way);
- keep: keep it as a general gift of the donor whose gift the line named (or of an unnamed
  bank-transfer donor when the line named several people's gifts), booked in the ledger;
- refund: record that it was sent back to the payer (the bank reference of the refund as note).

For every statement: held = still held + paid + kept + refunded."""

from __future__ import annotations

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from core.errors import Conflict, Forbidden, NotFound
from donations import money
from donations.models import Donor, Gift, HeldMoney, HeldSettlement
from donations.services.errors import field_error
from donations.services.gifts import _gift_created, gift_transition

Action = HeldSettlement.Action


def _require_coordinator(actor) -> None:
    from accounts.scoping import scope_for

    if not scope_for(actor).has_role("coordinator"):
        raise Forbidden(_("Only coordinators decide about held money."), code="forbidden")


def _amount(value, *, default: int) -> int:
    if value in (None, ""):
        return default
    try:
        amount = int(value)
    except (TypeError, ValueError):
        amount = 0
    if isinstance(value, bool) or amount <= 0:
        raise field_error(
            _("Enter the amount in đồng, as a whole number above zero."), "invalid_amount", "amount"
        )
    return amount


def _unnamed_donor() -> Donor:
    """A donor row of its own for money kept from a payer we cannot name (no email is sent)."""
    with translation.override("vi"):
        return Donor.objects.create(name=_("Unnamed bank transfer"), email="", language="vi")


def held_settle(
    *, held_id: int, action: str, actor, amount=None, memo: str = "", note: str = ""
) -> HeldSettlement:
    """Settle (part of) some held money; raises a 400 on the field at fault, 409 when the money is
    no longer held, and writes nothing then."""
    _require_coordinator(actor)
    if action not in Action.values:
        raise field_error(
            _("Choose a decision: pay a waiting gift, keep as a general gift, or sent back."),
            "invalid_action",
            "action",
        )
    note = (note or "").strip()[:255]
    with transaction.atomic():
        held = HeldMoney.objects.select_for_update().filter(pk=held_id).first()
        if held is None:
            raise NotFound(_("No such held money."), code="not_found")
        if held.remaining == 0:
            raise Conflict(
                _("This money was settled already; nothing of it is held."), code="already_settled"
            )
        gift = None
        if action == Action.PAY:
            gift = _gift_to_pay(memo)
            amount = gift.amount
            if amount > held.remaining:
                raise field_error(
                    _("Gift %(memo)s needs %(want)s; only %(have)s is held.")
                    % {
                        "memo": gift.memo,
                        "want": money.format_amount(amount, "VND"),
                        "have": money.format_amount(held.remaining, "VND"),
                    },
                    "not_enough_held",
                    "memo",
                )
        else:
            amount = _amount(amount, default=held.remaining)
            if amount > held.remaining:
                raise field_error(
                    _("Only %(have)s is still held.")
                    % {"have": money.format_amount(held.remaining, "VND")},
                    "not_enough_held",
                    "amount",
                )
            if action == Action.REFUND and not note:
                raise field_error(
                    _("Write the bank reference of the transfer that sent the money back."),
                    "note_required",
                    "note",
                )
        held.remaining -= amount
        held.status = HeldMoney.Status.SETTLED if held.remaining == 0 else HeldMoney.Status.HELD
        held.save(update_fields=["remaining", "status"])
        source = f"held:{held.id}"
        if action == Action.PAY:
            gift_transition(
                gift_id=gift.id,
                to=Gift.Status.PAID,
                source=source,
                actor=actor,
                data={"statement": held.statement_id, "row": held.row, "amount": amount},
                also={"bank_reference": held.reference},
            )
        elif action == Action.KEEP:
            gift = _keep_as_gift(held, amount=amount, actor=actor, source=source)
        return HeldSettlement.objects.create(
            held=held, action=action, amount=amount, gift=gift, note=note, actor=actor
        )


def _gift_to_pay(memo: str) -> Gift:
    memo = (memo or "").strip().upper()
    gift = (
        Gift.objects.select_for_update().filter(method="vietqr", memo=memo).first()
        if memo
        else None
    )
    if gift is None:
        raise field_error(
            _("Enter the memo of a waiting bank-transfer gift (NS…)."), "unknown_memo", "memo"
        )
    if gift.status != Gift.Status.PENDING:
        raise field_error(
            _("Gift %(memo)s is not waiting for payment (%(status)s).")
            % {"memo": gift.memo, "status": gift.get_status_display()},
            "gift_not_pending",
            "memo",
        )
    return gift


def _keep_as_gift(held: HeldMoney, *, amount: int, actor, source: str) -> Gift:
    donors = {g.donor_id for g in held.gifts.all()}
    donor_id = donors.pop() if len(donors) == 1 else _unnamed_donor().id
    gift = Gift.objects.create(
        donor_id=donor_id,
        method=Gift.Method.VIETQR,
        purpose=Gift.Purpose.GENERAL,
        amount=amount,
        currency="VND",
        bank_reference=held.reference,
    )
    _gift_created(gift, source=source, actor=actor)
    return gift_transition(
        gift_id=gift.id,
        to=Gift.Status.PAID,
        source=source,
        actor=actor,
        data={"statement": held.statement_id, "row": held.row, "kept": True},
    )


def held_report(statement) -> dict:
    """Where a statement's held money went: held = still held + paid + kept + refunded."""
    from django.db.models import Sum

    report = {"held": statement.held_amount, "still_held": 0}
    report.update({action: 0 for action in Action.values})
    report["still_held"] = statement.held_items.aggregate(total=Sum("remaining"))["total"] or 0
    for row in (
        HeldSettlement.objects.filter(held__statement=statement)
        .values("action")
        .annotate(total=Sum("amount"))
    ):
        report[row["action"]] = row["total"]
    return report
