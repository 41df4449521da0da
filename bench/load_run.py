#!/usr/bin/env python
"""Run the Locust load harness headless against the portal served as in production.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench \\
    REDIS_URL=redis://127.0.0.1:6379/14 make load          # LOAD_USERS=150 LOAD_SECONDS=90

Unless ``LOAD_HOST`` names a running portal, it starts one on the bench database: gunicorn with the
project's ``gunicorn.conf.py`` (gthread workers and threads, as in compose), ``TRUSTED_PROXY_COUNT=1``
(each simulated person has their own address), and one Celery worker for the tasks the pages cause
(notifications, submission copies). Then ``bench/load_prepare.py`` makes the plan, and Locust runs
``bench/locustfile.py`` with ``LOAD_USERS`` users (default 150) for ``LOAD_SECONDS`` (90), spawned
over the first 20 seconds. The table is Locust's own; the last lines compare the whole run with the
goal of issue 15 (500 users, no failure, p95 ≤ 1 s). Locust's CSV files go to ``var/load_*.csv``.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.processes import free_port  # noqa: E402

USERS = int(os.environ.get("LOAD_USERS", "150"))
SECONDS = int(os.environ.get("LOAD_SECONDS", "90"))
GOAL_USERS, GOAL_P95_MS = 500, 1000
VENV = ROOT / ".venv" / "bin"
DRAIN_SECONDS = int(os.environ.get("LOAD_DRAIN_SECONDS", "300"))
_drained: dict[str, float] = {}


def _backlog() -> int | None:
    """Tasks waiting on the broker's default queue (a Redis broker), or None if it cannot be read."""
    url = os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL", "")
    if not url.startswith(("redis://", "rediss://")):
        return None
    import redis

    try:
        return int(redis.Redis.from_url(url, socket_timeout=5).llen("celery"))
    except redis.RedisError:
        return None


def _drain(moment: str) -> None:
    """Let the worker run the tasks waiting on the broker, so that a run does not do an earlier run's
    work (a run's worker stops with the notifications and documents of its last seconds queued)."""
    waiting = _backlog()
    _drained[f"{moment}_tasks"] = waiting or 0
    if not waiting:
        return
    print(f"{moment}: {waiting} tasks waiting on the broker; the worker runs them", flush=True)
    start = time.monotonic()
    while waiting and time.monotonic() - start < DRAIN_SECONDS:
        time.sleep(1)
        waiting = _backlog()
    _drained[f"{moment}_seconds"] = round(time.monotonic() - start)
    print(
        f"{moment}: {'all run' if not waiting else f'{waiting} still waiting'} after {_drained[moment + '_seconds']} s"
    )


def _env() -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "TRUSTED_PROXY_COUNT": "1",
        "PYTHONPATH": str(ROOT),
    }


def start_portal() -> tuple[list[subprocess.Popen], str]:
    import urllib.request

    port = free_port()
    log = (ROOT / "var" / "load-servers.log").open("ab")
    env = _env()
    web = subprocess.Popen(  # noqa: S603 - our own gunicorn, loopback only
        [
            str(VENV / "gunicorn"),
            "portal.wsgi:application",
            "-c",
            "gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    # As in make stack (Procfile) and compose (cpu_shares): on shared cores, pages come first.
    nice = ["nice", "-n", os.environ.get("LOAD_WORKER_NICE", "10")]
    worker = subprocess.Popen(  # noqa: S603
        [
            *nice,
            str(VENV / "celery"),
            "-A",
            "portal",
            "worker",
            "--concurrency",
            "2",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=5):  # noqa: S310 - loopback
                return [web, worker], base
        except OSError:
            time.sleep(0.1)
    web.terminate()
    worker.terminate()
    raise RuntimeError("gunicorn did not start (var/load-servers.log)")


def summary() -> int:
    rows = list(csv.DictReader((ROOT / "var" / "load_stats.csv").open(encoding="utf-8")))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    requests, failures = int(total["Request Count"]), int(total["Failure Count"])
    p95 = float(total["95%"])
    print(f"\n{USERS} users for {SECONDS} s: {requests} requests, {failures} failures, p95 {p95:.0f} ms")
    if "after the load_tasks" in _drained:
        waiting, seconds = _drained["after the load_tasks"], _drained.get("after the load_seconds", 0)
        print(f"tasks left on the broker when the load stopped: {waiting} (run by the worker in {seconds} s)")
    verdict = "PASS" if failures == 0 and p95 <= GOAL_P95_MS else "MISS"
    if USERS >= GOAL_USERS:
        print(f"goal: {GOAL_USERS} users, no failure, p95 ≤ {GOAL_P95_MS} ms: {verdict}")
    else:
        verdict = "(info)"
        print(f"(the goal is for {GOAL_USERS} users: LOAD_USERS={GOAL_USERS})")
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    slowest = sorted(
        (r for r in rows if r["Name"] != "Aggregated"), key=lambda r: float(r["95%"] or 0), reverse=True
    )[:5]
    (out / f"load-{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(
        json.dumps(
            {
                "users": USERS,
                "seconds": SECONDS,
                "requests": requests,
                "failures": failures,
                "p95_ms": p95,
                "p50_ms": float(total["50%"]),
                "rps": float(total["Requests/s"]),
                "slowest_p95": [{"name": r["Name"], "p95_ms": float(r["95%"] or 0)} for r in slowest],
                "verdict": verdict,
                "tasks": _drained,
            },
            indent=2,
            ensure_ascii=False,
        )
    )
    return 0


def main() -> int:
    if not os.environ.get("BENCH_DATABASE_URL") and not os.environ.get("LOAD_HOST"):
        print("make load needs BENCH_DATABASE_URL (PostgreSQL) or LOAD_HOST.", file=sys.stderr)
        return 2
    (ROOT / "var").mkdir(exist_ok=True)
    processes: list[subprocess.Popen] = []
    host = os.environ.get("LOAD_HOST", "")
    try:
        if not host:
            from bench.database import ensure_database

            ensure_database()
            subprocess.run(
                [str(VENV / "python"), "manage.py", "migrate", "-v0"], cwd=ROOT, env=_env(), check=True
            )
            has_demo = (
                subprocess.run(  # noqa: S603
                    [
                        str(VENV / "python"),
                        "manage.py",
                        "shell",
                        "-c",
                        # The demo's people, not only its agencies: the search bench's catalogue
                        # brings the demo agencies without anyone to sign in.
                        "from accounts.models import User; import sys; "
                        "sys.exit(0 if User.objects.filter(username='motcua').exists() else 1)",
                    ],
                    cwd=ROOT,
                    env=_env(),
                ).returncode
                == 0
            )
            if not has_demo:
                from bench.database import load_demo

                load_demo(_env())
            processes, host = start_portal()
            _drain("before the load")
        subprocess.run([str(VENV / "python"), "bench/load_prepare.py"], cwd=ROOT, env=_env(), check=True)
        subprocess.run(  # noqa: S603
            [
                str(VENV / "locust"),
                "-f",
                "bench/locustfile.py",
                "--headless",
                "--host",
                host,
                "-u",
                str(USERS),
                "-r",
                str(max(1, USERS // 20)),
                "-t",
                f"{SECONDS}s",
                "--csv",
                "var/load",
                "--only-summary",
            ],
            cwd=ROOT,
            env=_env(),
            check=False,
        )
        if processes:
            _drain("after the load")
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
    return summary()


if __name__ == "__main__":
    sys.exit(main())
