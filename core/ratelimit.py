"""A small fixed-window rate limit on the cache (Redis in production), for public forms, and the
client address every rate limit is keyed on (allauth's too, through the account adapter)."""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ipware import get_client_ip


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


def client_ip(request: HttpRequest) -> str:
    """The address of the person's device, as far as the portal's own reverse proxies vouch for it.

    ``TRUSTED_PROXY_COUNT`` reverse proxies stand in front of the portal, each appending the address
    that connected to it to ``X-Forwarded-For`` (nginx: ``proxy_add_x_forwarded_for``). With 0 (the
    default, no proxy) the connecting address is the client and every forwarding header is ignored:
    anyone can write one. With N, the N-th address from the right of ``X-Forwarded-For`` is the
    client's, whatever a client wrote further left. A request that did not come through the proxies
    (no header, or a shorter one) is keyed on the connecting address. django-ipware does the parsing
    (IPv6, ports, brackets); only the one header the proxies write is read.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        ip, _routable = get_client_ip(request, request_header_order=["REMOTE_ADDR"])
    else:
        ip, _routable = get_client_ip(
            request, proxy_count=count - 1, request_header_order=["HTTP_X_FORWARDED_FOR"], strict=False
        )
    return ip or remote
