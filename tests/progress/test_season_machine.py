"""A season as a state machine (issue 14, "Prove it"): Hypothesis drives the services with the
moves of the phone, household, allocation, batch, ticket and gift life cycles in random order,
the exception paths included (QA failed, allocation released, phone lost, returned after
delivery, a follow-up that reports a problem and opens a ticket, an appeal, an erasure), and
after every step progress.invariants.season_violations() must find nothing.

Each rule picks among the rows whose state allows its move (so every move it makes is one a
person could make); the refusals rules check that a move the state does not allow is refused
with an ApplicationError and writes nothing. The world (communes, hubs, staff) is made once per
test; each example runs in a savepoint rolled back at its end. A fixed budget keeps it fast."""

from __future__ import annotations

import itertools
import os
from datetime import date

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from donations.models import Device, Gift
from households.models import Household
from logistics.models import DeliveryBatch, Handover, Ticket
from matching.models import Allocation
from tests.conftest import COMMUNE_A, PASSWORD

_serial = itertools.count(1)
CHECKS = ("lte", "volte", "screen", "camera", "charging", "speaker", "microphone")
SETUP = ("vietnamese_language", "vietnamese_keyboard", "vneid", "zalo", "public_service_app")


def _name(n: int) -> str:
    # "Máy 1 Xa" is no part of "Máy 11 Xa": an erased name is never found inside another one.
    return f"Hồ Thị Máy {n} Xa"


def _has(model, **filters) -> bool:
    return model.objects.filter(**filters).exists()


def _rows(model, **filters) -> list[int]:
    return list(model.objects.filter(**filters).order_by("id").values_list("id", flat=True))


def _counts() -> tuple:
    """A fingerprint of what a refused move might have written."""
    from donations.models import DeviceEvent, GiftEvent
    from households.models import HouseholdEvent
    from logistics.models import TicketEvent
    from matching.models import AllocationEvent

    return tuple(
        m.objects.count()
        for m in (DeviceEvent, HouseholdEvent, AllocationEvent, TicketEvent, GiftEvent)
    )


class Season(RuleBasedStateMachine):
    world: dict = {}

    def __init__(self):
        super().__init__()
        self.erased: list[str] = []
        self._atomic = transaction.atomic()
        self._atomic.__enter__()

    def teardown(self):
        if os.environ.get("SEASON_MACHINE_SHOW"):
            from progress.invariants import season_summary

            print(season_summary(), len(self.erased))
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # --- helpers ----------------------------------------------------------------------------

    def who(self, key):
        return self.world[key]

    def refused(self, call, **kwargs):
        """The move is refused cleanly: an ApplicationError, and nothing written."""
        from core.errors import ApplicationError

        before = _counts()
        with pytest.raises(ApplicationError), transaction.atomic():
            call(**kwargs)
        assert _counts() == before

    @initialize(phones=st.integers(1, 4), households=st.integers(1, 4))
    def stock(self, phones, households):
        """The season starts with some phones ready at the hub and households waiting."""
        from logistics.services.bench import (
            device_receive,
            imei_complete,
            qa_record_create,
            wipe_record_create,
        )

        for _ in range(phones):
            self.pledge_a_phone()
        coord = self.who("coord")
        for device_id in _rows(Device, status="pledged"):
            imei = imei_complete(f"3579{next(_serial):010d}")
            device_receive(device_id=device_id, hub_id=self.who("hub").id, imei=imei, actor=coord)
            wipe_record_create(
                device_id=device_id,
                method="factory_reset",
                accounts={"google_frp": True, "samsung": True, "vneid": True},
                actor=coord,
            )
            qa_record_create(
                device_id=device_id,
                checks=dict.fromkeys(CHECKS, True),
                battery_health=90,
                nfc=False,
                setup=dict.fromkeys(SETUP, True),
                actor=coord,
            )
        for _ in range(households):
            self.nominate()
        for household_id in _rows(Household, status="submitted"):
            from households.services.verification import household_verify

            household_verify(household_id=household_id, actor=self.who("verifier"))

    def _week(self, data):
        """A week that goes well: the phones in hand go through the bench, new households are
        verified, a matching run is approved, the allocated phones leave on a batch, and those on
        their way are handed over. Exceptions happen between weeks (the other rules)."""
        for device_id in _rows(Device, status__in=("pledged", "returned")):
            self.receive(data, device_id)
        for device_id in _rows(Device, status="received"):
            self.wipe(data, device_id)
        for device_id in _rows(Device, status__in=("wiped", "refurbishing")):
            self.quality_check(data, data.draw(st.booleans(), label="qa passes"), device_id)
        for household_id in _rows(Household, status="submitted"):
            self.decide(data, True, household_id)
        if _has(Device, status="ready") and _has(Household, status="verified"):
            self.match_and_approve(data.draw(st.integers(0, 1000), label="seed"))
        if _has(Device, status="allocated"):
            self.batch(data, True)
        for device_id in _rows(Device, status="dispatched"):
            self.hand_over(data, device_id)

    @rule(data=st.data())
    def a_week_goes_well(self, data):
        self._week(data)

    @rule(data=st.data())
    def another_week_goes_well(self, data):
        self._week(data)

    # --- phones -----------------------------------------------------------------------------

    @rule()
    def pledge_a_phone(self):
        from donations.services.pledges import pledge_create

        pledge_create(
            actor=self.who("donor"),
            devices=[
                {
                    "brand": "Samsung",
                    "model": "Galaxy A15",
                    "condition": "good",
                    "supports_4g": True,
                    "supports_volte": True,
                    "ram_gb": 4,
                    "storage_gb": 64,
                }
            ],
            dropoff="hub",
            hub=self.who("hub").id,
        )

    @precondition(lambda self: _has(Device, status__in=("pledged", "returned")))
    @rule(data=st.data())
    def receive(self, data, device_id=None):
        from donations.models import Device
        from logistics.services.bench import device_receive, imei_complete

        ids = _rows(Device, status__in=("pledged", "returned"))
        if ids:
            device = Device.objects.get(id=device_id or data.draw(st.sampled_from(ids)))
            imei = device.imei or imei_complete(f"3579{next(_serial):010d}")
            device_receive(
                device_id=device.id, hub_id=self.who("hub").id, imei=imei, actor=self.who("coord")
            )

    @precondition(lambda self: _has(Device, status="received"))
    @rule(data=st.data())
    def wipe(self, data, device_id=None):
        from donations.models import Device
        from logistics.services.bench import wipe_record_create

        ids = _rows(Device, status="received")
        if ids:
            wipe_record_create(
                device_id=device_id or data.draw(st.sampled_from(ids)),
                method="factory_reset",
                accounts={"google_frp": True, "samsung": True, "vneid": True},
                actor=self.who("coord"),
            )

    @precondition(lambda self: _has(Device, status__in=("wiped", "refurbishing")))
    @rule(data=st.data(), passes=st.booleans())
    def quality_check(self, data, passes, device_id=None):
        from donations.models import Device
        from logistics.services.bench import qa_record_create

        ids = _rows(Device, status__in=("wiped", "refurbishing"))
        if ids:
            record = qa_record_create(
                device_id=device_id or data.draw(st.sampled_from(ids)),
                checks={**dict.fromkeys(CHECKS, True), "speaker": passes},
                battery_health=90,
                nfc=False,
                setup=dict.fromkeys(SETUP, True),
                sim={"iccid": f"898404800{next(_serial):010d}", "carrier": "viettel"},
                actor=self.who("coord"),
            )
            assert record.passed == passes

    @precondition(lambda self: _has(Device, status__in=("received", "wiped", "refurbishing")))
    @rule(data=st.data())
    def reject(self, data):
        from donations.models import Device
        from logistics.services.bench import device_reject

        ids = _rows(Device, status__in=("received", "wiped", "refurbishing"))
        if ids:
            device_reject(
                device_id=data.draw(st.sampled_from(ids)),
                reason="locked",
                next_step="recycle",
                actor=self.who("coord"),
            )

    @precondition(lambda self: _has(Device, status__in=("ready", "allocated", "dispatched")))
    @rule(data=st.data())
    def report_lost(self, data):
        from donations.models import Device
        from logistics.services.recovery import device_report_lost

        ids = _rows(Device, status__in=("ready", "allocated", "dispatched"))
        if ids:
            report = device_report_lost(
                device_id=data.draw(st.sampled_from(ids)),
                reason="Rơi trên đèo",
                last_seen="Đèo Sa Mù",
                actor=self.who("coord"),
            )
            assert Device.objects.get(id=report.device_id).status == "lost"

    # --- households -------------------------------------------------------------------------

    @rule()
    def nominate(self):
        from households.services.editing import household_create, household_submit

        n = next(_serial)
        household = household_create(
            actor=self.who("officer"),
            commune=COMMUNE_A,
            head_name=_name(n),
            cccd=f"0450850{n:05d}",
            poverty_status="poor",
            poverty_certificate_no="GCN-01",
            poverty_certificate_year=2025,
            phone_situation="none",
            coverage_4g="good",
            school_age_children=1,
            consent={"processing": True, "share_story": True},
        )
        household_submit(household_id=household.id, actor=self.who("officer"))

    @precondition(lambda self: _has(Household, status="submitted"))
    @rule(data=st.data(), verify=st.booleans())
    def decide(self, data, verify, household_id=None):
        from households.models import Household
        from households.services.verification import (
            household_reject,
            household_verify,
            rejected_by,
        )

        ids = _rows(Household, status="submitted")
        if not ids:
            return
        household = Household.objects.get(id=household_id or data.draw(st.sampled_from(ids)))
        verifier = self.who("verifier")
        if rejected_by(household, verifier):
            verifier = self.who("verifier2")
        if verify:
            household_verify(household_id=household.id, actor=verifier)
        else:
            household_reject(household_id=household.id, actor=verifier, reason="Chưa đủ giấy tờ")

    @precondition(lambda self: _has(Household, status="rejected", anonymised_at__isnull=True))
    @rule(data=st.data())
    def appeal(self, data):
        from households.models import Household
        from households.services.verification import household_appeal

        ids = _rows(Household, status="rejected", anonymised_at__isnull=True)
        if ids:
            household_appeal(
                household_id=data.draw(st.sampled_from(ids)),
                actor=self.who("officer"),
                reason="Hộ có giấy chứng nhận năm 2025",
            )

    @precondition(lambda self: _has(Household, anonymised_at__isnull=True))
    @rule(data=st.data())
    def anonymise(self, data):
        from households.models import Household
        from households.services.privacy import household_anonymise

        ids = _rows(Household, anonymised_at__isnull=True)
        if ids:
            household = Household.objects.get(id=data.draw(st.sampled_from(ids)))
            self.erased.append(household.head_name)
            household_anonymise(
                household_id=household.id,
                actor=self.who("officer"),
                reason="Hộ yêu cầu xoá dữ liệu",
            )

    # --- matching, batches, handovers -------------------------------------------------------

    @precondition(lambda self: _has(Device, status="ready") and _has(Household, status="verified"))
    @rule(seed=st.integers(0, 1000))
    def match_and_approve(self, seed):
        from matching.services import match_run_approve, match_run_create

        run = match_run_create(actor=self.who("coord"), hub_ids=[self.who("hub").id], seed=seed)
        if run.status == "proposed" and run.proposals.exists():
            match_run_approve(run_id=run.id, actor=self.who("coord"))

    @precondition(lambda self: _has(Device, status="allocated"))
    @rule(data=st.data(), dispatch=st.booleans())
    def batch(self, data, dispatch):
        from donations.models import Device
        from logistics.models import BatchItem
        from logistics.services.delivery import batch_create, batch_dispatch

        codes = list(
            Device.objects.filter(status="allocated")
            .exclude(batch_items__outcome=BatchItem.Outcome.PENDING)
            .order_by("id")
            .values_list("tracking_code", flat=True)
        )
        if not codes:
            return
        chosen = data.draw(st.lists(st.sampled_from(codes), min_size=1, unique=True))
        batch = batch_create(
            hub_id=self.who("hub").id,
            commune_code=COMMUNE_A,
            planned_date=date(2026, 12, 1),
            carrier="officer",
            carrier_name="Cán bộ xã",
            device_codes=chosen,
            actor=self.who("coord"),
        )
        if dispatch:
            batch_dispatch(batch_id=batch.id, actor=self.who("coord"))

    @precondition(lambda self: _has(DeliveryBatch, status="planned"))
    @rule(data=st.data())
    def dispatch_planned(self, data):
        from logistics.models import DeliveryBatch
        from logistics.services.delivery import batch_dispatch

        ids = _rows(DeliveryBatch, status="planned")
        if ids:
            batch_dispatch(batch_id=data.draw(st.sampled_from(ids)), actor=self.who("coord"))

    @precondition(lambda self: _has(Device, status="dispatched"))
    @rule(data=st.data())
    def hand_over(self, data, device_id=None):
        from donations.models import Device
        from logistics.services.delivery import handover_create
        from matching.models import Allocation

        ids = _rows(Device, status="dispatched")
        if not ids:
            return
        allocation = Allocation.objects.select_related("household").get(
            device_id=device_id or data.draw(st.sampled_from(ids)), status="live"
        )
        household = allocation.household
        handover = handover_create(
            device_id=allocation.device_id,
            household_id=household.id,
            received_by=household.head_name or "Người nhận",
            recipient_cccd_last4=household.cccd_last4 or "0000",
            cccd_override_reason="" if household.cccd_last4 else "Hộ đã xoá dữ liệu",
            training_given=True,
            story=f"{household.head_name} gọi video được cho con.",
            actor=self.who("coord"),
        )
        assert Device.objects.get(id=handover.device_id).status == "delivered"

    @precondition(
        lambda self: _has(
            Handover, follow_up__isnull=True, device__status="delivered", return_record__isnull=True
        )
    )
    @rule(data=st.data(), outcome=st.sampled_from(["fine", "problem", "send_back"]))
    def follow_up(self, data, outcome):
        from logistics.models import Handover, Ticket
        from logistics.services.delivery import follow_up_record

        ids = _rows(
            Handover, follow_up__isnull=True, device__status="delivered", return_record__isnull=True
        )
        if not ids:
            return
        handover_id = data.draw(st.sampled_from(ids))
        follow_up_record(
            handover_id=handover_id,
            in_use=outcome == "fine",
            problems="" if outcome == "fine" else "Màn hình không lên.",
            send_back=outcome == "send_back",
            problem_kind="broken",
            actor=self.who("officer"),
        )
        opened = Ticket.objects.filter(handover_id=handover_id).count()
        assert opened == (0 if outcome == "fine" else 1)

    @precondition(lambda self: _has(Allocation, status="live"))
    @rule(
        data=st.data(),
        reason=st.sampled_from(["moved", "refused", "died", "ineligible", "phone_failed"]),
        waits=st.booleans(),
    )
    def release(self, data, reason, waits):
        from logistics.services.recovery import allocation_release
        from matching.models import Allocation

        ids = _rows(Allocation, status="live")
        if ids:
            allocation_release(
                allocation_id=data.draw(st.sampled_from(ids)),
                reason=reason,
                household="waiting" if waits or reason == "phone_failed" else "ineligible",
                actor=self.who("coord"),
            )

    @precondition(
        lambda self: _has(
            Handover, device__status__in=("delivered", "followed_up"), return_record__isnull=True
        )
    )
    @rule(data=st.data(), reason=st.sampled_from(["broken", "locked", "moved", "unused"]))
    def give_back(self, data, reason):
        from logistics.models import Handover
        from logistics.services.recovery import handover_return

        ids = _rows(
            Handover, device__status__in=("delivered", "followed_up"), return_record__isnull=True
        )
        if ids:
            handover_return(
                handover_id=data.draw(st.sampled_from(ids)),
                reason=reason,
                household="waiting" if reason != "moved" else "ineligible",
                actor=self.who("coord"),
            )

    @precondition(lambda self: _has(Ticket, status__in=("open", "assigned")))
    @rule(data=st.data(), outcome=st.sampled_from(["fixed", "closed", "returned", "replaced"]))
    def resolve_ticket(self, data, outcome):
        from logistics.models import Ticket
        from logistics.services.tickets import ticket_assign, ticket_resolve

        ids = _rows(Ticket, status__in=("open", "assigned"))
        if not ids:
            return
        ticket_id = data.draw(st.sampled_from(ids))
        ticket_assign(
            ticket_id=ticket_id, to_user_id=self.who("officer").id, actor=self.who("coord")
        )
        ticket = ticket_resolve(
            ticket_id=ticket_id, outcome=outcome, resolution="Đã xử lý.", actor=self.who("coord")
        )
        assert ticket.status == "resolved"

    # --- money ------------------------------------------------------------------------------

    @rule(amount=st.integers(10_000, 5_000_000), purpose=st.sampled_from(["general", "refurbish"]))
    def gift_paid(self, amount, purpose):
        from donations.services.gifts import gift_transition, gift_vietqr_create

        gift = gift_vietqr_create(actor=self.who("donor"), amount=amount, purpose=purpose)
        gift_transition(gift_id=gift.id, to="paid", source="statement:test")

    @precondition(lambda self: _has(Gift, status="paid"))
    @rule(data=st.data())
    def refund(self, data):
        from donations.models import Gift
        from donations.services.gifts import gift_refund_record

        ids = _rows(Gift, status="paid")
        if ids:
            gift = Gift.objects.get(id=data.draw(st.sampled_from(ids)))
            total = data.draw(st.integers(gift.refunded_amount + 1, gift.amount))
            with transaction.atomic():
                gift_refund_record(gift=gift, refunded_total=total, source="test")

    @precondition(lambda self: _has(Device))
    @rule(
        data=st.data(),
        amount=st.integers(1_000, 3_000_000),
        kind=st.sampled_from(["refurbish", "sim"]),
    )
    def spend(self, data, amount, kind):
        from donations.models import Device
        from donations.services.ledger import ledger_spend

        ids = _rows(Device)
        if ids:
            ledger_spend(
                kind=kind,
                amount=amount,
                currency="VND",
                device_ids=[data.draw(st.sampled_from(ids))],
                note="Thay pin",
                actor=self.who("coord"),
            )

    # --- refusals: the moves the state does not allow write nothing -------------------------

    @rule(data=st.data())
    def refused_moves(self, data):
        from donations.models import Device
        from logistics.models import Handover
        from logistics.services.bench import wipe_record_create
        from logistics.services.recovery import allocation_release, device_report_lost
        from matching.models import Allocation

        ended = _rows(Allocation, status__in=("released", "returned", "delivered"))
        if ended:
            self.refused(
                allocation_release,
                allocation_id=data.draw(st.sampled_from(ended)),
                reason="moved",
                actor=self.who("coord"),
            )
        held = _rows(Device, status__in=("delivered", "followed_up"))
        if held:
            self.refused(
                device_report_lost,
                device_id=data.draw(st.sampled_from(held)),
                reason="Mất",
                last_seen="Nhà",
                actor=self.who("coord"),
            )
        not_received = _rows(Device, status__in=("ready", "allocated", "lost", "recycled"))
        if not_received:
            self.refused(
                wipe_record_create,
                device_id=data.draw(st.sampled_from(not_received)),
                method="factory_reset",
                accounts={"google_frp": True, "samsung": True, "vneid": True},
                actor=self.who("coord"),
            )
        del Handover

    @invariant()
    def everything_adds_up(self):
        from progress.invariants import season_violations

        assert season_violations(erased_names=self.erased) == []


@pytest.mark.django_db
def test_a_season_in_random_order_always_adds_up(
    communes, hubs, officer_a, verifier, coordinator_h, donor
):
    from accounts.services import staff_create

    verifier2 = staff_create(
        email="verifier2@test.vn",
        name="Trần Xác Minh",
        password=PASSWORD,
        roles=[{"role": "verifier", "communes": [COMMUNE_A]}],
        actor=None,
    )
    Season.world = {
        "hub": hubs["H"],
        "officer": officer_a,
        "verifier": verifier,
        "verifier2": verifier2,
        "coord": coordinator_h,
        "donor": donor,
    }
    run_state_machine_as_test(
        Season,
        settings=settings(
            max_examples=8,
            stateful_step_count=35,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
        ),
    )
