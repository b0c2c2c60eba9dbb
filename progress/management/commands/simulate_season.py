"""A year of one province, simulated through the services (issue 14, "Prove it").

    manage.py simulate_season [--households 25000] [--phones 5000] [--months 12] [--seed N]

Households are bulk-created through the ORM as verified nominations (one event each: the
nomination's own path is the state machine test's), for speed; everything else goes through the
services: pledges, intake, wipe, QA (5% fail, repaired and checked again, the repair booked to
the fund), monthly matching runs (match_run_create + match_run_approve), 3% of allocations
released, weekly batches dispatched, 1% of phones lost on the way, handovers, follow-ups a month
on (8% report a problem: a ticket; half of those send the phone back, and it goes round again),
tickets resolved, 1% of households erased, gifts paid, a few refunded, SIM plans paid. It ends by
checking progress.invariants and printing a one-screen report. Run it on an empty database of its
own (it adds to whatever is there)."""

from __future__ import annotations

import random
import time
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from donations.models import Device, Gift
from households.models import Household, HouseholdEvent
from logistics.models import BatchItem, Handover, Ticket
from matching.models import Allocation, MatchRun
from places.models import Commune, Hub
from progress.invariants import season_summary, season_violations

CHECKS = ("lte", "volte", "screen", "camera", "charging", "speaker", "microphone")
SETUP = ("vietnamese_language", "vietnamese_keyboard", "vneid", "zalo", "public_service_app")
WIPED = {"google_frp": True, "samsung": True, "vneid": True}
WEEKS = 4


def _name(n: int) -> str:
    return f"Hộ Mô Phỏng {n} Xa"  # no name is part of another one


class Command(BaseCommand):
    help = "Simulate a season of one province through the services and check the invariants."

    def add_arguments(self, parser):
        parser.add_argument("--households", type=int, default=25000)
        parser.add_argument("--phones", type=int, default=5000)
        parser.add_argument("--months", type=int, default=12)
        parser.add_argument("--seed", type=int, default=2026)

    # --- the progress bar ---------------------------------------------------------------------

    def bar(self, done: int, total: int, note: str) -> None:
        width = 30
        filled = int(width * done / max(total, 1))
        elapsed = time.monotonic() - self.started
        self.stderr.write(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {note:<28} {elapsed:6.0f} s", ending=""
        )
        self.stderr.flush()

    # --- the year -----------------------------------------------------------------------------

    def handle(self, *args, **options):
        # The donors' emails of a simulated year go nowhere.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            self.simulate(**options)

    def simulate(self, *, households, phones, months, seed, **options):
        if households < 1 or phones < 1 or months < 1:
            raise CommandError("--households, --phones and --months must be positive.")
        self.rng = random.Random(seed)
        self.started = time.monotonic()
        self.erased: list[str] = []
        self.counts = {"qa_failed": 0, "released": 0, "lost": 0, "problems": 0, "erased": 0}
        self.setup_world(households)
        per_month = [phones // months + (1 if m < phones % months else 0) for m in range(months)]
        steps = months * WEEKS
        for month in range(months):
            self.gifts()
            self.pledge(per_month[month])
            for week in range(WEEKS):
                self.bar(month * WEEKS + week, steps, f"month {month + 1}/{months} week {week + 1}")
                self.bench()
                if week == 0:
                    self.match(seed + month)
                self.deliver()
                self.batches()
                self.follow_ups()
                self.tickets()
            self.erase(households * 0.01 / months)
        self.bar(steps, steps, "checking the invariants")
        violations = season_violations(erased_names=self.erased)
        self.stderr.write("")
        self.report(violations, time.monotonic() - self.started)
        if violations:
            raise CommandError(f"{len(violations)} invariants do not hold.")

    def setup_world(self, households: int) -> None:
        from accounts.models import User
        from accounts.services import staff_create

        self.admin = User.objects.filter(email="mo-phong@noisong.invalid").first() or staff_create(
            email="mo-phong@noisong.invalid",
            name="Quản trị mô phỏng",
            password=None,
            roles=[{"role": "admin"}],
            actor=None,
        )
        communes = list(Commune.objects.order_by("code"))
        if not communes:
            raise CommandError("No communes: run migrate first.")
        self.hubs = list(Hub.objects.filter(name__startswith="Điểm mô phỏng").order_by("id"))
        if not self.hubs:
            for i in range(4):
                hub = Hub.objects.create(
                    name=f"Điểm mô phỏng {i + 1}",
                    commune=communes[i * len(communes) // 4],
                    address="Quảng Trị",
                )
                hub.serves.set(communes[i::4])
                self.hubs.append(hub)
        start = Household.objects.count()
        made = []
        for n in range(start, start + households):
            made.append(
                Household(
                    commune=self.rng.choice(communes),
                    head_name=_name(n),
                    cccd_last4=f"{self.rng.randrange(10000):04d}",
                    poverty_status=self.rng.choice(["poor", "poor", "near_poor"]),
                    poverty_certificate_year=2025,
                    phone_situation=self.rng.choice(["none", "feature_phone"]),
                    coverage_4g=self.rng.choice(["good", "weak"]),
                    members=self.rng.randint(1, 8),
                    school_age_children=self.rng.randint(0, 3),
                    elderly=self.rng.randint(0, 2),
                    consent_processing=True,
                    consent_share_story=self.rng.random() < 0.5,
                    status=Household.Status.VERIFIED,
                    created_by=self.admin,
                )
            )
        for i in range(0, len(made), 2000):
            chunk = Household.objects.bulk_create(made[i : i + 2000])
            HouseholdEvent.objects.bulk_create(
                HouseholdEvent(household=h, actor=self.admin, old_status="", new_status="verified")
                for h in chunk
            )
        self.donor = {
            "name": "Công ty Mô Phỏng",
            "email": "donor@mo-phong.invalid",
            "kind": "business",
        }

    def gifts(self) -> None:
        from donations.services.gifts import gift_refund_record, gift_transition, gift_vietqr_create

        for _ in range(20):
            gift = gift_vietqr_create(
                actor=None,
                amount=self.rng.choice([200_000, 500_000, 1_000_000, 5_000_000]),
                email=f"nha-hao-tam{self.rng.randrange(500)}@mo-phong.invalid",
                name="Nhà hảo tâm",
            )
            gift_transition(gift_id=gift.id, to="paid", source="simulate_season")
            if self.rng.random() < 0.02:
                with transaction.atomic():
                    gift_refund_record(
                        gift=gift, refunded_total=gift.amount // 2, source="simulate"
                    )

    def pledge(self, count: int) -> None:
        from donations.services.pledges import pledge_create

        while count > 0:
            n = min(count, self.rng.randint(1, 50))
            pledge_create(
                actor=None,
                devices=[
                    {
                        "brand": "Samsung",
                        "model": "Galaxy A06",
                        "condition": "new",
                        "quantity": n,
                        "supports_4g": True,
                        "supports_volte": True,
                        "ram_gb": 4,
                        "storage_gb": 64,
                    }
                ],
                dropoff="hub",
                hub=self.rng.choice(self.hubs).id,
                donor=self.donor,
            )
            count -= n

    def bench(self) -> None:
        from logistics.services.bench import (
            device_receive,
            imei_complete,
            qa_record_create,
            repair_record_create,
            wipe_record_create,
        )

        for device in Device.objects.filter(status__in=("pledged", "returned")).select_related(
            "pledge"
        ):
            hub_id = device.hub_id or (device.pledge.hub_id if device.pledge else self.hubs[0].id)
            imei = device.imei or imei_complete(f"35{device.id:012d}")
            device_receive(device_id=device.id, hub_id=hub_id, imei=imei, actor=self.admin)
            wipe_record_create(
                device_id=device.id, method="factory_reset", accounts=WIPED, actor=self.admin
            )
        for device_id in Device.objects.filter(status__in=("wiped", "refurbishing")).values_list(
            "id", flat=True
        ):
            fails = self.rng.random() < 0.05
            if fails:
                self.counts["qa_failed"] += 1
            qa_record_create(
                device_id=device_id,
                checks={**dict.fromkeys(CHECKS, True), "speaker": not fails},
                battery_health=95,
                nfc=False,
                setup=dict.fromkeys(SETUP, True),
                sim={"iccid": f"89840480{device_id:011d}", "carrier": "viettel"},
                actor=self.admin,
            )
            if fails:
                repair_record_create(
                    device_id=device_id,
                    description="Thay loa",
                    cost_vnd=150_000,
                    book_to_fund=True,
                    actor=self.admin,
                )

    def match(self, seed: int) -> None:
        from logistics.services.recovery import allocation_release
        from matching.services import match_run_approve, match_run_create, match_run_execute

        run = match_run_create(actor=self.admin, seed=seed)
        if run.status == MatchRun.Status.QUEUED:
            run = match_run_execute(run_id=run.id)
        if run.status != MatchRun.Status.PROPOSED:
            return
        approval = match_run_approve(run_id=run.id, actor=self.admin)
        live = Allocation.objects.filter(proposal_id__in=approval.approved).values_list(
            "id", flat=True
        )
        for allocation_id in live:
            if self.rng.random() < 0.03:
                reason = self.rng.choice(["moved", "refused", "died", "ineligible", "phone_failed"])
                allocation_release(allocation_id=allocation_id, reason=reason, actor=self.admin)
                self.counts["released"] += 1

    def batches(self) -> None:
        from donations.services.ledger import ledger_spend
        from logistics.services.delivery import batch_create, batch_dispatch

        groups: dict[tuple[int, str], list[tuple[int, str]]] = {}
        rows = (
            Allocation.objects.filter(status="live", device__status="allocated")
            .exclude(device__batch_items__outcome=BatchItem.Outcome.PENDING)
            .values_list(
                "device__hub_id", "household__commune_id", "device_id", "device__tracking_code"
            )
        )
        for hub_id, commune, device_id, code in rows:
            groups.setdefault((hub_id, commune), []).append((device_id, code))
        for (hub_id, commune), devices in groups.items():
            batch = batch_create(
                hub_id=hub_id,
                commune_code=commune,
                planned_date=timezone.localdate() + timedelta(days=3),
                carrier="officer",
                carrier_name="Cán bộ xã",
                device_codes=[c for _, c in devices],
                actor=self.admin,
            )
            batch_dispatch(batch_id=batch.id, actor=self.admin)
            ledger_spend(
                kind="sim",
                amount=100_000 * len(devices),
                currency="VND",
                device_ids=[d for d, _ in devices],
                note="SIM và gói cước",
                actor=self.admin,
            )

    def deliver(self) -> None:
        from logistics.services.delivery import handover_create
        from logistics.services.recovery import device_report_lost

        rows = Allocation.objects.filter(status="live", device__status="dispatched").select_related(
            "household"
        )
        for allocation in rows:
            if self.rng.random() < 0.01:
                device_report_lost(
                    device_id=allocation.device_id,
                    reason="Rơi trên đường",
                    last_seen="Đèo",
                    actor=self.admin,
                )
                self.counts["lost"] += 1
                continue
            household = allocation.household
            handover_create(
                device_id=allocation.device_id,
                household_id=household.id,
                received_by=household.head_name or "Người nhận",
                recipient_cccd_last4=household.cccd_last4 or "0000",
                cccd_override_reason="" if household.cccd_last4 else "Hộ đã xoá dữ liệu",
                training_given=True,
                story="Cả nhà gọi video được." if household.consent_share_story else "",
                actor=self.admin,
            )

    def follow_ups(self) -> None:
        from logistics.services.delivery import follow_up_record

        due = Handover.objects.filter(
            follow_up__isnull=True, return_record__isnull=True, device__status="delivered"
        ).order_by("id")
        waiting = list(due.values_list("id", flat=True))
        for handover_id in waiting[: max(1, len(waiting) // 2)]:  # about a month after handover
            problem = self.rng.random() < 0.08
            self.counts["problems"] += problem
            follow_up_record(
                handover_id=handover_id,
                in_use=not problem,
                problems="Máy không sạc được." if problem else "",
                send_back=problem and self.rng.random() < 0.5,
                problem_kind="broken",
                actor=self.admin,
            )

    def tickets(self) -> None:
        from logistics.services.tickets import ticket_resolve

        for ticket_id in Ticket.objects.exclude(status="resolved").values_list("id", flat=True):
            outcome = self.rng.choice(["fixed", "fixed", "returned", "closed"])
            ticket_resolve(
                ticket_id=ticket_id, outcome=outcome, resolution="Đã xử lý.", actor=self.admin
            )

    def erase(self, expected: float) -> None:
        from households.services.privacy import household_anonymise

        count = int(expected) + (1 if self.rng.random() < expected - int(expected) else 0)
        candidates = Household.objects.filter(
            anonymised_at__isnull=True,
            status__in=("verified", "served"),
            head_name__startswith="Hộ Mô Phỏng",
        ).values_list("id", "head_name")
        total = candidates.count()
        for _ in range(count):
            if not total:
                return
            pk, name = candidates[self.rng.randrange(total)]
            self.erased.append(name)
            household_anonymise(household_id=pk, actor=self.admin, reason="Hộ yêu cầu xoá dữ liệu")
            self.counts["erased"] += 1
            total -= 1

    # --- the report -----------------------------------------------------------------------------

    def report(self, violations: list[str], seconds: float) -> None:
        summary = season_summary()
        out = self.stdout.write
        out("Nối Sóng — a simulated season")
        out(f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}")
        out(
            "phones by state:     "
            + ", ".join(f"{k} {v}" for k, v in sorted(summary["phones"].items()))
        )
        out(
            "households by state: "
            + ", ".join(f"{k} {v}" for k, v in sorted(summary["households"].items()))
        )
        m = summary["money"]
        out(
            f"money (VND): received {m['received']:,}, refunded {m['refunded']:,}, in {m['in']:,}; "
            f"spent {m['spent']:,} (from gifts {m['spent_from_gifts']:,}, general fund "
            f"{m['spent_from_general_fund']:,}); held {m['held']:,}"
        )
        out(
            "exceptions: "
            + ", ".join(f"{k} {v}" for k, v in self.counts.items())
            + f"; tickets {Ticket.objects.count()}; gifts {Gift.objects.count()}"
        )
        out(f"invariants: {'all hold' if not violations else f'{len(violations)} violated'}")
        for line in violations[:10]:
            out(f"  - {line}")
        out(f"time: {seconds:.1f} s")
