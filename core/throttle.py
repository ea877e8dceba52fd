"""Counting requests in a shared cache (Redis in production), so every web process counts together."""

import hashlib

from django.conf import settings
from django.core.cache import cache


class Throttled(Exception):
    """Asked too often: the caller says "try again later" in the user's language."""


def _cache_key(scope: str, key: str) -> str:
    digest = hashlib.sha256(f"{scope}:{key}".encode()).hexdigest()[:32]
    return f"throttle:{scope}:{digest}"


def throttle_count(scope: str, key: str, *, window: int) -> int:
    """Count one hit in a fixed window and return the hits so far in it. Keys are hashed."""
    cache_key = _cache_key(scope, key)
    cache.add(cache_key, 0, timeout=window)
    try:
        return cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window)
        return 1


def throttle_hit(scope: str, key: str, *, limit: int, window: int) -> bool:
    """Count one hit in a fixed window; False once the limit is passed."""
    return throttle_count(scope, key, window=window) <= limit


def throttle_reset(scope: str, key: str) -> None:
    """Start the count of this key again."""
    cache.delete(_cache_key(scope, key))


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or the hop TRUSTED_PROXY_COUNT proxies in front appended."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.TRUSTED_PROXY_COUNT and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",")]
        if len(hops) >= settings.TRUSTED_PROXY_COUNT:
            return hops[-settings.TRUSTED_PROXY_COUNT]
    return request.META.get("REMOTE_ADDR", "")


class BudgetExceeded(Exception):
    """A budget (claim creation, outbound messages) is spent: the claimant gets the 429 page.

    ``scope`` names the budget (no personal data); ``retry_after`` is in seconds.
    """

    def __init__(self, scope: str, *, retry_after: int) -> None:
        super().__init__(scope)
        self.scope = scope
        self.retry_after = retry_after


def throttle_add_many(scope: str, counts: dict[str, int], *, window: int) -> dict[str, int]:
    """Add ``counts[key]`` hits to each key's fixed window at once; the totals so far are returned.

    On Redis one pipeline does it (SET NX EX then INCRBY per key, one round trip for a whole
    batch of reminders); another cache counts key by key with add and incr.
    """
    if not counts:
        return {}
    cache_keys = {key: _cache_key(scope, key) for key in counts}
    client = _redis_client()
    if client is not None:
        pipe = client.pipeline(transaction=False)
        for key, n in counts.items():
            name = cache.make_key(cache_keys[key])
            pipe.set(name, 0, ex=window, nx=True)  # RedisCache stores integers unpickled
            pipe.incrby(name, n)
        replies = pipe.execute()
        return {key: int(total) for key, total in zip(counts, replies[1::2], strict=True)}
    totals = {}
    for key, n in counts.items():
        cache.add(cache_keys[key], 0, timeout=window)
        try:
            totals[key] = cache.incr(cache_keys[key], n)
        except ValueError:  # expired between add and incr
            cache.set(cache_keys[key], n, timeout=window)
            totals[key] = n
    return totals


def throttle_peek(scope: str, key: str) -> int:
    """The hits so far in this key's window, without counting one."""
    return int(cache.get(_cache_key(scope, key)) or 0)


def _redis_client():
    """The redis-py client behind Django's RedisCache, or None for another cache."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    backend = caches["default"]
    if isinstance(backend, RedisCache):
        # Django writes to the first server only, so one client holds every counter.
        return backend._cache.get_client(write=True)
    return None
