"""A small fixed-window rate limit on the cache (Redis in production), for public forms."""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache


def hit(scope: str, key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one attempt; False when ``limit`` attempts were already made in this window."""
    bucket = int(time.time() // window_seconds)
    digest = hashlib.sha256(f"{scope}:{key}".encode()).hexdigest()[:32]
    name = f"rl:{scope}:{digest}:{bucket}"
    cache.add(name, 0, window_seconds + 5)
    try:
        count = cache.incr(name)
    except ValueError:
        cache.set(name, 1, window_seconds + 5)
        count = 1
    return count <= limit


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "")
