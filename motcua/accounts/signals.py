"""Sign-ins, sign-outs and failures go to the ``motcua.accounts`` log (axes keeps its own)."""

from __future__ import annotations

import logging
import time

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from motcua.accounts.policy import HAS_DEVICE, LAST_SEEN_AT, SIGNED_IN_AT

log = logging.getLogger("motcua.accounts")


def _address(request) -> str:
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""


@receiver(user_logged_in)
def _signed_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[SIGNED_IN_AT] = now
        request.session[LAST_SEEN_AT] = now
        from motcua.accounts.devices import has_device

        request.session[HAS_DEVICE] = has_device(user)
    log.info("sign-in %s from %s", user.get_username(), _address(request))


@receiver(user_logged_out)
def _signed_out(sender, request, user, **kwargs):
    name = user.get_username() if user is not None else "?"
    log.info("sign-out %s from %s", name, _address(request))


@receiver(user_login_failed)
def _failed(sender, credentials, request=None, **kwargs):
    # The credentials are cleansed by Django; only the username is kept.
    log.warning(
        "sign-in failed for %s from %s", credentials.get("username", "?"), _address(request)
    )
