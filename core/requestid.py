"""A request id that follows a request into the Celery tasks it causes.

- ``RequestIdMiddleware`` takes the id from the incoming ``X-Request-ID`` header (set by the reverse
  proxy, or by a client) when it is well formed, or makes a new one, and returns it in the response's
  ``X-Request-ID``;
- ``RequestIdFilter`` adds ``request_id`` to every log record (``-`` outside a request or task);
- ``connect_celery_signals()`` (called by ``portal/celery.py``) copies the current id into the headers
  of every task published (``before_task_publish``) and restores it in the worker around the task
  (``task_prerun`` / ``task_postrun``), so a task's log lines carry the id of the request that caused it.
"""

from __future__ import annotations

import contextvars
import logging
import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
TASK_HEADER = "request_id"
logger = logging.getLogger(__name__)
_VALID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")
_current: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")


def get() -> str:
    """The id of the request (or task) being handled, or an empty string."""
    return _current.get()


def new_id() -> str:
    return uuid.uuid4().hex


def clean(value: str | None) -> str:
    """``value`` when it is a well-formed id (8-64 letters, digits, ``._:-``), else a fresh one."""
    value = (value or "").strip()
    return value if _VALID.match(value) else new_id()


def activate(value: str) -> contextvars.Token:
    return _current.set(value)


def deactivate(token: contextvars.Token) -> None:
    _current.reset(token)


class RequestIdMiddleware:
    """Outermost middleware: every log line of the request carries its id; the response returns it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.meta_key = "HTTP_" + getattr(settings, "REQUEST_ID_HEADER", HEADER).upper().replace("-", "_")
        self.header = getattr(settings, "REQUEST_ID_HEADER", HEADER)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = clean(request.META.get(self.meta_key))
        request.request_id = request_id
        token = activate(request_id)
        try:
            response = self.get_response(request)
        finally:
            deactivate(token)
        response[self.header] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Adds ``record.request_id`` (``-`` when there is none)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = get() or "-"
        return True


# --- Celery ---------------------------------------------------------------------------------------


def _before_publish(headers: dict | None = None, **kwargs) -> None:
    current = get()
    if current and headers is not None and not headers.get(TASK_HEADER):
        headers[TASK_HEADER] = current


_task_tokens: dict[str, contextvars.Token] = {}


def _prerun(task_id: str | None = None, task=None, **kwargs) -> None:
    request = getattr(task, "request", None)
    value = getattr(request, TASK_HEADER, None) or (getattr(request, "headers", None) or {}).get(TASK_HEADER)
    # A task published outside a request (beat, the sweeper) gets its own id, derived from the task id.
    _task_tokens[task_id or ""] = activate(clean(value or (task_id or "")))
    logger.info("task %s started", getattr(task, "name", "?"))


def _postrun(task_id: str | None = None, **kwargs) -> None:
    token = _task_tokens.pop(task_id or "", None)
    if token is not None:
        try:
            deactivate(token)
        except ValueError:  # reset from another context (a thread pool): just clear it
            _current.set("")


def connect_celery_signals() -> None:
    from celery.signals import before_task_publish, task_postrun, task_prerun

    before_task_publish.connect(_before_publish, weak=False, dispatch_uid="core.requestid.publish")
    task_prerun.connect(_prerun, weak=False, dispatch_uid="core.requestid.prerun")
    task_postrun.connect(_postrun, weak=False, dispatch_uid="core.requestid.postrun")
