"""gunicorn settings, used by docker-compose.yml (web) and by ``make stack`` (Procfile).

Requests here are I/O-bound (PostgreSQL, Redis, S3, SMTP), so each worker process runs threads
(``gthread``): a request waiting on the database does not hold a whole process. PDFs are rendered by
tasks, never in a request. Every value can be changed with an environment variable.

| variable | default | meaning |
|---|---|---|
| ``GUNICORN_BIND`` | ``0.0.0.0:8000`` | address (the command line's ``--bind`` wins) |
| ``GUNICORN_WORKERS`` | 2 × CPUs + 1, at most 8 | processes |
| ``GUNICORN_THREADS`` | 4 | threads per process (each holds its own database connection) |
| ``GUNICORN_TIMEOUT`` | 60 | seconds before a silent worker is killed and replaced |
| ``GUNICORN_KEEPALIVE`` | 75 | seconds an idle keep-alive connection is kept (longer than the proxy's 60 s) |
| ``GUNICORN_MAX_REQUESTS`` | 0 (off) | recycle a worker after this many requests (± 10% jitter); off, because a recycled saturated worker resets its queued connections |
| ``FORWARDED_ALLOW_IPS`` | ``127.0.0.1,::1`` | the reverse proxy's addresses or networks: only they may set ``X-Forwarded-Proto`` |

Logs: the access log is one JSON object per request (method, path without the query string, status,
duration, bytes, the request id from ``X-Request-ID``); gunicorn's own messages are JSON too.
Metrics of all workers are added up through ``PROMETHEUS_MULTIPROC_DIR`` (a fresh temporary folder
per gunicorn master unless set).
"""

import json
import logging
import multiprocessing
import os
import shutil
import tempfile
from datetime import UTC, datetime

from gunicorn.glogging import Logger


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")  # noqa: S104 - inside a container network
workers = _int("GUNICORN_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 8))
worker_class = "gthread"
threads = _int("GUNICORN_THREADS", 4)
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = 30
# Behind the proxy (Caddy), idle keep-alive connections are cheap for gthread (they wait in the
# poller, not in a thread) and must outlive the proxy's own idle timeout (Caddyfile: 60 s): a server
# that closes first races the proxy's next request on that connection, which then fails as a reset.
# With 5 s, the 500-user load lost requests exactly so (clients idle 1-8 s between requests).
keepalive = _int("GUNICORN_KEEPALIVE", 75)
# Off unless set: a worker recycled while it is saturated closes the connections queued on it, and
# every client that sends at that instant gets a reset (the 500-user load: 50 failed requests, some
# of them uploads, which no proxy retries; 0 with recycling off). Set it if a leak ever shows.
max_requests = _int("GUNICORN_MAX_REQUESTS", 0)
max_requests_jitter = max_requests // 10
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
accesslog = "-"
errorlog = "-"
control_socket_disable = True
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 - heartbeat files

# One metrics folder per gunicorn master (several masters on one machine must not share one).
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="portal-metrics-")
_OWN_METRICS_DIR = os.environ["PROMETHEUS_MULTIPROC_DIR"]


def on_starting(server) -> None:
    # Samples of a previous run would be added to this one's.
    for name in os.listdir(_OWN_METRICS_DIR):
        os.unlink(os.path.join(_OWN_METRICS_DIR, name))


def post_worker_init(worker) -> None:
    # Vietnam's holiday calendar takes half a second to load: in the worker, before its first request,
    # not in the first submissions of a rush (dossiers.holidays).
    from dossiers.holidays import warm_up

    warm_up()


def child_exit(server, worker) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server) -> None:
    if os.path.basename(_OWN_METRICS_DIR).startswith("portal-metrics-"):
        shutil.rmtree(_OWN_METRICS_DIR, ignore_errors=True)


class _JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


class JsonLogger(Logger):
    """gunicorn's logger with one JSON object per line, the access line included."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        for handler in self.error_log.handlers:
            handler.setFormatter(_JsonLines())
        for handler in self.access_log.handlers:
            handler.setFormatter(logging.Formatter("%(message)s"))

    def access(self, resp, req, environ, request_time) -> None:
        if not self.cfg.accesslog:
            return
        headers = {name.lower(): value for name, value in (resp.headers or [])}
        line = {
            "time": datetime.now(tz=UTC).isoformat(timespec="milliseconds"),
            "level": "INFO",
            "logger": "gunicorn.access",
            "request_id": headers.get("x-request-id", "-"),
            "method": environ.get("REQUEST_METHOD"),
            "path": environ.get("PATH_INFO"),  # never the query string: it may hold personal data
            "status": int(str(resp.status).split()[0]) if resp.status else None,
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "bytes": getattr(resp, "sent", None),
            "remote_addr": environ.get("REMOTE_ADDR"),
            "pid": os.getpid(),
        }
        try:
            self.access_log.info(json.dumps(line, ensure_ascii=False))
        except Exception:  # noqa: BLE001 - a log line must never break a response
            self.error_log.exception("access log failed")


logger_class = JsonLogger
