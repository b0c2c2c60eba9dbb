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
