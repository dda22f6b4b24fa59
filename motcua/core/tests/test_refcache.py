import pytest

from motcua.core.refcache import ReferenceCache, reference_cache
from motcua.organization.tests.factories import SiteFactory


def test_a_value_is_computed_once_within_its_lifetime(settings, monkeypatch):
    settings.REFERENCE_CACHE_SECONDS = 60
    cache, calls = ReferenceCache(), []
    clock = [1000.0]
    monkeypatch.setattr("motcua.core.refcache.time.monotonic", lambda: clock[0])

    def compute():
        calls.append(1)
        return len(calls)

    assert cache.get_or_set("k", compute) == 1
    assert cache.get_or_set("k", compute) == 1
    clock[0] += 61
    assert cache.get_or_set("k", compute) == 2


def test_zero_seconds_turns_the_cache_off(settings):
    settings.REFERENCE_CACHE_SECONDS = 0
    cache, calls = ReferenceCache(), []
    cache.get_or_set("k", lambda: calls.append(1))
    cache.get_or_set("k", lambda: calls.append(1))
    assert len(calls) == 2


def test_an_error_is_not_cached(settings):
    settings.REFERENCE_CACHE_SECONDS = 60
    cache = ReferenceCache()

    def fail():
        raise LookupError("absent")

    with pytest.raises(LookupError):
        cache.get_or_set("k", fail)
    assert cache.get_or_set("k", lambda: "found") == "found"


@pytest.mark.django_db
def test_saving_a_reference_row_empties_the_cache(settings):
    settings.REFERENCE_CACHE_SECONDS = 60
    reference_cache.get_or_set("site", lambda: "stale")
    site = SiteFactory()
    assert reference_cache.get_or_set("site", lambda: "fresh") == "fresh"
    reference_cache.get_or_set("site", lambda: "stale again")
    site.name = "Chi nhánh mới"
    site.save()
    assert reference_cache.get_or_set("site", lambda: "fresh") == "fresh"
