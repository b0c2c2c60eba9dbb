"""Rows for matching tests, made directly with the models (status verified / ready)."""

from __future__ import annotations

import itertools
from decimal import Decimal

_counter = itertools.count(1)

NEED_FIELDS = {
    "student": {"school_age_children": 2},
    "disability": {"disabled": 1},
    "elderly": {"elderly": 1},
    "general": {},
}


def household_create(
    commune, *, nominator, priority=50, need="general", status="verified", name=None
):
    from households.models import Household

    n = next(_counter)
    return Household.objects.create(
        commune_id=getattr(commune, "code", commune),
        head_name=name or f"Hồ Văn Hộ {n}",
        members=4,
        poverty_status="poor",
        phone_situation="none",
        coverage_4g="good",
        created_by=nominator,
        status=status,
        priority_score=priority,
        priority_version="2026.1",
        priority_breakdown=[
            {"factor": "poverty", "points": priority // 2},
            {"factor": "phone_situation", "points": priority - priority // 2},
        ],
        **NEED_FIELDS[need],
    )


def device_create(
    hub,
    *,
    ram_gb="4",
    camera=True,
    nfc=False,
    status="ready",
    prefer=None,
    only=None,
    lte=True,
    volte=True,
    prefer_province=None,
    only_province=None,
):
    from donations.models import Device, Donor, Pledge

    pledge = None
    if prefer or only or prefer_province or only_province:
        donor = Donor.objects.create(name="Nhà hảo tâm", email=f"d{next(_counter)}@test.vn")
        commune = prefer or only
        province = prefer_province or only_province
        pledge = Pledge.objects.create(
            donor=donor,
            commune_preference_id=getattr(commune, "code", commune),
            province_preference_id=getattr(province, "code", province),
            preference_strict=bool(only or only_province),
        )
    return Device.objects.create(
        pledge=pledge,
        brand="Samsung",
        model="Galaxy A12",
        ram_gb=Decimal(str(ram_gb)),
        storage_gb=64,
        has_camera=camera,
        has_nfc=nfc,
        supports_4g=lte,
        supports_volte=volte,
        condition="good",
        hub=hub,
        status=status,
    )


def nominator_create():
    from accounts.models import User

    return User.objects.create_user(
        email=f"nominator{next(_counter)}@test.vn", password="x" * 20, name="Cán bộ"
    )
