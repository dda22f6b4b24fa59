"""Authentication for the API: a bearer token for integrations, the session for the UI."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth
from ninja.utils import check_csrf

from motcua.core import clock
from motcua.core.errors import PermissionDenied
from motcua.core.models import ApiToken
from motcua.core.refcache import reference_cache
from motcua.core.services import digest_token

LAST_USED_PRECISION = timedelta(minutes=1)
#: How long a process trusts a token it has checked. An integration sends many requests a
#: second; reading the token, its user and profile on each one cost a third of an intake.
#: A revocation is seen at once by the process that made it, within this time by the others.
TOKEN_CACHE_SECONDS = 10

_last_recorded: dict[int, datetime] = {}
_last_recorded_lock = threading.Lock()
#: Methods a read-only token may use.
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class _UnknownToken(Exception):
    """Raised inside the cache's computation so that a wrong token is never cached."""


def _token_owner(digest: str) -> tuple[int, object, datetime | None, bool]:
    found = (
        ApiToken.objects.select_related("user__staff_profile")
        .filter(digest=digest, revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if found is None:
        raise _UnknownToken
    return found.pk, found.user, found.expires_at, found.read_only


def _record_use(token_id: int, digest: str) -> None:
    # Recording every use would add a write to every request; a minute's precision is enough.
    now = clock.now()
    with _last_recorded_lock:
        last = _last_recorded.get(digest)
        if last is not None and timedelta(0) <= now - last <= LAST_USED_PRECISION:
            return
        if len(_last_recorded) > 10_000:
            _last_recorded.clear()
        _last_recorded[digest] = now
    ApiToken.objects.filter(pk=token_id).update(last_used_at=now)


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        digest = digest_token(token)
        try:
            token_id, user, expires_at, read_only = reference_cache.get_or_set(
                ("api-token", digest), lambda: _token_owner(digest), ttl=TOKEN_CACHE_SECONDS
            )
        except _UnknownToken:
            return None
        if expires_at is None or expires_at <= clock.now():
            return None  # 401, like an unknown token: an expired secret tells nothing more
        if read_only and request.method not in READ_METHODS:
            raise PermissionDenied(_("This API token may only read."))
        _record_use(token_id, digest)
        request.user = user
        return user


class CsrfFailed(PermissionDenied):
    code = "csrf_failed"


class SessionAuth(NinjaSessionAuth):
    """The session of a signed-in person. Without one the answer is 401 (Ninja's own checked
    the CSRF token first, so an anonymous action got 403 "CSRF check Failed"); a session
    without the CSRF token gets a translated 403."""

    def __call__(self, request: HttpRequest):
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)

    def _get_key(self, request: HttpRequest) -> str | None:
        exempt = getattr(request, "_ninja_csrf_exempt", False)
        if self.csrf and not exempt and check_csrf(request) is not None:
            raise CsrfFailed(
                _(
                    "The security token (CSRF) of this session is missing or wrong; "
                    "reload the page and try again."
                )
            )
        return request.COOKIES.get(self.param_name)


#: Use as ``auth=STAFF_AUTH`` on every endpoint that needs a signed-in person or integration.
STAFF_AUTH = [TokenAuth(), SessionAuth()]
