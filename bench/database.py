"""Create the bench's PostgreSQL database when it does not exist yet (a fresh machine has none), and
load the demo into it."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def ensure_database() -> None:
    """CREATE DATABASE for ``BENCH_DATABASE_URL`` if missing; a clear message, not a traceback, if it cannot."""
    url = os.environ.get("BENCH_DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://", "pgsql://")):
        return
    import psycopg2
    from psycopg2 import sql

    parts = urllib.parse.urlsplit(url)
    name = urllib.parse.unquote(parts.path.lstrip("/"))
    server = {
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 5432,
        "user": urllib.parse.unquote(parts.username or "postgres"),
        "password": urllib.parse.unquote(parts.password or ""),
        "dbname": "postgres",
    }
    try:
        connection = psycopg2.connect(**server)
    except psycopg2.Error as exc:
        sys.exit(f"bench: cannot reach PostgreSQL at {server['host']}:{server['port']}: {exc}".strip())
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                print(f"bench: created database {name}", file=sys.stderr)
    finally:
        connection.close()


def load_demo(env: dict | None = None) -> None:
    """``manage.py load_demo`` in its own process, with the tasks it causes run in that process
    (``CELERY_TASK_ALWAYS_EAGER``): the demo's notifications are sent as it loads. With a broker and
    no worker, they were left on the bench's Redis, where the notification bench found them and
    refused to measure (``make bench`` printed its row as "not run"), and where the load harness's
    worker would have run them during the run."""
    subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "load_demo"],
        cwd=ROOT,
        env={**(env if env is not None else os.environ), "CELERY_TASK_ALWAYS_EAGER": "true"},
        check=True,
    )
