"""Session limits and the second factor, checked before any staff page, admin page or API call.

Order (settings.MIDDLEWARE): after ``AuthenticationMiddleware`` and django-otp's
``OTPMiddleware`` (which gives ``request.user.is_verified()``); API calls with a bearer token
carry no session and are not concerned.
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from motcua.accounts.policy import (
    ENDED,
    HAS_DEVICE,
    LAST_SEEN_AT,
    SEEN_PRECISION_SECONDS,
    SIGNED_IN_AT,
    needs_second_factor,
)

#: Where a person must have passed the second factor, when their post requires one.
GUARDED = ("/workspace/", "/admin/", "/api/")
#: What an unverified person may still reach: signing in and out, the second factor itself,
#: and the public API.
OPEN = (
    "/workspace/login/",
    "/workspace/logout/",
    "/workspace/security/verify/",
    "/workspace/security/setup/",
    "/workspace/security/locked/",
    "/workspace/security/webauthn/authentication/",
    "/workspace/security/webauthn/jsi18n/",
    "/admin/login/",
    "/admin/logout/",
    "/api/v1/public/",
)


class SessionLimitsMiddleware:
    """Sign out a session idle for ``SESSION_IDLE_SECONDS`` or older than
    ``SESSION_MAX_SECONDS``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        if SESSION_KEY in session:
            now = time.time()
            started = session.get(SIGNED_IN_AT)
            seen = session.get(LAST_SEEN_AT)
            if started is None or seen is None:
                # A session from before the limits: its clock starts now.
                session[SIGNED_IN_AT] = started = now
                session[LAST_SEEN_AT] = seen = now
            ended = None
            if now - started > settings.SESSION_MAX_SECONDS:
                ended = "absolute"
            elif now - seen > settings.SESSION_IDLE_SECONDS:
                ended = "idle"
            if ended:
                logout(request)
                request.session[ENDED] = ended
            elif now - seen >= SEEN_PRECISION_SECONDS:
                session[LAST_SEEN_AT] = now
        return self.get_response(request)


def _guarded(path: str) -> bool:
    return path.startswith(GUARDED) and not path.startswith(OPEN)


class SecondFactorMiddleware:
    """Send a person whose post requires a second factor to set one up or to use it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and _guarded(request.path)
            and not user.is_verified()
            and (request.session.get(HAS_DEVICE) or needs_second_factor(user))
        ):
            return self._refuse(request)
        return self.get_response(request)

    @staticmethod
    def _refuse(request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            detail = _("Your post requires a second factor: confirm your sign-in in the workspace.")
            return JsonResponse(
                {
                    "type": "about:blank",
                    "title": str(_("You may not do this")),
                    "status": 403,
                    "code": "second_factor_required",
                    "detail": detail,
                },
                status=403,
                content_type="application/problem+json",
            )
        from motcua.accounts.devices import has_device

        name = "accounts:verify" if has_device(request.user) else "accounts:setup"
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse(name)}?{query}")
