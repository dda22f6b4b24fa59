"""State changes of the core app."""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.core import clock
from motcua.core.errors import InvalidInput, PermissionDenied
from motcua.core.models import ApiToken
from motcua.core.refcache import reference_cache

TOKEN_PREFIX = "mc_"  # noqa: S105 - a visible marker, not a secret
#: The longest lifetime a token may be given (a year); the default is API_TOKEN_DAYS.
MAX_TOKEN_DAYS = 366

log = logging.getLogger("motcua.accounts")


def digest_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(
    *,
    user: AbstractBaseUser,
    name: str = "",
    days: int | None = None,
    read_only: bool = False,
) -> tuple[ApiToken, str]:
    """Create a token for ``user``; return it with the raw secret, which is shown only once.

    It expires after ``days`` (default ``API_TOKEN_DAYS``, at most a year); a ``read_only``
    token may only read.
    """
    days = settings.API_TOKEN_DAYS if days is None else days
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise InvalidInput(
            _("A token lasts from 1 to %(max)s days.") % {"max": MAX_TOKEN_DAYS}, field="days"
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name.strip()[:100],
        prefix=raw[:10],
        digest=digest_token(raw),
        expires_at=clock.now() + timedelta(days=days),
        read_only=read_only,
    )
    log.info(
        "api token %s created for %s (read_only=%s, %s days)",
        token.prefix,
        user.get_username(),
        read_only,
        days,
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by: AbstractBaseUser | None = None) -> None:
    """Revoke ``token``: refused at once here, within ``TOKEN_CACHE_SECONDS`` elsewhere.

    With ``by``, only the token's owner or a superuser may revoke it.
    """
    if by is not None and by.pk != token.user_id and not getattr(by, "is_superuser", False):
        raise PermissionDenied(_("You may revoke only your own tokens."))
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=clock.now())
    log.info("api token %s revoked by %s", token.prefix, by.get_username() if by else "a command")
    transaction.on_commit(reference_cache.clear)
