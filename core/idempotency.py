"""Idempotent creation (Stripe's convention): a POST that creates something may carry an
`Idempotency-Key` header (any string up to 255 characters, e.g. a UUID the client made). Within a
day, the same key from the same caller on the same path gets the first answer again (with
`Idempotent-Replayed: true`) and writes nothing new; the same key with another body is a 409
`idempotency_key_reused`. Only a successful answer is kept: after an error the client may retry
with the same key. Two requests with one key at the same moment: the second waits for the first
(the unique index) and then gets its answer."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ApplicationError, Conflict
from core.models import IdempotentRequest

HEADER = "Idempotency-Key"
WINDOW = timedelta(days=1)


def fingerprint(data) -> str:
    return hashlib.sha256(
        json.dumps(data, sort_keys=True, default=str, ensure_ascii=False).encode()
    ).hexdigest()


def scope_of(request) -> str:
    user = getattr(request, "user", None)
    who = f"user:{user.pk}" if user is not None and user.is_authenticated else "anonymous"
    return f"{request.method} {request.path} {who}"[:300]


def key_of(request) -> str | None:
    key = (request.headers.get(HEADER) or "").strip()
    if not key:
        return None
    if len(key) > 255:
        message = _("The Idempotency-Key header may not be longer than 255 characters.")
        raise ApplicationError(message, code="invalid_idempotency_key")
    return key


def once(*, scope: str, key: str, body_fingerprint: str, run) -> tuple[int, dict, bool]:
    """`run()` → (status, body), run at most once per (scope, key) within the window; returns
    (status, body, replayed)."""
    with transaction.atomic():
        IdempotentRequest.objects.filter(
            scope=scope, key=key, created_at__lt=timezone.now() - WINDOW
        ).delete()
        try:
            with transaction.atomic():
                record = IdempotentRequest.objects.create(
                    scope=scope, key=key, fingerprint=body_fingerprint
                )
        except IntegrityError:
            record = IdempotentRequest.objects.get(scope=scope, key=key)
            if record.fingerprint != body_fingerprint:
                raise Conflict(
                    _("This Idempotency-Key was used for another request. Use a new key."),
                    code="idempotency_key_reused",
                ) from None
            return record.status_code, record.body, True
        status, body = run()  # an error propagates: the key is released with the rollback
        record.status_code, record.body = status, body
        record.save(update_fields=["status_code", "body"])
        return status, body, False


def once_for_request(request, data, run) -> tuple[int, dict, bool] | None:
    """`once` for a request: its Idempotency-Key (None when it has none: the caller just runs),
    its caller and path as the scope, `data` (what was sent) as the fingerprint."""
    key = key_of(request)
    if key is None:
        return None
    return once(scope=scope_of(request), key=key, body_fingerprint=fingerprint(data), run=run)
