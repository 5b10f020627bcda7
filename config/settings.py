"""Settings for the PALS and complaints case system.

One module, configured from environment variables (12-factor). Defaults give the embedded
set-up `make run` uses: SQLite in the project folder, Celery tasks run in-process, e-mail to
the console. Production sets DATABASE_URL (PostgreSQL), CELERY_BROKER_URL (Redis), SECRET_KEY,
ALLOWED_HOSTS and the e-mail variables; see README.md.
"""

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# The test runner sets this itself, so `pytest` needs no extra environment.
TESTING = env_bool("TESTING") or "pytest" in sys.modules

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-development-key-do-not-use-in-production"
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY in the environment (or DEBUG=1 for local use)."
        )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "simple_history",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "core",
    "contacts",
    "casework",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Marks request.user verified once they have given a one-time password this session.
    "django_otp.middleware.OTPMiddleware",
    "config.two_factor.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Records the signed-in user on every django-simple-history row written in a request.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Every download and export by a signed-in user goes in the access log.
    "casework.access.DownloadAuditMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# A change reason is what a person typed to explain a change (or a generated sentence naming
# people): it must never be cut short or refused by the database's 100-character default.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "config.roles.roles_context",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Two officers saving at once must queue for the write lock, not fail at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiler starts on queries the planner thinks are costly; for a web
    # page's short queries the compiling alone took 300 ms (measured in the benchmark), more
    # than the query. Off by default for this application's connections; DATABASE_JIT=1
    # leaves the server's own setting.
    if not env_bool("DATABASE_JIT", False):
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    # Hashing is deliberately slow; tests create many users and check nothing about it.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# django-axes checks for a lockout before any other backend is asked about the password.
AUTHENTICATION_BACKENDS = [
    "config.auth_backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failed sign-ins: after AXES_FAILURE_LIMIT wrong passwords for one username from one address,
# that pair is locked for AXES_COOLOFF_MINUTES. Counting the pair (not the address alone)
# means a shared hospital network address is not locked for everyone by one person's typos,
# and (not the username alone) that nobody can lock a colleague out from elsewhere.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The client address comes from the one place that knows how many proxies to trust.
AXES_CLIENT_IP_CALLABLE = "core.client_address.client_ip"
AXES_VERBOSE = False

# Two-factor sign-in (TOTP, django-otp): anyone may enrol; when this is on, managers and
# administrators must enrol and give a code at each sign-in before they see any page.
OTP_REQUIRED_FOR_MANAGERS = env_bool("OTP_REQUIRED_FOR_MANAGERS", False)
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "PALS and complaints")

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d %b %Y", "%d %B %Y"]

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
# Uploads are private: MEDIA_ROOT is outside the static files, there is no MEDIA_URL and no
# URL route serves it. Files go out only through casework.access.serve_private_file, which
# checks access through the calling view and records it.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# The largest upload accepted (checked by contacts.uploads.validate_upload).
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
# Request bodies other than files (form fields) above this are refused by Django.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Uploads above this are streamed to a temporary file rather than held in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_PERMISSIONS = 0o600
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", not DEBUG and not TESTING)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING

# E-mail: console by default; set EMAIL_HOST etc. for SMTP.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "pals@example.nhs.uk")

# Celery: with no broker configured, tasks run in-process (the embedded default).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", CELERY_BROKER_URL or None)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TIMEZONE = TIME_ZONE
# Daily jobs run by beat (`celery -A config worker -B`), in CELERY_TIMEZONE (UK time).
CELERY_BEAT_SCHEDULE = {
    "send-deadline-digest": {
        "task": "casework.tasks.send_deadline_digest_task",
        "schedule": crontab(hour=7, minute=0),
    },
    "chase-overdue-referrals": {
        "task": "casework.tasks.chase_overdue_referrals_task",
        "schedule": crontab(hour=7, minute=15),
    },
    "fetch-intake-mail": {
        "task": "casework.tasks.fetch_mail_task",
        "schedule": 300.0,
    },
    "compact-daily-counts": {
        "task": "reports.tasks.compact_daily_counts_task",
        "schedule": crontab(hour=2, minute=30),
    },
}

# Cache: Redis when REDIS_URL (or CACHE_URL) is set, shared by every worker so the public
# form's per-address rate limit holds across processes; local memory otherwise.
_CACHE_URL = os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _CACHE_URL}
        if _CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Channels into the triage queue (contacts/public_views.py, contacts/mail_intake.py).
# Largest file accepted from the public form (and the limit the form states), in bytes.
ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)))
# Longest text accepted in the public form's free-text box, in characters.
PUBLIC_FORM_MAX_CHARS = int(os.environ.get("PUBLIC_FORM_MAX_CHARS", "10000"))
# Per-address rate limit: at most this many submissions from one address per window.
PUBLIC_FORM_RATE_LIMIT = int(os.environ.get("PUBLIC_FORM_RATE_LIMIT", "5"))
PUBLIC_FORM_RATE_WINDOW_SECONDS = int(os.environ.get("PUBLIC_FORM_RATE_WINDOW_SECONDS", "3600"))
# The mailbox the unit publishes, read over IMAP by `manage.py fetch_mail` / the Celery task.
INTAKE_IMAP_HOST = os.environ.get("INTAKE_IMAP_HOST", "")
INTAKE_IMAP_PORT = int(os.environ.get("INTAKE_IMAP_PORT", "993"))
INTAKE_IMAP_USER = os.environ.get("INTAKE_IMAP_USER", "")
INTAKE_IMAP_PASSWORD = os.environ.get("INTAKE_IMAP_PASSWORD", "")
INTAKE_IMAP_MAILBOX = os.environ.get("INTAKE_IMAP_MAILBOX", "INBOX")
INTAKE_IMAP_SSL = env_bool("INTAKE_IMAP_SSL", True)
# Urgent clinical and safeguarding contacts alert the duty manager: this address if set
# (a shared duty inbox), else every active complaints manager with an e-mail address.
DUTY_MANAGER_EMAIL = os.environ.get("DUTY_MANAGER_EMAIL", "")

# Local targets (not national rules: see RULES.md "National practice beyond the regulations").
PALS_TARGET_WORKING_DAYS = int(os.environ.get("PALS_TARGET_WORKING_DAYS", "5"))
# Working days an organisation has to respond to a referral, unless another date is agreed.
REFERRAL_RESPONSE_WORKING_DAYS = int(os.environ.get("REFERRAL_RESPONSE_WORKING_DAYS", "25"))

# The name of the unit on letters and pages.
ORGANISATION_NAME = os.environ.get("ORGANISATION_NAME", "Patient Advice and Complaints Service")
# The address staff use to reach the system, for links in e-mails (no trailing slash needed).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# Records are kept this many years after closure, then listed for review (NHS Records
# Management Code of Practice: complaint case files, 10 years).
RETENTION_YEARS = int(os.environ.get("RETENTION_YEARS", "10"))

# Sign-out after inactivity: the session is saved on every request, so its expiry slides and
# only SESSION_COOKIE_AGE seconds *without a request* end it (default 30 minutes).
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(30 * 60)))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY") else None
# How many proxies of ours append to X-Forwarded-For (core/client_address.py): the client
# is that many addresses from the right; anything to the left of it the client could type.
TRUSTED_PROXY_COUNT = int(
    os.environ.get("TRUSTED_PROXY_COUNT", "1" if env_bool("BEHIND_PROXY") else "0")
)
_PRODUCTION = not DEBUG and not TESTING
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", _PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", _PRODUCTION)
# HSTS: a year by default in production. Preload is off by default: it is a commitment for
# the whole domain that cannot quickly be undone, so it is the domain owner's decision.
SECURE_HSTS_SECONDS = int(
    os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 60 * 60 if _PRODUCTION else 0))
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# With preload deliberately off, `check --deploy` would warn about it (security.W021).
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy (django-csp): everything from our own origin, no inline script,
# no plugins, no framing. Images may be data: URIs (the NHS.UK frontend's icons).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint and fontTools log every rendering step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # django-axes logs every sign-in at INFO; failures and lockouts are WARNING.
        "axes": {"level": "WARNING"},
    },
}
