"""Public tests reuse the dossiers fixtures (the real Hanoi data, people, the clock) and start
each test with an empty cache, where the lookup limit counts. The browser comes from the root
conftest."""

import pytest
from django.core.cache import cache

from motcua.dossiers.tests.conftest import clock, hanoi_data, people  # noqa: F401


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _sms_outbox(settings):
    """One-time codes go through the SMS backend that keeps its messages."""
    from motcua.dossiers.sms import LocmemSmsBackend

    settings.SMS_BACKEND = "motcua.dossiers.sms.LocmemSmsBackend"
    LocmemSmsBackend.outbox.clear()
