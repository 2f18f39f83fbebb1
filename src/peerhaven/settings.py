"""Peerhaven settings.

Everything comes from environment variables (see ``.env.example``), with defaults that make
``make run`` work on one laptop: SQLite under ``var/``, in-memory channel layer, a SQLite job
queue, e-mail printed to the console. ``PEERHAVEN_ENV=production`` switches on the settings a
public deployment needs and refuses to start without a real ``SECRET_KEY``.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import sys
from pathlib import Path
from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()

PEERHAVEN_ENV = env.str("PEERHAVEN_ENV", default="local")
if PEERHAVEN_ENV not in {"local", "production"}:
    raise ImproperlyConfigured("PEERHAVEN_ENV must be 'local' or 'production'.")
PRODUCTION = PEERHAVEN_ENV == "production"
# Tests run the job queue inline; the root conftest sets this before Django starts.
TESTING = env.bool("PEERHAVEN_TESTING", default=False)

VAR_DIR = Path(env.str("PEERHAVEN_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)
(VAR_DIR / "static").mkdir(exist_ok=True)


def _secret_key() -> str:
    """The key from the environment, or one generated once and kept under ``var/``."""
    key = env.str("SECRET_KEY", default="")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when PEERHAVEN_ENV=production.")
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Absolute links in e-mails, calendar feeds and FHIR identifiers. `peerhaven serve` sets it
# to the address it serves when the environment does not (local mode only).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# The name e-mails greet people with ("Hello from Peerhaven!") and put in their subjects.
SITE_NAME = env.str("SITE_NAME", default="Peerhaven")

INSTALLED_APPS = [
    # First, so its ``changepassword`` command replaces Django's (it also revokes API tokens).
    "peerhaven.accounts",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "ninja",
    "huey.contrib.djhuey",
    # Our apps come first so their templates override allauth's.
    "peerhaven.web",
    "peerhaven.notifications",
    "peerhaven.api",
    "peerhaven.safety",
    "peerhaven.forums",
    "peerhaven.outcomes",
    "peerhaven.groups",
    "peerhaven.mentoring",
    "peerhaven.clinical",
    "peerhaven.insights",
    "allauth",
    "allauth.account",
    "allauth.mfa",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "peerhaven.web.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "peerhaven.accounts.middleware.MemberPreferencesMiddleware",
    "peerhaven.safety.middleware.BanMiddleware",
    "peerhaven.accounts.middleware.OnboardingMiddleware",
    "peerhaven.accounts.middleware.StaffTwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "peerhaven.web.middleware.OutOfRangeIdMiddleware",
]

ROOT_URLCONF = "peerhaven.urls"
ASGI_APPLICATION = "peerhaven.asgi.application"
WSGI_APPLICATION = "peerhaven.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "peerhaven.web.context_processors.peerhaven",
                "peerhaven.safety.context_processors.safety",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url(
        "DATABASE_URL", default=f"sqlite:///{(VAR_DIR / 'peerhaven.sqlite3').as_posix()}"
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer writes; IMMEDIATE avoids lock-upgrade deadlocks.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
            " PRAGMA busy_timeout=5000;",
            "transaction_mode": "IMMEDIATE",
        }
    )
else:
    # Under ASGI every request may run in a different thread, so persistent connections pile
    # up (one per thread per worker); 0 closes them per request. Use a pooler (pgbouncer) or
    # raise it only for WSGI workers.
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=0))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USING_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")


def job_queue_file(database: dict[str, Any], var_dir: Path, override: str = "") -> Path:
    """The SQLite file of the job queue (used without Redis), one per database.

    Instances started from one checkout with different ``DATABASE_URL`` values must not share
    a queue: a worker would run another instance's jobs, looking their ids up in its own
    database. So the file follows the database: ``var/jobs.sqlite3`` for the default database
    (as always), ``<name>.jobs<suffix>`` beside any other SQLite file, and a file under
    ``var/`` named after the database otherwise. ``override`` (``HUEY_FILENAME``) wins.
    """
    if override:
        return Path(override).expanduser().resolve()
    name = str(database.get("NAME") or "")
    # In-memory databases and "file:" URIs have no plain path to sit beside.
    plain_path = name not in {"", ":memory:"} and not name.startswith("file:")
    if database.get("ENGINE") == "django.db.backends.sqlite3" and plain_path:
        path = Path(name).expanduser().resolve()
        if path == (var_dir / "peerhaven.sqlite3").resolve():
            return var_dir / "jobs.sqlite3"
        return path.with_name(f"{path.stem}.jobs{path.suffix}")
    options = database.get("OPTIONS") or {}
    identity = "|".join(
        str(part)
        for part in (
            database.get("ENGINE"),
            database.get("HOST"),
            database.get("PORT"),
            options.get("host", "") if isinstance(options, dict) else "",
            name,
        )
    )
    digest = hashlib.sha256(identity.encode()).hexdigest()[:12]
    label = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-.")[:40] or "db"
    return var_dir / f"jobs-{label}-{digest}.sqlite3"


# --- Redis: cache, channel layer, job queue ---------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="peerhaven"),
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # redis-py 8 times sockets out after 5 s, the same as channels_redis' blocking
                # receive: an idle member's connection would die. Give the socket more time.
                "hosts": [{"address": REDIS_URL, "socket_timeout": 15}],
                "prefix": env.str("CHANNEL_PREFIX", default="peerhaven"),
            },
        }
    }
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": env.str("HUEY_NAME", default="peerhaven"),
        "url": REDIS_URL,
        "immediate": TESTING,
        "consumer": {"workers": env.int("HUEY_WORKERS", default=2), "worker_type": "thread"},
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "peerhaven",
        "filename": str(
            job_queue_file(DATABASES["default"], VAR_DIR, env.str("HUEY_FILENAME", default=""))
        ),
        "immediate": TESTING,
        "consumer": {"workers": env.int("HUEY_WORKERS", default=2), "worker_type": "thread"},
    }

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Peerhaven <no-reply@peerhaven.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if TESTING:
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# --- Accounts and authentication --------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 is slow by design; the suite creates hundreds of users.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"

ACCOUNT_ADAPTER = "peerhaven.accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "signup": "peerhaven.accounts.forms.SignupForm",
    "login": "peerhaven.accounts.forms.LoginForm",
}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
ACCOUNT_RATE_LIMITS = {
    # Brute-force lockout: 5 failures for one account lock it for 15 minutes.
    "login_failed": env.str("RATE_LOGIN_FAILED", default="20/m/ip,5/15m/key"),
    "signup": env.str("RATE_SIGNUP", default="10/h/ip"),
    "reset_password": env.str("RATE_RESET_PASSWORD", default="10/h/ip,3/h/key"),
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Peerhaven"

GUIDELINES_VERSION = "2026-11"

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "en"
# Only languages with a complete translation are offered; add one with `peerhaven makemessages`
# and list it here (or in LANGUAGES, comma-separated codes).
_LANGUAGE_NAMES = {"en": _("English"), "es": _("Spanish"), "fr": _("French"), "de": _("German")}
LANGUAGES = [
    (code, _LANGUAGE_NAMES.get(code, code)) for code in env.list("LANGUAGES", default=["en"])
]
LOCALE_PATHS = [BASE_DIR / "src" / "peerhaven" / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
# Served at the site root without touching the database: /favicon.ico, which browsers ask for
# on pages without a <link rel="icon"> (JSON, the API docs, the plain 500 page).
WHITENOISE_ROOT = Path(__file__).resolve().parent / "web" / "static" / "peerhaven" / "icons"

# --- Security -------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 24 * 14)
CSRF_COOKIE_SAMESITE = "Lax"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off when PEERHAVEN_ENV=production.")
    if SECURE_HSTS_PRELOAD is False:
        SILENCED_SYSTEM_CHECKS = env.list("SILENCED_SYSTEM_CHECKS", default=["security.W021"])

# A strict policy: no inline script or style; everything is served from our own origin.
CONTENT_SECURITY_POLICY = env.str(
    "CONTENT_SECURITY_POLICY",
    default=(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
    ),
)

# --- API ------------------------------------------------------------------------------------
API_PAGE_SIZE = 50
API_MAX_PAGE_SIZE = 200
NINJA_PAGINATION_PER_PAGE = API_PAGE_SIZE

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler", "stream": sys.stderr}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "django.security": {"level": "WARNING"},
        "huey": {"level": env.str("HUEY_LOG_LEVEL", default="WARNING" if TESTING else "INFO")},
    },
}

CSRF_FAILURE_VIEW = "peerhaven.web.views.csrf_failure"
SIGNUP_OPEN = env.bool("SIGNUP_OPEN", default=True)
