"""How long the bench's printed papers take: QR label sheets of 300 and 1,000 phones (the most a
link and a POST may ask for), 100 handover records, a manifest and a wipe certificate of 100 phones.

Run: .venv/bin/python bench/logistics_documents.py   (no database needed; prints figures)
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from django.utils import timezone  # noqa: E402

from logistics import documents  # noqa: E402


def phone(n: int):
    return SimpleNamespace(
        tracking_code=f"NS-{n:06d}",
        brand="Samsung",
        model="Galaxy A14 5G",
        imei=f"35{n:013d}",
        hub_id=1,
        hub=SimpleNamespace(name="Điểm tiếp nhận Đông Hà"),
        os="android",
    )


def household(n: int):
    return SimpleNamespace(
        id=n,
        head_name="Hồ Văn Phúc",
        village_id=1,
        village=SimpleNamespace(name="Bản A Vao"),
        commune=SimpleNamespace(name="Xã Tà Rụt"),
        cccd_last4=f"{n:04d}",
    )


def handover(n: int):
    return SimpleNamespace(
        device=phone(n),
        household=household(n),
        recorded_by=SimpleNamespace(get_full_name=lambda: "Hồ Văn Lâm"),
        received_by="Hồ Thị Lan",
        get_relation_display=lambda: "Vợ/chồng",
        recipient_cccd_last4="1234",
        sim_iccid="8984048000012345678",
        training_given=True,
        place="Xã Tà Rụt",
        at=timezone.now(),
        signature=None,
    )


def timed(make):
    started = time.perf_counter()
    content = make()
    return time.perf_counter() - started, len(content) / 1024


def others() -> None:
    big_s, big_kib = timed(lambda: documents.labels_pdf([phone(n) for n in range(1000)]))
    print(f"labels: 1,000 labels (67 pages) in {big_s:.2f} s, {big_kib:.0f} KiB")
    batch = SimpleNamespace(
        id=1,
        hub=SimpleNamespace(name="Điểm tiếp nhận Đông Hà"),
        commune=SimpleNamespace(name="Xã Tà Rụt"),
        planned_date=timezone.localdate(),
        get_carrier_display=lambda: "Cán bộ xã",
        carrier_name="Hồ Văn Lâm",
    )
    items = [SimpleNamespace(device=phone(n), household=household(n)) for n in range(100)]
    manifest_s, manifest_kib = timed(lambda: documents.manifest_pdf(batch, items))
    print(f"manifest: 100 phones in {manifest_s:.2f} s, {manifest_kib:.0f} KiB")
    record = SimpleNamespace(
        method="factory_reset",
        get_method_display=lambda: "Khôi phục cài đặt gốc",
        accounts_removed={"google_frp": True, "samsung": True, "vneid": True},
        operator=SimpleNamespace(get_full_name=lambda: "Hồ Văn Lâm"),
        at=timezone.now(),
    )
    pairs = [(phone(n), record) for n in range(100)]
    donor = SimpleNamespace(name="Công ty Ánh Dương")
    wipe_s, wipe_kib = timed(lambda: documents.wipe_certificate_pdf(pairs, donor=donor))
    print(f"wipe certificate: 100 phones in {wipe_s:.2f} s, {wipe_kib:.0f} KiB")


def main() -> None:
    devices = [phone(n) for n in range(300)]
    started = time.perf_counter()
    sheet = documents.labels_pdf(devices)
    labels_s = time.perf_counter() - started
    started = time.perf_counter()
    sizes = [len(documents.receipt_pdf(handover(n))) for n in range(100)]
    receipts_s = time.perf_counter() - started
    print(f"labels: 300 labels (20 pages) in {labels_s:.2f} s, {len(sheet) / 1024:.0f} KiB")
    print(
        f"receipts: 100 handover records in {receipts_s:.2f} s "
        f"({1000 * receipts_s / 100:.1f} ms each, {sum(sizes) / len(sizes) / 1024:.0f} KiB each)"
    )
    others()


if __name__ == "__main__":
    main()
