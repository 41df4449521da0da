"""Celery application.

With ``REDIS_URL`` set, tasks go to Redis and run in ``celery -A portal worker``.
Without it (the embedded default used by ``make run`` and the tests), tasks run
in-process through the very same code path (``task_always_eager``).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
