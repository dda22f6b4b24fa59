"""Second-factor devices: an authenticator app (TOTP), backup codes, passkeys (WebAuthn).

The devices are django-otp's; these services are the only code that creates or removes them.
"""

from __future__ import annotations

import base64
import io
import logging

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.accounts.policy import needs_second_factor
from motcua.core.errors import Conflict, InvalidInput

log = logging.getLogger("motcua.accounts")

BACKUP_CODES = 10
TOTP_NAME = "authenticator"
BACKUP_NAME = "backup"


def has_device(user: AbstractBaseUser) -> bool:
    return any(True for _device in devices_for_user(user, confirmed=True))


def devices_of(user: AbstractBaseUser) -> list:
    return list(devices_for_user(user, confirmed=True))


@transaction.atomic
def totp_setup_start(*, user: AbstractBaseUser) -> TOTPDevice:
    """A fresh, unconfirmed authenticator key for ``user`` (an earlier unconfirmed one goes)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)


@transaction.atomic
def totp_setup_confirm(*, user: AbstractBaseUser, token: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the pending key with a code from the app; return it and new backup codes."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        raise Conflict(_("Start the set-up again: no authenticator key is waiting."))
    if not device.verify_token((token or "").strip().replace(" ", "")):
        raise InvalidInput(
            _("This code is not right. Enter the 6 digits your app shows now."), field="token"
        )
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = backup_codes_renew(user=user)
    log.info("authenticator app set up for %s", user.get_username())
    return device, codes


@transaction.atomic
def backup_codes_renew(*, user: AbstractBaseUser) -> list[str]:
    """Ten new single-use backup codes; the old ones stop working. Shown once."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=BACKUP_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _i in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


@transaction.atomic
def device_remove(*, user: AbstractBaseUser, device) -> None:
    """Remove one of ``user``'s devices; refused for the last one when the post requires it."""
    if device.user_id != user.pk:
        raise InvalidInput(_("This device is not yours."))
    others = [d for d in devices_of(user) if d.persistent_id != device.persistent_id]
    if needs_second_factor(user) and not any(not isinstance(d, StaticDevice) for d in others):
        raise Conflict(
            _("Your post requires a second factor: add another one before removing this one.")
        )
    device.delete()
    log.info("second-factor device %s removed by %s", device.persistent_id, user.get_username())


def qr_data_uri(text: str) -> str:
    """An SVG QR code of ``text`` as a data: URI (the key never leaves the page)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def totp_secret(device: TOTPDevice) -> str:
    """The key in base32, grouped by four, for typing into an app by hand."""
    raw = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


@transaction.atomic
def demo_totp_create(*, user: AbstractBaseUser) -> TOTPDevice:
    """A confirmed authenticator for a demo account (demo mode only; docs/decisions/0012)."""
    from django.conf import settings

    if not settings.DEMO:
        raise Conflict(_("Demo authenticators exist only in demo mode."))
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=True)
