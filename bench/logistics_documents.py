"""How long the bench's printed papers take: a 300-label QR sheet and 100 handover records.

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
    )


def handover(n: int):
    return SimpleNamespace(
        device=phone(n),
        household=SimpleNamespace(
            head_name="Hồ Văn Phúc",
            village_id=1,
            village=SimpleNamespace(name="Bản A Vao"),
            commune=SimpleNamespace(name="Xã Tà Rụt"),
        ),
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


if __name__ == "__main__":
    main()
