"""A Redis cache that degrades instead of failing when Redis is down (reliability.md, R6).

Django's own ``RedisCache`` raises ``redis.ConnectionError`` on every call while Redis is away, which
would turn every page that reads the cache (search synonyms, rate limits, statistics) into an HTTP
500. Here a connection or timeout error is logged and treated as a miss: reads return the default,
writes are dropped, ``add`` reports success and ``incr`` reports a missing key (so ``core.ratelimit``
starts a fresh count). The consequence is deliberate and documented: **rate limits fail open** while
Redis is down; sessions live in the database and are not affected.

Keep the cache on its own Redis database (``REDIS_CACHE_URL``): ``cache.clear()`` flushes that
database, and must never flush the Celery queue.
"""

from __future__ import annotations

import functools
import logging

from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)


def _redis_errors() -> tuple[type[BaseException], ...]:
    import redis

    return (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


def _degrade(default_factory):
    def decorator(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except _redis_errors() as exc:
                logger.warning("cache: redis unavailable in %s (%s)", method.__name__, exc.__class__.__name__)
                return default_factory(*args, **kwargs)

        return wrapper

    return decorator


def _missing_key(key, *args, **kwargs):
    raise ValueError(f"Key {key!r} not found (cache unavailable)")


class ResilientRedisCache(RedisCache):
    get = _degrade(lambda key, default=None, *a, **k: default)(RedisCache.get)
    set = _degrade(lambda *a, **k: None)(RedisCache.set)
    add = _degrade(lambda *a, **k: True)(RedisCache.add)
    touch = _degrade(lambda *a, **k: False)(RedisCache.touch)
    delete = _degrade(lambda *a, **k: False)(RedisCache.delete)
    get_many = _degrade(lambda *a, **k: {})(RedisCache.get_many)
    set_many = _degrade(lambda *a, **k: [])(RedisCache.set_many)
    delete_many = _degrade(lambda *a, **k: None)(RedisCache.delete_many)
    has_key = _degrade(lambda *a, **k: False)(RedisCache.has_key)
    incr = _degrade(_missing_key)(RedisCache.incr)
    clear = _degrade(lambda *a, **k: False)(RedisCache.clear)
