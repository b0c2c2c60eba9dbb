"""A fixed-window rate limit on the shared cache (Redis in production, local memory otherwise).

Used where abuse costs something: sign-in (password guessing), and later pledges and gift checkout.
Limits live in settings.RATE_LIMITS as "count/seconds" so operators can tune them.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from core.errors import ApplicationError


class RateLimited(ApplicationError):
    status = 429

    def __init__(self, retry_after: int) -> None:
        minutes = max(1, round(retry_after / 60))
        super().__init__(
            _("Too many attempts. Please wait %(minutes)d minute(s) and try again.")
            % {"minutes": minutes},
            code="rate_limited",
        )
        self.retry_after = retry_after


def client_ip(request) -> str:
    # Behind the production proxy, REMOTE_ADDR is the proxy; it appends the client to X-Forwarded-For.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded and settings.USE_X_FORWARDED_FOR:
        return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def _parse(rule: str) -> tuple[int, int]:
    count, seconds = rule.split("/")
    return int(count), int(seconds)


def hit(scope: str, *keys: str) -> None:
    """Count one attempt for each key under `scope`; raise RateLimited when one is over."""
    rule = settings.RATE_LIMITS.get(scope)
    if not rule:
        return
    limit, window = _parse(rule)
    now = int(time.time())
    bucket = now // window
    retry_after = window - (now % window)
    for key in keys:
        digest = hashlib.sha256(f"{scope}:{key}".encode()).hexdigest()[:32]
        cache_key = f"rl:{digest}:{bucket}"
        cache.add(cache_key, 0, timeout=window)
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.set(cache_key, 1, timeout=window)
            count = 1
        if count > limit:
            raise RateLimited(retry_after)


def hit_for(scope: str, request, email: str = "") -> None:
    """Count one attempt of `scope` for the client's address and, when given, for the email it
    names: every way in (site sign-in, admin sign-in, tokens, password reset) is limited alike."""
    keys = [f"ip:{client_ip(request)}"]
    email = (email or "").strip().lower()
    if email:
        keys.append(f"email:{email}")
    hit(scope, *keys)
