"""Development: ``make run``. SQLite, local files, tasks in-process, emails on the console."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "0.0.0.0"])  # noqa: S104
DEV_OUTBOX = env.bool("DEV_OUTBOX", default=True)
