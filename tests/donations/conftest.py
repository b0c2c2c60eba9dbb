import io

import pytest
from PIL import Image

from tests.donations.fake_stripe import FakeStripe

WEBHOOK_SECRET = "whsec_test_secret"


@pytest.fixture
def fake_stripe(settings):
    with FakeStripe() as server:
        settings.STRIPE_SECRET_KEY = "sk_test_fake"
        settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
        settings.STRIPE_API_BASE = server.url
        yield server


@pytest.fixture
def stripe_down(settings):
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    settings.STRIPE_SECRET_KEY = "sk_test_fake"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = f"http://127.0.0.1:{port}"


def phone(**overrides):
    spec = {
        "brand": "Samsung",
        "model": "Galaxy A14",
        "ram_gb": "4",
        "storage_gb": 64,
        "os": "android",
        "os_version": "14",
        "supports_4g": True,
        "supports_volte": True,
        "has_nfc": True,
        "condition": "good",
    }
    spec.update(overrides)
    return spec


def pledge_body(**overrides):
    body = {
        "donor": {
            "name": "Lê Văn Tâm",
            "email": "tam@example.org",
            "kind": "diaspora",
            "country": "DE",
        },
        "devices": [phone()],
        "dropoff": "post",
    }
    body.update(overrides)
    return body


def jpeg_with_gps(size=(2400, 1800)) -> bytes:
    """A real JPEG carrying GPS EXIF (a location in Quảng Trị) and a camera make."""
    image = Image.new("RGB", size, (30, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    gps = {1: "N", 2: (16.0, 45.0, 30.0), 3: "E", 4: (106.0, 40.0, 12.0)}
    exif[0x8825] = gps  # GPSInfo
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def paid_gift(donor_user, amount, purpose, currency="VND"):
    """A bank-transfer gift paid through the gift's door (with its ledger entry)."""
    from donations.models import Gift
    from donations.services.donors import donor_for
    from donations.services.gifts import gift_transition

    gift = Gift.objects.create(
        donor=donor_for(actor=donor_user).donor,
        method="vietqr",
        purpose=purpose,
        amount=amount,
        currency=currency,
    )
    return gift_transition(gift_id=gift.id, to=Gift.Status.PAID, source="test")


def spend(actor, kind, amount, devices, note=""):
    """Book money spent in đồng on `devices` (services.ledger.ledger_spend)."""
    from donations.services.ledger import ledger_spend

    ids = [d.id for d in devices]
    return ledger_spend(
        kind=kind, amount=amount, currency="VND", device_ids=ids, note=note, actor=actor
    )


def gift_form_post(client, method, amount, currency, purpose="general", name="A", email=""):
    """Give through the gift page's form."""
    data = {"method": method, "amount": str(amount), "currency": currency, "purpose": purpose}
    return client.post("/ung-ho/", {**data, "name": name, "email": email or "a@example.org"})


def statement_post(api_client, content: bytes, name: str = "saoke.csv"):
    """Upload a bank statement through the API as the client's user."""
    upload = io.BytesIO(content)
    upload.name = name
    return api_client.post("/api/v1/statements/", {"file": upload}, format="multipart")


@pytest.fixture
def make_pledge(db, communes):
    from donations.services.pledges import pledge_create

    def make(user, **kwargs):
        kwargs.setdefault("devices", [phone()])
        kwargs.setdefault("dropoff", "post")
        return pledge_create(actor=user, **kwargs).pledge

    return make
