"""Demo donors of every kind, their pledges, phones in several states, and gifts.

A phone goes past `received` only with its records (wipe, QA, handover), which logistics keeps:
this demo names the stage each such phone should reach in `ctx["device_walks"]`, and the
logistics demo (which runs later) takes it there through the real services."""

from django.utils.translation import gettext as _

from accounts.models import User
from donations.lifecycle import device_transition
from donations.models import Donor, Gift
from donations.services.donors import donor_for
from donations.services.gifts import gift_transition
from donations.services.ledger import ledger_spend
from donations.services.pledges import pledge_create

PHONE = {"supports_4g": True, "supports_volte": True, "has_nfc": True, "os": "android"}

DONORS = [
    (
        "vienthong.qt@noisong.local",
        "Công ty CP Viễn thông Quảng Trị",
        "business",
        "VN",
        "vi",
        "Viễn thông Quảng Trị",
    ),
    (
        "doantn.donghoi@noisong.local",
        "Đoàn Thanh niên phường Đồng Hới",
        "community",
        "VN",
        "vi",
        "Đoàn Thanh niên Đồng Hới",
    ),
    ("hoa.nguyen@noisong.local", "Nguyễn Thị Hoa (Berlin)", "diaspora", "DE", "en", ""),
    (
        "minh.tran@noisong.local",
        "Trần Văn Minh (Sydney)",
        "diaspora",
        "AU",
        "en",
        "Gia đình anh Minh",
    ),
]


def _phone(brand, model, ram_gb, storage_gb, os_version, condition, **more) -> dict:
    return {
        **PHONE,
        "brand": brand,
        "model": model,
        "ram_gb": ram_gb,
        "storage_gb": storage_gb,
        "os_version": os_version,
        "condition": condition,
        **more,
    }


def _donor_user(email, name, language):
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email, password="noisong-demo-2026", name=name, language=language
        )
    return user


def _receive(device, actor):
    device_transition(device_id=device.id, to="received", actor=actor)


def _load_donors(first_user) -> tuple[list, list]:
    """The demo donor accounts and their donor rows (the first: the demo's own donor)."""
    users = [first_user] + [
        _donor_user(email, name, lang) for email, name, _k, _c, lang, _p in DONORS
    ]
    donors = [donor_for(actor=users[0], kind="individual", public_name="Phan Minh Đức").donor]
    for user, (_email, _name, kind, country, language, public) in zip(
        users[1:], DONORS, strict=True
    ):
        donor = donor_for(
            actor=user, kind=kind, country=country, language=language, public_name=public
        ).donor
        donors.append(donor)
    return users, donors


def load(ctx: dict) -> None:
    ctx.setdefault("credentials", []).append(
        (_("Donor (business)"), DONORS[0][0], "noisong-demo-2026")
    )
    if Donor.objects.filter(email__endswith="@noisong.local").exists():
        return  # loaded before
    hubs = ctx["hubs"]
    coordinator = ctx["accounts"].get("dieuphoi.dongha@noisong.local")
    users, donors = _load_donors(ctx["donor_user"])

    batch = pledge_create(
        actor=users[1],
        devices=[_phone("Samsung", "Galaxy A15 5G", 4, 128, "14", "new", quantity=8)],
        dropoff="hub",
        hub=hubs["19333"].id,
    ).pledge
    used = pledge_create(
        actor=users[2],
        devices=[
            _phone("Xiaomi", "Redmi Note 11", 4, 64, "13", "good"),
            _phone("Oppo", "A57", 3, 64, "12", "fair", has_nfc=False),
            _phone("Apple", "iPhone XR", 3, 64, "17.5", "good", os="ios"),
        ],
        dropoff="pickup",
        pickup_address="Nhà văn hóa phường Đồng Hới",
        pickup_window="Thứ bảy 8:00–11:00",
    ).pledge
    home = pledge_create(
        actor=users[0],
        devices=[_phone("Samsung", "Galaxy A34", 6, 128, "14", "like_new")],
        dropoff="post",
        commune_preference={"commune": "19588", "strict": False},
    ).pledge
    pledge_create(
        actor=users[3],
        devices=[_phone("Google", "Pixel 6a", 6, 128, "14", "good")],
        dropoff="post",
        commune_preference={"commune": "19441", "strict": True},
    )

    new_phones = list(batch.devices.order_by("id"))
    used_phones = list(used.devices.order_by("id"))
    walks = [(device, "ready") for device in new_phones[:3]]
    walks += [(new_phones[5], "delivered"), (used_phones[0], "refurbishing")]
    ctx["device_walks"] = walks  # taken there by logistics/demo.py, with their records
    for device in new_phones[3:5]:
        _receive(device, coordinator)
    _receive(used_phones[1], coordinator)
    device_transition(
        device_id=used_phones[1].id,
        to="rejected",
        actor=coordinator,
        evidence={"reason": "Màn hình vỡ, không sửa được", "next": "recycle"},
    )
    _receive(next(iter(home.devices.all())), coordinator)

    _load_gifts(donors)
    ledger_spend(
        kind="refurbish",
        amount=350_000,
        currency="VND",
        device_ids=[used_phones[0].id],
        note="Thay pin",
        actor=coordinator,
    )
    ctx["donors"] = donors


# (donor index, method, purpose, amount in the smallest unit, currency, paid, memo)
GIFTS = [
    (3, "stripe", "buy_phone", 10000, "EUR", True, ""),
    (4, "stripe", "sim", 5000, "AUD", True, ""),
    (0, "vietqr", "refurbish", 2_000_000, "VND", True, "NSDEM94K7Q"),
    (2, "vietqr", "general", 500_000, "VND", False, "NSDEM79XPA"),
]


def _load_gifts(donors) -> None:
    for index, method, purpose, amount, currency, paid, memo in GIFTS:
        gift = Gift.objects.create(
            donor=donors[index],
            method=method,
            purpose=purpose,
            amount=amount,
            currency=currency,
            memo=memo or None,
        )
        if paid:  # through the gift's door: its event row and its ledger entry
            gift_transition(gift_id=gift.id, to=Gift.Status.PAID, source="demo")
