"""Shared pytest set-up. Tests run offline against a real database (SQLite or PostgreSQL)."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parent


def pytest_configure(config):
    """Compile the Vietnamese catalogue when it is missing or older than its source.

    `make test` does this too; doing it here keeps a bare `pytest` run from testing stale
    or English-only messages.
    """
    msgfmt = shutil.which("msgfmt")
    for po in ROOT.glob("locale/*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        if msgfmt is None:
            raise pytest.UsageError(
                "msgfmt (Debian package gettext) is needed to compile " + str(po)
            )
        subprocess.run([msgfmt, "--check-format", "-o", str(mo), str(po)], check=True)


# One Debian Chromium for the whole session (Playwright allows one per thread), shared by
# every app's browser tests.
from motcua.workspace.tests.browser import chromium, open_session  # noqa: E402, F401


@pytest.fixture(autouse=True)
def _empty_reference_cache():
    """Each test builds its own reference rows; none may leak from the previous test's cache."""
    from motcua.core.refcache import reference_cache

    reference_cache.clear()
    yield
    reference_cache.clear()


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.LANGUAGE_CODE = "vi"
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    # PBKDF2 costs about a second per account on a busy runner; the hasher is not under test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests move Django's clock by days (the clock fixture); the stored session would expire
    # with them. The 12-hour limit itself is the session middleware's, on the wall clock, and
    # has its own test (motcua/accounts/tests/test_views.py).
    settings.SESSION_COOKIE_AGE = 60 * 86400


@pytest.fixture(autouse=True)
def _signed_in_with_second_factor(monkeypatch):
    """``client.force_login(user)`` signs in as if the second factor had been passed.

    The administrator, directors and inspectors must pass a second factor before any staff
    page (docs/decisions/0012). The suite's tests are about other things, so the helper gives
    the user a confirmed backup-code device and marks the session verified with it, exactly
    as django-otp does after a good code. ``force_login(user, verified=False)`` signs in with
    the password step only, for the tests of the second factor itself.
    """
    from django.test import Client

    original = Client.force_login

    def force_login(self, user, backend=None, verified=True):
        original(self, user, backend)
        if verified:
            from motcua.accounts.testing import verify_session

            verify_session(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)
