"""The floor for bench/notifications_bench.py: a Celery task that does (almost) nothing.

The worker imports this module with ``-I bench.tasks``; the portal never does.
"""

from __future__ import annotations

import time

from celery import shared_task
from django.conf import settings

_client = None


def _redis():
    # One client per worker process, created after the fork.
    global _client
    if _client is None:
        import redis

        _client = redis.Redis.from_url(settings.REDIS_URL)
    return _client


@shared_task(name="bench.noop", ignore_result=True)
def noop(key: str, total: int) -> None:
    """Count this run's tasks; the one that completes the count records the wall-clock time."""
    if _redis().incr(key) == total:
        _redis().set(f"{key}:done", repr(time.time()))
