"""Celery application.

With ``REDIS_URL`` set, tasks go to Redis and run in ``celery -A portal worker``.
Without it (the embedded default used by ``make run`` and the tests), tasks run
in-process through the very same code path (``task_always_eager``).

Every task published while a request (or another task) is handled carries its request id in the
task headers, and the worker logs the task's lines under that id (``core.requestid``).
Worker logs use the project's LOGGING (JSON lines in production), not Celery's own format.
"""

import os

from celery import Celery
from celery.signals import setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect(weak=False)
def _django_logging(**kwargs) -> None:
    """Use the project's LOGGING (JSON with request ids in production) in workers and beat."""
    import logging.config

    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)


def _connect_signals() -> None:
    from core.requestid import connect_celery_signals

    connect_celery_signals()


_connect_signals()
