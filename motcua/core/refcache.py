"""A process-local cache of reference data: the rules-as-data every request reads.

The catalogue, the network, the regimes, the working calendar and people's posts change a few
times a year but are read on every dossier intake. Caching them in each application process
removes most of an intake's queries. Two rules keep it honest:

- an entry lives ``REFERENCE_CACHE_SECONDS`` (60 by default; 0 turns the cache off), so an
  edit made in another process is seen within that time;
- a save or delete of a reference model in this process empties the cache at once.

Only immutable values or model instances that nobody mutates may be cached. Tests empty it
before each test (the root conftest).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from django.conf import settings

T = TypeVar("T")
_MISSING = object()


class ReferenceCache:
    def __init__(self) -> None:
        self._entries: dict[Hashable, tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def get_or_set(self, key: Hashable, compute: Callable[[], T], *, ttl: int | None = None) -> T:
        """The cached value of ``key``, computed when missing or older than its lifetime.

        ``ttl`` shortens the lifetime below ``REFERENCE_CACHE_SECONDS`` for one kind of entry.
        """
        longest = getattr(settings, "REFERENCE_CACHE_SECONDS", 60)
        ttl = longest if ttl is None else min(ttl, longest)
        if ttl <= 0:
            return compute()
        now = time.monotonic()
        entry = self._entries.get(key, _MISSING)
        if entry is not _MISSING and entry[0] > now:
            return entry[1]
        value = compute()
        with self._lock:
            if len(self._entries) > 50_000:  # a runaway key space must not eat the memory
                self._entries.clear()
            self._entries[key] = (now + ttl, value)
        return value

    def clear(self, *args, **kwargs) -> None:
        """Empty the cache (also usable as a signal receiver)."""
        with self._lock:
            self._entries.clear()


reference_cache = ReferenceCache()

#: Models whose rows the cache may hold, directly or through a computed answer.
REFERENCE_MODELS = [
    "catalog.Procedure",
    "catalog.ProcedureVersion",
    "catalog.ProcedureComponent",
    "catalog.ProcessStep",
    "dossiers.Regime",
    "dossiers.FormTemplate",
    "organization.AdministrativeUnit",
    "organization.Agency",
    "organization.Site",
    "organization.SiteCoverage",
    "organization.Assignment",
    "organization.Secondment",
    "organization.StaffProfile",
    "worktime.CalendarOverride",
    "auth.User",
    "core.ApiToken",
]


def connect_signals() -> None:
    from django.apps import apps
    from django.db.models.signals import post_delete, post_save

    for label in REFERENCE_MODELS:
        model = apps.get_model(label)
        for signal in (post_save, post_delete):
            signal.connect(reference_cache.clear, sender=model, weak=False,
                           dispatch_uid=f"refcache-{label}-{signal}")  # fmt: skip
