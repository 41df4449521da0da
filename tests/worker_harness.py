"""The real-worker harness: a dedicated ``redis-server``, an aiosmtpd sink and ``celery -A portal
worker`` processes in their own process groups (docs/reliability.md, R5 and R6).

Shared by the tests that run a REAL worker (``tests/notifications/test_worker.py``,
``tests/delivery/test_worker.py``, ``tests/payments/``). They run only against PostgreSQL with
REDIS_URL set; ``_skip_reason()`` says why not otherwise. The shared Redis is never touched: each
test starts its own on a free port. Every wait is bounded (``WAIT``).
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import functools
import os
import shutil
import signal
import subprocess
import threading
import time
import urllib.parse
import uuid
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from notifications.constants import Status
from notifications.models import DeliveryReceipt, Message
from notifications.providers.sms_simulator.models import SimulatedSms
from scripts import processes
from scripts.processes import free_port  # noqa: F401 - the worker tests take it from here

ROOT = Path(__file__).resolve().parents[1]
CELERY = ROOT / ".venv" / "bin" / "celery"
WAIT = 60.0  # seconds: the upper bound of every wait below
POLL = 0.2
CONTEXT = {
    "dossier_code": "000.21.01.H24-261122-0042",
    "procedure_name": "Đăng ký khai sinh",
    "agency_name": "UBND Phường Kinh Bắc",
    "link": "https://dichvucong.example.vn/dossiers/000.21.01.H24-261122-0042/",
}


def _skip_reason() -> str | None:
    if django_settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        return "real-worker tests need DATABASE_URL=postgres://… (a SQLite test database is not shared with another process)"
    if not os.environ.get("REDIS_URL"):
        return "real-worker tests need REDIS_URL (they start their own redis-server; REDIS_URL marks a Redis-capable run)"
    if shutil.which("redis-server") is None:
        return "real-worker tests need the redis-server binary on PATH"
    if not CELERY.exists():
        return f"real-worker tests need {CELERY}"
    return None


# --- helpers ------------------------------------------------------------------------------------


# Shared with the battery and the benches (scripts/processes.py), with this harness's patience.
wait_for = functools.partial(processes.wait_for, timeout=WAIT, interval=POLL)


def undelivered(ids, limit: int = 5) -> list[dict]:
    """What we know about messages that are not delivered (for failure messages)."""
    rows = []
    for message in (
        Message.objects.filter(id__in=list(ids)).exclude(status=Status.DELIVERED).order_by("id")[:limit]
    ):
        simulated = SimulatedSms.objects.filter(reference=message.uuid).first()
        rows.append(
            {
                "id": message.pk,
                "status": message.status,
                "attempts": message.attempts,
                "submissions": simulated.submissions if simulated else 0,
                "receipts": list(
                    DeliveryReceipt.objects.filter(message=message).values_list(
                        "event_id", "status", "applied"
                    )
                ),
            }
        )
    return rows


def status_counts(ids) -> dict[str, int]:
    return dict(Counter(Message.objects.filter(id__in=list(ids)).values_list("status", flat=True)))


class RedisServer:
    """A throwaway redis-server on a fixed free port (no RDB, no AOF) that can be stopped and restarted."""

    def __init__(self, log_dir: Path) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log_dir = log_dir
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> None:
        assert self.process is None, "redis-server already running"
        self.starts += 1
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--daemonize", "no"]
        with open(self.log_dir / f"redis-{self.starts}.log", "wb") as log:
            self.process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        wait_for(self._ping, f"redis-server on port {self.port}", timeout=15, interval=0.05)

    def _ping(self) -> bool:
        import redis

        if self.process is not None and self.process.poll() is not None:
            raise AssertionError(f"redis-server exited with {self.process.returncode}: {self.log_tail()}")
        try:
            return redis.Redis.from_url(self.url, socket_timeout=1).ping()
        except redis.RedisError:
            return False

    def client(self):
        import redis

        return redis.Redis.from_url(self.url, socket_timeout=5)

    def stop(self) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=15)
        self.process = None

    def log_tail(self) -> str:
        path = self.log_dir / f"redis-{self.starts}.log"
        return path.read_text(errors="replace")[-2000:] if path.exists() else ""


class SmtpSink:
    """aiosmtpd in a thread of this process; remembers every message it accepts."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        sink = self
        self.messages: list[email.message.Message] = []
        self.envelopes: list[list[str]] = []
        self._lock = threading.Lock()

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                parsed = email.message_from_bytes(
                    envelope.original_content or envelope.content, policy=email.policy.default
                )
                with sink._lock:
                    sink.messages.append(parsed)
                    sink.envelopes.append(list(envelope.rcpt_tos))
                return "250 Message accepted for delivery"

        self.port = free_port()  # aiosmtpd's Controller cannot bind port 0
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def message_ids(self) -> Counter:
        with self._lock:
            return Counter(str(m["Message-ID"]) for m in self.messages)

    def stop(self) -> None:
        self.controller.stop()


class Worker:
    """``celery -A portal worker`` in its own session (process group = its pid)."""

    def __init__(self, *, broker_url: str, smtp_port: int, log_path: Path, concurrency: int) -> None:
        db = connection.settings_dict
        userinfo = urllib.parse.quote(db["USER"] or "", safe="")
        if db.get("PASSWORD"):
            userinfo += ":" + urllib.parse.quote(db["PASSWORD"], safe="")
        host = urllib.parse.quote(db["HOST"] or "127.0.0.1", safe="")  # a socket directory is %2F-encoded
        database_url = f"postgres://{userinfo}@{host}:{db['PORT'] or 5432}/{db['NAME']}"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("CELERY_", "EMAIL_", "DJANGO_"))}
        env.update(
            DJANGO_SETTINGS_MODULE="portal.settings.test",
            DATABASE_URL=database_url,  # the test database itself, e.g. test_portal_ci
            REDIS_URL=broker_url,
            CELERY_BROKER_URL=broker_url,
            CELERY_TASK_ALWAYS_EAGER="false",
            EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
            SMS_PROVIDER="simulator",
            PYTHONUNBUFFERED="1",
        )
        self.name = f"test-{uuid.uuid4().hex[:8]}@%h"
        self.log_path = log_path
        with open(log_path, "wb") as log:
            self.process = subprocess.Popen(
                processes.celery_worker(name=self.name, concurrency=concurrency),
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.pgid = self.process.pid

    def log_tail(self, chars: int = 4000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:] if self.log_path.exists() else "(no log)"

    def wait_ready(self) -> None:
        def ready() -> bool:
            if self.process.poll() is not None:
                raise AssertionError(
                    f"celery worker exited with {self.process.returncode} before it was ready:\n{self.log_tail()}"
                )
            return " ready." in self.log_path.read_text(errors="replace")

        wait_for(ready, "the celery worker to log 'ready.'", diagnostics=self.log_tail)

    def kill(self) -> None:
        """SIGKILL the whole process group, reap the main process, wait for the children and for the
        worker's PostgreSQL sessions to be gone (so the flush and DROP DATABASE never wait on them)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pgid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=15)
        wait_for(
            lambda: not processes.group_alive(self.pgid),
            f"worker process group {self.pgid} to die",
            timeout=15,
            interval=0.05,
        )
        wait_for(
            lambda: other_sessions() == 0,
            "the killed worker's PostgreSQL sessions to close",
            timeout=15,
            interval=0.05,
        )


def other_sessions() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def _reset_producer_pool(app) -> None:
    # The app caches its broker connection pool; after changing broker_url it must be rebuilt.
    app._pool = None
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


# --- fixtures -----------------------------------------------------------------------------------


@pytest.fixture
def broker(tmp_path, settings):
    """A dedicated redis-server, and this process publishing to it (not eagerly) for the test's duration."""
    from portal.celery import app

    server = RedisServer(tmp_path)
    server.start()
    saved = {"broker_url": app.conf.broker_url, "task_always_eager": app.conf.task_always_eager}
    app.conf.broker_url = server.url
    app.conf.task_always_eager = False
    settings.CELERY_TASK_ALWAYS_EAGER = False  # what tasks.send_batch reads; the fixture restores it
    _reset_producer_pool(app)
    try:
        yield server
    finally:
        _reset_producer_pool(app)
        app.conf.broker_url = saved["broker_url"]
        app.conf.task_always_eager = saved["task_always_eager"]
        server.stop()


@pytest.fixture
def smtp():
    sink = SmtpSink()
    try:
        yield sink
    finally:
        sink.stop()


class Workers:
    def __init__(self, broker: RedisServer, smtp: SmtpSink, log_dir: Path) -> None:
        self.broker, self.smtp, self.log_dir = broker, smtp, log_dir
        self.started: list[Worker] = []

    def start(self, concurrency: int = 2) -> Worker:
        worker = Worker(
            broker_url=self.broker.url,
            smtp_port=self.smtp.port,
            log_path=self.log_dir / f"worker-{len(self.started) + 1}.log",
            concurrency=concurrency,
        )
        self.started.append(worker)
        worker.wait_ready()
        return worker

    def logs(self) -> str:
        return "\n".join(f"--- {w.log_path.name} ---\n{w.log_tail(2500)}" for w in self.started)

    def kill_all(self) -> None:
        for worker in self.started:
            worker.kill()


@pytest.fixture
def workers(db, broker, smtp, tmp_path):
    """Start workers on demand; all are killed and reaped at teardown, before the database flush
    (this fixture depends on ``db``, so it is torn down first)."""
    pool = Workers(broker, smtp, tmp_path)
    try:
        yield pool
    finally:
        pool.kill_all()


def drained(broker: RedisServer) -> bool:
    """No task waiting in the queue and none reserved without an ack."""
    client = broker.client()
    return client.llen("celery") == 0 and client.hlen("unacked") == 0


def quiet(broker: RedisServer, polls: int = 5) -> bool:
    """``drained`` on several polls in a row: the worker is idle (not between BRPOP and its ack bookkeeping)."""
    for _ in range(polls):
        if not drained(broker):
            return False
        time.sleep(POLL)
    return True


def redeliver_unacked(broker: RedisServer) -> int:
    """Put the tasks a dead worker had reserved back in their queue, as Redis does once the visibility
    timeout has passed (acks_late: they were never acknowledged). Returns how many."""
    from kombu import Connection

    client = broker.client()
    pending = client.hlen("unacked")
    client.delete(
        "unacked_mutex"
    )  # the dead worker may have held it (it expires after 5 min); no worker runs now
    with Connection(broker.url, transport_options={"visibility_timeout": 0}) as conn:
        conn.default_channel.qos.restore_visible(num=10_000)
    assert broker.client().hlen("unacked") == 0
    return pending


# --- tests --------------------------------------------------------------------------------------
