"""A limit on dossier lookups per client, so that codes and verifiers cannot be guessed in bulk.

Four digits leave 1 in 10,000 to a guess; ten tries a minute per address make guessing a known
code's verifier take days, and guessing codes hopeless. The count lives in Django's cache
(the default local-memory cache counts per process; a shared cache such as Redis or the
database cache counts across processes). The client is ``REMOTE_ADDR``: behind a reverse
proxy, the proxy must pass the client's address there, since a forwarded header that anyone
can write would let anyone escape the limit.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.http import HttpRequest

LOOKUPS_PER_WINDOW = 10
WINDOW_SECONDS = 60


def _key(request: HttpRequest) -> str:
    client = request.META.get("REMOTE_ADDR", "") or "unknown"
    return "motcua:public:lookups:" + hashlib.sha256(client.encode()).hexdigest()[:32]


def lookup_allowed(request: HttpRequest) -> bool:
    """Count one lookup by this client; ``False`` once it made too many in the window.

    The window opens with the client's first lookup and lasts ``WINDOW_SECONDS``.
    """
    key = _key(request)
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.set(key, 1, timeout=WINDOW_SECONDS)
        count = 1
    return count <= LOOKUPS_PER_WINDOW
