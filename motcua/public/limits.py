"""Abuse limits shared by every process (docs/decisions/0013-abuse-limits.md).

The counters live in the database (:class:`motcua.public.models.AbuseCounter`), not in a
process's memory nor in a cache: two workers, or two servers, see one count, and the
embedded SQLite default needs no other service. One statement counts a hit and returns the
new count, atomically (``INSERT … ON CONFLICT DO UPDATE … RETURNING``, as the dossier codes'
counter); a window that ran out starts again at the hit.

The client is ``REMOTE_ADDR`` (an IPv6 address counts by its /64, what one subscriber gets):
behind a reverse proxy the proxy must write the client's address there, since a forwarded
header anyone can write would let anyone escape every limit.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core import clock
from motcua.core.errors import DomainError, NotFound
from motcua.public.models import AbuseCounter

_TABLE = AbuseCounter._meta.db_table
DAY = "day"  # a window that ends at the next midnight, Hanoi time


class TooManyRequests(DomainError):
    """A limit was hit: the API answers 429 problem+json, the pages a 429 page; both carry
    ``Retry-After`` (seconds)."""

    status = 429
    code = "too_many_requests"
    title = _("Too many requests")

    def __init__(self, detail: str, *, retry_after: int, field: str | None = None):
        super().__init__(detail, field=field, retry_after=retry_after)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Hit:
    count: int
    limit: int
    retry_after: int  # seconds until the window ends

    @property
    def over(self) -> bool:
        return self.count > self.limit


def limit(name: str) -> int:
    return int(settings.ABUSE_LIMITS[name])


def client_of(request: HttpRequest) -> str:
    """The client's address as counted: IPv4 whole, IPv6 by its /64."""
    raw = (request.META.get("REMOTE_ADDR") or "").strip()
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return raw or "unknown"
    if address.version == 6:
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _key(rule: str, subject: str) -> str:
    return hashlib.sha256(f"motcua:{rule}:{subject}".encode()).hexdigest()


def _window_end(now: datetime, window: int | str) -> tuple[str, datetime]:
    """The window's suffix of the key and its end."""
    if window == DAY:
        day = timezone.localdate(now)
        midnight = datetime.combine(day + timedelta(days=1), datetime.min.time())
        return day.isoformat(), timezone.make_aware(midnight)
    return "", now + timedelta(seconds=int(window))


def hit(
    rule: str, subject: str, *, limit: int, window: int | str, amount: int = 1,
    now: datetime | None = None,
) -> Hit:  # fmt: skip
    """Count ``amount`` for ``rule`` and ``subject`` and return the new count.

    ``window`` is seconds from the first hit, or :data:`DAY`. Runs in its own short
    transaction when called outside one, so that a count survives the request's failure.
    """
    now = now or clock.now()
    suffix, end = _window_end(now, window)
    key = _key(rule, f"{subject}:{suffix}" if suffix else subject)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_TABLE} (key, count, expires_at) VALUES (%s, %s, %s) "  # noqa: S608
            f"ON CONFLICT (key) DO UPDATE SET "
            f"count = CASE WHEN {_TABLE}.expires_at <= %s THEN excluded.count "
            f"ELSE {_TABLE}.count + excluded.count END, "
            f"expires_at = CASE WHEN {_TABLE}.expires_at <= %s THEN excluded.expires_at "
            f"ELSE {_TABLE}.expires_at END "
            "RETURNING count, expires_at",
            [key, amount, end, now, now],
        )
        count, expires_at = cursor.fetchone()
    if isinstance(expires_at, str):  # SQLite's RETURNING gives the stored text back
        expires_at = datetime.fromisoformat(expires_at)
    if timezone.is_naive(expires_at):
        expires_at = expires_at.replace(tzinfo=UTC)
    if random.random() < 0.01:  # noqa: S311 - housekeeping, not security
        purge(now=now)
    retry = max(1, math.ceil((expires_at - now).total_seconds()))
    return Hit(count=int(count), limit=limit, retry_after=retry)


def purge(*, now: datetime | None = None) -> int:
    """Delete the counters whose window ended (they would start again anyway)."""
    now = now or clock.now()
    deleted, _ = AbuseCounter.objects.filter(expires_at__lt=now).delete()
    return deleted


# -- the rules ------------------------------------------------------------------------------------


def _count(rule: str, subject: str, *, most: int, window: int | str, detail, amount: int = 1):
    """Count one hit (or ``amount``) of ``rule`` for ``subject``; over ``most``, refuse with
    ``detail`` (a lazy message; ``%(minutes)s`` in it becomes the minutes to wait)."""
    found = hit(rule, subject, limit=most, window=window, amount=amount)
    if found.over:
        message = str(detail) % {"minutes": _minutes(found.retry_after)}
        raise TooManyRequests(message, retry_after=found.retry_after)


def _minutes(seconds: int) -> int:
    return max(1, math.ceil(seconds / 60))


def check_lookup(request: HttpRequest) -> None:
    """One public lookup (of a dossier, a complaint, a rating) from this client."""
    _count("lookup:address", client_of(request), most=limit("lookups_per_address"), window=60,
           detail=_("Too many lookups from your connection in a short time. Wait %(minutes)s "
                    "minute(s), then try again."))  # fmt: skip


def _lock_seconds() -> int:
    return limit("lookup_lock_minutes") * 60


def guard_code(request: HttpRequest, code: str) -> list[tuple[str, str]]:
    """Before a verifier (or a one-time code) is compared: count one attempt on ``code`` and
    from this client, and refuse when either is locked. Call :func:`attempt_succeeded` with
    the returned counters when the verifier was right, so that only failures lock.

    The attempt is counted first, so that concurrent guesses cannot all pass a check made
    before any of them failed: at most the limit's number of wrong verifiers are ever compared
    in a window, whatever the number of addresses.
    """
    code = (code or "").strip().upper()[:60]
    seconds = _lock_seconds()
    counters = [("lookup:code", code), ("lookup:failures", client_of(request))]
    by_code = hit(*counters[0], limit=limit("lookup_failures_per_code"), window=seconds)
    by_client = hit(*counters[1], limit=limit("lookup_failures_per_address"), window=seconds)
    if by_code.over or by_client.over:
        attempt_succeeded(counters)  # a refused attempt compared nothing
        worst = by_code if by_code.over else by_client
        detail = (
            _("Too many wrong answers were given for this code. To protect the applicant, it "
              "is locked for %(minutes)s minute(s); try again later.")
            if by_code.over
            else _("Too many wrong answers were given from your connection. Wait %(minutes)s "
                   "minute(s), then try again.")
        ) % {"minutes": _minutes(worst.retry_after)}  # fmt: skip
        raise TooManyRequests(detail, retry_after=worst.retry_after)
    return counters


def attempt_succeeded(counters: list[tuple[str, str]]) -> None:
    """Give back the attempts :func:`guard_code` counted: the verifier was right."""
    seconds = _lock_seconds()
    for rule, subject in counters:
        hit(rule, subject, limit=0, window=seconds, amount=-1)


def check_filing(request: HttpRequest, *, site_code: str) -> None:
    """One online filing from this client at ``site_code`` (both per day)."""
    _count("filing:address", client_of(request), most=limit("filings_per_address"), window=DAY,
           detail=_("Your connection has filed many dossiers today. To keep the service open to "
                    "everyone, more can be filed tomorrow, or at a site's counter."))  # fmt: skip
    _count("filing:site", site_code, most=limit("filings_per_site"), window=DAY,
           detail=_("This site has received as many online filings as it can check today. File "
                    "tomorrow, or choose another site."))  # fmt: skip


def check_feedback(request: HttpRequest) -> None:
    """One rating, complaint or reply sent from this client (per hour)."""
    _count("feedback:address", client_of(request), most=limit("feedback_per_address"),
           window=3600,
           detail=_("Many ratings and complaints were sent from your connection in the last "
                    "hour. Wait %(minutes)s minute(s), then send again."))  # fmt: skip


def check_upload(request: HttpRequest, *, size: int) -> None:
    """``size`` bytes offered to the online filing form by this client (per day)."""
    _count("upload:address", client_of(request), window=DAY, amount=size,
           most=limit("upload_mb_per_address") * 1024 * 1024,
           detail=_("Your connection has sent many files today. More can be sent tomorrow, or "
                    "the papers brought to a site's counter."))  # fmt: skip


def verified[T](request: HttpRequest, code: str, check: Callable[[], T]) -> T:
    """Run ``check`` (which compares a verifier for ``code`` and raises
    :class:`~motcua.core.errors.NotFound` when it is wrong) under :func:`guard_code`: a wrong
    verifier counts against the code and the client, anything else gives the attempt back."""
    counters = guard_code(request, code)
    try:
        result = check()
    except NotFound:
        raise
    except BaseException:
        attempt_succeeded(counters)
        raise
    attempt_succeeded(counters)
    return result


def limited_page(request: HttpRequest, exc: TooManyRequests) -> HttpResponse:
    """The page a client over a limit sees: what happened and when to come back (429)."""
    response = render(
        request,
        "public/limited.html",
        {"message": exc.detail, "minutes": _minutes(exc.retry_after)},
        status=429,
    )
    response["Retry-After"] = str(exc.retry_after)
    return response
