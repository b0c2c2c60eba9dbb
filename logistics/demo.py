"""Demo logistics: phones in every stage at the Đông Hà hub, through the real services, so each
carries its evidence (intake, wipe record, QA record, batch, handover, follow-up).

Runs after the donations and matching demos; it creates the donors, households and allocations it
needs itself, so it also works when those demos put nothing in `ctx`."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from donations.lifecycle import device_transition
from donations.models import Device, Donor, Pledge
from households.lifecycle import household_transition
from households.models import Household
from logistics.models import Handover, Intake
from logistics.services import bench, delivery
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


def load(ctx: dict) -> None:
    if Intake.objects.filter(notes=MARK).exists():
        return
    coordinator = ctx.get("accounts", {}).get(COORDINATOR) or User.objects.get(email=COORDINATOR)
    officer = ctx.get("accounts", {}).get(OFFICER) or User.objects.get(email=OFFICER)
    hub = ctx["hubs"]["19333"]
    rng = ctx["rng"]
    donor, _ = Donor.objects.get_or_create(
        email="csr@viettech.example.vn",
        defaults={"name": "Công ty TNHH Viettech Quảng Trị", "kind": Donor.Kind.BUSINESS},
    )
    pledge = Pledge.objects.create(donor=donor, hub=hub)
    counter = iter(range(1000))

    def phone(stage: str) -> Device:
        brand, model, os = PHONES[next(counter) % len(PHONES)]
        device = Device.objects.create(
            pledge=pledge,
            brand=brand,
            model=model,
            os=os,
            ram_gb=4,
            storage_gb=64,
            has_nfc=True,
            condition="good",
        )
        if stage == "pledged":
            return device
        bench.device_receive(
            device_id=device.id, hub_id=hub.id, imei=_imei(rng), notes=MARK, actor=coordinator
        )
        if stage == "received":
            return device
        device.refresh_from_db()
        if stage in ("recycled", "returned_to_donor"):
            bench.device_reject(
                device_id=device.id,
                reason="locked" if stage == "recycled" else "no_4g",
                next_step="recycle" if stage == "recycled" else "return",
                actor=coordinator,
            )
            return device
        bench.wipe_record_create(
            device_id=device.id,
            method="factory_reset",
            accounts={k: True for k in bench.wipe_accounts_required(device)},
            actor=coordinator,
        )
        if stage == "wiped":
            return device
        if stage == "refurbishing":
            bench.repair_record_create(
                device_id=device.id,
                description="Thay màn hình",
                parts="Màn hình 6,5 inch",
                cost_vnd=450_000,
                actor=coordinator,
            )
            return device
        bench.qa_record_create(
            device_id=device.id,
            checks=PASS,
            battery_health=85 + rng.randrange(12),
            nfc=True,
            setup=SETUP,
            sim={
                "carrier": "viettel",
                "plan_expires": timezone.localdate() + timedelta(days=rng.randrange(10, 200)),
            },
            actor=coordinator,
        )
        device.refresh_from_db()
        return device

    for stage in ["pledged", "pledged", "received", "received", "wiped", "wiped"]:
        phone(stage)
    phone("refurbishing")
    phone("recycled")
    phone("returned_to_donor")
    for _ in range(3):
        phone("ready")

    heads = iter(HEADS)

    def allocated() -> tuple[Device, Household]:
        device = phone("ready")
        household = Household.objects.create(
            commune_id=COMMUNE,
            head_name=next(heads),
            cccd_last4=f"{rng.randrange(10000):04d}",
            poverty_status="poor",
            phone_situation="none",
            coverage_4g="good",
            school_age_children=rng.randrange(3),
            consent_processing=True,
            consent_share_story=True,
            status=Household.Status.VERIFIED,
            created_by=officer,
            need="Cần điện thoại để cài VNeID và cho con học trực tuyến.",
        )
        device_transition(device_id=device.id, to="allocated", actor=coordinator)
        household_transition(household_id=household.id, to="allocated", actor=coordinator)
        Allocation.objects.create(device=device, household=household, approved_by=coordinator)
        return device, household

    for _ in range(2):
        allocated()
    pairs = [allocated() for _ in range(6)]
    today = timezone.localdate()
    batch = delivery.batch_create(
        hub_id=hub.id,
        commune_code=COMMUNE,
        planned_date=today,
        carrier="officer",
        carrier_name=officer.name,
        device_codes=[d.tracking_code for d, _h in pairs],
        actor=coordinator,
    )
    delivery.batch_dispatch(batch_id=batch.id, actor=coordinator)
    handovers = []
    for device, household in pairs[2:]:
        handovers.append(
            delivery.handover_create(
                device_id=device.id,
                household_id=household.id,
                received_by=household.head_name,
                recipient_cccd_last4=household.cccd_last4,
                training_given=True,
                story="Cả nhà đã gọi video được cho người thân ở xa.",
                actor=officer,
            )
        )
    # Two handovers a month old: one followed up, one due for its follow-up.
    Handover.objects.filter(id__in=[h.id for h in handovers[:2]]).update(
        at=timezone.now() - timedelta(days=35)
    )
    delivery.follow_up_record(
        handover_id=handovers[0].id,
        in_use=True,
        notes="Dùng Zalo và VNeID hằng ngày.",
        actor=officer,
    )
    # One came back with a fault: returned by the household, waiting to be received again.
    delivery.follow_up_record(
        handover_id=handovers[3].id,
        in_use=False,
        problems="Loa ngoài không kêu.",
        send_back=True,
        actor=officer,
    )
    ctx["logistics_batch"] = batch
