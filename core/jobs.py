"""Hand work to Celery by the task's registered name.

A service never imports its app's ``tasks`` module: the tasks are thin wrappers that import the
services, so an import the other way would close a circle. Services call ``enqueue("app.task", …)``
instead, the way ``send_task`` addresses a task by name, and this module finds the task in Celery's
registry. It keeps the task object (not ``send_task``) so the embedded default (tasks in-process,
``task_always_eager``) runs the very same path as a worker.

A broker that is down loses nothing: every caller has a row that its sweeper or re-drive job finds
again, so ``enqueue`` logs a warning and answers ``False`` instead of raising. A name that no task
carries is a programming error and raises ``LookupError`` (a test reads every name used in the code).
"""

from __future__ import annotations

import logging
import threading

logger = logging.getLogger(__name__)


_discovery = threading.Lock()


def task_named(name: str):
    """The Celery task registered under ``name`` (autodiscovers every app's ``tasks`` module once).

    Thread-safe: under gunicorn's threads the first submissions of a process ask at the same moment,
    and a thread must not look in the registry while another is still filling it."""
    from celery import current_app

    registry = current_app.tasks
    if name not in registry:
        with _discovery:
            if name not in registry:
                current_app.loader.import_default_modules()  # autodiscover_tasks(): each app's tasks.py
    try:
        return registry[name]
    except KeyError:
        raise LookupError(f"no Celery task is named {name!r}") from None


def enqueue(name: str, *args, countdown: float | None = None) -> bool:
    """Publish the task ``name`` with ``args``; False (and a warning) when the broker refuses it."""
    task = task_named(name)
    try:
        if countdown:
            task.apply_async(args, countdown=countdown)
        else:
            task.delay(*args)
    except Exception as exc:  # broker down: the caller's sweeper or re-drive job sends it later
        logger.warning("could not enqueue %s%r (%s); its sweeper will", name, args, exc.__class__.__name__)
        return False
    return True
