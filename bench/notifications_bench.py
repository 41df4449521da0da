#!/usr/bin/env python
"""Notifications end to end: SMS per second through a real Celery worker and the SMS simulator,
against a no-op Celery task measured in the same run with the same worker.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench \\
    REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python bench/notifications_bench.py

Required environment (exit status 2 with a message when missing):
  BENCH_DATABASE_URL  PostgreSQL (the worker and this process share it; SQLite is not an option)
  REDIS_URL           the broker. Its ``celery`` queue must be empty and no other worker may consume from
                      it (checked: the bench stops rather than steal or skew someone else's tasks), so
                      prefer a Redis database of its own, e.g. redis://127.0.0.1:6379/14.
Optional:
  BENCH_MESSAGES      N, the number of no-op tasks and of SMS (default 500)
  BENCH_NOTIFY_ROUNDS rounds of (floor, SMS), interleaved; the medians are compared (default 3)
  BENCH_TIMEOUT       upper bound in seconds of each phase (default 60 + N/5)

What it does (DJANGO_SETTINGS_MODULE=bench.settings: DEBUG off, persistent connections):
  1. migrates the bench database (the default notification templates come with it);
  2. starts ``celery -A portal worker -I bench.tasks --pool=prefork --concurrency=2`` in its own
     process group and warms it up with 20 no-op tasks;
  3. each round, interleaved:
     floor: publishes N ``bench.noop`` tasks (each increments a Redis counter) and times from the first
     publish to the moment the last one finished (recorded by the task itself);
     SMS: creates N users (not timed), then N ``services.notify(..., channels=["sms"])`` in one
     transaction and times from the first notify to the last ``delivered_at`` (the rows are published
     in batches of NOTIFICATIONS_BATCH_SIZE at commit; each batch is one send task, and the
     simulator's receipts for it one signed callback); the round's rows are removed;
  4. prints the medians, the ratio against the goal of issue 15 (SMS/s ≥ 0.5 × no-op tasks/s) with
     PASS or MISS, writes bench/results/notifications-<timestamp>.json and stops the worker (SIGTERM,
     then SIGKILL on its process group).
Every wait is bounded.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.processes import GaveUp, celery_worker, wait_for  # noqa: E402

N = int(os.environ.get("BENCH_MESSAGES", "500"))
TIMEOUT = float(os.environ.get("BENCH_TIMEOUT", str(60 + N / 5)))
ROUNDS = max(1, int(os.environ.get("BENCH_NOTIFY_ROUNDS", "3")))
GOAL = 0.5
CONCURRENCY = 2
POLL = 0.2
CONTEXT = {
    "dossier_code": "000.21.01.H24-261122-0500",
    "procedure_name": "Đăng ký khai sinh",
    "agency_name": "UBND Phường Kinh Bắc",
    "link": "https://dichvucong.example.vn/dossiers/000.21.01.H24-261122-0500/",
}


def fail(message: str, status: int = 2) -> None:
    print(f"notifications_bench: {message}", file=sys.stderr)
    sys.exit(status)


def check_environment() -> None:
    database_url = os.environ.get("BENCH_DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://", "pgsql://")):
        fail(
            "BENCH_DATABASE_URL must point at PostgreSQL, e.g. postgres://postgres@127.0.0.1:5432/portal_bench "
            "(the worker and the bench share the database)"
        )
    if not os.environ.get("REDIS_URL"):
        fail("REDIS_URL must point at the Redis used as broker, e.g. redis://127.0.0.1:6379/14")
    if N < 1:
        fail("BENCH_MESSAGES must be at least 1")


class Worker:
    def __init__(self, log_path: Path) -> None:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "SMS_PROVIDER": "simulator",
            "DEV_OUTBOX": "false",
            "PYTHONUNBUFFERED": "1",
        }
        self.log_path = log_path
        with open(log_path, "wb") as log:
            self.process = subprocess.Popen(
                celery_worker(
                    name=f"bench-{os.getpid()}@%h",
                    concurrency=CONCURRENCY,
                    loglevel="warning",
                    include=["bench.tasks"],
                ),
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def log_tail(self) -> str:
        return self.log_path.read_text(errors="replace")[-3000:]

    def check_alive(self) -> None:
        if self.process.poll() is not None:
            raise RuntimeError(f"the celery worker exited with {self.process.returncode}:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(subprocess.TimeoutExpired, ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)  # warm shutdown
                self.process.wait(timeout=10)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)  # also any pool process left behind
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            print(f"warning: worker {self.process.pid} did not exit", file=sys.stderr)


def run_noop(worker: Worker, redis_client, count: int, label: str) -> dict:
    from bench.tasks import noop

    key = f"bench:noop:{uuid.uuid4().hex}"
    started = time.time()
    for _ in range(count):
        noop.delay(key, count)
    published = time.time()

    def done():
        worker.check_alive()
        return redis_client.get(f"{key}:done")

    finished = float(
        wait_for(
            done,
            f"{count} no-op tasks ({label})",
            timeout=TIMEOUT,
            interval=POLL,
            diagnostics=lambda: f"counter {redis_client.get(key)}\n{worker.log_tail()}",
        )
    )
    redis_client.delete(key, f"{key}:done")
    seconds = finished - started
    return {
        "items": count,
        "publish_seconds": round(published - started, 3),
        "seconds": round(seconds, 3),
        "per_second": round(count / seconds, 1),
    }


def run_messages(worker: Worker, run: str, count: int = N) -> tuple[dict, list[int], list[int]]:
    from django.conf import settings
    from django.db import transaction
    from django.db.models import Max

    from accounts.models import User
    from notifications import services
    from notifications.constants import Channel, Status
    from notifications.models import Message

    users = User.objects.bulk_create(
        [
            User(
                username=f"bench-notif-{run}-{i}",
                full_name=f"Người dân {i}",
                phone=f"+8491{i % 10_000_000:07d}",
            )
            for i in range(count)
        ]
    )
    started = time.time()
    with transaction.atomic():
        ids = [
            m.pk
            for user in users
            for m in services.notify(
                event="dossier_submitted", context=CONTEXT, user=user, channels=[Channel.SMS]
            )
        ]
    committed = time.time()  # the on-commit enqueues have run too

    def delivered():
        worker.check_alive()
        return Message.objects.filter(id__in=ids, status=Status.DELIVERED).count() == count

    def diagnostics():
        from collections import Counter

        return f"{dict(Counter(Message.objects.filter(id__in=ids).values_list('status', flat=True)))}\n{worker.log_tail()}"

    wait_for(delivered, f"{count} SMS delivered", timeout=TIMEOUT, interval=POLL, diagnostics=diagnostics)
    stamps = Message.objects.filter(id__in=ids).aggregate(sent=Max("sent_at"), delivered=Max("delivered_at"))
    seconds = stamps["delivered"].timestamp() - started
    result = {
        "items": count,
        "notify_and_commit_seconds": round(committed - started, 3),
        "all_sent_seconds": round(stamps["sent"].timestamp() - started, 3),
        "seconds": round(seconds, 3),
        "per_second": round(count / seconds, 1),
        "batch_size": settings.NOTIFICATIONS_BATCH_SIZE,
    }
    return result, ids, [u.pk for u in users]


def cleanup(message_ids: list[int], user_ids: list[int]) -> None:
    from accounts.models import User
    from notifications.models import DeliveryReceipt, Message
    from notifications.providers.sms_simulator.models import SimulatedSms

    references = list(Message.objects.filter(id__in=message_ids).values_list("uuid", flat=True))
    SimulatedSms.objects.filter(reference__in=references).delete()
    DeliveryReceipt.objects.filter(message_id__in=message_ids).delete()
    Message.objects.filter(id__in=message_ids).delete()
    User.objects.filter(id__in=user_ids).delete()


def main() -> int:
    check_environment()
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["SMS_PROVIDER"] = "simulator"
    os.environ["DEV_OUTBOX"] = "false"
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
    import django

    from bench.database import ensure_database

    ensure_database()
    django.setup()
    import redis
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from notifications.services import ensure_default_templates
    from portal.celery import app

    call_command("migrate", verbosity=0)
    ensure_default_templates()
    broker = redis.Redis.from_url(app.conf.broker_url, socket_timeout=5)
    counters = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=5)
    try:
        waiting = broker.llen("celery")
    except redis.RedisError as exc:
        fail(f"cannot reach the broker at {app.conf.broker_url}: {exc}")
    if waiting:
        fail(
            f"the broker's 'celery' queue already holds {waiting} tasks: use a Redis database of your own (REDIS_URL=…/14)"
        )
    others = app.control.ping(timeout=1.0)
    if others:
        fail(
            f"other workers consume from this broker ({', '.join(name for reply in others for name in reply)}): stop them or use another REDIS_URL"
        )

    run = time.strftime("%Y%m%d%H%M%S")
    log_path = Path(tempfile.mkstemp(prefix="notifications-bench-worker-", suffix=".log")[1])
    worker = Worker(log_path)
    message_ids: list[int] = []
    user_ids: list[int] = []
    floors, rounds = [], []
    try:
        run_noop(worker, counters, 20, "warm-up")  # the worker is up, both pool processes have run a task
        _warm, message_ids, user_ids = run_messages(worker, f"{run}-warm", count=20)  # and the SMS path once
        cleanup(message_ids, user_ids)
        message_ids, user_ids = [], []
        for number in range(ROUNDS):
            floors.append(run_noop(worker, counters, N, f"floor, round {number + 1}"))
            result, message_ids, user_ids = run_messages(worker, f"{run}-{number}")
            rounds.append(result)
            cleanup(message_ids, user_ids)
            message_ids, user_ids = [], []
    except (GaveUp, RuntimeError) as exc:
        print(f"notifications_bench: {exc}", file=sys.stderr)
        return 1
    finally:
        worker.stop()
        if message_ids or user_ids:
            cleanup(message_ids, user_ids)
    log_path.unlink(missing_ok=True)

    floor = sorted(floors, key=lambda r: r["per_second"])[len(floors) // 2]
    messages = sorted(rounds, key=lambda r: r["per_second"])[len(rounds) // 2]
    ratio = round(messages["per_second"] / floor["per_second"], 3)
    print(
        f"\nNotifications end to end — N={N}, {ROUNDS} rounds (medians), {connection.vendor}, "
        f"celery prefork concurrency={CONCURRENCY}, Redis broker, SMS simulator\n"
    )
    print(f"{'':44} {'items':>6} {'seconds':>8} {'per second':>11}")
    print(
        f"{'F: no-op task (publish → last done)':44} {floor['items']:>6} {floor['seconds']:>8.2f} {floor['per_second']:>11.1f}"
    )
    print(
        f"{'SMS: notify → delivered (send + receipt)':44} {messages['items']:>6} {messages['seconds']:>8.2f} {messages['per_second']:>11.1f}"
    )
    print(
        f"\n  messages/s ÷ no-op tasks/s = {ratio}   goal ≥ {GOAL}: {'PASS' if ratio >= GOAL else 'MISS'}"
        f"   (rounds: {', '.join(str(round(r['per_second'] / f['per_second'], 3)) for r, f in zip(rounds, floors, strict=True))})"
    )
    print(
        f"  SMS phases: notify + commit {messages['notify_and_commit_seconds']:.2f} s, all sent {messages['all_sent_seconds']:.2f} s, "
        f"all delivered {messages['seconds']:.2f} s"
    )
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    path = out / f"notifications-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(
        json.dumps(
            {
                "n": N,
                "vendor": connection.vendor,
                "worker": {"pool": "prefork", "concurrency": CONCURRENCY},
                "noop": floor,
                "messages": messages,
                "rounds": [{"noop": f, "messages": r} for f, r in zip(floors, rounds, strict=True)],
                "ratio_messages_per_noop": ratio,
                "goal": GOAL,
                "verdict": "PASS" if ratio >= GOAL else "MISS",
            },
            indent=2,
            ensure_ascii=False,
        )
    )
    print(f"\n  written to {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
