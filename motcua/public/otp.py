"""One-time codes: acting as a dossier's applicant needs more than four digits.

The lookup's four digits (the end of the phone or ID number, guessable 2 in 10,000 and
locked per code after a few misses, :mod:`motcua.public.limits`) show a dossier's status.
Collecting its electronic result, rating it and complaining about it as its applicant also
need a code sent to the phone (else the e-mail) given at filing: six random digits, good
for ``ONE_TIME_CODE_MINUTES``, once, for :data:`MAX_ATTEMPTS` tries, stored as an HMAC only.
Sending goes through the notification path's SMS and e-mail backends, at once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.core import clock
from motcua.core.errors import Conflict, InvalidInput, NotFound
from motcua.dossiers.choices import DeliveryStatus
from motcua.dossiers.models import Dossier
from motcua.dossiers.notifications import one_time_code_deliver
from motcua.public.limits import TooManyRequests, hit, limit
from motcua.public.models import OneTimeCode
from motcua.public.selectors import NOT_FOUND_MESSAGE, by_code

DIGITS = 6
MAX_ATTEMPTS = 5
#: Codes sent for one dossier in :data:`SEND_WINDOW` seconds; a new one replaces the last.
MAX_SENDS = 3
SEND_WINDOW = 15 * 60
FIELD = "one_time_code"


@dataclass(frozen=True)
class CodeSent:
    channel: str  # "sms" or "email"
    sent_to: str  # masked: 098•••••21, l•••@example.vn
    expires_at: datetime


def _hash(dossier_id: int, code: str) -> str:
    message = f"motcua.public.otp:{dossier_id}:{code}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def masked_phone(phone: str) -> str:
    digits = "".join(c for c in phone if c.isdigit())
    return digits[:3] + "•" * max(0, len(digits) - 5) + digits[-2:] if len(digits) > 5 else "•••"


def masked_email(email: str) -> str:
    name, _at, domain = email.partition("@")
    return f"{name[:1]}•••@{domain}" if domain else "•••"


def _dossier(code: str) -> Dossier:
    code = (code or "").strip().upper()
    dossier = (
        Dossier.objects.select_related("procedure", "return_site", "receiving_site")
        .filter(by_code(code))
        .first()
        if code and len(code) <= 60
        else None
    )
    if dossier is None:
        raise NotFound(str(NOT_FOUND_MESSAGE))
    return dossier


def one_time_code_send(*, dossier_code: str, at: datetime | None = None) -> CodeSent:
    """Send a new code for ``dossier_code`` (call once its verifier was proved); the code sent
    before, if any, no longer works. :class:`TooManyRequests` after :data:`MAX_SENDS`."""
    at = at or clock.now()
    dossier = _dossier(dossier_code)
    phone, email = dossier.applicant_phone.strip(), dossier.applicant_email.strip()
    if not (phone or email):
        raise InvalidInput(
            _("No phone number or e-mail was given with this dossier, so no code can be sent. "
              "Ask at the site that received it."),
            field=FIELD,
        )  # fmt: skip
    sends = hit("otp:send", str(dossier.pk), limit=MAX_SENDS, window=SEND_WINDOW, now=at)
    if sends.over:
        raise TooManyRequests(
            _("Several codes were sent for this dossier a moment ago. Use the last one, or ask "
              "for a new one in %(minutes)s minute(s).") % {"minutes": -(-sends.retry_after // 60)},
            retry_after=sends.retry_after,
        )  # fmt: skip
    code = f"{secrets.randbelow(10**DIGITS):0{DIGITS}d}"
    minutes = limit("one_time_code_minutes")
    expires = at + timedelta(minutes=minutes)
    with transaction.atomic():
        OneTimeCode.objects.filter(dossier=dossier, used_at__isnull=True).update(used_at=at)
        OneTimeCode.objects.create(
            dossier=dossier,
            code_hash=_hash(dossier.pk, code),
            sent_to="sms" if phone else "email",
            created_at=at,
            expires_at=expires,
        )
    log = one_time_code_deliver(dossier=dossier, one_time_code=code, minutes=minutes)
    if log.status != DeliveryStatus.SENT:
        raise Conflict(_("The code could not be sent just now. Try again in a few minutes."))
    return CodeSent(
        channel="sms" if phone else "email",
        sent_to=masked_phone(phone) if phone else masked_email(email),
        expires_at=expires,
    )


def one_time_code_check(*, dossier_code: str, code: str, at: datetime | None = None) -> Dossier:
    """Use up the code sent for ``dossier_code`` if ``code`` is it; :class:`InvalidInput`
    on ``one_time_code`` otherwise (a wrong try is counted, and kept when refused)."""
    at = at or clock.now()
    code = (code or "").strip()
    dossier = _dossier(dossier_code)
    problem = ""
    with transaction.atomic():
        row = (
            OneTimeCode.objects.select_for_update()
            .filter(dossier=dossier, used_at__isnull=True, expires_at__gt=at)
            .order_by("-created_at")
            .first()
        )
        if row is None or row.attempts >= MAX_ATTEMPTS:
            problem = _("This code has expired or was already used. Ask for a new one.")
        elif not (code.isdigit() and hmac.compare_digest(row.code_hash, _hash(dossier.pk, code))):
            row.attempts += 1
            row.save(update_fields=["attempts"])
            left = MAX_ATTEMPTS - row.attempts
            problem = (
                _("The code is not right; %(left)s tries left.") % {"left": left}
                if left
                else _("The code is not right, and was tried too many times. Ask for a new one.")
            )
        else:
            row.used_at = at
            row.save(update_fields=["used_at"])
    if problem:  # outside the block: the counted try is committed
        raise InvalidInput(problem, field=FIELD)
    return dossier
