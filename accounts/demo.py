"""Demo accounts: one per role, with the password printed by `demo_data`."""

from django.utils.translation import gettext as _

from accounts.models import Role, User
from accounts.services import staff_create

PASSWORD = "noisong-demo-2026"

STAFF = [
    ("admin@noisong.local", "Quản trị Nối Sóng", Role.ADMIN, [], None),
    ("canbo.tarut@noisong.local", "Hồ Văn Lâm", Role.OFFICER, ["19588"], None),
    ("canbo.huongphung@noisong.local", "Hồ Thị Hoa", Role.OFFICER, ["19441", "19489"], None),
    ("xacminh@noisong.local", "Lê Thị Mai", Role.VERIFIER, ["19588", "19441", "19489"], None),
    ("dieuphoi.dongha@noisong.local", "Nguyễn Văn Hùng", Role.COORDINATOR, [], "19333"),
    ("dieuphoi.khesanh@noisong.local", "Trần Thị Thu", Role.COORDINATOR, [], "19429"),
]


def load(ctx: dict) -> None:
    hubs = ctx["hubs"]
    accounts = {}
    for email, name, role, communes, hub_commune in STAFF:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = staff_create(
                email=email,
                name=name,
                password=PASSWORD,
                roles=[
                    {
                        "role": role,
                        "communes": communes,
                        "hubs": [hubs[hub_commune].id] if hub_commune else [],
                    }
                ],
                actor=None,
            )
        accounts[email] = user
        ctx.setdefault("credentials", []).append((role.label, email, PASSWORD))
    # The province admin of Quảng Trị: its staff, hubs and commune flags (issue 17).
    email = "tinh.quangtri@noisong.local"
    if not User.objects.filter(email=email).exists():
        accounts[email] = staff_create(
            email=email,
            name="Võ Thị Hạnh",
            password=PASSWORD,
            roles=[{"role": Role.PROVINCE_ADMIN, "provinces": ["44"]}],
            actor=None,
        )
    ctx.setdefault("credentials", []).append((Role.PROVINCE_ADMIN.label, email, PASSWORD))
    donor = User.objects.filter(email="nhahaotam@noisong.local").first()
    if donor is None:
        donor = User.objects.create_user(
            email="nhahaotam@noisong.local", password=PASSWORD, name="Phan Minh Đức", language="vi"
        )
    ctx.setdefault("credentials", []).append((_("Donor"), donor.email, PASSWORD))
    ctx["accounts"] = accounts
    ctx["donor_user"] = donor
