"""The texts families receive, always in Vietnamese (msgids in English, the words in the
messaging catalogue). With eSMS they are the registered customer-care templates: change one here
only together with its registration (providers/esms.py)."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext_lazy as _

HANDOVER_CODE = _(
    "Noi Song: the code of your new phone is %(code)s. Show it to the officer who gave you the "
    "phone."
)
FOLLOW_UP = _(
    "Noi Song: a month has passed since your family received a phone. The commune officer will "
    "call or visit this week to ask how it works. Phone %(code)s."
)


def in_vietnamese(text, **values) -> str:
    with translation.override("vi"):
        return str(text) % values
