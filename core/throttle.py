"""Counting requests in a shared cache (Redis in production), so every web process counts together."""

import hashlib

from django.conf import settings
from django.core.cache import cache


class Throttled(Exception):
    """Asked too often: the caller says "try again later" in the user's language."""


def throttle_hit(scope: str, key: str, *, limit: int, window: int) -> bool:
    """Count one hit in a fixed window; False once the limit is passed. Keys are hashed."""
    digest = hashlib.sha256(f"{scope}:{key}".encode()).hexdigest()[:32]
    cache_key = f"throttle:{scope}:{digest}"
    cache.add(cache_key, 0, timeout=window)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window)
        count = 1
    return count <= limit


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or the hop TRUSTED_PROXY_COUNT proxies in front appended."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.TRUSTED_PROXY_COUNT and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",")]
        if len(hops) >= settings.TRUSTED_PROXY_COUNT:
            return hops[-settings.TRUSTED_PROXY_COUNT]
    return request.META.get("REMOTE_ADDR", "")
