"""Demo logistics: phones in every stage at the Đông Hà hub, through the real services, so each
carries its evidence (intake, wipe record, QA record, batch, handover, follow-up).

Runs after the donations and matching demos; it creates the donors, households and allocations it
needs itself, so it also works when those demos put nothing in `ctx`."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from donations.lifecycle import device_transition
from donations.models import Device, DeviceEvent, Donor, Pledge
from households.lifecycle import household_transition
from households.models import Household
from logistics.models import Handover, Intake, Ticket
from logistics.services import bench, delivery, recovery, tickets
from matching.lifecycle import allocation_created
from matching.models import Allocation

MARK = "demo:logistics"
COORDINATOR = "dieuphoi.dongha@noisong.local"
OFFICER = "canbo.tarut@noisong.local"
COMMUNE = "19588"  # Xã Tà Rụt, served by the Đông Hà hub

PHONES = [
    ("Samsung", "Galaxy A14 5G", "android"),
    ("Samsung", "Galaxy A15", "android"),
    ("Xiaomi", "Redmi 12", "android"),
    ("Oppo", "A58", "android"),
    ("Apple", "iPhone 11", "ios"),
    ("Vivo", "Y17s", "android"),
]
HEADS = [
    "Hồ Văn Chương",
    "Hồ Thị Bích",
    "Pả Kô Ariêu",
    "Hồ Văn Lìa",
    "Hồ Thị Ngân",
    "Hồ Văn Tới",
    "Kăn Thị Đoan",
    "Hồ Văn Pỏ",
    "Hồ Thị Xoan",
]

PASS = {
    "lte": True,
    "volte": True,
    "screen": True,
    "camera": True,
    "charging": True,
    "speaker": True,
    "microphone": True,
}
SETUP = {
    "vietnamese_language": True,
    "vietnamese_keyboard": True,
    "vneid": True,
    "zalo": True,
    "public_service_app": True,
}


def _imei(rng) -> str:
    while True:
        imei = bench.imei_complete("35" + "".join(str(rng.randrange(10)) for _ in range(12)))
        if not Device.objects.filter(imei=imei).exists():
            return imei


class _Hub:
    """The Đông Hà hub's coordinator and officer, and the real services that take a phone to a
    stage, each with its records (intake, wipe, repair, QA, allocation, batch, handover)."""

    def __init__(self, ctx: dict):
        accounts = ctx.get("accounts", {})
        self.coordinator = accounts.get(COORDINATOR) or User.objects.get(email=COORDINATOR)
        self.officer = accounts.get(OFFICER) or User.objects.get(email=OFFICER)
        self.hub = ctx["hubs"]["19333"]
        self.rng = ctx["rng"]
        self.heads = iter(HEADS)
        self.counter = iter(range(1000))
        donor, _ = Donor.objects.get_or_create(
            email="csr@viettech.example.vn",
            defaults={"name": "Công ty TNHH Viettech Quảng Trị", "kind": Donor.Kind.BUSINESS},
        )
        self.pledge = Pledge.objects.create(donor=donor, hub=self.hub)

    def phone(self, stage: str) -> Device:
        brand, model, os = PHONES[next(self.counter) % len(PHONES)]
        device = Device.objects.create(
            pledge=self.pledge,
            brand=brand,
            model=model,
            os=os,
            ram_gb=4,
            storage_gb=64,
            has_nfc=True,
            condition="good",
        )
        # as pledge_create records it: every status is explained by its latest event
        DeviceEvent.objects.create(device=device, old_status="", new_status="pledged")
        return self.advance(device, stage)

    def advance(self, device: Device, stage: str) -> Device:
        """Take a pledged phone to `stage` (up to ready, or a rejection) at the hub."""
        if stage == "pledged":
            return device
        actor = self.coordinator
        bench.device_receive(
            device_id=device.id, hub_id=self.hub.id, imei=_imei(self.rng), notes=MARK, actor=actor
        )
        device.refresh_from_db()
        if stage in ("recycled", "returned_to_donor"):
            bench.device_reject(
                device_id=device.id,
                reason="locked" if stage == "recycled" else "no_4g",
                next_step="recycle" if stage == "recycled" else "return",
                actor=actor,
            )
        if stage in ("received", "recycled", "returned_to_donor"):
            return device
        bench.wipe_record_create(
            device_id=device.id,
            method="factory_reset",
            accounts={k: True for k in bench.wipe_accounts_required(device)},
            actor=actor,
        )
        if stage == "refurbishing":
            bench.repair_record_create(
                device_id=device.id,
                description="Thay màn hình",
                parts="Màn hình 6,5 inch",
                cost_vnd=450_000,
                actor=actor,
            )
        if stage in ("wiped", "refurbishing"):
            return device
        expires = timezone.localdate() + timedelta(days=self.rng.randrange(10, 200))
        bench.qa_record_create(
            device_id=device.id,
            checks=PASS,
            battery_health=85 + self.rng.randrange(12),
            nfc=True,
            setup=SETUP,
            sim={"carrier": "viettel", "plan_expires": expires},
            actor=actor,
        )
        device.refresh_from_db()
        return device

    def allocate(self, device: Device, *, photo_consent: bool = False) -> tuple[Device, Household]:
        """A ready phone allocated to a new verified household of Tà Rụt."""
        household = Household.objects.create(
            consent_share_photo=photo_consent,
            commune_id=COMMUNE,
            head_name=next(self.heads, HEADS[0]),
            cccd_last4=f"{self.rng.randrange(10000):04d}",
            poverty_status="poor",
            phone_situation="none",
            coverage_4g="good",
            school_age_children=self.rng.randrange(3),
            consent_processing=True,
            consent_share_story=True,
            status=Household.Status.VERIFIED,
            created_by=self.officer,
            need="Cần điện thoại để cài VNeID và cho con học trực tuyến.",
        )
        actor = self.coordinator
        device_transition(device_id=device.id, to="allocated", actor=actor)
        household_transition(household_id=household.id, to="allocated", actor=actor)
        allocation = Allocation.objects.create(
            device=device, household=household, approved_by=actor
        )
        allocation_created(allocation, actor=actor, data={"demo": True})
        return device, household

    def dispatch(self, pairs: list[tuple[Device, Household]]):
        batch = delivery.batch_create(
            hub_id=self.hub.id,
            commune_code=COMMUNE,
            planned_date=timezone.localdate(),
            carrier="officer",
            carrier_name=self.officer.name,
            device_codes=[d.tracking_code for d, _h in pairs],
            actor=self.coordinator,
        )
        return delivery.batch_dispatch(batch_id=batch.id, actor=self.coordinator)

    def hand_over(self, device: Device, household: Household) -> Handover:
        return delivery.handover_create(
            device_id=device.id,
            household_id=household.id,
            received_by=household.head_name,
            recipient_cccd_last4=household.cccd_last4,
            training_given=True,
            story="Cả nhà đã gọi video được cho người thân ở xa.",
            photo=_demo_photo() if household.consent_share_photo else None,
            actor=self.officer,
        )


def _demo_photo():
    """A drawn stand-in for a consented handover photo (a phone on a table; nobody in it), so
    that the donor's tracking page shows what a consented photo looks like."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 480), (214, 234, 223))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 330, 640, 480), fill=(160, 118, 80))  # the table
    draw.rounded_rectangle((250, 90, 390, 370), radius=18, fill=(30, 36, 44))  # the phone
    draw.rounded_rectangle((262, 112, 378, 340), radius=6, fill=(120, 190, 230))  # its screen
    draw.ellipse((300, 180, 340, 220), fill=(255, 255, 255))  # a video call
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return SimpleUploadedFile("ban-giao.jpg", out.getvalue(), "image/jpeg")


def load(ctx: dict) -> None:
    if Intake.objects.filter(notes=MARK).exists():
        return
    hub = _Hub(ctx)
    # The donors' phones the donations demo named: to their stage, with their records.
    walks = ctx.pop("device_walks", [])
    for device, stage in walks:
        if stage != "delivered":
            hub.advance(device, stage)
    # The donors' delivered phones went to families who agreed to share a photo.
    donated = [
        hub.allocate(hub.advance(d, "ready"), photo_consent=True)
        for d, stage in walks
        if stage == "delivered"
    ]

    for stage in ["pledged", "pledged", "received", "received", "wiped", "wiped"]:
        hub.phone(stage)
    for stage in ["refurbishing", "recycled", "returned_to_donor", "ready", "ready", "ready"]:
        hub.phone(stage)
    promised = [hub.allocate(hub.phone("ready")) for _ in range(2)]
    pairs = [hub.allocate(hub.phone("ready")) for _ in range(6)]
    batch = hub.dispatch(pairs + donated)
    handovers = [hub.hand_over(device, household) for device, household in pairs[2:] + donated]
    # Two handovers a month old: one followed up, one due for its follow-up.
    Handover.objects.filter(id__in=[h.id for h in handovers[:2]]).update(
        at=timezone.now() - timedelta(days=35)
    )
    delivery.follow_up_record(
        handover_id=handovers[0].id,
        in_use=True,
        notes="Dùng Zalo và VNeID hằng ngày.",
        actor=hub.officer,
    )
    # One came back with a fault: returned by the household, waiting to be received again.
    delivery.follow_up_record(
        handover_id=handovers[3].id,
        in_use=False,
        problems="Loa ngoài không kêu.",
        send_back=True,
        actor=hub.officer,
    )
    _recovery(hub, promised, pairs, handovers)
    ctx["logistics_batch"] = batch


def _recovery(hub: _Hub, promised, pairs, handovers) -> None:
    """Issue 14's paths, so their pages have something to show: a promise released (the family
    refused), a phone lost on the way (its family first in line again), an overdue ticket."""
    device, _household = promised[1]
    allocation = Allocation.objects.get(device=device, status=Allocation.Status.LIVE)
    recovery.allocation_release(
        allocation_id=allocation.id,
        reason=Allocation.Reason.REFUSED,
        notes="Gia đình đã được con cái mua điện thoại.",
        actor=hub.coordinator,
    )
    lost, _household = pairs[0]
    recovery.device_report_lost(
        device_id=lost.id,
        reason="Rơi khỏi xe máy khi qua suối, tìm hai ngày không thấy.",
        last_seen="Đường vào bản Vực Leng, sau cầu tràn",
        actor=hub.officer,
    )
    ticket = tickets.ticket_open(
        handover_id=handovers[1].id,
        kind=Ticket.Kind.SIM,
        description="Gói cước hết hạn, gia đình không biết cách nạp thêm.",
        actor=hub.officer,
    )
    tickets.ticket_assign(ticket_id=ticket.id, to_user_id=hub.coordinator.id, actor=hub.officer)
    ago = timezone.now() - timedelta(days=10)
    Ticket.objects.filter(id=ticket.id).update(opened_at=ago, due_at=ago + timedelta(days=7))
