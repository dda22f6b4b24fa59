"""Messages to the applicant (e-mail and SMS) when their dossier is received, needs a
supplement, is extended with an apology, or has its result ready.

A lifecycle service calls :func:`notify_on_commit` inside its transaction. Nothing happens
unless that transaction commits. With the database task backend (production), the task row is
written in that transaction (an outbox); with another backend it is queued after the commit.
The task writes one :class:`~motcua.dossiers.models.NotificationLog` row per channel the
applicant gave, with the text rendered at that moment, and
:func:`motcua.dossiers.tasks.send_notification` sends each row in the background, retrying
with a back-off. Sending never touches the dossier, and a failure here never reaches the
service that called.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta
from functools import partial

from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation

from motcua.core import clock
from motcua.core.text import normalize
from motcua.dossiers.choices import (
    DeliveryStatus,
    NotificationChannel,
    NotificationEvent,
    ReturnMethod,
)
from motcua.dossiers.forms import public_base_url
from motcua.dossiers.models import Dossier, NotificationLog
from motcua.dossiers.sms import (
    InvalidPhoneNumber,
    get_sms_backend,
    normalize_phone,
    sms_overflow,
)
from motcua.worktime.rules import HANOI

logger = logging.getLogger(__name__)

#: Attempts at sending one message before its row is marked failed.
NOTIFY_MAX_ATTEMPTS = 5
#: An SMS may take at most this many segments (134 characters with Vietnamese diacritics).
SMS_MAX_SEGMENTS = 2
#: The language of applicant-facing text, whatever language the staff member works in.
APPLICANT_LANGUAGE = "vi"
TEMPLATE_DIR = "dossiers/notifications"


_silenced: ContextVar[bool] = ContextVar("notifications_silenced", default=False)


@contextmanager
def notifications_silenced():
    """Send nothing for what happens inside the block (replayed history, imports)."""
    token = _silenced.set(True)
    try:
        yield
    finally:
        _silenced.reset(token)


def notify_on_commit(*, dossier: Dossier, event: str) -> None:
    """Notify the applicant of ``event`` once the current transaction commits.

    Call it inside the service's transaction. Raise ValueError at once for an unknown event
    (a programming error); everything else happens after the commit, and its failures are
    logged, never raised into the caller.
    """
    if event not in NotificationEvent.values:
        raise ValueError(f"Unknown notification event {event!r}")
    if _silenced.get() or not (dossier.applicant_email.strip() or dossier.applicant_phone.strip()):
        return
    # What the applicant is told is fixed now, inside the transaction that made it true, so
    # that a worker running later (or a retry) never describes a later state.
    snapshot = _snapshot(dossier)
    if _tasks_share_the_database():
        # An outbox: the task row commits with the dossier or not at all, and the request
        # pays for one commit instead of two.
        _enqueue(dossier_id=dossier.pk, event=event, snapshot=snapshot)
        return
    transaction.on_commit(
        partial(_notify_committed, dossier_id=dossier.pk, event=event, snapshot=snapshot),
        robust=True,
    )


def _tasks_share_the_database() -> bool:
    from django_tasks_db.backend import DatabaseBackend

    from motcua.dossiers.tasks import create_notifications  # tasks imports this module

    return isinstance(create_notifications.get_backend(), DatabaseBackend)


def _enqueue(*, dossier_id: int, event: str, snapshot: dict) -> None:
    from motcua.dossiers.tasks import create_notifications  # tasks imports this module

    create_notifications.enqueue(dossier_id, event, snapshot)


def _notify_committed(*, dossier_id: int, event: str, snapshot: dict) -> None:
    """Queue the writing and sending: one task row is all the request pays for."""
    try:
        _enqueue(dossier_id=dossier_id, event=event, snapshot=snapshot)
    except Exception:
        logger.exception("Could not notify dossier %s of %s", dossier_id, event)


def notifications_create(
    *, dossier_id: int, event: str, snapshot: dict | None = None
) -> list[NotificationLog]:
    """Write one row per channel the applicant gave and queue the sending of each.

    ``snapshot`` is what :func:`notify_on_commit` captured when the event happened; without
    it, the dossier is read as it is now. The text is rendered here and stored on the row, so
    that the row records exactly what the applicant was told.
    """
    from motcua.dossiers.tasks import send_notification  # tasks imports this module

    if snapshot is None:
        snapshot = _snapshot(
            Dossier.objects.select_related("procedure", "return_site", "receiving_site").get(
                pk=dossier_id
            )
        )
    rows = []
    with translation.override(APPLICANT_LANGUAGE):
        context = _context(snapshot)
        if snapshot["applicant_email"]:
            rows.append(
                NotificationLog(
                    dossier_id=dossier_id,
                    event=event,
                    channel=NotificationChannel.EMAIL,
                    recipient=snapshot["applicant_email"],
                    subject=normalize(_render(f"{event}_subject.txt", context)),
                    body=_email_body(_render(f"{event}.txt", context)),
                )
            )
        if snapshot["applicant_phone"]:
            row = NotificationLog(
                dossier_id=dossier_id,
                event=event,
                channel=NotificationChannel.SMS,
                recipient=snapshot["applicant_phone"],
                body=_sms_text(event, context),
            )
            try:
                row.recipient = normalize_phone(snapshot["applicant_phone"])
            except InvalidPhoneNumber as exc:
                row.status = DeliveryStatus.FAILED
                row.last_error = str(exc)
            rows.append(row)
    # A row and its queued task commit together: no row waits for a task never queued.
    with transaction.atomic():
        for row in rows:
            row.save()
            if row.status == DeliveryStatus.PENDING:
                send_notification.enqueue(row.pk)
    return rows


def notification_attempt(*, log_id: int) -> NotificationLog | None:
    """Make one attempt at sending the row ``log_id``; return it, or None if not ours to send.

    The row ends ``sent``; or ``failed`` once :data:`NOTIFY_MAX_ATTEMPTS` attempts have
    failed; or stays ``pending`` with the error, for the caller to schedule another attempt.
    """
    log = NotificationLog.objects.filter(pk=log_id).first()
    if log is None or log.status != DeliveryStatus.PENDING:
        return None
    # Counting the attempt before sending claims it: a duplicate task finds the count moved.
    claimed = NotificationLog.objects.filter(
        pk=log.pk, status=DeliveryStatus.PENDING, attempts=log.attempts
    ).update(attempts=F("attempts") + 1)
    if not claimed:
        return None
    log.attempts += 1
    try:
        provider_id = _SENDERS[log.channel](log)
    except Exception as exc:
        log.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        if log.attempts >= NOTIFY_MAX_ATTEMPTS:
            log.status = DeliveryStatus.FAILED
            logger.warning(
                "Notification %s (%s) failed after %s attempts: %s",
                log.pk,
                log.channel,
                log.attempts,
                log.last_error,
            )
        else:
            logger.info("Notification %s attempt %s failed: %s", log.pk, log.attempts, exc)
        log.save(update_fields=["status", "last_error"])
        return log
    log.status = DeliveryStatus.SENT
    log.sent_at = clock.now()
    log.provider_id = str(provider_id or "")[:200]
    log.save(update_fields=["status", "sent_at", "provider_id"])
    logger.info(
        "Notification %s (%s) sent, provider id %s", log.pk, log.channel, provider_id or "-"
    )
    return log


def retry_delay(attempts: int) -> timedelta:
    """Return the wait before the next attempt after ``attempts`` failed ones (1, 5, 25 min…).

    Capped at two hours: a gateway down longer than that needs a person, not a longer wait.
    """
    return min(timedelta(minutes=5 ** (attempts - 1)), timedelta(hours=2))


def _send_email(log: NotificationLog) -> str:
    message = EmailMessage(
        subject=log.subject,
        body=log.body,
        to=[log.recipient],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.send()
    return ""  # the mailer API does not return the server's queue id


def _send_sms(log: NotificationLog) -> str:
    return get_sms_backend().send(to=log.recipient, text=log.body)


_SENDERS = {NotificationChannel.EMAIL: _send_email, NotificationChannel.SMS: _send_sms}


def one_time_code_deliver(*, dossier: Dossier, one_time_code: str, minutes: int) -> NotificationLog:
    """Send ``one_time_code`` to the applicant now: by SMS to the phone on file, else by
    e-mail. Unlike the other messages it is sent at once, not queued (it is only good for
    ``minutes``), and its row keeps the text with the code masked: the code itself is never
    stored in clear (``motcua.public.otp`` keeps its hash). Failures are on the row.
    """
    with translation.override(APPLICANT_LANGUAGE):
        context = {**_context(_snapshot(dossier)), "minutes": minutes}
        phone, email = dossier.applicant_phone.strip(), dossier.applicant_email.strip()
        channel = NotificationChannel.SMS if phone else NotificationChannel.EMAIL
        name = "one_time_code_sms.txt" if phone else "one_time_code.txt"
        text = normalize(_render(name, {**context, "one_time_code": one_time_code}))
        if not phone:
            text = _email_body(_render(name, {**context, "one_time_code": one_time_code}))
        masked = "*" * len(one_time_code)
        log = NotificationLog(
            dossier_id=dossier.pk,
            event=NotificationEvent.ONE_TIME_CODE,
            channel=channel,
            recipient=phone or email,
            subject="" if phone else normalize(_render("one_time_code_subject.txt", context)),
            body=text.replace(one_time_code, masked),
            attempts=1,
        )
    try:
        if phone:
            log.recipient = normalize_phone(phone)
            log.provider_id = str(get_sms_backend().send(to=log.recipient, text=text) or "")
        else:
            EmailMessage(
                subject=log.subject,
                body=text,
                to=[email],
                headers={"Auto-Submitted": "auto-generated"},
            ).send()
        log.status, log.sent_at = DeliveryStatus.SENT, clock.now()
    except Exception as exc:  # a gateway's failure is the row's, and the caller's answer
        log.status, log.last_error = DeliveryStatus.FAILED, f"{type(exc).__name__}: {exc}"[:2000]
        logger.warning("One-time code for dossier %s not sent: %s", dossier.pk, log.last_error)
    log.save()
    return log


def _local(value: datetime | None) -> str:
    return timezone.localtime(value, HANOI).strftime("%H:%M %d/%m/%Y") if value else ""


def _snapshot(dossier: Dossier) -> dict:
    """The facts a message states, as plain JSON values (they travel in a task's arguments)."""
    # Results "at a site" default to the receiving site when no return site was chosen.
    site = dossier.return_site or dossier.receiving_site
    return {
        "code": dossier.code,
        "applicant_name": dossier.applicant_name,
        "applicant_email": dossier.applicant_email.strip(),
        "applicant_phone": dossier.applicant_phone.strip(),
        "procedure": dossier.procedure.name,
        "appointment": _local(dossier.due_at),
        "return_method": dossier.return_method,
        "site_name": site.name,
        "site_address": site.address,
        "receiving_site_name": dossier.receiving_site.name,
        "receiving_site_address": dossier.receiving_site.address,
        "return_address": dossier.return_address,
    }


def _context(snapshot: dict) -> dict:
    base_url = public_base_url()
    return {
        **snapshot,
        "at_site": snapshot["return_method"] == ReturnMethod.SITE,
        "by_post": snapshot["return_method"] == ReturnMethod.POST,
        "online": snapshot["return_method"] == ReturnMethod.ONLINE,
        "lookup_url": base_url,
        # Without the scheme: phones link a bare host, and an SMS has no room to spare.
        "lookup_host": re.sub(r"^https?://", "", base_url),
    }


def _render(name: str, context: dict) -> str:
    return unicodedata.normalize("NFC", render_to_string(f"{TEMPLATE_DIR}/{name}", context))


def _email_body(text: str) -> str:
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"


def _sms_text(event: str, context: dict) -> str:
    """Render the SMS, shortening the site's name until the text fits in two segments."""
    name = context["site_name"]
    text = normalize(_render(f"{event}_sms.txt", context))
    keep = shown = len(name)
    while (over := sms_overflow(text, SMS_MAX_SEGMENTS)) > 0 and keep > 0:
        keep = max(0, min(keep - 1, shown - over - 1))  # one more for the ellipsis
        shown = keep + 1
        shortened = {**context, "site_name": _shorten(name, keep)}
        text = normalize(_render(f"{event}_sms.txt", shortened))
    if sms_overflow(text, SMS_MAX_SEGMENTS) > 0:
        logger.warning("SMS for %s exceeds %s segments", context["code"], SMS_MAX_SEGMENTS)
    return text


def _shorten(name: str, keep: int) -> str:
    """Return the first ``keep`` characters of ``name``, cut after a whole word, with "…"."""
    cut = name[:keep]
    if name[keep : keep + 1].strip() and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" –-,") + "…"
