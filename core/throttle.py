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
