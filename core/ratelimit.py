"""A fixed-window rate limit on the shared cache (Redis in production, local memory otherwise).

Used where abuse costs something: every way in (password guessing), password reset, pledges, gift
checkout. Limits live in settings.RATE_LIMITS as "count/seconds" so operators can tune them.

When the shared cache is down, the limit is counted in this process instead (logged): looser by the
number of processes, but nobody is locked out and nothing answers 500.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from core.cache import CACHE_ERRORS
from core.errors import ApplicationError

log = logging.getLogger("noisong.ratelimit")
_local_counts: dict[str, tuple[float, int]] = {}  # cache key → (expires at, count)
_local_lock = threading.Lock()


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
        try:
            count = _count_shared(cache_key, window)
        except (
            CACHE_ERRORS
        ) as error:  # the shared cache is down: count here, never fail the request
            log.warning("rate limit counted in-process, the cache failed: %r", error)
            count = _count_local(cache_key, window)
        if count > limit:
            raise RateLimited(retry_after)


def _count_shared(cache_key: str, window: int) -> int:
    cache.add(cache_key, 0, timeout=window)
    try:
        return cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window)
        return 1


def _count_local(cache_key: str, window: int) -> int:
    now = time.monotonic()
    with _local_lock:
        if len(_local_counts) > 10_000:  # forget expired windows now and then
            for key in [k for k, (until, _n) in _local_counts.items() if until <= now]:
                del _local_counts[key]
        until, count = _local_counts.get(cache_key, (now + window, 0))
        if until <= now:
            until, count = now + window, 0
        _local_counts[cache_key] = (until, count + 1)
        return count + 1


def hit_for(scope: str, request, email: str = "") -> None:
    """Count one attempt of `scope` for the client's address and, when given, for the email it
    names: every way in (site sign-in, admin sign-in, tokens, password reset) is limited alike."""
    keys = [f"ip:{client_ip(request)}"]
    email = (email or "").strip().lower()
    if email:
        keys.append(f"email:{email}")
    hit(scope, *keys)
