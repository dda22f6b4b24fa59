"""The one clock seam: everything that needs "now" calls :func:`now`.

Domain modules never call it; they take ``now`` as an argument. Tests that need a fixed instant
patch this function (``motcua.core.clock.now``) rather than the standard library.
"""

from datetime import date, datetime

from django.utils import timezone


def now() -> datetime:
    """Return the current aware datetime (UTC)."""
    return timezone.now()


def today() -> date:
    """Return today's date in Hanoi (the Center's legal day)."""
    return timezone.localdate(now())
