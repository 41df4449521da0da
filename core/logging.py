"""Structured logs: one JSON object per line (``LOG_FORMAT=json``, the production default).

Every line has ``time`` (UTC, ISO 8601), ``level``, ``logger``, ``message`` and ``request_id`` (see
``core.requestid``), plus ``task_id`` / ``task`` inside a Celery task and ``exception`` when there is
one. Never log passwords, codes, tokens or full id numbers: the formatter does not redact.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request_id"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        task = _celery_task()
        if task is not None:
            data["task_id"], data["task"] = task
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_") and key not in data:
                data[key] = value if isinstance(value, str | int | float | bool | type(None)) else repr(value)
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


def _celery_task() -> tuple[str, str] | None:
    try:
        from celery import current_task
    except ImportError:  # pragma: no cover - celery is a dependency
        return None
    task = current_task
    if not task or not getattr(task.request, "id", None):
        return None
    return task.request.id, task.name
