"""Production: every secret from the environment, no defaults for them."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import ALLOW_SIMULATORS, LOGGING, SOCIALACCOUNT_PROVIDERS, VNEID_ENABLED, env, env_file


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
# Persistent connections, checked before reuse: after a database restart the first request of each
# worker reconnects by itself (requests in flight during the restart get the 500 page with a reference).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Email goes to a real SMTP relay: no console or catcher default in production.
EMAIL_CONFIG = env.email_url_config(_required("EMAIL_URL"))
globals().update(EMAIL_CONFIG)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]  # probes inside the network
# Whether a request came over HTTPS is decided by gunicorn, which honours X-Forwarded-Proto only
# from the addresses in FORWARDED_ALLOW_IPS (the reverse proxy; gunicorn.conf.py). Django itself
# trusts no forwarded header: anyone reaching gunicorn directly cannot claim https.
SECURE_PROXY_SSL_HEADER = None
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
# Local use without TLS (make stack): DJANGO_SECURE_SSL_REDIRECT=false DJANGO_SECURE_COOKIES=false.
# Never on a public site: cookies would then travel in clear.
SECURE_COOKIES = env.bool("DJANGO_SECURE_COOKIES", default=True)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
LANGUAGE_COOKIE_SECURE = SECURE_COOKIES
# No development secret for receipts in production: without SMS_WEBHOOK_SECRET every receipt is refused.
SMS_WEBHOOK_SECRET = env_file("SMS_WEBHOOK_SECRET", default="")
DEV_OUTBOX = False

# The eID's id token is trusted because it comes straight from the token endpoint: only over TLS.
if VNEID_ENABLED and not SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"][0]["settings"][
    "server_url"
].startswith("https://"):
    raise ImproperlyConfigured("VNEID_SERVER_URL must be an https:// URL in production.")

# --- notifications ---
# The operator's HTTP gateway unless one is chosen (the simulator only on a staging site).
SMS_PROVIDER = env.str("SMS_PROVIDER", default="http")

# --- organisations (accounts) ---
# The simulator would verify anyone whose eID name matches its fictional records: in production no
# register is connected unless one is chosen (a real adapter, or "simulator" on a staging site).
BUSINESS_REGISTER = env.str("BUSINESS_REGISTER", default="manual")

# Structured logs (JSON lines with the request id) unless LOG_FORMAT=plain.
LOG_FORMAT = env.str("LOG_FORMAT", default="json")
LOGGING["handlers"]["console"]["formatter"] = "json" if LOG_FORMAT == "json" else "plain"
# Refuse to start with a simulator plugin (core/simulators.py) unless ALLOW_SIMULATORS=true (staging).
REFUSE_SIMULATORS = not ALLOW_SIMULATORS

# Payments: the merchant account comes from the environment; the gateway simulator is refused unless
# this is a declared staging site (ALLOW_SIMULATORS=true, the one switch for every simulator).
VNPAY_TMN_CODE = env.str("VNPAY_TMN_CODE", default="")
VNPAY_HASH_SECRET = env_file("VNPAY_HASH_SECRET", default="")
PAYMENT_GATEWAY = env.str("PAYMENT_GATEWAY", default="vnpay")
PAYMENT_SIMULATOR = env.bool("PAYMENT_SIMULATOR", default=False)
if (PAYMENT_SIMULATOR or PAYMENT_GATEWAY == "vnpay_simulator") and not ALLOW_SIMULATORS:
    raise ImproperlyConfigured(
        "The payment gateway simulator is refused in production; set ALLOW_SIMULATORS=true on a staging site."
    )

# --- delivery ---
# The HTTP carrier unless one is chosen (the simulator only on a staging site, with ALLOW_SIMULATORS).
CARRIER = env.str("CARRIER", default="http")
# No development secret for carrier callbacks in production: without it every callback is refused.
CARRIER_WEBHOOK_SECRET = env_file("CARRIER_WEBHOOK_SECRET", default="")
CARRIER_SIMULATOR_CONTROLS = False
