"""The SMS gateway interface, the backends that ship with motcua, and SMS arithmetic.

A gateway is a subclass of :class:`SmsBackend` named by the ``SMS_BACKEND`` setting. The
default, :class:`LogSmsBackend`, only writes each message to the ``motcua.sms`` log, so that
nothing leaves a development machine; :class:`LocmemSmsBackend` keeps messages in memory for
tests and demonstrations, as Django's locmem e-mail backend does.
"""

from __future__ import annotations

import logging
import math
import re
import uuid
from dataclasses import dataclass
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

logger = logging.getLogger("motcua.sms")


class SmsError(Exception):
    """A message could not be handed to the gateway."""


class InvalidPhoneNumber(SmsError):
    """The number cannot receive SMS (not a mobile number, or not a number at all)."""


class SmsBackend:
    """Base class of SMS gateways."""

    def send(self, *, to: str, text: str) -> str:
        """Send ``text`` to ``to`` (E.164, e.g. ``+84912345678``); return the provider's id.

        Raise :class:`SmsError` when the gateway refuses the message or cannot be reached.
        """
        raise NotImplementedError


class LogSmsBackend(SmsBackend):
    """Write the message to the ``motcua.sms`` log instead of sending it."""

    def send(self, *, to: str, text: str) -> str:
        message_id = uuid.uuid4().hex
        logger.info("SMS %s to %s: %s", message_id, to, text)
        return message_id


@dataclass(frozen=True)
class SmsMessage:
    id: str
    to: str
    text: str


class LocmemSmsBackend(SmsBackend):
    """Keep messages in :attr:`outbox`, shared by every instance, for tests and demos."""

    outbox: ClassVar[list[SmsMessage]] = []

    def send(self, *, to: str, text: str) -> str:
        message = SmsMessage(id=uuid.uuid4().hex, to=to, text=text)
        self.outbox.append(message)
        return message.id


def get_sms_backend() -> SmsBackend:
    """Return an instance of the gateway named by ``settings.SMS_BACKEND``.

    Raise ImproperlyConfigured when the path does not name an :class:`SmsBackend` subclass.
    """
    path = settings.SMS_BACKEND
    try:
        backend_class = import_string(path)
    except ImportError as exc:
        raise ImproperlyConfigured(f"SMS_BACKEND {path!r} cannot be imported: {exc}") from exc
    if not (isinstance(backend_class, type) and issubclass(backend_class, SmsBackend)):
        raise ImproperlyConfigured(f"SMS_BACKEND {path!r} is not an SmsBackend subclass")
    return backend_class()


_SEPARATORS = re.compile(r"[\s.\-()]")
# Vietnamese mobile numbers are 0 + 9 digits, the first of them 3, 5, 7, 8 or 9; 02x numbers
# are landlines, which cannot receive SMS.
_VIETNAMESE_MOBILE = re.compile(r"(?:\+84|84|0)([35789]\d{8})")
_E164 = re.compile(r"\+[1-9]\d{7,14}")


def normalize_phone(number: str) -> str:
    """Return ``number`` as E.164 (``0912 345 678`` -> ``+84912345678``).

    Foreign numbers are accepted only in international form (``+<country><number>``).
    Raise :class:`InvalidPhoneNumber` for anything else, Vietnamese landlines included.
    """
    compact = _SEPARATORS.sub("", number)
    if match := _VIETNAMESE_MOBILE.fullmatch(compact):
        return "+84" + match.group(1)
    if _E164.fullmatch(compact) and not compact.startswith("+84"):
        return compact
    raise InvalidPhoneNumber(_("Not a mobile phone number: %(number)s") % {"number": number})


# GSM 03.38: the basic alphabet costs one septet per character, the extension table two.
_GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENSION = frozenset("^{}\\[~]|€\f")


def _units(text: str) -> tuple[int, int, int]:
    """Return the length of ``text`` in its encoding's units, and the single and part sizes."""
    if all(ch in _GSM_BASIC or ch in _GSM_EXTENSION for ch in text):
        return sum(2 if ch in _GSM_EXTENSION else 1 for ch in text), 160, 153
    # Anything else (Vietnamese diacritics included) goes as UCS-2, in UTF-16 code units.
    return len(text.encode("utf-16-le")) // 2, 70, 67


def sms_segments(text: str) -> int:
    """Return how many SMS segments ``text`` takes (a concatenated part carries a header)."""
    length, single, part = _units(text)
    return 1 if length <= single else math.ceil(length / part)


def sms_overflow(text: str, segments: int) -> int:
    """Return how many units ``text`` exceeds ``segments`` segments by (zero or less: fits)."""
    length, single, part = _units(text)
    return length - (single if segments == 1 else part * segments)
