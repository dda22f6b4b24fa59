"""Writes of ratings and complaints (PAKN). Each service validates first, then changes rows
and writes the complaint's log in one transaction.

Citizens prove who they are as the public lookup does (the dossier code and the last four
digits of the applicant's phone or ID number; a complaint's code and the last four digits of
the sender's phone), or with the short-lived token the lookup gave (:mod:`.proofs`). An
unknown code and wrong digits get one and the same answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core import clock
from motcua.core.errors import Conflict, InvalidInput, InvalidTransition, NotFound, PermissionDenied
from motcua.core.text import normalize, normalize_lines
from motcua.dossiers.choices import Status
from motcua.dossiers.models import Dossier
from motcua.dossiers.permissions import Actor, actor_for, site_by_code
from motcua.dossiers.rules import phone_problem
from motcua.dossiers.services.lifecycle import Errors
from motcua.feedback import rules
from motcua.feedback.choices import (
    ComplaintAction,
    ComplaintKind,
    ComplaintStatus,
    RatingLevel,
)
from motcua.feedback.errors import AlreadyRated, NotDelivered, RatingWindowClosed
from motcua.feedback.models import Complaint, ComplaintEvent, ComplaintSequence, Rating
from motcua.feedback.permissions import can_handle, can_read
from motcua.feedback.proofs import complaint_code_from, dossier_code_from
from motcua.feedback.selectors import COMPLAINT_NOT_FOUND, complaint_for_sender
from motcua.public.selectors import NOT_FOUND_MESSAGE, verifier_matches
from motcua.worktime.selectors import calendar_for

MAX_COMMENT = 2000
MAX_SUBJECT = 300
MAX_CONTENT = 5000
MAX_NAME = 200
MAX_DAILY_COMPLAINTS = 9999

# -- citizens' proof ---------------------------------------------------------------------------


def _dossier_for_citizen(code: str, verifier: str, proof: str, *, field: str | None) -> Dossier:
    """The dossier ``code`` once its verifier (or a fresh proof for it) is given.

    As :func:`motcua.public.selectors.dossier_lookup`: one row read, both numbers compared in
    constant time, one message for an unknown code and for wrong digits.
    """
    code = normalize(code or "").upper()
    if proof:
        if dossier_code_from(proof) != code:
            raise NotFound(str(NOT_FOUND_MESSAGE), field=field)
        found = Dossier.objects.select_related("receiving_site", "competent_agency")
        dossier = found.filter(code=code).first()
        if dossier is None:
            raise NotFound(str(NOT_FOUND_MESSAGE), field=field)
        return dossier
    dossier = None
    if code and len(code) <= 60:
        dossier = (
            Dossier.objects.select_related("receiving_site", "competent_agency")
            .filter(code=code)
            .first()
        )
    phone, id_number = (
        (dossier.applicant_phone, dossier.applicant_id_number) if dossier else ("", "")
    )
    matches = verifier_matches(verifier, phone=phone, id_number=id_number)
    if dossier is None or not matches:
        raise NotFound(str(NOT_FOUND_MESSAGE), field=field)
    return dossier


# -- ratings -----------------------------------------------------------------------------------


def _survey(criteria: Sequence[int | None] | None) -> tuple[tuple[int | None, ...], int | None]:
    try:
        answers = rules.survey_answers(criteria)
    except rules.SurveyError as exc:
        if exc.index is None:
            raise InvalidInput(
                _("The survey has nine criteria; send nine answers (or none)."), field="criteria"
            ) from exc
        raise InvalidInput(
            _("Criterion %(number)s scores 0, 1 or 2 points.") % {"number": exc.index + 1},
            field=f"criterion_{exc.index + 1}",
        ) from exc
    return answers, rules.survey_points(answers)


@transaction.atomic
def rating_submit(
    *,
    dossier_code: str,
    verifier: str,
    level: str,
    criteria: list[int | None] | None = None,
    comment: str = "",
    at: datetime | None = None,
    proof: str = "",
) -> Rating:
    """Record the applicant's rating of a delivered dossier (one per dossier, final).

    ``verifier`` is the last four digits of the applicant's phone or ID number; ``proof``, a
    token the lookup gave, replaces it. ``criteria`` are the nine survey answers (0, 1, 2 or
    ``None`` each) or ``None`` for no survey. Raise :class:`NotFound` for an unknown code or
    wrong digits (one message for both), :class:`InvalidInput` for a bad level or answer,
    :class:`NotDelivered` before the hand-over, :class:`RatingWindowClosed` after
    ``RATING_WINDOW_DAYS`` and :class:`AlreadyRated` for a second rating.
    """
    at = at or clock.now()
    if level not in RatingLevel.values:
        raise InvalidInput(
            _("Choose one of the three levels: very satisfied, satisfied, not satisfied."),
            field="level",
        )
    answers, points = _survey(criteria)
    comment = normalize(comment or "")
    if len(comment) > MAX_COMMENT:
        raise InvalidInput(
            _("Keep the comment under %(max)s characters.") % {"max": MAX_COMMENT},
            field="comment",
        )
    dossier = _dossier_for_citizen(dossier_code, verifier, proof, field=None)
    if (
        dossier.status != Status.DELIVERED
        or dossier.delivered_at is None
        or at < dossier.delivered_at
    ):
        raise NotDelivered(
            _("A dossier is rated once its result has been handed over; this one's has not.")
        )
    if at > rules.rating_window_end(dossier.delivered_at):
        raise RatingWindowClosed(
            _("A dossier may be rated within %(days)s days of the hand-over of its result.")
            % {"days": rules.RATING_WINDOW_DAYS}
        )
    already = _("This dossier has already been rated; a rating cannot be changed.")
    if Rating.objects.filter(dossier_id=dossier.pk).exists():
        raise AlreadyRated(already)
    try:
        with transaction.atomic():  # a savepoint: the race's loser keeps a usable transaction
            return Rating.objects.create(
                dossier=dossier,
                level=level,
                **{f"criterion_{n}": value for n, value in enumerate(answers, start=1)},
                survey_points=points,
                comment=comment,
                rated_at=at,
            )
    except IntegrityError as exc:
        raise AlreadyRated(already) from exc


# -- complaints: submission --------------------------------------------------------------------


def _next_number(day) -> int:
    """The next number of ``day``: one statement, atomic across processes (as dossier codes).

    ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` holds the day's row lock until the
    transaction ends: no duplicate, and a rolled-back submission gives its number back.
    """
    table = ComplaintSequence._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (day, last) VALUES (%s, 1) "  # noqa: S608
            f"ON CONFLICT (day) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [day],
        )
        (number,) = cursor.fetchone()
    if number > MAX_DAILY_COMPLAINTS:
        raise Conflict(_("Too many complaints today; try again tomorrow."))
    return number


def complaint_code(day, number: int) -> str:
    """``PAKN-YYMMDD-NNNN``: the day of receipt (Hanoi) and its sequence number."""
    return f"PAKN-{day:%y%m%d}-{number:04d}"


def _validated_sender(errors: Errors, *, name: str, phone: str, email: str) -> tuple[str, str, str]:
    name = normalize(name or "")
    if not name:
        errors.add("sender_name", _("Enter your full name."))
    elif len(name) > MAX_NAME:
        errors.add("sender_name", _("Keep the name under %(max)s characters.") % {"max": MAX_NAME})
    phone = normalize(phone or "")
    if not phone:
        # [ours] The phone's last four digits let the sender follow the complaint, and the
        # office call back when it needs more information.
        errors.add("sender_phone", _("Enter your phone number: it lets you follow the answer."))
    elif phone_problem(phone):
        errors.add(
            "sender_phone", _("Enter a Vietnamese phone number: 10 digits starting with 0, or +84…")
        )
    email = normalize(email or "")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors.add("sender_email", _("Enter a valid e-mail address."))
    return name, phone, email


@transaction.atomic
def complaint_submit(
    *,
    kind: str,
    subject: str,
    content: str,
    sender_name: str,
    sender_phone: str = "",
    sender_email: str = "",
    dossier_code: str = "",
    verifier: str = "",
    site_code: str = "",
    at: datetime | None = None,
    proof: str = "",
) -> Complaint:
    """Receive a complaint or suggestion, give it its code and its deadlines.

    A complaint about a dossier names it with ``dossier_code`` and proves the applicant's
    ``verifier`` (or a ``proof`` token from the lookup); it then concerns the dossier's
    receiving site (unless ``site_code`` names another) and its competent agency. Raise
    :class:`InvalidInput` naming every wrong field, :class:`NotFound` for an unknown dossier or
    wrong digits (one message for both).
    """
    at = at or clock.now()
    errors = Errors()
    if kind not in ComplaintKind.values:
        errors.add("kind", _("Say whether this is a complaint or a suggestion."))
    subject = normalize(subject or "")
    if not subject:
        errors.add("subject", _("Give the subject in a few words."))
    elif len(subject) > MAX_SUBJECT:
        errors.add(
            "subject", _("Keep the subject under %(max)s characters.") % {"max": MAX_SUBJECT}
        )
    content = normalize_lines(content)
    if not content:
        errors.add("content", _("Write what happened or what you suggest."))
    elif len(content) > MAX_CONTENT:
        errors.add("content", _("Keep the text under %(max)s characters.") % {"max": MAX_CONTENT})
    name, phone, email = _validated_sender(
        errors, name=sender_name, phone=sender_phone, email=sender_email
    )
    dossier_code = normalize(dossier_code or "").upper()
    if dossier_code and not proof and not (verifier or "").strip():
        errors.add(
            "verifier",
            _("Enter the last 4 digits of the phone or ID number given with the dossier."),
        )
    site = None
    site_code = (site_code or "").strip()
    if site_code:
        site = site_by_code(site_code)
        if site is None:
            errors.add("site", _("There is no site with code %(code)s.") % {"code": site_code})
    errors.raise_if_any()

    dossier = None
    agency = None
    if dossier_code:
        dossier = _dossier_for_citizen(dossier_code, verifier, proof, field="dossier_code")
        site = site or dossier.receiving_site
        agency = dossier.competent_agency
    day = timezone.localdate(at)
    deadlines = rules.complaint_deadlines(at, calendar_for(site, at))
    complaint = Complaint.objects.create(
        code=complaint_code(day, _next_number(day)),
        kind=kind,
        dossier=dossier,
        site=site,
        agency=agency,
        subject=subject,
        content=content,
        sender_name=name,
        sender_phone=phone,
        sender_email=email,
        received_at=at,
        status=ComplaintStatus.RECEIVED,
        refuse_due_at=deadlines.refuse_due_at,
        info_due_at=deadlines.info_due_at,
        answer_due_at=deadlines.answer_due_at,
    )
    _log(complaint, ComplaintAction.SUBMIT, at=at, from_status="")
    return complaint


# -- complaints: the sender adds information ---------------------------------------------------


@transaction.atomic
def complaint_add_info(
    *,
    code: str,
    verifier: str = "",
    content: str,
    at: datetime | None = None,
    proof: str = "",
) -> Complaint:
    """The sender's reply to a request for information: recorded, and the clock runs again.

    ``proof`` (a follow token) replaces ``verifier``. The complaint goes back to "received",
    where the office starts handling it (or refuses it); the answer's deadline moves later by
    the working time spent waiting.
    """
    at = at or clock.now()
    text = normalize_lines(content)
    if not text:
        raise InvalidInput(_("Write the information asked for."), field="content")
    if len(text) > MAX_CONTENT:
        raise InvalidInput(
            _("Keep the text under %(max)s characters.") % {"max": MAX_CONTENT}, field="content"
        )
    if proof:
        code = normalize(code or "").upper()
        if complaint_code_from(proof) != code:
            raise NotFound(str(COMPLAINT_NOT_FOUND))
        complaint = Complaint.objects.select_for_update(of=("self",)).filter(code=code).first()
        if complaint is None:
            raise NotFound(str(COMPLAINT_NOT_FOUND))
    else:
        complaint = complaint_for_sender(code, verifier, lock=True)
    _check_state(complaint, ComplaintAction.ADD_INFO)
    from_status = complaint.status
    _resume(complaint, at)
    complaint.status = ComplaintStatus.RECEIVED
    complaint.save(update_fields=["status", "paused_at", "answer_due_at", "updated_at"])
    _log(complaint, ComplaintAction.ADD_INFO, at=at, from_status=from_status, note=text)
    return complaint


# -- complaints: the office's steps ------------------------------------------------------------


def _actor(actor: AbstractBaseUser | Actor, at: datetime) -> Actor:
    return actor if isinstance(actor, Actor) else actor_for(actor, timezone.localdate(at))


def _lock(complaint: Complaint | str, actor: Actor, action: str, at: datetime) -> Complaint:
    """Lock the complaint's row; check scope, the right to handle, the state and the time."""
    code = normalize(complaint if isinstance(complaint, str) else complaint.code).upper()
    locked = Complaint.objects.select_for_update(of=("self",)).filter(code=code).first()
    if locked is None or not can_read(actor, locked):
        raise NotFound(_("There is no complaint with code %(code)s.") % {"code": code})
    if not can_handle(actor, locked):
        raise PermissionDenied(
            _(
                "You may read this complaint but not handle it: the staff of the site or agency "
                "it concerns, or the center director, handle it."
            )
        )
    _check_state(locked, action)
    if at < locked.received_at:
        raise InvalidInput(_("A step cannot be dated before the complaint was received."))
    return locked


def _check_state(complaint: Complaint, action: str) -> None:
    allowed_from, _to = rules.TRANSITIONS[action]
    if complaint.status not in allowed_from:
        raise InvalidTransition(
            _("A complaint that is “%(status)s” cannot be given the action “%(action)s”.")
            % {
                "status": ComplaintStatus(complaint.status).label,
                "action": ComplaintAction(action).label,
            },
            current_status=complaint.status,
            allowed_actions=rules.actions_allowed(complaint.status),
        )


def _resume(complaint: Complaint, at: datetime) -> None:
    """End a wait for information: the answer's deadline moves by the working time waited."""
    if complaint.paused_at is None:
        return
    complaint.answer_due_at = rules.answer_due_after_pause(
        complaint.answer_due_at, complaint.paused_at, at, _calendar(complaint)
    )
    complaint.paused_at = None


def _calendar(complaint: Complaint):
    return calendar_for(complaint.site, complaint.received_at)


def _log(
    complaint: Complaint,
    action: str,
    *,
    at: datetime,
    from_status: str,
    actor: Actor | None = None,
    note: str = "",
    on_time: bool | None = None,
) -> ComplaintEvent:
    user = actor.user if actor is not None else None
    name = ""
    if user is not None:
        profile = getattr(user, "staff_profile", None)
        name = (profile.full_name if profile else "") or user.get_username()
    return ComplaintEvent.objects.create(
        complaint=complaint,
        action=action,
        at=at,
        actor=user,
        actor_name=name,
        from_status=from_status,
        to_status=complaint.status,
        note=note,
        on_time=on_time,
    )


def _text(value: str, *, field: str, missing: str) -> str:
    text = normalize_lines(value)
    if not text:
        raise InvalidInput(missing, field=field)
    if len(text) > MAX_CONTENT:
        raise InvalidInput(
            _("Keep the text under %(max)s characters.") % {"max": MAX_CONTENT}, field=field
        )
    return text


@transaction.atomic
def complaint_refuse(
    *,
    complaint: Complaint | str,
    actor: AbstractBaseUser | Actor,
    at: datetime | None = None,
    reason: str = "",
) -> Complaint:
    """Refuse to handle the complaint (outside the Center's remit, anonymous, repeated…)."""
    at = at or clock.now()
    reason = _text(reason, field="reason", missing=_("Give the reason for the refusal."))
    person = _actor(actor, at)
    locked = _lock(complaint, person, ComplaintAction.REFUSE, at)
    from_status = locked.status
    locked.status = ComplaintStatus.REFUSED
    locked.refusal_reason = reason
    locked.paused_at = None
    locked.handled_by = person.user
    locked.save(update_fields=["status", "refusal_reason", "paused_at", "handled_by", "updated_at"])
    _log(
        locked, ComplaintAction.REFUSE, at=at, from_status=from_status, actor=person,
        note=reason, on_time=at <= locked.refuse_due_at,
    )  # fmt: skip
    return locked


@transaction.atomic
def complaint_request_info(
    *,
    complaint: Complaint | str,
    actor: AbstractBaseUser | Actor,
    at: datetime | None = None,
    message: str = "",
) -> Complaint:
    """Ask the sender for what is missing; the answer's clock pauses until they reply."""
    at = at or clock.now()
    message = _text(message, field="message", missing=_("Say what information is needed."))
    person = _actor(actor, at)
    locked = _lock(complaint, person, ComplaintAction.REQUEST_INFO, at)
    from_status = locked.status
    locked.status = ComplaintStatus.INFO_REQUESTED
    locked.info_request = message
    locked.paused_at = at
    locked.save(update_fields=["status", "info_request", "paused_at", "updated_at"])
    _log(
        locked, ComplaintAction.REQUEST_INFO, at=at, from_status=from_status, actor=person,
        note=message, on_time=at <= locked.info_due_at,
    )  # fmt: skip
    return locked


@transaction.atomic
def complaint_accept(
    *,
    complaint: Complaint | str,
    actor: AbstractBaseUser | Actor,
    at: datetime | None = None,
    note: str = "",
) -> Complaint:
    """Start handling the complaint; a wait for information ends here if still running."""
    at = at or clock.now()
    person = _actor(actor, at)
    locked = _lock(complaint, person, ComplaintAction.ACCEPT, at)
    from_status = locked.status
    _resume(locked, at)
    locked.status = ComplaintStatus.IN_HANDLING
    locked.handled_by = person.user
    locked.save(update_fields=["status", "paused_at", "answer_due_at", "handled_by", "updated_at"])
    _log(
        locked, ComplaintAction.ACCEPT, at=at, from_status=from_status, actor=person,
        note=normalize(note or ""),
    )  # fmt: skip
    return locked


@transaction.atomic
def complaint_answer(
    *,
    complaint: Complaint | str,
    actor: AbstractBaseUser | Actor,
    at: datetime | None = None,
    answer: str = "",
) -> Complaint:
    """Answer the complaint; the answer is then due for publication within 2 working days."""
    at = at or clock.now()
    answer = _text(answer, field="answer", missing=_("Write the answer."))
    person = _actor(actor, at)
    locked = _lock(complaint, person, ComplaintAction.ANSWER, at)
    from_status = locked.status
    locked.status = ComplaintStatus.ANSWERED
    locked.answer = answer
    locked.answered_at = at
    locked.publish_due_at = rules.publish_due(at, _calendar(locked))
    locked.handled_by = person.user
    locked.save(
        update_fields=[
            "status", "answer", "answered_at", "publish_due_at", "handled_by", "updated_at",
        ]
    )  # fmt: skip
    _log(
        locked, ComplaintAction.ANSWER, at=at, from_status=from_status, actor=person,
        on_time=at <= locked.answer_due_at,
    )  # fmt: skip
    return locked


@transaction.atomic
def complaint_publish(
    *,
    complaint: Complaint | str,
    actor: AbstractBaseUser | Actor,
    at: datetime | None = None,
    public_subject: str = "",
) -> Complaint:
    """Publish the answer. ``public_subject`` replaces the sender's subject in public (to leave
    out a name or an address it may hold); by default the subject is published as written."""
    at = at or clock.now()
    public_subject = normalize(public_subject or "")
    if len(public_subject) > MAX_SUBJECT:
        raise InvalidInput(
            _("Keep the subject under %(max)s characters.") % {"max": MAX_SUBJECT},
            field="public_subject",
        )
    person = _actor(actor, at)
    locked = _lock(complaint, person, ComplaintAction.PUBLISH, at)
    from_status = locked.status
    locked.status = ComplaintStatus.PUBLISHED
    locked.public_subject = public_subject or locked.subject
    locked.published_at = at
    locked.save(update_fields=["status", "public_subject", "published_at", "updated_at"])
    _log(
        locked, ComplaintAction.PUBLISH, at=at, from_status=from_status, actor=person,
        on_time=locked.publish_due_at is None or at <= locked.publish_due_at,
    )  # fmt: skip
    return locked


#: The office's steps by action name (the API and the staff pages dispatch through it).
STAFF_SERVICES = {
    ComplaintAction.REFUSE: complaint_refuse,
    ComplaintAction.REQUEST_INFO: complaint_request_info,
    ComplaintAction.ACCEPT: complaint_accept,
    ComplaintAction.ANSWER: complaint_answer,
    ComplaintAction.PUBLISH: complaint_publish,
}

__all__ = [
    "complaint_accept",
    "complaint_add_info",
    "complaint_answer",
    "complaint_publish",
    "complaint_refuse",
    "complaint_request_info",
    "complaint_submit",
    "rating_submit",
]
