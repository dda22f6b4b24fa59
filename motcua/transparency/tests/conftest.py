"""Transparency tests reuse the dossiers fixtures: the real Hanoi data, people, the clock."""

import pytest
from django.core.cache import cache

from motcua.dossiers.tests.conftest import clock, hanoi_data, people  # noqa: F401
from motcua.transparency.services import READ_FOLD_CACHE_KEY


@pytest.fixture(autouse=True)
def _fold_on_every_read():
    """A page read folds at most once per half minute; each test starts with a fold due."""
    cache.delete(READ_FOLD_CACHE_KEY)
    yield
    cache.delete(READ_FOLD_CACHE_KEY)
