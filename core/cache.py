"""What a broken shared cache raises. Callers that can do without the cache (rate limits, cached
public numbers) catch these, log, and carry on in-process; anything else is a bug and propagates."""

from __future__ import annotations

from redis.exceptions import RedisError

CACHE_ERRORS: tuple[type[BaseException], ...] = (RedisError, ConnectionError, TimeoutError, OSError)


def cache_ok() -> tuple[bool, str]:
    """For /healthz: a write and a read of the default cache."""
    from django.core.cache import caches

    cache = caches["default"]
    try:
        cache.set("healthz:probe", 1, 5)
        ok = cache.get("healthz:probe") == 1
        return ok, type(cache).__name__  # the backend: LocMemCache, RedisCache
    except CACHE_ERRORS as error:
        return False, type(error).__name__
