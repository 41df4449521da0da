"""Benchmark settings: production-like (DEBUG off, gunicorn) on the bench database."""

import os

from portal.settings.base import *  # noqa: F403
from portal.settings.base import BASE_DIR, MIDDLEWARE, STORAGES, env

DEBUG = False
SECRET_KEY = "bench-only"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.urls"
MIDDLEWARE = ["bench.timing.ServerTimingMiddleware", *MIDDLEWARE]
DATABASES = {
    "default": env.db("BENCH_DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'bench.sqlite3'}")
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = 60
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
# Quiet, except what must never pass unseen: a server error's traceback (to the servers' log file).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"handlers": ["stderr"], "level": "ERROR", "propagate": False}},
}
os.environ.setdefault("BENCH", "1")
