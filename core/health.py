"""What ``/healthz`` (liveness), ``/readyz`` (readiness) and ``/metrics`` look at.

Liveness is cheap: one ``SELECT 1`` and a ``PING`` on a Redis connection pool kept per process (never
a new connection per call). Readiness adds what a load balancer or an orchestrator must know before
sending traffic: unapplied migrations, the object store, and the age of the oldest notification
waiting in the outbox (the sign that workers or the broker are not keeping up).

``core`` imports no other app: the outbox model is looked up by its label at call time.
"""

from __future__ import annotations

import logging
from functools import cache

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

logger = logging.getLogger(__name__)


def _failure(check: str, exc: BaseException) -> None:
    # The detail goes to the log, never to the client.
    logger.warning("health: %s unavailable: %s", check, exc.__class__.__name__)


def database_ok() -> bool:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any driver error means "down"
        _failure("database", exc)
        return False
    return True


@cache
def _redis_pool(url: str):
    import redis

    return redis.ConnectionPool.from_url(url, socket_connect_timeout=1, socket_timeout=1, max_connections=4)


def redis_client(url: str):
    """A client on this process's pool for ``url`` (connections are reused between calls)."""
    import redis

    return redis.Redis(connection_pool=_redis_pool(url))


def broker_mode() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "in-process"
    return "redis" if str(settings.CELERY_BROKER_URL).startswith(("redis://", "rediss://")) else "other"


def broker_ok() -> bool:
    if broker_mode() != "redis":
        return True
    try:
        return bool(redis_client(settings.CELERY_BROKER_URL).ping())
    except Exception as exc:  # noqa: BLE001
        _failure("broker", exc)
        return False


def unapplied_migrations() -> int | None:
    """How many migrations are not applied (None when the database cannot be asked)."""
    from django.db.migrations.executor import MigrationExecutor

    try:
        connection = connections[DEFAULT_DB_ALIAS]
        executor = MigrationExecutor(connection)
        return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    except Exception as exc:  # noqa: BLE001
        _failure("migrations", exc)
        return None


def storage_ok() -> bool:
    """The default storage answers (S3: a HEAD on a key that need not exist; disk: the folder exists)."""
    from django.core.files.storage import default_storage

    try:
        default_storage.exists("readyz/probe")
        location = getattr(default_storage, "location", None)
        if location is not None and not getattr(default_storage, "bucket_name", None):
            from pathlib import Path

            Path(location).mkdir(parents=True, exist_ok=True)
    except Exception as exc:  # noqa: BLE001
        _failure("storage", exc)
        return False
    return True


def outbox_backlog() -> dict:
    """The oldest notification still owed: rows queued and due, or claimed and still sending.

    Returns ``{"pending": n, "oldest_age_seconds": s}`` (0 when nothing is pending).
    """
    from django.apps import apps
    from django.db.models import Min, Q

    Message = apps.get_model("notifications", "Message")  # noqa: N806
    now = timezone.now()
    due = Q(status="queued") & (Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True))
    sending = Q(status="sending")
    rows = Message.objects.filter(due | sending)
    stats = rows.aggregate(
        oldest_due=Min("next_attempt_at", filter=due),
        oldest_created=Min("created_at", filter=due & Q(next_attempt_at__isnull=True)),
        oldest_claim=Min("claimed_at", filter=sending),
    )
    oldest = min((value for value in stats.values() if value is not None), default=None)
    return {
        "pending": rows.count(),
        "oldest_age_seconds": max(0, int((now - oldest).total_seconds())) if oldest else 0,
    }


def readiness() -> tuple[bool, dict]:
    """(ready, report). Not ready when any check fails; the report says which and why."""
    report: dict = {}
    reasons: list[str] = []
    report["database"] = {"ok": database_ok()}
    if not report["database"]["ok"]:
        reasons.append("database unavailable")
    report["broker"] = {"ok": broker_ok(), "mode": broker_mode()}
    if not report["broker"]["ok"]:
        reasons.append("broker unavailable")
    report["storage"] = {"ok": storage_ok()}
    if not report["storage"]["ok"]:
        reasons.append("storage unavailable")
    if report["database"]["ok"]:
        pending = unapplied_migrations()
        report["migrations"] = {"ok": pending == 0, "unapplied": pending}
        if pending:
            reasons.append(f"{pending} migrations not applied")
        elif pending is None:
            reasons.append("migrations could not be read")
        if pending == 0:
            try:
                backlog = outbox_backlog()
            except Exception as exc:  # noqa: BLE001
                _failure("outbox", exc)
                backlog = None
            limit = settings.READINESS_OUTBOX_MAX_AGE_SECONDS
            if backlog is None:
                report["outbox"] = {"ok": False}
                reasons.append("outbox could not be read")
            else:
                ok = backlog["oldest_age_seconds"] <= limit
                report["outbox"] = {"ok": ok, **backlog, "max_age_seconds": limit}
                if not ok:
                    reasons.append(
                        f"oldest pending notification is {backlog['oldest_age_seconds']} s old (limit {limit} s)"
                    )
    ready = not reasons
    report["status"] = "ready" if ready else "not ready"
    if reasons:
        report["reasons"] = reasons
    return ready, report


def celery_queue_depths() -> dict[str, int]:
    """Messages waiting in each Celery queue on the Redis broker (empty when tasks run in-process)."""
    if broker_mode() != "redis":
        return {}
    client = redis_client(settings.CELERY_BROKER_URL)
    queues = list(dict.fromkeys([settings.CELERY_TASK_DEFAULT_QUEUE, *settings.METRICS_CELERY_QUEUES]))
    depths = {name: int(client.llen(name)) for name in queues}
    depths["unacked"] = int(client.hlen("unacked"))
    return depths
