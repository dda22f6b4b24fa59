"""Authentication for the API: a bearer token for integrations, the session for the UI."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from motcua.core import clock
from motcua.core.models import ApiToken
from motcua.core.services import digest_token


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        found = (
            ApiToken.objects.select_related("user")
            .filter(digest=digest_token(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if found is None:
            return None
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=clock.now())
        request.user = found.user
        return found.user


#: Use as ``auth=STAFF_AUTH`` on every endpoint that needs a signed-in person or integration.
STAFF_AUTH = [TokenAuth(), SessionAuth()]
