"""Settings for Commission Tracker, read from environment variables.

Every variable has a development default, so `make run` works with nothing set:
SQLite under var/, Celery tasks run in-process, email printed to the console.
"""

import datetime
import os
import sys
from pathlib import Path

import dj_database_url
from csp import constants as csp
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def fail(message):
    """Stop start-up with one line naming the variable, not a traceback."""
    sys.stderr.write(f"Configuration error: {message}\n")
    raise SystemExit(2)


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    fail(f"{name} must be true or false, not {value!r}")


def env_int(name, default):
    value = os.environ.get(name, "")
    if value == "":
        return default
    try:
        return int(value)
    except ValueError:
        fail(f"{name} must be a whole number, not {value!r}")


def env_list(name, default):
    value = os.environ.get(name, "")
    if value == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def database_from_env():
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / "var" / "db.sqlite3",
        }
    try:
        config = dj_database_url.parse(url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
    except Exception as error:  # dj-database-url raises several types for bad URLs
        fail(f"DATABASE_URL is not a valid database URL: {error}")
    if not config.get("ENGINE"):
        fail(f"DATABASE_URL names an unknown database scheme: {url!r}")
    if config["ENGINE"] == "django.db.backends.sqlite3":
        return config
    if not config.get("NAME"):
        fail("DATABASE_URL must name a database, e.g. postgres://user@host:5432/commission")
    return config


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        fail("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "development-only-secret-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# Absolute base for links in emails and calendar feeds, which are read outside a request.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # First, so that its createsuperuser (which validates every password) replaces Django's.
    "agreements.signin",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django_filters",
    "simple_history",
    "axes",
    "agreements",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "agreements.signin.sessions.IdleSessionMiddleware",
    # Permissions and role of the signed-in user, kept per data version (agreements/signin/permissions.py).
    "agreements.signin.permissions.CachedPermissionsMiddleware",
    # Every page needs a signed-in user; public views (login, calendar feeds by token) opt out.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Signed-in pages and exports stay out of browser and proxy caches.
    "commission.middleware.PrivateCacheMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the "sign-in paused" page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "commission.urls"
WSGI_APPLICATION = "commission.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": database_from_env()}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite builds the reminder sweep's covering index without its INCLUDE columns; that is fine on a laptop.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Each worker's own memory: figures and reference lists under "default", rendered staff pages under "pages"
# (agreements/page_cache.py), both keyed on the state of the data, so nothing kept can be stale.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "default"},
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pages",
        # About 40–80 KB a page: a few MB a worker at most.
        "OPTIONS": {"MAX_ENTRIES": 100},
    },
}

# Checked by the password change page, the admin and createsuperuser, and on the demo password.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"
# Whom the sign-in page tells people to ask for an account, a new password or an unlock.
SUPPORT_CONTACT = os.environ.get("SUPPORT_CONTACT", "")

# Sign-in lockout (django-axes): after AXES_FAILURE_LIMIT failures for one username, or from one address,
# sign-in is paused for AXES_COOLOFF_MINUTES (0: until an administrator unlocks it in the admin).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30)) or None
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_CALLABLE = "agreements.signin.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "agreements.signin.addresses.client_ip"
# How many reverse proxies of ours stand in front of the app. 0: the address is REMOTE_ADDR and
# X-Forwarded-For is ignored, since a client can write anything there.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if AXES_FAILURE_LIMIT < 1 or TRUSTED_PROXY_COUNT < 0:
    fail("AXES_FAILURE_LIMIT must be at least 1 and TRUSTED_PROXY_COUNT 0 or more")

# A session ends after this many seconds without activity, and when the browser closes unless the user
# ticked "Keep me signed in" (agreements/signin/sessions.py).
# Django's database sessions, read in one written statement (agreements/signin/session_store.py).
SESSION_ENGINE = "agreements.signin.session_store"
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 8 * 3600)
if SESSION_IDLE_TIMEOUT < 60:
    fail("SESSION_IDLE_TIMEOUT must be at least 60 seconds")
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Spanish first; English for counterpart staff and visitors.
LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Spanish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "America/Caracas")
USE_I18N = True
USE_TZ = env_bool("USE_TZ", True)

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
# Documents (agreements/uploads.py): the largest file accepted. MEDIA_ROOT is never served as such; the download
# view checks access, then streams the file itself or, behind a proxy, names it in a header for the proxy to send:
# DOCUMENTS_X_ACCEL_REDIRECT_PREFIX is nginx's `internal` location for MEDIA_ROOT (e.g. "/protected-media/");
# DOCUMENTS_SENDFILE_HEADER=X-Sendfile hands Apache (mod_xsendfile) the file's path instead.
DOCUMENT_MAX_BYTES = env_int("DOCUMENT_MAX_MB", 25) * 1024 * 1024
DOCUMENTS_X_ACCEL_REDIRECT_PREFIX = os.environ.get("DOCUMENTS_X_ACCEL_REDIRECT_PREFIX", "")
DOCUMENTS_SENDFILE_HEADER = os.environ.get("DOCUMENTS_SENDFILE_HEADER", "")
if DOCUMENT_MAX_BYTES < 1:
    fail("DOCUMENT_MAX_MB must be at least 1")
if DOCUMENTS_SENDFILE_HEADER not in ("", "X-Accel-Redirect", "X-Sendfile"):
    fail(f"DOCUMENTS_SENDFILE_HEADER must be X-Accel-Redirect or X-Sendfile, not {DOCUMENTS_SENDFILE_HEADER!r}")
if DOCUMENTS_SENDFILE_HEADER == "X-Accel-Redirect" and not DOCUMENTS_X_ACCEL_REDIRECT_PREFIX:
    fail("DOCUMENTS_SENDFILE_HEADER=X-Accel-Redirect needs DOCUMENTS_X_ACCEL_REDIRECT_PREFIX")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Email: SMTP when EMAIL_HOST is set, otherwise printed to the console.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Commission Tracker <no-reply@localhost>")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend"
)

# Celery: Redis when REDIS_URL is set; otherwise tasks run eagerly in-process.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# Database connections in workers: a broken one is dropped before and after every task (commission/celery.py).
# Lets several deployments (or test runs) share one Redis without taking each other's tasks.
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "celery")
# Redis redelivers an unacknowledged task after this many seconds; no ETA or countdown may exceed it.
CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 3600)
if CELERY_VISIBILITY_TIMEOUT < 2:
    fail("CELERY_VISIBILITY_TIMEOUT must be at least 2 seconds")
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    # Look for tasks abandoned by a killed worker every tenth of the timeout (at most every minute),
    # so they run again soon after the timeout rather than up to ten sweeps later.
    "unacked_restore_interval": max(1, min(60, CELERY_VISIBILITY_TIMEOUT // 10)),
    "unacked_restore_throttle": 1,
}

# A deadline this many days away or fewer (but not today) is "due soon" on every page, list,
# chart, export and email (agreements/deadlines.py).
DUE_SOON_DAYS = env_int("DUE_SOON_DAYS", 7)

# Reminder rules (see agreements/reminders/rules.py).
REMINDER_DAYS_BEFORE = [14, 7, 1]
REMINDER_OVERDUE_EVERY_DAYS = 7
# Weekly overdue reminders stop after this many days; the sweep's list of dates stays short.
REMINDER_OVERDUE_HORIZON_DAYS = env_int("REMINDER_OVERDUE_HORIZON_DAYS", 364)
REMINDER_ESCALATE_COORDINATOR_AFTER_DAYS = 14
REMINDER_ESCALATE_SUPERIOR_AFTER_DAYS = 30
# After the sweep has not run for a while, the next one covers at most this many past days.
REMINDER_CATCH_UP_DAYS = env_int("REMINDER_CATCH_UP_DAYS", 31)
REMINDER_SWEEP_HOUR = env_int("REMINDER_SWEEP_HOUR", 7)
REMINDER_SWEEP_MINUTE = env_int("REMINDER_SWEEP_MINUTE", 0)
if not (0 <= REMINDER_SWEEP_HOUR <= 23 and 0 <= REMINDER_SWEEP_MINUTE <= 59):
    fail("REMINDER_SWEEP_HOUR must be 0-23 and REMINDER_SWEEP_MINUTE 0-59")
# Sending a digest: retries on SMTP and network errors after about 60 s, 120 s, 240 s … (with jitter),
# never waiting longer than the broker's visibility timeout, then the rows are marked failed.
REMINDER_MAX_RETRIES = env_int("REMINDER_MAX_RETRIES", 5)
REMINDER_RETRY_BACKOFF = env_int("REMINDER_RETRY_BACKOFF", 60)
REMINDER_RETRY_BACKOFF_MAX = min(env_int("REMINDER_RETRY_BACKOFF_MAX", 1800), CELERY_VISIBILITY_TIMEOUT // 2)
# A digest claimed longer ago than this belongs to a worker that died mid-send and may be claimed again.
# Longer than any SMTP conversation, shorter than the visibility timeout, so a redelivered task finds it free.
REMINDER_CLAIM_TIMEOUT = env_int("REMINDER_CLAIM_TIMEOUT", 900)
if REMINDER_MAX_RETRIES < 0 or REMINDER_RETRY_BACKOFF < 1:
    fail("REMINDER_MAX_RETRIES must be 0 or more and REMINDER_RETRY_BACKOFF at least 1")
if not 0 < REMINDER_CLAIM_TIMEOUT < CELERY_VISIBILITY_TIMEOUT:
    fail("REMINDER_CLAIM_TIMEOUT must be positive and below CELERY_VISIBILITY_TIMEOUT")
# The outbox dispatcher: every this many minutes (decimals allowed), beat queues a digest for everyone with
# reminders still owed: rows whose queuing failed (Redis down) or whose task was lost.
try:
    REMINDER_DISPATCH_MINUTES = float(os.environ.get("REMINDER_DISPATCH_MINUTES") or 5)
except ValueError:
    fail("REMINDER_DISPATCH_MINUTES must be a number of minutes")
if not REMINDER_DISPATCH_MINUTES > 0:
    fail("REMINDER_DISPATCH_MINUTES must be positive")

# Spreadsheet imports (agreements/imports/): files of more rows than this are checked and applied by a Celery
# task, with a progress bar on the page; smaller ones in the request. The preview lists at most
# IMPORT_PREVIEW_ROWS rows of each kind (its counts are always whole); files over IMPORT_MAX_ROWS are refused.
IMPORT_BACKGROUND_ROWS = env_int("IMPORT_BACKGROUND_ROWS", 300)
IMPORT_PREVIEW_ROWS = env_int("IMPORT_PREVIEW_ROWS", 500)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 50000)
if IMPORT_BACKGROUND_ROWS < 0 or IMPORT_PREVIEW_ROWS < 1 or IMPORT_MAX_ROWS < 1:
    fail("IMPORT_BACKGROUND_ROWS must be 0 or more, IMPORT_PREVIEW_ROWS and IMPORT_MAX_ROWS at least 1")

# Signed update links (agreements/counterpart/): a line's responsible person reports progress without an
# account for this many days; at most UPDATE_LINK_POSTS_PER_HOUR updates per link and hour.
UPDATE_LINK_DAYS = env_int("UPDATE_LINK_DAYS", 30)
UPDATE_LINK_POSTS_PER_HOUR = env_int("UPDATE_LINK_POSTS_PER_HOUR", 10)
if UPDATE_LINK_DAYS < 1 or UPDATE_LINK_POSTS_PER_HOUR < 1:
    fail("UPDATE_LINK_DAYS and UPDATE_LINK_POSTS_PER_HOUR must be at least 1")

# The PDF briefing pack is drawn in the request, about 25 action lines a second: larger matrices are offered as
# XLSX and as the printable page instead.
BRIEFING_PDF_MAX_LINES = env_int("BRIEFING_PDF_MAX_LINES", 250)
if BRIEFING_PDF_MAX_LINES < 1:
    fail("BRIEFING_PDF_MAX_LINES must be at least 1")

# Demo accounts (load_demo, only with DEBUG on) share this password.
DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "demo-commission-2026")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "utc": {"()": "agreements.signin.logformat.UTCFormatter", "format": "%(asctime)s %(levelname)s %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "signin": {"class": "logging.StreamHandler", "formatter": "utc"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Every sign-in success, failure and lockout, with UTC time, username and address.
        "agreements.signin": {"handlers": ["signin"], "level": "INFO", "propagate": False},
        # django-axes repeats each sign-in at INFO with the username masked; keep only its warnings.
        "axes": {"level": "WARNING"},
    },
}

if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# HTTPS in production (`manage.py check --deploy` is clean with DEBUG off); plain HTTP for `make run`.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# Load balancers probe the health check over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
# The flag submits nothing by itself; it lets the owner of the domain submit it to the browsers' preload list.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy, in development too so that an inline script or style shows up before production.
# Pages and the admin load scripts and styles only from static files; no 'unsafe-inline' anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "object-src": [csp.NONE],
        "base-uri": [csp.SELF],
        "form-action": [csp.SELF],
        "frame-ancestors": [csp.NONE],
    },
}

# /healthz answers 503 when the last daily reminder sweep finished longer ago than this.
HEALTHZ_SWEEP_MAX_AGE_HOURS = env_int("HEALTHZ_SWEEP_MAX_AGE_HOURS", 26)
