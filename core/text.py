"""Text as people type it. Names typed on some keyboards, or pasted from a PDF, arrive in
decomposed Unicode (NFD: “ồ” as “o” and two combining marks): it looks the same but compares,
sorts, searches and exports differently. Every person-typed text is made composed (NFC) where it
enters: the services' checks and the import readers call `nfc`."""

from __future__ import annotations

import unicodedata


def nfc(value):
    """`value` in composed Unicode (NFC) when it is text; anything else unchanged."""
    if isinstance(value, str) and not unicodedata.is_normalized("NFC", value):
        return unicodedata.normalize("NFC", value)
    return value


# What an erased name becomes in the free text kept after an erasure (a follow-up's notes, an
# event's reason): the text stays readable, the person is gone.
REDACTED = "[…]"


def redact(value, names) -> object:
    """`value` with every occurrence of each of `names` (case and Unicode form ignored) replaced
    by REDACTED; a dict or list is redacted item by item, anything else returned unchanged."""
    import re

    if isinstance(value, dict):
        return {key: redact(item, names) for key, item in value.items()}
    if isinstance(value, list):
        return [redact(item, names) for item in value]
    if not isinstance(value, str) or not value:
        return value
    text = nfc(value)
    for name in sorted({nfc(n).strip() for n in names if n and n.strip()}, key=len, reverse=True):
        if len(name) >= 2:
            text = re.sub(re.escape(name), REDACTED, text, flags=re.IGNORECASE)
    return text
