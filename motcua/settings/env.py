"""Every environment variable motcua reads, declared once with its help text.

``docs/configuration.md`` is generated from this table (``motcua envvars --markdown``) and a
test fails when the two disagree, so the documentation cannot drift from the code.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


@dataclass(frozen=True)
class EnvVar:
    name: str
    default: str
    help: str

    def raw(self) -> str:
        return os.environ.get(self.name, self.default)


REGISTRY: dict[str, EnvVar] = {}


def declare(name: str, default: str, help: str) -> EnvVar:  # noqa: A002
    var = EnvVar(name, default, help)
    REGISTRY[name] = var
    return var


def as_bool(var: EnvVar) -> bool:
    value = var.raw().strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{var.name} must be a boolean (1/0, true/false), not {value!r}")


def as_list(var: EnvVar) -> list[str]:
    return [item.strip() for item in var.raw().split(",") if item.strip()]


def as_int(var: EnvVar) -> int:
    try:
        return int(var.raw())
    except ValueError as exc:
        raise ImproperlyConfigured(f"{var.name} must be an integer, not {var.raw()!r}") from exc


MOTCUA_ENV = declare(
    "MOTCUA_ENV",
    "development",
    "`development`, `demo` or `production`. Production refuses to start with DEBUG on, the "
    "development secret key, or no ALLOWED_HOSTS. Demo is development plus the demo accounts "
    "that `make run` creates and prints once.",
)
DEBUG = declare("DEBUG", "", "Django debug pages. Defaults to on outside production.")
SECRET_KEY = declare(
    "SECRET_KEY",
    "",
    "Signing key for sessions and tokens. Required in production; development uses a fixed, "
    "public key that production refuses.",
)
ALLOWED_HOSTS = declare(
    "ALLOWED_HOSTS",
    "",
    "Comma-separated host names served. Development defaults to localhost names.",
)
CSRF_TRUSTED_ORIGINS = declare(
    "CSRF_TRUSTED_ORIGINS", "", "Comma-separated origins (https://host) trusted for CSRF."
)
DATABASE_URL = declare(
    "DATABASE_URL",
    "",
    "Database as a URL: `postgres://user@host:5432/name` in production, "
    "`sqlite:///path/file.sqlite3` embedded. Default: SQLite at `var/motcua.sqlite3`.",
)
DATABASE_POOL = declare(
    "DATABASE_POOL",
    "1",
    "On PostgreSQL, use psycopg's connection pool in each application process (1/0).",
)
DATABASE_POOL_MAX = declare(
    "DATABASE_POOL_MAX", "10", "Largest number of pooled PostgreSQL connections per process."
)
DATABASE_PREPARE_THRESHOLD = declare(
    "DATABASE_PREPARE_THRESHOLD",
    "5",
    "On PostgreSQL, bind parameters on the server and prepare a statement after this many "
    "executions on one connection, which saves planning the same query again. Empty turns "
    "both off (needed behind PgBouncer in transaction mode).",
)
REFERENCE_CACHE_SECONDS = declare(
    "REFERENCE_CACHE_SECONDS",
    "60",
    "How long each application process keeps reference data (catalogue, network, regimes, "
    "calendar, people's posts) before reading it again; an edit in another process shows "
    "within this time. 0 turns the cache off.",
)
VAR_DIR = declare(
    "MOTCUA_VAR_DIR",
    "",
    "Folder for the embedded database, uploaded files and logs. Default: `var/` in the checkout.",
)
MEDIA_ROOT = declare(
    "MEDIA_ROOT", "", "Folder for uploaded and generated files. Default: `<MOTCUA_VAR_DIR>/media`."
)
STATIC_ROOT = declare(
    "STATIC_ROOT", "", "Folder `collectstatic` fills. Default: `<MOTCUA_VAR_DIR>/static`."
)
PUBLIC_BASE_URL = declare(
    "PUBLIC_BASE_URL",
    "",
    "Absolute address of the public site, printed in QR codes and notifications. Empty: the "
    "address the page was asked at (a form printed from a page), else `http://127.0.0.1:$PORT`.",
)
PORT = declare(
    "PORT",
    "8000",
    "Port the demo server listens on (`make run` passes it); without `PUBLIC_BASE_URL`, the "
    "addresses printed outside a request (notifications, forms made by commands) follow it.",
)
EMAIL_BACKEND = declare(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend",
    "Django e-mail backend; `django.core.mail.backends.smtp.EmailBackend` in production.",
)
EMAIL_HOST = declare("EMAIL_HOST", "localhost", "SMTP server host.")
EMAIL_PORT = declare("EMAIL_PORT", "25", "SMTP server port.")
EMAIL_HOST_USER = declare("EMAIL_HOST_USER", "", "SMTP user name.")
EMAIL_HOST_PASSWORD = declare("EMAIL_HOST_PASSWORD", "", "SMTP password.")
EMAIL_USE_TLS = declare("EMAIL_USE_TLS", "0", "Use STARTTLS to the SMTP server (1/0).")
DEFAULT_FROM_EMAIL = declare(
    "DEFAULT_FROM_EMAIL", "motcua@localhost", "Sender address of notifications."
)
SMS_BACKEND = declare(
    "SMS_BACKEND",
    "motcua.dossiers.sms.LogSmsBackend",
    "Dotted path of the SMS gateway, a subclass of `motcua.dossiers.sms.SmsBackend`. The "
    "default only writes each message to the `motcua.sms` log; "
    "`motcua.dossiers.sms.LocmemSmsBackend` keeps them in memory for tests and demos.",
)
LOG_LEVEL = declare("LOG_LEVEL", "INFO", "Level of the application log on standard error.")
SECURE_SSL = declare(
    "SECURE_SSL",
    "",
    "Behind an HTTPS proxy: secure cookies, HSTS and redirect to HTTPS. Default: on in production.",
)

# -- abuse limits (docs/decisions/0013-abuse-limits.md): counted in the database, so that every
# process of every server shares them.
LIMIT_FILINGS_PER_ADDRESS = declare(
    "LIMIT_FILINGS_PER_ADDRESS",
    "10",
    "Online filings accepted from one client address per day (Hanoi time); beyond, 429.",
)
LIMIT_FILINGS_PER_SITE = declare(
    "LIMIT_FILINGS_PER_SITE",
    "1000",
    "Online filings one site receives per day; beyond, 429 until midnight. Online filings "
    "take no official number before the check, so the counter's 9,999 is never reached by them.",
)
LIMIT_LOOKUPS_PER_ADDRESS = declare(
    "LIMIT_LOOKUPS_PER_ADDRESS",
    "10",
    "Public lookups (dossiers, complaints, ratings) from one client address per minute.",
)
LIMIT_LOOKUP_FAILURES_PER_CODE = declare(
    "LIMIT_LOOKUP_FAILURES_PER_CODE",
    "5",
    "Wrong verifiers (or one-time codes) given for one dossier code, from any address, before "
    "the code is locked for LIMIT_LOOKUP_LOCK_MINUTES.",
)
LIMIT_LOOKUP_FAILURES_PER_ADDRESS = declare(
    "LIMIT_LOOKUP_FAILURES_PER_ADDRESS",
    "20",
    "Wrong verifiers from one client address, any code, before it is locked for "
    "LIMIT_LOOKUP_LOCK_MINUTES.",
)
LIMIT_LOOKUP_LOCK_MINUTES = declare(
    "LIMIT_LOOKUP_LOCK_MINUTES",
    "30",
    "How long a dossier code or an address stays locked after too many wrong verifiers.",
)
LIMIT_FEEDBACK_PER_ADDRESS = declare(
    "LIMIT_FEEDBACK_PER_ADDRESS",
    "10",
    "Ratings, complaints and replies sent from one client address per hour.",
)
LIMIT_UPLOAD_MB_PER_ADDRESS = declare(
    "LIMIT_UPLOAD_MB_PER_ADDRESS",
    "200",
    "Megabytes one client address may send to the online filing form per day.",
)
UPLOAD_MAX_FILE_MB = declare(
    "UPLOAD_MAX_FILE_MB",
    "10",
    "Largest file an anonymous online filing may attach (staff scans keep their own limit).",
)
UPLOAD_MAX_FILING_MB = declare(
    "UPLOAD_MAX_FILING_MB",
    "30",
    "Largest online filing request (all files together); a larger Content-Length is refused "
    "with 413 before the body is read.",
)
ONE_TIME_CODE_MINUTES = declare(
    "ONE_TIME_CODE_MINUTES",
    "10",
    "How long the one-time code sent to the applicant (to collect an electronic result, rate "
    "or complain) stays valid.",
)
SIGNIN_FAILURE_LIMIT = declare(
    "SIGNIN_FAILURE_LIMIT",
    "5",
    "Wrong passwords in a row after which an account is locked (django-axes, on every sign-in "
    "path: workspace and admin), whatever the address they come from.",
)
SIGNIN_LOCKOUT_MINUTES = declare(
    "SIGNIN_LOCKOUT_MINUTES",
    "15",
    "How long a locked account stays locked; an administrator can unlock it earlier in the "
    "admin (Access attempts) or with `motcua axes_reset_username NAME`.",
)
SESSION_IDLE_MINUTES = declare(
    "SESSION_IDLE_MINUTES",
    "30",
    "A staff session unused for this long is signed out.",
)
SESSION_MAX_HOURS = declare(
    "SESSION_MAX_HOURS",
    "12",
    "A staff session ends this long after sign-in, however busy.",
)
API_TOKEN_DAYS = declare(
    "API_TOKEN_DAYS",
    "90",
    "Days an API token is valid from its creation, unless it is made with another lifetime.",
)
WEBAUTHN_RP_ID = declare(
    "WEBAUTHN_RP_ID",
    "",
    "Domain passkeys are bound to (e.g. `motcua.hanoi.gov.vn`). Default: the host of "
    "PUBLIC_BASE_URL. Changing it invalidates every registered passkey.",
)
