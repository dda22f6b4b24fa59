"""The second factor at sign-in, the security page, the lockout page."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode, urlsplit

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.accounts import devices as dev
from motcua.accounts.policy import needs_second_factor
from motcua.core import clock
from motcua.core.errors import DomainError
from motcua.core.models import ApiToken
from motcua.core.services import api_token_create, api_token_revoke

LOCKED_TEMPLATE = "accounts/locked.html"


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return reverse("workspace:home")
    return target


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """Second step of sign-in: a code from the app, a backup code or a passkey."""
    if request.user.is_verified():
        return redirect(_next(request))
    if not dev.has_device(request.user):
        return redirect(f"{reverse('accounts:setup')}?{urlencode({'next': _next(request)})}")
    error = ""
    if request.method == "POST":
        token = request.POST.get("token", "").strip().replace(" ", "")
        device = django_otp.match_token(request.user, token) if token else None
        if device is not None:
            django_otp.login(request, device)
            return redirect(_next(request))
        error = _("This code is not right, or was already used. Try the current one.")
    return render(
        request,
        "accounts/verify.html",
        {
            "next": _next(request),
            "error": error,
            "passkeys": _has_passkey(request.user),
            "passkey_elsewhere": _passkey_elsewhere(request),
        },
        status=422 if error else 200,
    )


def _has_passkey(user) -> bool:
    from django_otp_webauthn.models import WebAuthnCredential

    return WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()


def _passkey_elsewhere(request: HttpRequest) -> str | None:
    """None when passkeys work at the address this page was asked at; else where they do.

    The browser accepts a passkey only on the relying party's name or a name under it: the
    demo served at http://127.0.0.1:8000 is the same server as http://localhost:8000, but only
    the latter can register or use a passkey (an IP address is never a relying party).
    """
    rp_id = settings.OTP_WEBAUTHN_RP_ID
    host = urlsplit(f"//{request.get_host()}").hostname or ""
    if host == rp_id or host.endswith(f".{rp_id}"):
        return None
    origins = [o for o in settings.OTP_WEBAUTHN_ALLOWED_ORIGINS if urlsplit(o).hostname == rp_id]
    return origins[0].rstrip("/") + request.get_full_path() if origins else ""


@login_required
def setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: scan the QR code, confirm with one code.

    Open without a second factor only to a person who has none yet (otherwise a stolen
    password could add the thief's own app).
    """
    if dev.has_device(request.user) and not request.user.is_verified():
        return redirect(f"{reverse('accounts:verify')}?{urlencode({'next': _next(request)})}")
    error = ""
    if request.method == "POST":
        try:
            device, codes = dev.totp_setup_confirm(
                user=request.user, token=request.POST.get("token", "")
            )
        except DomainError as exc:
            error = exc.detail
        else:
            django_otp.login(request, device)
            return render(
                request, "accounts/backup_codes.html", {"codes": codes, "next": _next(request)}
            )
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).order_by("-pk").first()
    if device is None or request.method == "GET":
        device = dev.totp_setup_start(user=request.user)
    return render(
        request,
        "accounts/setup.html",
        {
            "qr": dev.qr_data_uri(device.config_url),
            "secret": dev.totp_secret(device),
            "next": _next(request),
            "error": error,
            "required": needs_second_factor(request.user),
        },
        status=422 if error else 200,
    )


@login_required
def security(request: HttpRequest) -> HttpResponse:
    """One's second factors, backup codes, passkeys and API tokens."""
    from django_otp_webauthn.models import WebAuthnCredential

    tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at")
    return render(
        request,
        "accounts/security.html",
        {
            "totp": TOTPDevice.objects.filter(user=request.user, confirmed=True),
            "backup": StaticDevice.objects.filter(user=request.user, name=dev.BACKUP_NAME)
            .prefetch_related("token_set")
            .first(),
            "passkeys": WebAuthnCredential.objects.filter(user=request.user, confirmed=True),
            "passkey_elsewhere": _passkey_elsewhere(request),
            "required": needs_second_factor(request.user),
            "tokens": tokens,
            "now": clock.now(),
            "token_days": settings.API_TOKEN_DAYS,
            "new_token": request.session.pop("motcua_new_token", None),
        },
    )


@require_POST
@login_required
def backup_codes(request: HttpRequest) -> HttpResponse:
    codes = dev.backup_codes_renew(user=request.user)
    return render(
        request,
        "accounts/backup_codes.html",
        {"codes": codes, "next": reverse("accounts:security")},
    )


@require_POST
@login_required
def device_remove(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    from django_otp_webauthn.models import WebAuthnCredential

    model = {"totp": TOTPDevice, "passkey": WebAuthnCredential}.get(kind)
    device = model.objects.filter(pk=pk, user=request.user).first() if model else None
    if device is None:
        raise Http404
    try:
        dev.device_remove(user=request.user, device=device)
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("The device was removed."))
    return redirect("accounts:security")


@require_POST
@login_required
def token_create(request: HttpRequest) -> HttpResponse:
    try:
        days = int(request.POST.get("days") or settings.API_TOKEN_DAYS)
        _token, raw = api_token_create(
            user=request.user,
            name=request.POST.get("name", ""),
            days=days,
            read_only=request.POST.get("read_only") == "on",
        )
    except ValueError:
        messages.error(request, _("Enter the number of days the token lasts."))
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        # Shown once, on the next page, then forgotten.
        request.session["motcua_new_token"] = raw
    return redirect("accounts:security")


@require_POST
@login_required
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = ApiToken.objects.filter(pk=pk, user=request.user).first()
    if token is None:
        raise Http404
    api_token_revoke(token=token, by=request.user)
    messages.success(request, _("The token was revoked."))
    return redirect("accounts:security")


def locked_out(request: HttpRequest, original_response=None, credentials: dict | None = None):
    """django-axes calls this instead of signing in a locked account (every sign-in path)."""
    minutes = int(settings.AXES_COOLOFF_TIME / timedelta(minutes=1))
    response = render(request, LOCKED_TEMPLATE, {"minutes": minutes}, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response


def locked(request: HttpRequest) -> HttpResponse:
    """The same page at its own address (linked from the documentation, for screenshots)."""
    return locked_out(request)
