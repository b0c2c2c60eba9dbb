"""Demo matching: one run of the Đông Hà coordinator, awaiting approval.

Runs after the households and donations demos; if they left no ready phones at the Đông Hà hub
or no verified households in the communes it serves, it makes a few itself (with the models)."""

from __future__ import annotations

from decimal import Decimal

from donations.models import Device, DeviceEvent, Donor, Pledge
from households.models import Household
from matching.models import MatchRun
from matching.services import match_run_create

HUB_COMMUNE = "19333"  # Điểm tiếp nhận Đông Hà
COORDINATOR = "dieuphoi.dongha@noisong.local"
OFFICER = "canbo.tarut@noisong.local"

HOUSEHOLDS = [
    # commune, head, school-age children, elderly, disabled, priority
    ("19588", "Hồ Văn Kăn", 2, 0, 0, 78),
    ("19588", "Hồ Thị Xoan", 1, 1, 0, 74),
    ("19588", "Căn Văn Bốn", 0, 2, 0, 66),
    ("19588", "Hồ Văn Thiêm", 0, 0, 1, 70),
    ("19564", "Pả Ra Nhân", 3, 0, 0, 72),
    ("19564", "Hồ Thị Lan", 0, 0, 0, 55),
    ("19594", "Kray Văn Tuôi", 1, 0, 0, 61),
    ("19594", "Hồ Văn Pây", 0, 1, 0, 58),
]
PHONES = [
    # brand, model, RAM, NFC, donor's commune rule
    ("Samsung", "Galaxy A32", "4", True, None),
    ("Xiaomi", "Redmi Note 10", "4", True, ("19588", False)),
    ("Oppo", "A57", "3", False, None),
    ("Samsung", "Galaxy A12", "3", False, ("19564", True)),
    ("Nokia", "G11", "2", False, None),
]


def _ensure_households(ctx, hub) -> None:
    served = list(hub.serves.values_list("code", flat=True))
    if Household.objects.filter(status="verified", commune_id__in=served).count() >= 4:
        return
    officer = ctx["accounts"][OFFICER]
    for commune, name, children, elderly, disabled, priority in HOUSEHOLDS:
        Household.objects.get_or_create(
            commune_id=commune,
            head_name=name,
            defaults={
                "members": 3 + children + elderly,
                "school_age_children": children,
                "elderly": elderly,
                "disabled": disabled,
                "poverty_status": "poor",
                "phone_situation": "none",
                "coverage_4g": "good",
                "status": "verified",
                "priority_score": priority,
                "priority_version": "demo",
                "priority_breakdown": [
                    {"factor": "poverty", "points": 40},
                    {"factor": "no_phone", "points": priority - 40},
                ],
                "consent_processing": True,
                "created_by": officer,
            },
        )


def _ensure_phones(hub) -> None:
    if Device.objects.filter(status="ready", hub=hub).count() >= 3:
        return
    donor, _ = Donor.objects.get_or_create(
        email="congdong.dongha@noisong.local",
        defaults={"name": "Hội đồng hương Quảng Trị tại TP.HCM", "kind": "community"},
    )
    for brand, model, ram, nfc, rule in PHONES:
        pledge = None
        if rule:
            pledge = Pledge.objects.create(
                donor=donor, commune_preference_id=rule[0], preference_strict=rule[1], hub=hub
            )
        device = Device.objects.create(
            pledge=pledge,
            brand=brand,
            model=model,
            ram_gb=Decimal(ram),
            storage_gb=64,
            has_nfc=nfc,
            condition="good",
            hub=hub,
            status="ready",
        )
        # Stock that went through the bench before the demo begins: its event says so.
        DeviceEvent.objects.create(device=device, old_status="", new_status="ready")


def load(ctx: dict) -> None:
    hub = ctx["hubs"][HUB_COMMUNE]
    coordinator = ctx["accounts"][COORDINATOR]
    existing = MatchRun.objects.filter(created_by=coordinator, status__in=MatchRun.OPEN).first()
    if existing is None:
        _ensure_households(ctx, hub)
        _ensure_phones(hub)
        existing = match_run_create(actor=coordinator, hub_ids=[hub.id], seed=2026)
    ctx["match_run"] = existing
