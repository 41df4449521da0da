"""Settings shared by every environment.

Everything that differs between machines comes from the environment (django-environ).
Development defaults live here or in ``dev.py``; production secrets have no default
(see ``production.py``).
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()


def env_file(name: str, default: str = "") -> str:
    """Read ``NAME`` or, for Docker/Kubernetes secrets, the file named by ``NAME_FILE``."""
    path = env.str(f"{name}_FILE", default="")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return env.str(name, default=default)


PORTAL_NAME = env.str("PORTAL_NAME", default="Cổng Dịch vụ công")
PORTAL_NAME_EN = env.str("PORTAL_NAME_EN", default="Public Service Portal")
PORTAL_HOTLINE = env.str("PORTAL_HOTLINE", default="")
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000")

SECRET_KEY = env_file("DJANGO_SECRET_KEY", default="dev-only-insecure-key-change-me")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "simple_history",
    "django_htmx",
    "django_celery_beat",
    "csp",
    "core",
    "portal",
    "accounts",
    "procedures",
    "dossiers",
    "payments",
    "delivery",
    "notifications",
    # The SMS simulator keeps rows (what it "delivered"), so it is an app; it is still a plugin.
    "notifications.providers.sms_simulator",
    # The demo data and ``load_demo``: it imports the apps above, none of them imports it.
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.LanguageCookieMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.StaffSecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

# Widgets may use the project's templates (e.g. dossiers/widgets/address.html).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "core.context_processors.portal",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Parallel workers per PostgreSQL query (core.db.limit_parallel_query): none for a web app's short queries.
DATABASE_PARALLEL_WORKERS = env.int("DATABASE_PARALLEL_WORKERS", default=0)
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=0))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        # IMMEDIATE: a writing transaction takes the lock at BEGIN and others wait (up to the
        # timeout) instead of failing with "database is locked" when two requests write at once.
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

PASSWORD_HASHERS = [
    "accounts.passwords.PortalArgon2PasswordHasher",  # Argon2id, the cost below
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# OWASP Password Storage Cheat Sheet's Argon2id configuration (Django's default is 100 MiB, 8 lanes:
# 100 MiB and 0.2 s of CPU per sign-in attempt). Hashes made with other values are remade at sign-in.
PASSWORD_ARGON2_MEMORY_KIB = env.int("PASSWORD_ARGON2_MEMORY_KIB", default=19456)
PASSWORD_ARGON2_TIME_COST = env.int("PASSWORD_ARGON2_TIME_COST", default=2)
PASSWORD_ARGON2_PARALLELISM = env.int("PASSWORD_ARGON2_PARALLELISM", default=1)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # 8 characters for citizens, 12 for staff, in one validator: the hint states the citizens' rule only.
    {
        "NAME": "accounts.passwords.RoleMinimumLengthValidator",
        "OPTIONS": {"min_length": 8, "staff_min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Vietnamese first; English available. The language comes from the ``django_language``
# cookie (set by /i18n/setlang/) or the browser's Accept-Language; URLs carry no prefix.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "django_language"
LANGUAGE_COOKIE_SECURE = False
LANGUAGE_COOKIE_SAMESITE = "Lax"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"  # never served publicly: files go through permission-checked views
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")

# Files: local disk by default, S3-compatible object storage when AWS_STORAGE_BUCKET_NAME is set.
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default="") or None
    AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default="us-east-1")
    AWS_ACCESS_KEY_ID = env_file("AWS_ACCESS_KEY_ID", default="") or None
    AWS_SECRET_ACCESS_KEY = env_file("AWS_SECRET_ACCESS_KEY", default="") or None
    AWS_DEFAULT_ACL = None
    AWS_QUERYSTRING_AUTH = True
    AWS_S3_FILE_OVERWRITE = False
    AWS_S3_ADDRESSING_STYLE = env.str("AWS_S3_ADDRESSING_STYLE", default="path")
    _default_storage = {"BACKEND": "storages.backends.s3.S3Storage"}
else:
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT), "base_url": MEDIA_URL},
    }
STORAGES = {
    "default": _default_storage,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Uploads
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 10_485_760
TEMPLATE_UPLOAD_MAX_BYTES = env.int("TEMPLATE_UPLOAD_MAX_BYTES", default=5 * 1024 * 1024)
DOSSIER_CUTOFF_HOUR = env.int("DOSSIER_CUTOFF_HOUR", default=15)
DOSSIER_MAX_FILE_BYTES = env.int("DOSSIER_MAX_FILE_BYTES", default=10 * 1024 * 1024)
DOSSIER_MAX_TOTAL_BYTES = env.int("DOSSIER_MAX_TOTAL_BYTES", default=50 * 1024 * 1024)
DOSSIER_MAX_FILES_PER_COMPONENT = env.int("DOSSIER_MAX_FILES_PER_COMPONENT", default=10)
DOSSIER_ALLOWED_UPLOADS = ("pdf", "jpeg", "png")

# Cache: Redis when REDIS_URL is set, local memory otherwise.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: see portal/celery.py and ../shared/docs/reliability.md.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not bool(REDIS_URL))
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 90
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "notifications-sweep": {"task": "notifications.sweep", "schedule": 60.0},
    "notifications-reminders-hourly": {"task": "notifications.reminders_hourly", "schedule": 3600.0},
    # 07:00 in Asia/Ho_Chi_Minh (CELERY_TIMEZONE): before the one-stop shop opens.
    "notifications-reminders-daily": {
        "task": "notifications.reminders_daily",
        "schedule": crontab(hour=7, minute=0),
    },
    # Forms 01–05 whose render task was lost (broker down at commit, worker killed) are rendered again.
    "dossiers-redrive-forms": {"task": "dossiers.redrive_forms", "schedule": 300.0},
}
# Publishing must not hang a request when the broker is down: fail fast, the sweeper re-drives.
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}
CELERY_TIMEZONE = TIME_ZONE

# Email: console in development, SMTP when EMAIL_URL / EMAIL_HOST is given.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
globals().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Cổng Dịch vụ công <no-reply@dichvucong.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Notifications (notifications/): providers are plugins chosen here.
# Each provider is a package under notifications/providers/, registered here by dotted path.
SMS_PROVIDERS = {
    "simulator": "notifications.providers.sms_simulator.provider.SimulatorSmsProvider",
    "dev": "notifications.providers.sms_dev.provider.DevSmsProvider",
    "http": "notifications.providers.sms_http.provider.HttpSmsProvider",
}
SMS_PROVIDER = env.str("SMS_PROVIDER", default="simulator")  # simulator | dev | http
EMAIL_PROVIDERS = {"email": "notifications.providers.email.provider.EmailProvider"}
EMAIL_PROVIDER = "email"
SMS_HTTP_URL = env.str("SMS_HTTP_URL", default="")
SMS_API_KEY = env_file("SMS_API_KEY", default="")
SMS_BRANDNAME = env.str("SMS_BRANDNAME", default="CONG DVC")
SMS_WEBHOOK_SECRET = env_file("SMS_WEBHOOK_SECRET", default="dev-only-sms-webhook-secret")
SMS_HTTP_TIMEOUT = env.float("SMS_HTTP_TIMEOUT", default=10.0)
# /dev/outbox/: a readable copy of every message (codes included). Never on in production.
DEV_OUTBOX = env.bool("DEV_OUTBOX", default=DEBUG)
NOTIFICATIONS_BATCH_SIZE = env.int(
    "NOTIFICATIONS_BATCH_SIZE", default=50
)  # rows per send task and provider call
NOTIFICATIONS_RETRY_BASE_SECONDS = env.int("NOTIFICATIONS_RETRY_BASE_SECONDS", default=30)
NOTIFICATIONS_RETRY_WINDOW_SECONDS = env.int("NOTIFICATIONS_RETRY_WINDOW_SECONDS", default=4 * 3600)
NOTIFICATIONS_SWEEP_AFTER_SECONDS = env.int("NOTIFICATIONS_SWEEP_AFTER_SECONDS", default=180)
NOTIFICATIONS_STALE_SENDING_SECONDS = env.int("NOTIFICATIONS_STALE_SENDING_SECONDS", default=600)

# Security headers that hold everywhere; production.py tightens the rest.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_ENGINE = "core.sessions"  # database sessions, encrypted at rest (pending codes live there)
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# Accounts: django-allauth (accounts/adapter.py), phone first, MFA for staff.
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:profile"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"phone", "email"}
# Phone is how a citizen signs up; email and a password are optional and can be added later.
ACCOUNT_SIGNUP_FIELDS = ["phone*", "email", "password1", "password2"]
ACCOUNT_PHONE_VERIFICATION_ENABLED = True
ACCOUNT_PHONE_VERIFICATION_TIMEOUT = 600
ACCOUNT_PHONE_VERIFICATION_MAX_ATTEMPTS = 3
ACCOUNT_PHONE_VERIFICATION_SUPPORTS_RESEND = True
ACCOUNT_PHONE_VERIFICATION_SUPPORTS_CHANGE = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 600
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 3
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_TIMEOUT = 600
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = True
ACCOUNT_PASSWORD_RESET_BY_CODE_TIMEOUT = 600
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_PREVENT_ENUMERATION = True
# Codes: 6 digits from a CSPRNG (allauth uses secrets via get_random_string), 10 minutes, single use.
ALLAUTH_USER_CODE_FORMAT = {"numeric": True, "length": 6, "dashed": False}
# Attempt limits (allauth's rate limits; a failed login counts against the account key and the IP).
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "request_login_code": "20/m/ip,3/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "change_phone": "3/10m/user",
    "verify_phone": "3/10m/key",
    "confirm_email": "1/3m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = PORTAL_NAME
MFA_RECOVERY_CODE_COUNT = 10
# Accept the code of the adjacent 30-second step too (RFC 6238 §5.2: network delay and clock drift).
MFA_TOTP_TOLERANCE = 1
SOCIALACCOUNT_ADAPTER = "accounts.adapter.SocialAccountAdapter"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_ONLY = False
# National eID (VNeID-style OpenID Connect), off unless configured.
VNEID_ENABLED = env.bool("VNEID_ENABLED", default=False)
SOCIALACCOUNT_PROVIDERS = {}
if VNEID_ENABLED:
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "APPS": [
            {
                "provider_id": "vneid",
                "name": env.str("VNEID_NAME", default="VNeID"),
                "client_id": env.str("VNEID_CLIENT_ID"),
                "secret": env_file("VNEID_CLIENT_SECRET"),
                "settings": {
                    "server_url": env.str("VNEID_SERVER_URL"),
                    "token_auth_method": env.str("VNEID_TOKEN_AUTH_METHOD", default="client_secret_post"),
                    "oauth_pkce_enabled": True,
                },
            }
        ],
        "SCOPE": ["openid", "profile"],
    }
# Staff: signed out after 30 idle minutes (accounts.middleware.StaffSecurityMiddleware).
STAFF_IDLE_TIMEOUT_SECONDS = env.int("STAFF_IDLE_TIMEOUT_SECONDS", default=30 * 60)
STAFF_PASSWORD_MIN_LENGTH = 12
VNEID_CLAIM_PERSONAL_ID = env.str("VNEID_CLAIM_PERSONAL_ID", default="personal_id")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Catalogue search
SEARCH_RESULTS_PER_PAGE = 20
SEARCH_SUGGESTIONS = 6
# Anonymous catalogue pages (procedures.page_cache): the max-age browsers and CDNs get; 0 turns it off.
CATALOGUE_PAGE_CACHE_SECONDS = env.int("CATALOGUE_PAGE_CACHE_SECONDS", default=300)
SEARCH_MAX_QUERY_LENGTH = 200

ADMIN_SITE_HEADER = _("Quản trị Cổng Dịch vụ công")

# --- uploads (dossiers/uploads.py, core/files.py) ---
# A PDF's compressed streams are inflated to be inspected, at most this many bytes in all: beyond it the
# PDF is refused as uninspectable (a decompression bomb, or far more than any scan needs).
UPLOAD_PDF_MAX_INFLATED_BYTES = env.int("UPLOAD_PDF_MAX_INFLATED_BYTES", default=128 * 1024 * 1024)
# Upload handlers that shorten absurdly long file names before the temporary file is made.
FILE_UPLOAD_HANDLERS = [
    "core.files.ShortNameMemoryFileUploadHandler",
    "core.files.ShortNameTemporaryFileUploadHandler",
]
# A multipart POST that Django cannot parse (a 1,000-character file name) reaches the upload form's
# message instead of a bare 400: parsed once before the CSRF check, for upload views only.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.csrf.CsrfViewMiddleware"), "core.files.UnreadableUploadMiddleware"
)

# --- organisations: business register, verification, invitations (accounts) ---
# Business register plugins (name → dotted path) and the one in use. "simulator" answers from a small
# fictional dataset (accounts/registers/simulator_data.json); "manual" connects to nothing, so every
# organisation is confirmed by an officer from documents (the production default, see production.py).
BUSINESS_REGISTERS = {
    "simulator": "accounts.registers.simulator.SimulatorRegister",
    "manual": "accounts.registers.base.ManualRegister",
}
BUSINESS_REGISTER = env.str("BUSINESS_REGISTER", default="simulator")
# Compare names without diacritics when one side has none at all (old register records "NGUYEN VAN AN").
BUSINESS_REGISTER_MATCH_UNACCENTED = env.bool("BUSINESS_REGISTER_MATCH_UNACCENTED", default=True)
# Proof documents (registration certificate, the representative's ID): PDF, JPEG or PNG.
ORGANISATION_DOCUMENT_MAX_BYTES = env.int("ORGANISATION_DOCUMENT_MAX_BYTES", default=10 * 1024 * 1024)
# Registrations and competing claims (disputes) one person may file per day.
ORGANISATION_CLAIMS_PER_USER_PER_DAY = env.int("ORGANISATION_CLAIMS_PER_USER_PER_DAY", default=5)
# "Check again with the register" per organisation per hour.
ORGANISATION_REGISTER_CHECKS_PER_HOUR = env.int("ORGANISATION_REGISTER_CHECKS_PER_HOUR", default=5)
# Member invitations: valid for this many days; at most so many per representative per hour and per
# organisation per day.
ORGANISATION_INVITATION_DAYS = env.int("ORGANISATION_INVITATION_DAYS", default=7)
ORGANISATION_INVITES_PER_USER_PER_HOUR = env.int("ORGANISATION_INVITES_PER_USER_PER_HOUR", default=10)
ORGANISATION_INVITES_PER_ORGANISATION_PER_DAY = env.int(
    "ORGANISATION_INVITES_PER_ORGANISATION_PER_DAY", default=30
)


# --- topology and operations (core/requestid.py, core/logging.py, core/health.py, core/metrics.py) ---
def _redis_db_plus_one(url: str) -> str:
    """The same Redis server, the next database number: ``redis://h:6379/0`` → ``redis://h:6379/1``."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    number = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{number + 1}"))


# The cache lives on its own Redis database, never the broker's: a cache.clear() must not wipe the
# task queue. Default: REDIS_URL's database number + 1.
REDIS_CACHE_URL = env.str("REDIS_CACHE_URL", default=_redis_db_plus_one(REDIS_URL) if REDIS_URL else "")
if REDIS_CACHE_URL:
    CACHES = {
        "default": {
            # Degrades to a miss instead of a 500 while Redis is down (rate limits then fail open).
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": REDIS_CACHE_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
CELERY_TASK_DEFAULT_QUEUE = "celery"
# Every request gets an id (from the proxy's X-Request-ID, or a new one) that its tasks carry too.
MIDDLEWARE = [
    "core.requestid.RequestIdMiddleware",
    "core.metrics.MetricsMiddleware",
    *MIDDLEWARE,
]
REQUEST_ID_HEADER = "X-Request-ID"
# Logs: "json" (one object per line, the production default) or "plain".
LOG_FORMAT = env.str("LOG_FORMAT", default="plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.requestid.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "core.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
# /readyz: not ready while the oldest notification owed is older than this.
READINESS_OUTBOX_MAX_AGE_SECONDS = env.int("READINESS_OUTBOX_MAX_AGE_SECONDS", default=900)
# /metrics: direct connections from these networks, or "Authorization: Bearer <METRICS_TOKEN>".
METRICS_TOKEN = env_file("METRICS_TOKEN", default="")
METRICS_ALLOWED_NETWORKS = env.list("METRICS_ALLOWED_NETWORKS", default=["127.0.0.0/8", "::1/128"])
METRICS_CELERY_QUEUES = env.list("METRICS_CELERY_QUEUES", default=[])
# How often beat runs the notification sweeper (the stack's battery shortens it).
NOTIFICATIONS_SWEEP_EVERY_SECONDS = env.float("NOTIFICATIONS_SWEEP_EVERY_SECONDS", default=60.0)
CELERY_BEAT_SCHEDULE["notifications-sweep"]["schedule"] = NOTIFICATIONS_SWEEP_EVERY_SECONDS
# Production refuses simulators (core/simulators.py) unless this is a staging site.
ALLOW_SIMULATORS = env.bool("ALLOW_SIMULATORS", default=False)
REFUSE_SIMULATORS = False

# --- catalogue search (procedures/search.py) ---
# How close a name must be, by pg_trgm word similarity, for PostgreSQL's last-resort typo match
# (SET LOCAL pg_trgm.word_similarity_threshold for that query's transaction). 0–1; higher is stricter.
SEARCH_TRIGRAM_THRESHOLD = env.float("SEARCH_TRIGRAM_THRESHOLD", default=0.5)
# Search results (total, facet counts, the page) and suggestions are cached per catalogue version,
# day, query, filters and page, for this many seconds; 0 turns both caches off (every search and
# suggestion reaches the database; the per-version vocabulary and synonyms stay cached).
SEARCH_CACHE_SECONDS = env.int("SEARCH_CACHE_SECONDS", default=600)

# --- payments (payments/) ---
# Gateways are plugins (payments/gateways/): name → dotted path; PAYMENT_GATEWAY picks the one in use.
PAYMENT_GATEWAYS = {
    "vnpay": "payments.gateways.vnpay.VnpayGateway",
    "vnpay_simulator": "payments.gateways.vnpay.VnpaySimulatorGateway",
}
PAYMENT_GATEWAY = env.str("PAYMENT_GATEWAY", default="vnpay_simulator")
# The VNPAY-protocol gateway simulator served under /payments/simulator/vnpay/ (never in production
# unless ALLOW_SIMULATORS says this is a staging site: portal/settings/production.py).
PAYMENT_SIMULATOR = env.bool("PAYMENT_SIMULATOR", default=True)
# The merchant account (the simulator knows the same merchant). Development values only here.
VNPAY_TMN_CODE = env.str("VNPAY_TMN_CODE", default="CONGDVC1")
VNPAY_HASH_SECRET = env_file("VNPAY_HASH_SECRET", default="dev-only-vnpay-hash-secret-0123456789")
VNPAY_PAY_URL = env.str("VNPAY_PAY_URL", default="")  # empty: the simulator's pay page
VNPAY_API_URL = env.str("VNPAY_API_URL", default="")  # empty: the simulator's merchant API
VNPAY_IPN_URL = env.str(
    "VNPAY_IPN_URL", default=""
)  # what VNPAY calls; empty: PORTAL_BASE_URL + /payments/ipn/<gateway>/
PAYMENT_SERVER_IP = env.str("PAYMENT_SERVER_IP", default="127.0.0.1")  # vnp_IpAddr of querydr/refund
PAYMENT_HTTP_TIMEOUT = env.float("PAYMENT_HTTP_TIMEOUT", default=15.0)
PAYMENT_EXPIRE_MINUTES = env.int("PAYMENT_EXPIRE_MINUTES", default=15)  # vnp_ExpireDate
# Attempts still pending this long are queried (querydr) by the reconciliation job on beat.
PAYMENT_RECONCILE_AFTER_SECONDS = env.int("PAYMENT_RECONCILE_AFTER_SECONDS", default=300)
# The return page asks the gateway itself (querydr) once the notice is this late.
PAYMENT_RETURN_QUERY_AFTER_SECONDS = env.int("PAYMENT_RETURN_QUERY_AFTER_SECONDS", default=20)
# The simulator's IPN retry schedule: VNPAY publishes up to 10 tries, 5 minutes apart.
PAYMENT_SIMULATOR_NOTICE_TRIES = env.int("PAYMENT_SIMULATOR_NOTICE_TRIES", default=10)
PAYMENT_SIMULATOR_RETRY_SECONDS = env.int("PAYMENT_SIMULATOR_RETRY_SECONDS", default=300)
PAYMENT_SIMULATOR_STALE_SENDING_SECONDS = env.int("PAYMENT_SIMULATOR_STALE_SENDING_SECONDS", default=120)
CELERY_BEAT_SCHEDULE.update(
    {
        "payments-reconcile": {"task": "payments.reconcile", "schedule": 120.0},
        "payments-simulator-sweep": {"task": "payments.simulator_sweep", "schedule": 60.0},
    }
)

# --- hardening: malformed input, client address behind a proxy, sign-in by phone ---
# NUL bytes and forged admin selections are refused before any view sees them (core.middleware).
MIDDLEWARE = [*MIDDLEWARE, "core.middleware.MalformedInputMiddleware"]
# How many reverse proxies stand in front of the portal, each appending the address that connected to
# it to X-Forwarded-For. 0: the connecting address is the client and forwarding headers are ignored
# (they can be forged). Production behind one reverse proxy (TLS terminator): 1. Rate limits and the
# failed-sign-in lockout are keyed on the address this gives (core.ratelimit.client_ip).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# allauth's forms with the portal's rules: a phone typed any way signs in; a code request needs a number or an email.
ACCOUNT_FORMS = {
    "login": "accounts.forms.LoginForm",
    "request_login_code": "accounts.forms.RequestLoginCodeForm",
}

# --- delivery: postal carriers (bưu chính công ích), delivery/ ---
# Carriers are plugins (core.plugins.Registry): CARRIERS maps names to classes, CARRIER is the one new
# parcels use. A parcel keeps the carrier that booked it.
CARRIERS = {
    "simulator": "delivery.carriers.simulator.SimulatorCarrier",
    "http": "delivery.carriers.http.HttpCarrier",
}
CARRIER = env.str("CARRIER", default="simulator")
CARRIER_HTTP_URL = env.str("CARRIER_HTTP_URL", default="")
CARRIER_API_TOKEN = env_file("CARRIER_API_TOKEN", default="")
CARRIER_HTTP_TIMEOUT = env.float("CARRIER_HTTP_TIMEOUT", default=10.0)
# Authenticates status callbacks (the simulator signs with it; the HTTP carrier sends it as a token).
CARRIER_WEBHOOK_SECRET = env_file("CARRIER_WEBHOOK_SECRET", default="dev-only-carrier-webhook-secret")
# The simulator: real seconds per simulated hour (3600 = a realistic day from hand-over to delivery;
# 0 = everything at once, as the tests use), how its callbacks misbehave (off | sometimes | always |
# lossy), how they travel (http to PORTAL_BASE_URL, as a courier would; direct = the same handler
# in-process), and whether the desk shows "next step" buttons for it.
CARRIER_SIMULATOR_HOUR_SECONDS = env.float("CARRIER_SIMULATOR_HOUR_SECONDS", default=3600.0)
CARRIER_SIMULATOR_CHAOS = env.str("CARRIER_SIMULATOR_CHAOS", default="sometimes")
CARRIER_SIMULATOR_CALLBACK = env.str("CARRIER_SIMULATOR_CALLBACK", default="http")
CARRIER_SIMULATOR_CONTROLS = env.bool("CARRIER_SIMULATOR_CONTROLS", default=False)  # always on with DEBUG
DELIVERY_DEFAULT_WEIGHT_GRAMS = env.int("DELIVERY_DEFAULT_WEIGHT_GRAMS", default=200)
DELIVERY_BOOKING_RETRY_BASE_SECONDS = env.int("DELIVERY_BOOKING_RETRY_BASE_SECONDS", default=60)
DELIVERY_BOOKING_RETRY_WINDOW_SECONDS = env.int("DELIVERY_BOOKING_RETRY_WINDOW_SECONDS", default=24 * 3600)
DELIVERY_BOOKING_SWEEP_AFTER_SECONDS = env.int("DELIVERY_BOOKING_SWEEP_AFTER_SECONDS", default=180)
DELIVERY_BOOKING_STALE_SECONDS = env.int("DELIVERY_BOOKING_STALE_SECONDS", default=600)
DELIVERY_POLL_AFTER_SECONDS = env.int("DELIVERY_POLL_AFTER_SECONDS", default=3600)
CELERY_BEAT_SCHEDULE.update(
    {
        "delivery-sweep-bookings": {"task": "delivery.sweep_bookings", "schedule": 60.0},
        "delivery-poll-tracking": {"task": "delivery.poll_tracking", "schedule": 900.0},
        "delivery-simulator-tick": {"task": "delivery.simulator_tick", "schedule": 60.0},
    }
)

# --- citizen journey (dossiers, core.people) ---
# allauth's messages and emails name a person by their full name, else their phone number written
# the Vietnamese way, never by the internal username ("user6").
ACCOUNT_USER_DISPLAY = "core.people.display_name"

# --- officer's day (accounts/middleware.py, dossiers/admin_queue.py) ---
# A staff session idle for STAFF_IDLE_TIMEOUT_SECONDS is locked, not ended: the authenticator app's code
# alone unlocks it while the sign-in (password + second factor) is less than this old and on the same
# local day; after that, a full sign-in again.
STAFF_REAUTH_WINDOW_SECONDS = env.int("STAFF_REAUTH_WINDOW_SECONDS", default=10 * 60 * 60)
