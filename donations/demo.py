"""Demo donors of every kind, their pledges, phones in several states, and gifts.

A phone goes past `received` only with its records (wipe, QA, handover), which logistics keeps:
this demo names the stage each such phone should reach in `ctx["device_walks"]`, and the
logistics demo (which runs later) takes it there through the real services."""

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from donations.lifecycle import device_transition
from donations.models import Donor, Gift
from donations.services import donor_for, ledger_spend, pledge_create

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


def _donor_user(email, name, language):
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email, password="noisong-demo-2026", name=name, language=language
        )
    return user


def _receive(device, actor):
    device_transition(device_id=device.id, to="received", actor=actor)


def load(ctx: dict) -> None:
    ctx.setdefault("credentials", []).append(
        (_("Donor (business)"), DONORS[0][0], "noisong-demo-2026")
    )
    if Donor.objects.filter(email__endswith="@noisong.local").exists():
        return  # loaded before
    hubs = ctx["hubs"]
    coordinator = ctx["accounts"].get("dieuphoi.dongha@noisong.local")
    users = [ctx["donor_user"]] + [
        _donor_user(e, n, lang)
        for e, n, *_r, lang, _p in [(d[0], d[1], d[2], d[3], d[4], d[5]) for d in DONORS]
    ]
    donors = [donor_for(user=users[0], kind="individual", public_name="Phan Minh Đức").donor]
    for user, (_email, _name, kind, country, language, public) in zip(
        users[1:], DONORS, strict=True
    ):
        donor = donor_for(
            user=user, kind=kind, country=country, language=language, public_name=public
        ).donor
        donors.append(donor)

    batch = pledge_create(
        actor=users[1],
        devices=[
            {
                **PHONE,
                "brand": "Samsung",
                "model": "Galaxy A15 5G",
                "ram_gb": 4,
                "storage_gb": 128,
                "os_version": "14",
                "condition": "new",
                "quantity": 8,
            }
        ],
        dropoff="hub",
        hub=hubs["19333"].id,
    ).pledge
    used = pledge_create(
        actor=users[2],
        devices=[
            {
                **PHONE,
                "brand": "Xiaomi",
                "model": "Redmi Note 11",
                "ram_gb": 4,
                "storage_gb": 64,
                "os_version": "13",
                "condition": "good",
            },
            {
                **PHONE,
                "brand": "Oppo",
                "model": "A57",
                "ram_gb": 3,
                "storage_gb": 64,
                "os_version": "12",
                "condition": "fair",
                "has_nfc": False,
            },
            {
                **PHONE,
                "brand": "Apple",
                "model": "iPhone XR",
                "os": "ios",
                "ram_gb": 3,
                "storage_gb": 64,
                "os_version": "17.5",
                "condition": "good",
            },
        ],
        dropoff="pickup",
        pickup_address="Nhà văn hóa phường Đồng Hới",
        pickup_window="Thứ bảy 8:00–11:00",
    ).pledge
    home = pledge_create(
        actor=users[0],
        devices=[
            {
                **PHONE,
                "brand": "Samsung",
                "model": "Galaxy A34",
                "ram_gb": 6,
                "storage_gb": 128,
                "os_version": "14",
                "condition": "like_new",
            }
        ],
        dropoff="post",
        commune_preference={"commune": "19588", "strict": False},
    ).pledge
    pledge_create(
        actor=users[3],
        devices=[
            {
                **PHONE,
                "brand": "Google",
                "model": "Pixel 6a",
                "ram_gb": 6,
                "storage_gb": 128,
                "os_version": "14",
                "condition": "good",
            }
        ],
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

    now = timezone.now()
    # (donor index, method, purpose, amount in the smallest unit, currency, paid, memo)
    gift_specs = [
        (3, "stripe", "buy_phone", 10000, "EUR", True, ""),
        (4, "stripe", "sim", 5000, "AUD", True, ""),
        (0, "vietqr", "refurbish", 2_000_000, "VND", True, "NSDEMO4K7Q"),
        (2, "vietqr", "general", 500_000, "VND", False, "NSDEMO9XPA"),
    ]
    gifts = [
        Gift.objects.create(
            donor=donors[index],
            method=method,
            purpose=purpose,
            amount=amount,
            currency=currency,
            memo=memo or None,
            **({"status": "paid", "paid_at": now} if paid else {}),
        )
        for index, method, purpose, amount, currency, paid, memo in gift_specs
    ]
    from donations.models import LedgerEntry

    for gift in gifts:
        if gift.status == "paid":
            LedgerEntry.objects.create(
                kind="gift", amount=gift.amount, currency=gift.currency, gift=gift, note="demo"
            )
    ledger_spend(
        kind="refurbish",
        amount=350_000,
        currency="VND",
        device_ids=[used_phones[0].id],
        note="Thay pin",
        actor=coordinator,
    )
    ctx["donors"] = donors
