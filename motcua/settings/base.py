"""Settings shared by every mode. Values come from the environment (see ``env.py``)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from motcua.settings import env

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env.VAR_DIR.raw() or BASE_DIR / "var")

MOTCUA_ENV = env.MOTCUA_ENV.raw().strip().lower()
if MOTCUA_ENV not in {"development", "demo", "production"}:
    raise ImproperlyConfigured(
        f"MOTCUA_ENV must be development, demo or production, not {MOTCUA_ENV!r}"
    )
PRODUCTION = MOTCUA_ENV == "production"
DEMO = MOTCUA_ENV == "demo"

# A fixed key so that development sessions survive restarts; production refuses it below.
DEVELOPMENT_SECRET_KEY = "motcua-development-key-not-secret-do-not-use-in-production"  # noqa: S105
SECRET_KEY = env.SECRET_KEY.raw() or DEVELOPMENT_SECRET_KEY
DEBUG = env.as_bool(env.DEBUG) if env.DEBUG.raw() else not PRODUCTION
ALLOWED_HOSTS = env.as_list(env.ALLOWED_HOSTS) or (
    [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.as_list(env.CSRF_TRUSTED_ORIGINS)

if PRODUCTION:
    problems = []
    if DEBUG:
        problems.append("DEBUG is on")
    if SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 32:
        problems.append("SECRET_KEY is unset, the development key, or shorter than 32 characters")
    if not ALLOWED_HOSTS:
        problems.append("ALLOWED_HOSTS is empty")
    if problems:
        raise ImproperlyConfigured(
            "motcua refuses to start in production: " + "; ".join(problems) + "."
        )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "ninja",  # the API docs from its bundled Swagger UI, not a CDN (offline networks)
    "motcua.core",
    "motcua.organization",
    "motcua.worktime",
    "motcua.catalog",
    "motcua.dossiers",
    "motcua.workspace",
    "motcua.reports",
    "motcua.public",
    "motcua.feedback",
    "motcua.transparency",
    "motcua.simulation",
    "motcua.accounts",
    "motcua.privacy",
]

LOGIN_URL = "workspace:login"
LOGIN_REDIRECT_URL = "workspace:home"
LOGOUT_REDIRECT_URL = "workspace:login"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "motcua.public.middleware.PublicUploadLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "motcua.core.middleware.InputHygieneMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: request.user.is_verified() (django-otp), then the session's idle
    # and absolute limits, then the second factor required of the administrator, directors
    # and inspectors (docs/decisions/0012).
    "django_otp.middleware.OTPMiddleware",
    "motcua.accounts.middleware.SessionLimitsMiddleware",
    "motcua.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: it turns a lockout raised during sign-in into the page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked account before any password is checked (docs/decisions/0012).
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.as_int(env.SIGNIN_FAILURE_LIMIT)
AXES_COOLOFF_TIME = timedelta(minutes=env.as_int(env.SIGNIN_LOCKOUT_MINUTES))
# By account only: the Center's staff share one public address, so locking an address would
# lock a whole office; a guesser spread over many addresses is still stopped.
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "motcua.accounts.views.locked_out"
AXES_VERBOSE = True

SESSION_IDLE_SECONDS = env.as_int(env.SESSION_IDLE_MINUTES) * 60
# Enforced by motcua.accounts.middleware on the wall clock; the cookie ends with it.
SESSION_MAX_SECONDS = env.as_int(env.SESSION_MAX_HOURS) * 3600
SESSION_COOKIE_AGE = SESSION_MAX_SECONDS
API_TOKEN_DAYS = env.as_int(env.API_TOKEN_DAYS)

OTP_TOTP_ISSUER = "motcua"
OTP_WEBAUTHN_RP_NAME = "motcua"
# A passkey is a second factor here, after the password (and axes), never instead of it.
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False

ROOT_URLCONF = "motcua.urls"
WSGI_APPLICATION = "motcua.wsgi.application"
ASGI_APPLICATION = "motcua.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "motcua" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def _database() -> dict:
    url = env.DATABASE_URL.raw() or f"sqlite:///{VAR_DIR / 'motcua.sqlite3'}"
    config = dj_database_url.parse(url)
    engine = config["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        if config["NAME"] and config["NAME"] != ":memory:":
            # The embedded database must open on a fresh clone, before anything made var/.
            Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        # WAL and a busy timeout let the web server, the task worker and commands share the
        # file; IMMEDIATE makes write transactions take the lock up front instead of failing
        # on upgrade under contention.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    elif engine == "django.db.backends.postgresql":
        config["OPTIONS"] = {}
        if env.DATABASE_PREPARE_THRESHOLD.raw().strip():
            # Parameters bound on the server, so that psycopg can prepare the statements a
            # process repeats: planning the same query again cost more than running it.
            config["OPTIONS"]["server_side_binding"] = True
            config["OPTIONS"]["prepare_threshold"] = env.as_int(env.DATABASE_PREPARE_THRESHOLD)
        if env.as_bool(env.DATABASE_POOL):
            config["OPTIONS"]["pool"] = {
                "min_size": 1,
                "max_size": env.as_int(env.DATABASE_POOL_MAX),
            }
        else:
            config["CONN_MAX_AGE"] = 60
            config["CONN_HEALTH_CHECKS"] = True
    else:
        raise ImproperlyConfigured(
            f"DATABASE_URL: motcua supports SQLite and PostgreSQL, not {engine}"
        )
    config["TEST"] = {"NAME": None}
    return config


DATABASES = {"default": _database()}
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

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["motcua.formats"]  # Vietnamese groups thousands (motcua/formats/vi)
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "motcua" / "static"]
STATIC_ROOT = Path(env.STATIC_ROOT.raw() or VAR_DIR / "static")
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.MEDIA_ROOT.raw() or VAR_DIR / "media")
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

_mail_backend = env.EMAIL_BACKEND.raw()
_mail_options = {}
if _mail_backend.endswith("smtp.EmailBackend"):
    _mail_options = {
        "host": env.EMAIL_HOST.raw(),
        "port": env.as_int(env.EMAIL_PORT),
        "username": env.EMAIL_HOST_USER.raw(),
        "password": env.EMAIL_HOST_PASSWORD.raw(),
        "use_tls": env.as_bool(env.EMAIL_USE_TLS),
        "timeout": 20,
    }
MAILERS = {"default": {"BACKEND": _mail_backend, "OPTIONS": _mail_options}}
DEFAULT_FROM_EMAIL = env.DEFAULT_FROM_EMAIL.raw()
SMS_BACKEND = env.SMS_BACKEND.raw()

TASKS = {"default": {"BACKEND": "motcua.core.tasks.OutboxBackend"}}

PUBLIC_BASE_URL = env.PUBLIC_BASE_URL.raw().rstrip("/")
#: Where this server answers when PUBLIC_BASE_URL is empty and no request says it.
SERVED_BASE_URL = f"http://127.0.0.1:{env.as_int(env.PORT)}"
# Passkeys are bound to one domain and accepted only from the public origin over HTTPS;
# browsers allow them over plain HTTP only on localhost, which development then uses.
_public = urlsplit(PUBLIC_BASE_URL)
if _public.scheme == "https":
    OTP_WEBAUTHN_RP_ID = env.WEBAUTHN_RP_ID.raw() or _public.hostname
    OTP_WEBAUTHN_ALLOWED_ORIGINS = [PUBLIC_BASE_URL]
else:
    OTP_WEBAUTHN_RP_ID = env.WEBAUTHN_RP_ID.raw() or "localhost"
    OTP_WEBAUTHN_ALLOWED_ORIGINS = [f"http://localhost:{env.as_int(env.PORT)}"]
REFERENCE_CACHE_SECONDS = env.as_int(env.REFERENCE_CACHE_SECONDS)

# Abuse limits, shared by every process through the database (motcua.public.limits).
ABUSE_LIMITS = {
    "filings_per_address": env.as_int(env.LIMIT_FILINGS_PER_ADDRESS),
    "filings_per_site": env.as_int(env.LIMIT_FILINGS_PER_SITE),
    "lookups_per_address": env.as_int(env.LIMIT_LOOKUPS_PER_ADDRESS),
    "lookup_failures_per_code": env.as_int(env.LIMIT_LOOKUP_FAILURES_PER_CODE),
    "lookup_failures_per_address": env.as_int(env.LIMIT_LOOKUP_FAILURES_PER_ADDRESS),
    "lookup_lock_minutes": env.as_int(env.LIMIT_LOOKUP_LOCK_MINUTES),
    "feedback_per_address": env.as_int(env.LIMIT_FEEDBACK_PER_ADDRESS),
    "upload_mb_per_address": env.as_int(env.LIMIT_UPLOAD_MB_PER_ADDRESS),
    "upload_max_file_mb": env.as_int(env.UPLOAD_MAX_FILE_MB),
    "upload_max_filing_mb": env.as_int(env.UPLOAD_MAX_FILING_MB),
    "one_time_code_minutes": env.as_int(env.ONE_TIME_CODE_MINUTES),
}

_secure = env.as_bool(env.SECURE_SSL) if env.SECURE_SSL.raw() else PRODUCTION
SESSION_COOKIE_SECURE = _secure
CSRF_COOKIE_SECURE = _secure
SECURE_SSL_REDIRECT = _secure
SECURE_HSTS_SECONDS = 31536000 if _secure else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = _secure
# Load balancers probe over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if _secure else None
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Django's own Content-Security-Policy (docs/decisions/0011): everything from this origin,
# inline scripts and style blocks only with the response's nonce, no plugin, no framing. Style
# attributes stay allowed (a bar's width, a swatch's colour): they cannot run code.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "style-src-attr": [CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# The largest JSON or form body read into memory (files are streamed apart): an intake with
# many components is a few kilobytes; a larger body is answered 413 before it is parsed.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["stderr"], "level": env.LOG_LEVEL.raw()},
    # axes announces its mode each time Django starts (every `motcua` command); its sign-in
    # failures and lockouts (motcua.accounts and axes.handlers) stay logged.
    "loggers": {"axes.apps": {"level": "WARNING"}},
}

# axes warns that locking by account alone does not limit an address: the limit per address
# is deliberately absent (one public address for a whole office; docs/decisions/0012).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
