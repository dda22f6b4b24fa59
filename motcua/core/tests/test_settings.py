"""Production mode refuses unsafe settings; the check runs in a fresh interpreter each time."""

import os
import subprocess
import sys

import pytest

GOOD_SECRET = "x" * 50


def _start(**env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    environ.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        env={**environ, "DJANGO_SETTINGS_MODULE": "motcua.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "reason"),
    [
        (
            {"SECRET_KEY": GOOD_SECRET, "ALLOWED_HOSTS": "motcua.example", "DEBUG": "1"},
            "DEBUG is on",
        ),
        ({"ALLOWED_HOSTS": "motcua.example"}, "SECRET_KEY is unset"),
        ({"SECRET_KEY": "short", "ALLOWED_HOSTS": "motcua.example"}, "SECRET_KEY is unset"),
        ({"SECRET_KEY": GOOD_SECRET, "ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS is empty"),
    ],
)
def test_production_refuses_to_start_with_unsafe_settings(env, reason):
    result = _start(MOTCUA_ENV="production", **env)
    assert result.returncode != 0
    assert "refuses to start in production" in result.stderr
    assert reason in result.stderr


def test_production_starts_with_safe_settings():
    result = _start(MOTCUA_ENV="production", SECRET_KEY=GOOD_SECRET, ALLOWED_HOSTS="motcua.example")
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_unknown_mode_is_refused_by_name():
    result = _start(MOTCUA_ENV="staging")
    assert result.returncode != 0
    assert "MOTCUA_ENV must be development, demo or production" in result.stderr


def test_unsupported_database_is_refused():
    result = _start(DATABASE_URL="mysql://root@localhost/motcua")
    assert result.returncode != 0
    assert "supports SQLite and PostgreSQL" in result.stderr


def test_defaults_are_vietnamese_and_hanoi_time(settings):
    assert settings.LANGUAGE_CODE == "vi"
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert [code for code, _name in settings.LANGUAGES] == ["vi", "en"]
    assert settings.USE_TZ is True
