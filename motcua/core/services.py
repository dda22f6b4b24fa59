"""State changes of the core app."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from motcua.core import clock
from motcua.core.models import ApiToken
from motcua.core.refcache import reference_cache

TOKEN_PREFIX = "mc_"  # noqa: S105 - a visible marker, not a secret


def digest_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user: AbstractBaseUser, name: str = "") -> tuple[ApiToken, str]:
    """Create a token for ``user``; return it with the raw secret, which is shown only once."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=raw[:10], digest=digest_token(raw))
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> None:
    """Revoke ``token``: refused at once here, within ``TOKEN_CACHE_SECONDS`` elsewhere."""
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=clock.now())
    transaction.on_commit(reference_cache.clear)
