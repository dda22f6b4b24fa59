"""Authentication for the API: a bearer token for integrations, the session for the UI."""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from motcua.core import clock
from motcua.core.models import ApiToken
from motcua.core.services import digest_token

LAST_USED_PRECISION = timedelta(minutes=1)


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        found = (
            ApiToken.objects.select_related("user__staff_profile")
            .filter(digest=digest_token(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if found is None:
            return None
        now = clock.now()
        # Recording every use would add a write to every read; a minute's precision is enough.
        if found.last_used_at is None or now - found.last_used_at > LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        return found.user


#: Use as ``auth=STAFF_AUTH`` on every endpoint that needs a signed-in person or integration.
STAFF_AUTH = [TokenAuth(), SessionAuth()]
