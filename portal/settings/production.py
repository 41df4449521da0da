"""Production: every secret from the environment, no defaults for them."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import SOCIALACCOUNT_PROVIDERS, VNEID_ENABLED, env, env_file


def _required(name: str) -> str:
    value = env_file(name, default="")
    if not value:
        raise ImproperlyConfigured(f"{name} must be set in production (or {name}_FILE).")
    return value


DEBUG = False
SECRET_KEY = _required("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = [h.strip() for h in _required("DJANGO_ALLOWED_HOSTS").split(",") if h.strip()]
DATABASES = {"default": env.db_url_config(_required("DATABASE_URL"))}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
# No development secret for receipts in production: without SMS_WEBHOOK_SECRET every receipt is refused.
SMS_WEBHOOK_SECRET = env_file("SMS_WEBHOOK_SECRET", default="")
DEV_OUTBOX = False

# The eID's id token is trusted because it comes straight from the token endpoint: only over TLS.
if VNEID_ENABLED and not SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"][0]["settings"]["server_url"].startswith("https://"):
    raise ImproperlyConfigured("VNEID_SERVER_URL must be an https:// URL in production.")
