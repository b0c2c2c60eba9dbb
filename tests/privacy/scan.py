"""Where a name is still held: every text and JSON value of every table of the project."""

from __future__ import annotations

import json
import unicodedata

from django.apps import apps
from django.db import models

from tests.conftest import PROJECT_APPS

TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField, models.FileField)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def rows_naming(*needles: str) -> list[str]:
    """ "app.Model.field #pk: value" for every value (text, JSON, file name) in the project's
    tables, and the account tables, holding one of `needles` (case and Unicode form ignored)."""
    wanted = [_fold(n) for n in needles if n]
    found = []
    labels = (*PROJECT_APPS, "authtoken")
    for model in apps.get_models():
        if model._meta.app_label not in labels or model._meta.proxy:
            continue
        fields = [f for f in model._meta.concrete_fields if isinstance(f, TEXT_FIELDS)]
        if not fields:
            continue
        names = [f.attname for f in fields]
        for pk, *values in model._default_manager.values_list("pk", *names).iterator():
            for name, value in zip(names, values, strict=True):
                if value in (None, "", {}, []):
                    continue
                text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                if any(needle in _fold(text) for needle in wanted):
                    found.append(f"{model._meta.label}.{name} #{pk}: {text[:120]}")
    return found
