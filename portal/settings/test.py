"""Tests: SQLite unless DATABASE_URL is set (CI points it at PostgreSQL)."""

import tempfile

from .base import *  # noqa: F403
from .base import STORAGES, env

DEBUG = False
SECRET_KEY = "test-only-secret-key"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; production uses Argon2
# locmem unless EMAIL_URL is given (the real-worker tests point a worker at a local aiosmtpd).
if not env.str("EMAIL_URL", default=""):
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
ALLOWED_HOSTS = ["*"]
# Tests clear the cache between tests: never point that at a shared Redis (it may be the broker).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Files written by tests go to a throwaway directory, never into the working tree.
MEDIA_ROOT = tempfile.mkdtemp(prefix="portal-test-media-")
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if STORAGES["default"]["BACKEND"].endswith("FileSystemStorage"):
    STORAGES["default"] = {**STORAGES["default"], "OPTIONS": {"location": MEDIA_ROOT, "base_url": "/media/"}}
DEV_OUTBOX = True  # the browser tests read sign-in codes there, as a developer would
