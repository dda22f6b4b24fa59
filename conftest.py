"""Shared pytest set-up. Tests run offline against a real database (SQLite or PostgreSQL)."""

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _vietnamese_by_default(settings):
    settings.LANGUAGE_CODE = "vi"
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
