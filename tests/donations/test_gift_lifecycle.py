"""The gift's status door: one table of moves, an event row per move with what caused it, a 409
naming the allowed moves that writes nothing; the webhook and the statement go through it."""

import pytest

from core.errors import Conflict
from donations.models import Donor, Gift, GiftEvent, LedgerEntry, StatementLine, StripeEvent
from donations.services.gifts import GIFT, gift_transition
from tests.donations.conftest import statement_post
from tests.donations.test_money import _checkout, _event, _events_for, _post_webhook

pytestmark = pytest.mark.django_db

S = Gift.Status


def _gift(status=S.PENDING, method="vietqr", memo="NSAAAAAAAA"):
    donor = Donor.objects.create(name="Hà", email="ha@example.vn")
    return Gift.objects.create(
        donor=donor, method=method, amount=200000, currency="VND", status=status, memo=memo
    )


def _line(gift, reference):
    """A statement of one line paying `gift` in full."""
    return f"Ngày,Số tiền,Nội dung,Mã giao dịch\n01/12/2026,200000,{gift.memo},{reference}".encode()


def _timeline(gift):
    return list(
        GiftEvent.objects.filter(gift=gift).values_list(
            "old_status", "new_status", "source", "actor"
        )
    )


def test_the_table_of_gift_moves():
    assert GIFT.allowed_moves(S.PENDING) == [S.FAILED, S.PAID]
    assert GIFT.allowed_moves(S.FAILED) == [S.PAID]
    assert GIFT.allowed_moves(S.PAID) == [S.REFUNDED]
    assert GIFT.allowed_moves(S.REFUNDED) == []


def test_a_move_writes_its_event_books_the_gift_and_a_repeat_writes_nothing():
    gift = _gift()
    moved = gift_transition(gift_id=gift.id, to=S.PAID, source="statement:7", data={"row": 2})
    assert moved.status == S.PAID and moved.paid_at is not None
    gift.refresh_from_db()
    assert gift.status == S.PAID
    event = GiftEvent.objects.get(gift=gift)
    assert (event.old_status, event.new_status, event.source, event.actor) == (
        "pending",
        "paid",
        "statement:7",
        None,
    )
    assert event.data == {"row": 2}
    assert LedgerEntry.objects.filter(gift=gift, kind="gift").count() == 1

    again = gift_transition(gift_id=gift.id, to=S.PAID, source="statement:8")
    assert again.last_event is None
    assert GiftEvent.objects.filter(gift=gift).count() == 1
    assert LedgerEntry.objects.filter(gift=gift).count() == 1


@pytest.mark.parametrize(
    ("now", "to", "allowed"),
    [
        (S.PAID, S.PENDING, ["refunded"]),
        (S.PAID, S.FAILED, ["refunded"]),
        (S.REFUNDED, S.PAID, []),
        (S.FAILED, S.REFUNDED, ["paid"]),
        (S.PENDING, S.REFUNDED, ["failed", "paid"]),
    ],
)
def test_a_forbidden_move_is_a_409_naming_the_allowed_moves_and_writes_nothing(now, to, allowed):
    gift = _gift(status=now)
    before = Gift.objects.filter(id=gift.id).values().get()
    with pytest.raises(Conflict) as refused:
        gift_transition(gift_id=gift.id, to=to, source="test")
    assert refused.value.status == 409 and refused.value.code == "invalid_transition"
    assert refused.value.fields == {"allowed": allowed}
    assert Gift.objects.filter(id=gift.id).values().get() == before
    assert GiftEvent.objects.count() == 0 and LedgerEntry.objects.count() == 0


def test_webhook_moves_go_through_the_door_with_the_event_as_source(client, api, fake_stripe):
    gift = Gift.objects.get(id=_checkout(api).json()["id"])
    for event in _events_for(gift, refund=2500):
        assert _post_webhook(client, event).status_code == 200
    assert _timeline(gift) == [
        ("", "pending", "checkout", None),
        ("pending", "paid", "evt_completed", None),
        ("paid", "refunded", "evt_refund", None),
    ]
    assert GiftEvent.objects.get(gift=gift, new_status="refunded").data == {"refunded": 2500}


def test_a_webhook_the_table_forbids_keeps_the_gift_and_notes_it_for_review(
    client, api, fake_stripe
):
    """Stripe says the payment failed, but the gift is already paid (it cannot be by Stripe's
    own events; a hand correction could): the gift stays paid, the event is stored, and a note
    on the gift's timeline asks for a review. The webhook answers 200 (a retry cannot fix it)."""
    gift = Gift.objects.get(id=_checkout(api).json()["id"])
    gift_transition(gift_id=gift.id, to=S.PAID, source="hand")
    events = GiftEvent.objects.count()
    session = {"id": gift.stripe_session_id, "payment_status": "unpaid"}
    response = _post_webhook(
        client, _event("evt_f", "checkout.session.async_payment_failed", session)
    )
    assert response.status_code == 200
    gift.refresh_from_db()
    assert gift.status == S.PAID
    assert StripeEvent.objects.filter(event_id="evt_f").exists()
    assert GiftEvent.objects.count() == events + 1
    note = GiftEvent.objects.get(source="evt_f")
    assert (note.old_status, note.new_status) == ("paid", "paid")
    assert note.data == {"review": True, "stripe_says": "failed"}
    assert LedgerEntry.objects.filter(gift=gift).count() == 1


def test_a_statement_line_for_a_gift_that_cannot_be_paid_is_listed_not_applied(api, coordinator_h):
    gift = _gift(status=S.REFUNDED)
    response = statement_post(api.as_user(coordinator_h), _line(gift, "FT9"))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["matched"] == 0 and [u["row"] for u in body["unmatched"]] == [2]
    assert "—" in body["unmatched"][0]["reason"]  # nothing is allowed after a refund
    gift.refresh_from_db()
    assert gift.status == S.REFUNDED and gift.bank_reference == ""
    assert StatementLine.objects.count() == 0 and GiftEvent.objects.count() == 0


def test_a_statement_payment_names_the_coordinator_and_the_line(api, coordinator_h):
    gift = _gift()
    body = statement_post(api.as_user(coordinator_h), _line(gift, "FT1")).json()
    assert body["matched"] == 1
    gift.refresh_from_db()
    assert gift.status == S.PAID and gift.bank_reference == "FT1"
    event = GiftEvent.objects.get(gift=gift)
    assert (event.old_status, event.new_status, event.actor) == ("pending", "paid", coordinator_h)
    assert event.source.startswith("statement:")
    assert event.data == {"row": 2, "reference": "FT1", "amount": 200000}


def test_no_status_of_the_donations_app_is_written_outside_its_door():
    """Gifts, pledges and phones change status only through GIFT, PLEDGE and DEVICE (core's
    Lifecycle.move sets the field): no assignment or queryset update of a status here. A bank
    statement's processing state and held money's state are not life cycles of the programme
    (no door, no event): they are the one exception, named here."""
    import re
    from pathlib import Path

    import donations

    root = Path(donations.__file__).parent
    written = re.compile(r"\.status\s*=(?!=)|\bupdate\([^)]*\bstatus\s*=")
    not_a_door = re.compile(r"\b(statement|held)\.status\s*=|status=StatementImport\.Status\.")
    found = [
        f"{path.relative_to(root)}:{number}"
        for path in root.rglob("*.py")
        if "migrations" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if written.search(line) and not not_a_door.search(line)
    ]
    assert found == []
