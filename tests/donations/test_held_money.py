"""Held statement money is settled by a person (issue 13, finding 6): pay a waiting gift from it,
keep it as a general gift, or record that it was sent back, never more than is held; and long
statements are reconciled in the background, in chunks that survive a dying worker."""

from __future__ import annotations

import io

import pytest
from django.test import override_settings
from openpyxl import Workbook

from donations.models import (
    Gift,
    GiftEvent,
    HeldMoney,
    HeldSettlement,
    LedgerEntry,
    StatementImport,
    StatementLine,
)
from donations.services import statements as statement_service
from donations.services.held import held_report, held_settle
from donations.services.statements import statement_process, statement_reconcile
from tests.conftest import assert_error
from tests.donations.conftest import statement_post
from tests.donations.test_statement_money import adds_up, csv, gifts

pytestmark = pytest.mark.django_db


def held_after(coordinator, lines) -> tuple[StatementImport, list[HeldMoney]]:
    statement = statement_reconcile(content=csv(lines), filename="s.csv", actor=coordinator)
    return statement, list(statement.held_items.order_by("row"))


def test_an_overpayment_is_held_money_that_can_be_kept_as_a_general_gift(coordinator_h, donor):
    [gift] = gifts(donor, 1)
    statement, [held] = held_after(coordinator_h, [(5_000_000, f"CK {gift.memo}")])
    assert (held.amount, held.remaining, held.status) == (4_000_000, 4_000_000, "held")
    assert list(held.gifts.all()) == [gift]

    settlement = held_settle(held_id=held.id, action="keep", actor=coordinator_h)

    held.refresh_from_db()
    kept = settlement.gift
    assert (held.remaining, held.status) == (0, "settled")
    assert (kept.donor_id, kept.amount, kept.purpose, kept.status) == (
        gift.donor_id,
        4_000_000,
        "general",
        "paid",
    )
    assert LedgerEntry.objects.get(gift=kept, kind="gift").amount == 4_000_000
    assert GiftEvent.objects.filter(gift=kept, new_status="paid", source=f"held:{held.id}").exists()
    assert held_report(statement) == {
        "held": 4_000_000,
        "still_held": 0,
        "pay": 0,
        "keep": 4_000_000,
        "refund": 0,
    }


def test_a_line_naming_two_gifts_is_split_by_paying_each(coordinator_h, donor):
    first, second = gifts(donor, 2)
    statement, [held] = held_after(coordinator_h, [(2_000_000, f"{first.memo} {second.memo}")])
    assert set(held.gifts.all()) == {first, second}

    held_settle(held_id=held.id, action="pay", memo=first.memo.lower(), actor=coordinator_h)
    held.refresh_from_db()
    assert (held.remaining, held.status) == (1_000_000, "held")
    held_settle(held_id=held.id, action="pay", memo=second.memo, actor=coordinator_h)

    held.refresh_from_db()
    assert (held.remaining, held.status) == (0, "settled")
    assert set(Gift.objects.values_list("status", flat=True)) == {"paid"}
    assert LedgerEntry.objects.filter(kind="gift").count() == 2
    assert held_report(statement)["pay"] == 2_000_000
    # the line's key is taken: uploading the statement again holds nothing twice
    again = statement_reconcile(
        content=csv([(2_000_000, f"{first.memo} {second.memo}")]),
        filename="s.csv",
        actor=coordinator_h,
    )
    assert (again.already, again.held_amount, HeldMoney.objects.count()) == (1, 0, 1)
    assert adds_up(again)


def test_decisions_never_take_more_than_is_held_and_write_nothing_when_refused(
    coordinator_h, donor
):
    [gift] = gifts(donor, 1)
    [paid_already] = gifts(donor, 1, amount=500_000)
    statement_reconcile(  # its line is R1; the next statement's is R0
        content=csv([(1, "not ours"), (500_000, paid_already.memo)]),
        filename="a.csv",
        actor=coordinator_h,
    )
    _statement, [held] = held_after(coordinator_h, [(1_500_000, f"CK {gift.memo}")])
    assert held.remaining == 500_000

    cases = [
        ({"action": "refund"}, "note_required", "note"),
        ({"action": "refund", "note": "FT9", "amount": 500_001}, "not_enough_held", "amount"),
        ({"action": "keep", "amount": 0}, "invalid_amount", "amount"),
        ({"action": "pay", "memo": "NSZZZZZZZZ"}, "unknown_memo", "memo"),
        ({"action": "pay", "memo": paid_already.memo}, "gift_not_pending", "memo"),
        ({"action": "donate"}, "invalid_action", "action"),
    ]
    for data, code, field in cases:
        with pytest.raises(Exception) as refused:
            held_settle(held_id=held.id, actor=coordinator_h, **data)
        assert (refused.value.code, list(refused.value.fields)) == (code, [field]), data
    assert HeldSettlement.objects.count() == 0
    held.refresh_from_db()
    assert held.remaining == 500_000

    held_settle(held_id=held.id, action="refund", amount=200_000, note="FT77", actor=coordinator_h)
    held_settle(held_id=held.id, action="keep", actor=coordinator_h)
    with pytest.raises(Exception) as twice:
        held_settle(held_id=held.id, action="keep", actor=coordinator_h)
    assert (twice.value.status, twice.value.code) == (409, "already_settled")
    assert sorted(HeldSettlement.objects.values_list("action", "amount")) == [
        ("keep", 300_000),
        ("refund", 200_000),
    ]


def test_the_api_lists_and_settles_held_money_for_coordinators_only(
    api, coordinator_h, donor, personas
):
    first, second = gifts(donor, 2)
    held_after(coordinator_h, [(3_000_000, f"{first.memo} {second.memo}")])
    client = api.as_user(coordinator_h)

    listed = client.get("/api/v1/statements/held/?status=held").json()
    [item] = listed["results"]
    assert (item["amount"], item["remaining"]) == (3_000_000, 3_000_000)
    assert {g["memo"] for g in item["gifts"]} == {first.memo, second.memo}

    response = client.post(
        f"/api/v1/statements/held/{item['id']}/settle/",
        {"action": "pay", "memo": first.memo},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["remaining"] == 2_000_000
    assert response.json()["settlements"][0]["gift"] == first.memo
    assert_error(
        client.post(
            f"/api/v1/statements/held/{item['id']}/settle/",
            {"action": "keep", "amount": 2_000_001},
            format="json",
        ),
        400,
        "not_enough_held",
        "amount",
    )
    assert (
        client.post("/api/v1/statements/held/99999/settle/", {"action": "keep"}).status_code == 404
    )
    for persona in ("donor", "officer_a", "verifier"):
        other = api.as_user(personas[persona])
        assert other.get("/api/v1/statements/held/").status_code == 403
        assert (
            other.post(
                f"/api/v1/statements/held/{item['id']}/settle/", {"action": "keep"}
            ).status_code
            == 403
        )
    assert HeldSettlement.objects.count() == 1


def test_the_held_money_page_records_a_decision(client, coordinator_h, donor):
    [gift] = gifts(donor, 1)
    _statement, [held] = held_after(coordinator_h, [(1_600_000, f"CK {gift.memo}")])
    client.force_login(coordinator_h)
    page = client.get("/doi-soat/tien-cho/")
    assert page.status_code == 200 and "600.000" in page.content.decode()

    refused = client.post("/doi-soat/tien-cho/", {"held": held.id, "action": "refund"})
    assert refused.status_code == 200
    assert "tham chiếu" in refused.content.decode()  # the note (bank reference) is asked for
    done = client.post(
        "/doi-soat/tien-cho/?status=held",
        {"held": held.id, "action": "refund", "note": "FT123"},
    )
    assert done.status_code == 302
    held.refresh_from_db()
    assert (held.remaining, held.settlements.get().note) == (0, "FT123")


def _big_csv(gift_list, not_ours: int) -> bytes:
    lines = [(g.amount, f"CK {g.memo}") for g in gift_list]
    lines += [(10_000, f"khong ma {n}") for n in range(not_ours)]
    return csv(lines)


@override_settings(STATEMENT_SYNC_ROWS=5)
def test_a_long_statement_is_reconciled_in_the_background_with_its_progress(
    api, coordinator_h, donor, django_capture_on_commit_callbacks
):
    gift_list = gifts(donor, 4)
    client = api.as_user(coordinator_h)
    with django_capture_on_commit_callbacks(execute=False) as owed:
        response = statement_post(client, _big_csv(gift_list, 8))
    assert response.status_code == 202, response.content
    body = response.json()
    assert (body["status"], body["processed"]) == ("queued", 0)
    statement = StatementImport.objects.get(pk=body["id"])
    assert statement.upload and statement.upload.storage.exists(statement.upload.name)

    for callback in owed:  # the outbox sends the task once the upload is committed
        callback()
    body = client.get(f"/api/v1/statements/{statement.id}/").json()
    assert (body["status"], body["rows"], body["processed"], body["matched"]) == ("done", 12, 12, 4)
    assert body["unmatched_count"] == 8 and body["money"]["not_ours"] == 80_000
    statement.refresh_from_db()
    assert adds_up(statement) and not statement.upload
    assert set(Gift.objects.values_list("status", flat=True)) == {"paid"}


@override_settings(STATEMENT_SYNC_ROWS=5)
def test_a_worker_dying_in_a_long_statement_loses_nothing_and_pays_nothing_twice(
    coordinator_h, donor, django_capture_on_commit_callbacks, monkeypatch
):
    gift_list = gifts(donor, 6)
    with django_capture_on_commit_callbacks(execute=False):
        statement = statement_reconcile(
            content=_big_csv(gift_list, 4), filename="long.csv", actor=coordinator_h
        )
    real = statement_service._reconcile_line
    calls = {"n": 0}

    def dies_on_the_fifth_line(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 5:
            raise SystemExit("worker killed")
        return real(*args, **kwargs)

    monkeypatch.setattr(statement_service, "_reconcile_line", dies_on_the_fifth_line)
    with pytest.raises(SystemExit):
        statement_process(statement_id=statement.id, chunk=2)
    statement.refresh_from_db()
    # two chunks of two lines were committed; the third was rolled back whole
    assert (statement.status, statement.processed, statement.matched) == ("running", 4, 4)
    assert StatementLine.objects.count() == 4

    monkeypatch.setattr(statement_service, "_reconcile_line", real)
    statement_process(statement_id=statement.id, chunk=2)
    statement_process(statement_id=statement.id, chunk=2)  # delivered twice: nothing more
    statement.refresh_from_db()
    assert (statement.status, statement.processed, statement.matched) == ("done", 10, 6)
    assert statement.already == 0 and adds_up(statement)
    assert GiftEvent.objects.filter(new_status="paid").count() == 6


def test_a_stale_statement_is_taken_up_by_the_sweep(
    coordinator_h, donor, django_capture_on_commit_callbacks
):
    gift_list = gifts(donor, 3)
    with (
        override_settings(STATEMENT_SYNC_ROWS=1),
        django_capture_on_commit_callbacks(execute=False),
    ):
        statement = statement_reconcile(
            content=_big_csv(gift_list, 0), filename="long.csv", actor=coordinator_h
        )
    assert statement_service.statements_resume() == 0  # fresh: its worker may still be on it
    StatementImport.objects.filter(pk=statement.pk).update(
        updated_at=statement.created_at.replace(year=2020)
    )
    assert statement_service.statements_resume() == 1
    statement.refresh_from_db()
    assert (statement.status, statement.matched) == ("done", 3)


@override_settings(STATEMENT_SYNC_BYTES=100)
def test_a_large_workbook_that_cannot_be_read_fails_with_its_reason(
    coordinator_h, django_capture_on_commit_callbacks
):
    book = Workbook()
    book.active.append(["nothing", "useful"])
    for n in range(50):
        book.active.append([n, "x"])
    out = io.BytesIO()
    book.save(out)
    with django_capture_on_commit_callbacks(execute=True):
        statement = statement_reconcile(
            content=out.getvalue(), filename="big.xlsx", actor=coordinator_h
        )
    statement.refresh_from_db()
    assert statement.status == "failed" and "Số tiền" in statement.failure
    assert not statement.upload


def test_the_statement_page_follows_a_long_statement(client, coordinator_h, donor):
    gift_list = gifts(donor, 3)
    client.force_login(coordinator_h)
    with override_settings(STATEMENT_SYNC_ROWS=1):
        upload = io.BytesIO(_big_csv(gift_list, 0))
        upload.name = "long.csv"
        response = client.post("/doi-soat/", {"file": upload})
    statement = StatementImport.objects.get()
    assert response.status_code == 302 and response.url == f"/doi-soat/{statement.id}/"
    page = client.get(response.url).content.decode()
    assert statement.status == "done" or 'http-equiv="refresh"' in page


def test_a_donor_erased_is_erased_from_held_lines_too(coordinator_h, donor):
    """A bank writes the payer's name in the line; the donor's erasure reaches held money."""
    from donations.services.privacy import donor_erase

    [gift] = gifts(donor, 1)
    _statement, [held] = held_after(coordinator_h, [(1_500_000, f"{donor.name} CK {gift.memo}")])
    assert donor.name in held.description
    donor_erase(user=donor, confirm=True)
    held.refresh_from_db()
    assert donor.name not in held.description and gift.memo in held.description
