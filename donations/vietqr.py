"""VietQR (NAPAS's EMVCo-based QR for domestic bank transfers), built offline.

The payload is a chain of ID-length-value fields:

    00 payload format "01" · 01 initiation "12" (dynamic: carries an amount)
    38 merchant account: 00 "A000000727" (NAPAS) · 01 {00 bank BIN, 01 account number} · 02 "QRIBFTTA"
    53 currency "704" (VND) · 54 amount · 58 country "VN" · 62 additional data: 08 purpose (our memo)
    63 CRC-16/CCITT-FALSE over everything before it, including the "6304" header, 4 hex digits.
"""

from __future__ import annotations

import io
import secrets

import segno
from django.conf import settings

# Letters and digits that survive being read aloud and banks' upper-casing of memos.
MEMO_ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"
MEMO_PREFIX = "NS"
MEMO_LENGTH = 8


def new_memo() -> str:
    return MEMO_PREFIX + "".join(secrets.choice(MEMO_ALPHABET) for _ in range(MEMO_LENGTH))


def crc16_ccitt_false(data: str) -> str:
    """CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, no final xor), 4 hex digits."""
    crc = 0xFFFF
    for byte in data.encode("utf-8"):
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return f"{crc:04X}"


def tlv(tag: str, value: str) -> str:
    length = len(value.encode("utf-8"))
    if length > 99:
        raise ValueError(f"VietQR field {tag} is longer than 99 bytes")
    return f"{tag}{length:02d}{value}"


def with_crc(body: str) -> str:
    body = body + "6304"
    return body + crc16_ccitt_false(body)


def payload(
    *,
    bank_bin: str,
    account_no: str,
    amount: int | None = None,
    purpose: str = "",
    service: str = "QRIBFTTA",
) -> str:
    merchant = tlv("00", "A000000727") + tlv("01", tlv("00", bank_bin) + tlv("01", account_no))
    merchant += tlv("02", service)
    body = tlv("00", "01") + tlv("01", "12" if amount else "11") + tlv("38", merchant)
    body += tlv("53", "704")
    if amount:
        body += tlv("54", str(int(amount)))
    body += tlv("58", "VN")
    if purpose:
        body += tlv("62", tlv("08", purpose))
    return with_crc(body)


def programme_payload(*, amount: int, memo: str) -> str:
    return payload(
        bank_bin=settings.VIETQR_BANK_BIN,
        account_no=settings.VIETQR_ACCOUNT_NO,
        amount=amount,
        purpose=memo,
    )


def png(data: str, *, scale: int = 6) -> bytes:
    out = io.BytesIO()
    segno.make(data, error="m", micro=False).save(out, kind="png", scale=scale, border=4)
    return out.getvalue()
