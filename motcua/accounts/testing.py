"""Helpers for tests: sign in with a verified second factor, read the current TOTP code."""

from __future__ import annotations

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

TEST_DEVICE = "test"


def verify_session(client, user) -> None:
    """Mark ``client``'s signed-in session as having passed the second factor."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=TEST_DEVICE, defaults={"confirmed": True}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def totp_device_for(user) -> TOTPDevice:
    """``user``'s confirmed authenticator, made when missing."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def current_code(device: TOTPDevice) -> str:
    """The code an authenticator app would show now for ``device``.

    A code is accepted once: when this step's code was used already, the next step's (which
    the device accepts within its tolerance of one step) is given instead.
    """
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if device.last_t >= totp.t():
        totp.drift += device.last_t + 1 - totp.t()
    return f"{totp.token():0{device.digits}d}"
