"""What every tool that starts the portal's processes itself needs: the real-worker tests
(``tests/worker_harness.py``), the battery (``tests/stack``) and the benches (``bench/``).

- ``free_port()``: a loopback port nobody listens on;
- ``wait_for(...)``: poll until something is true, or give up with what was awaited and why;
- ``celery_worker(...)``: the command line of a Celery worker as the project runs one;
- ``group_alive(pgid)``: which processes of a group still run (a SIGKILLed worker's children).
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CELERY = ROOT / ".venv" / "bin" / "celery"


class GaveUp(AssertionError):
    """A wait ran out of time (an ``AssertionError``, so a test that meets it fails, not errors)."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(
    predicate: Callable[[], Any],
    what: str,
    *,
    timeout: float,
    interval: float = 0.25,
    diagnostics: Callable[[], str] | None = None,
    until_no_error: bool = False,
) -> Any:
    """Call ``predicate`` every ``interval`` seconds until it returns something truthy, and return
    that. After ``timeout`` seconds raise ``GaveUp`` naming ``what`` (and ``diagnostics()``, e.g. a
    log tail). With ``until_no_error``, an exception counts as "not yet" (a server still starting)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = predicate()
        except Exception:
            if not until_no_error:
                raise
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            extra = f"\n{diagnostics()}" if diagnostics else ""
            raise GaveUp(f"gave up after {timeout:.0f} s waiting for {what}{extra}")
        time.sleep(interval)


def celery_worker(
    *, name: str, concurrency: int, loglevel: str = "info", include: Iterable[str] = ()
) -> list[str]:
    """A prefork worker on the default queue, without the chatter a test or bench does not need
    (heartbeat, gossip, mingle); ``include`` adds task modules outside the apps (``bench.tasks``)."""
    modules = ",".join(include)
    return [
        str(CELERY),
        "-A",
        "portal",
        "worker",
        *(["-I", modules] if modules else []),
        "-l",
        loglevel,
        "-n",
        name,
        "--pool=prefork",
        f"--concurrency={concurrency}",
        "--without-heartbeat",
        "--without-gossip",
        "--without-mingle",
        "-Q",
        "celery",
    ]


def group_alive(pgid: int) -> list[int]:
    """Pids of the process group that are still running (zombies count as gone)."""
    alive = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid pgrp …; comm may contain spaces, so split after the last ')'.
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
            alive.append(int(entry.name))
    return alive
