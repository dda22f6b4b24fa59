"""The ratings and complaints API (mounted at /api/v1/).

Public endpoints need no account: a rating proves the dossier's verifier, a complaint's
follow-up the last four digits of the sender's phone. They share the lookup's limit per client
(each answer tells whether four digits are right, so each counts as a lookup) and their
schemas whitelist fields: no sender or applicant data, no rating comment, no staff name.
Staff endpoints read and act within the person's scope.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Literal

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status as HttpStatus

from motcua.core import clock
from motcua.core.api import IsoDate, Ref, ref
from motcua.core.auth import STAFF_AUTH
from motcua.core.errors import InvalidInput
from motcua.dossiers.permissions import Actor, actor_for
from motcua.feedback import selectors as sel
from motcua.feedback import services as svc
from motcua.feedback.choices import ComplaintAction, ComplaintStatus
from motcua.feedback.models import Complaint
from motcua.public.api import LIMITED, PROBLEM
from motcua.public.limits import check_feedback, check_lookup, verified
from motcua.public.otp import one_time_code_check

router = Router(tags=["feedback"])

LevelName = Literal["very_satisfied", "satisfied", "not_satisfied"]
KindName = Literal["complaint", "suggestion"]
StateName = Literal[("open", "overdue", "closed", *ComplaintStatus.values)]  # type: ignore[valid-type]
StaffAction = Literal["accept", "request_info", "refuse", "answer", "publish"]
THROTTLED = {429: {"description": LIMITED, **PROBLEM}}


def _utc(moment: datetime | None) -> datetime | None:
    return None if moment is None else moment.astimezone(UTC)


# -- public schemas ----------------------------------------------------------------------------


ONE_TIME_CODE = (
    "The code sent to the applicant by POST /api/v1/public/dossiers/{code}/one-time-code."
)


class RatingIn(Schema):
    verifier: str = Field(
        pattern=r"^[0-9]{4}$",
        description="The last 4 digits of the applicant's phone number or ID (tax) number.",
    )
    one_time_code: str = Field(pattern=r"^[0-9]{6}$", description=ONE_TIME_CODE)
    level: LevelName
    criteria: list[int | None] | None = Field(
        None,
        max_length=9,
        description="The 9 survey criteria in order, each 0, 1, 2 or null; omit for no survey.",
    )
    comment: str = Field("", max_length=2000, description="Read by the Center, never published.")


class CriterionOut(Schema):
    number: int
    label: str
    score: int | None


class PublicRatingOut(Schema):
    dossier: str
    level: LevelName
    level_label: str
    rated_at: datetime
    criteria: list[CriterionOut]
    survey_points: int | None = Field(description="Out of 18, when all 9 criteria are answered.")
    band: str = Field(description="excellent, good, fair, average or weak; empty without total.")
    band_label: str


def public_rating_out(code: str, rating: sel.PublicRating) -> dict:
    return {
        "dossier": code,
        "level": rating.level,
        "level_label": rating.level_label,
        "rated_at": _utc(rating.rated_at),
        "criteria": [
            {"number": n, "label": label, "score": score}
            for n, (label, score) in enumerate(rating.criteria, start=1)
        ],
        "survey_points": rating.survey_points,
        "band": rating.band,
        "band_label": rating.band_label,
    }


class ComplaintIn(Schema):
    kind: KindName
    subject: str = Field(max_length=300)
    content: str = Field(max_length=5000)
    sender_name: str = Field(max_length=200)
    sender_phone: str = Field(
        max_length=20, description="Required: its last 4 digits let you follow the answer."
    )
    sender_email: str = Field("", max_length=254)
    dossier_code: str = Field("", max_length=60, description="A dossier the complaint is about.")
    verifier: str = Field(
        "",
        max_length=4,
        description="With dossier_code: the last 4 digits of the applicant's phone or ID.",
    )
    one_time_code: str = Field("", max_length=6, description="With dossier_code: " + ONE_TIME_CODE)
    site: str = Field("", max_length=40, description="Code of the site it is about, if any.")


class PublicStepOut(Schema):
    at: datetime
    label: str
    note: str


class PublicComplaintOut(Schema):
    code: str
    kind: KindName
    kind_label: str
    status: str
    status_label: str
    subject: str
    concerns: str = Field(description="The site and agency it is about.")
    dossier: str
    received_at: datetime
    answer_due_at: datetime = Field(description="Moves later while information is awaited.")
    waiting_for_you: bool = Field(description="The office asked for information.")
    info_request: str
    refusal_reason: str
    answer: str
    answered_at: datetime | None
    published_at: datetime | None
    steps: list[PublicStepOut]


def public_complaint_out(c: sel.PublicComplaint) -> dict:
    return {
        "code": c.code,
        "kind": c.kind,
        "kind_label": c.kind_label,
        "status": c.status,
        "status_label": c.status_label,
        "subject": c.subject,
        "concerns": c.concerns,
        "dossier": c.dossier_code,
        "received_at": _utc(c.received_at),
        "answer_due_at": _utc(c.answer_due_at),
        "waiting_for_you": c.status == ComplaintStatus.INFO_REQUESTED,
        "info_request": c.info_request,
        "refusal_reason": c.refusal_reason,
        "answer": c.answer,
        "answered_at": _utc(c.answered_at),
        "published_at": _utc(c.published_at),
        "steps": [{"at": _utc(s.at), "label": s.label, "note": s.note} for s in c.steps],
    }


class InformationIn(Schema):
    verifier: str = Field(pattern=r"^[0-9]{4}$", description="Last 4 digits of your phone.")
    content: str = Field(max_length=5000)


class AnswerOut(Schema):
    kind_label: str
    subject: str
    answer: str
    concerns: str
    received_on: date
    answered_at: datetime | None
    published_at: datetime | None


class AnswerPage(Schema):
    count: int
    items: list[AnswerOut]


class AnswersQuery(Schema):
    q: str = Field("", max_length=100)
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0, le=1_000_000)


# -- public endpoints --------------------------------------------------------------------------


@router.post(
    "/public/dossiers/{code}/rating",
    response={201: PublicRatingOut},
    auth=None,
    summary="Rate a delivered dossier (public, no account)",
    openapi_extra={
        "responses": {
            404: {"description": "Unknown code or wrong verifier (one answer for both)", **PROBLEM},
            409: {"description": "Not delivered, already rated, or too late", **PROBLEM},
            **THROTTLED,
        }
    },
)
def rating_create(request: HttpRequest, code: str, payload: RatingIn, response: HttpResponse):
    """The applicant's rating of a dossier whose result was handed over: one of three levels
    and, optionally, the 9-criteria survey (0, 1 or 2 points each; its total and band come
    back when all 9 are answered). One rating per dossier, within 30 days of the hand-over.
    Besides the verifier, it needs the `one_time_code` sent to the applicant."""
    check_feedback(request)

    def rate():
        svc.dossier_for_citizen(code, payload.verifier)  # the digits first: 404 when wrong
        one_time_code_check(dossier_code=code, code=payload.one_time_code)
        return svc.rating_submit(
            dossier_code=code,
            verifier=payload.verifier,
            level=payload.level,
            criteria=payload.criteria,
            comment=payload.comment,
        )

    rating = verified(request, code, rate)
    response["Cache-Control"] = "no-store"
    return HttpStatus(201, public_rating_out(rating.dossier.code, sel.public_rating_of(rating)))


@router.post(
    "/public/complaints",
    response={201: PublicComplaintOut},
    auth=None,
    summary="Send a complaint or suggestion (public, no account)",
    openapi_extra={
        "responses": {404: {"description": "Dossier not found", **PROBLEM}, **THROTTLED}
    },
)
def complaint_create(request: HttpRequest, payload: ComplaintIn, response: HttpResponse):
    """Record a complaint (phản ánh) or suggestion (kiến nghị). The answer gives its code;
    follow it with the code and the last 4 digits of the phone given. The office refuses it
    within 2 working days, asks for more information within 5, or answers within 15. A
    complaint about a dossier (`dossier_code`) needs the applicant's `one_time_code` too."""
    check_feedback(request)

    def submit():
        if payload.dossier_code and payload.verifier:
            svc.dossier_for_citizen(payload.dossier_code, payload.verifier, field="dossier_code")
            one_time_code_check(dossier_code=payload.dossier_code, code=payload.one_time_code)
        return svc.complaint_submit(
            kind=payload.kind,
            subject=payload.subject,
            content=payload.content,
            sender_name=payload.sender_name,
            sender_phone=payload.sender_phone,
            sender_email=payload.sender_email,
            dossier_code=payload.dossier_code,
            verifier=payload.verifier,
            site_code=payload.site,
        )

    complaint = (
        verified(request, payload.dossier_code, submit) if payload.dossier_code else submit()
    )
    response["Location"] = f"/api/v1/public/complaints/{complaint.code}"
    response["Cache-Control"] = "no-store"
    return HttpStatus(201, public_complaint_out(sel.public_complaint(code=complaint.code)))


@router.get(
    "/public/complaint-answers",
    response=AnswerPage,
    auth=None,
    summary="Published answers to complaints and suggestions",
)
def answers(request: HttpRequest, query: Query[AnswersQuery]):
    """Subjects and answers the office published, newest first; never who sent them."""
    qs = sel.published_answers(q=query.q)
    rows = qs[query.offset : query.offset + query.limit]
    return {"count": qs.count(), "items": [vars(sel.published_answer(c)) for c in rows]}


class FollowQuery(Schema):
    verifier: str = Field(pattern=r"^[0-9]{4}$", description="Last 4 digits of your phone.")


@router.get(
    "/public/complaints/{code}",
    response=PublicComplaintOut,
    auth=None,
    summary="Follow a complaint or suggestion (public, no account)",
    openapi_extra={
        "responses": {
            404: {"description": "Unknown code or wrong digits (one answer for both)", **PROBLEM},
            **THROTTLED,
        }
    },
)
def complaint_follow(
    request: HttpRequest, code: str, query: Query[FollowQuery], response: HttpResponse
):
    """Its status, deadline, any request for information, and the answer once given."""
    check_lookup(request)
    response["Cache-Control"] = "no-store"
    found = verified(
        request, code, lambda: sel.complaint_follow(code=code, verifier=query.verifier)
    )
    return public_complaint_out(found)


@router.post(
    "/public/complaints/{code}/information",
    response=PublicComplaintOut,
    auth=None,
    summary="Send the information the office asked for",
    openapi_extra={
        "responses": {
            404: {"description": "Unknown code or wrong digits", **PROBLEM},
            409: {"description": "No information was asked for", **PROBLEM},
            **THROTTLED,
        }
    },
)
def complaint_information(
    request: HttpRequest, code: str, payload: InformationIn, response: HttpResponse
):
    """Reply to a request for information; the answer's clock runs again."""
    check_feedback(request)
    complaint = verified(
        request,
        code,
        lambda: svc.complaint_add_info(
            code=code, verifier=payload.verifier, content=payload.content
        ),
    )
    response["Cache-Control"] = "no-store"
    return public_complaint_out(sel.public_complaint(code=complaint.code))


# -- staff -------------------------------------------------------------------------------------


class ComplaintDeadlineOut(Schema):
    name: Literal["refuse", "info", "answer", "publish"]
    due_at: datetime | None
    current: bool = Field(description="The deadline the office works against now.")
    state: str = Field(description="late, today, soon, ok, paused or done.")
    left: str = Field(description="Working time left (or late by), in words.")
    met: bool | None = Field(description="Once the step is done: whether it was in time.")


class ComplaintEventOut(Schema):
    action: str
    at: datetime
    actor: str
    from_status: str
    to_status: str
    note: str
    on_time: bool | None


class ComplaintOut(Schema):
    code: str
    kind: KindName
    status: str
    status_label: str
    subject: str
    content: str
    sender_name: str
    sender_phone: str
    sender_email: str
    dossier: str | None
    site: Ref | None
    agency: Ref | None
    received_at: datetime
    refuse_due_at: datetime
    info_due_at: datetime
    answer_due_at: datetime
    publish_due_at: datetime | None
    waiting_since: datetime | None = Field(description="Waiting for the sender's information.")
    deadlines: list[ComplaintDeadlineOut]
    info_request: str
    refusal_reason: str
    answer: str
    answered_at: datetime | None
    public_subject: str
    published_at: datetime | None
    handled_by: str | None
    allowed_actions: list[str] = Field(description="Actions you may take now.")
    events: list[ComplaintEventOut] | None = Field(
        None, description="The log (on one complaint only)."
    )


class ComplaintPage(Schema):
    count: int
    items: list[ComplaintOut]


class ComplaintListQuery(Schema):
    state: StateName | None = Field(None, description="open, overdue, closed, or a status.")  # type: ignore[valid-type]
    kind: KindName | None = None
    q: str | None = Field(None, max_length=100, description="Code, subject, dossier or sender.")
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=1_000_000_000)


class ComplaintActionIn(Schema):
    reason: str = Field("", max_length=5000, description="For refuse.")
    message: str = Field("", max_length=5000, description="For request_info: what is needed.")
    note: str = Field("", max_length=2000, description="For accept, optional.")
    answer: str = Field("", max_length=5000, description="For answer.")
    public_subject: str = Field(
        "", max_length=300, description="For publish: the subject without personal data."
    )


def _person(user) -> str | None:
    if user is None:
        return None
    profile = getattr(user, "staff_profile", None)
    return (profile.full_name if profile else "") or user.get_username()


def complaint_out(
    c: Complaint, row: sel.DeskRow, actor: Actor, *, events: list | None = None
) -> dict:
    from motcua.feedback.permissions import can_handle
    from motcua.feedback.rules import actions_allowed

    return {
        "code": c.code,
        "kind": c.kind,
        "status": c.status,
        "status_label": str(ComplaintStatus(c.status).label),
        "subject": c.subject,
        "content": c.content,
        "sender_name": c.sender_name,
        "sender_phone": c.sender_phone,
        "sender_email": c.sender_email,
        "dossier": c.dossier.code if c.dossier_id else None,
        "site": ref(c.site),
        "agency": ref(c.agency),
        "received_at": _utc(c.received_at),
        "refuse_due_at": _utc(c.refuse_due_at),
        "info_due_at": _utc(c.info_due_at),
        "answer_due_at": _utc(c.answer_due_at),
        "publish_due_at": _utc(c.publish_due_at),
        "waiting_since": _utc(c.paused_at),
        "deadlines": [
            {
                "name": d.name,
                "due_at": _utc(d.at),
                "current": d.current,
                "state": d.left.state,
                "left": d.left.text,
                "met": d.met,
            }
            for d in row.deadlines
        ],
        "info_request": c.info_request,
        "refusal_reason": c.refusal_reason,
        "answer": c.answer,
        "answered_at": _utc(c.answered_at),
        "public_subject": c.public_subject,
        "published_at": _utc(c.published_at),
        "handled_by": _person(c.handled_by),
        "allowed_actions": actions_allowed(c.status) if can_handle(actor, c) else [],
        "events": None
        if events is None
        else [
            {
                "action": e.action,
                "at": _utc(e.at),
                "actor": e.actor_name,
                "from_status": e.from_status,
                "to_status": e.to_status,
                "note": e.note,
                "on_time": e.on_time,
            }
            for e in events
        ],
    }


def _actor(request: HttpRequest) -> Actor:
    return actor_for(request.user, clock.today())


def _one(actor: Actor, code: str) -> dict:
    now = clock.now()
    complaint = sel.complaint_get(actor=actor, code=code)
    (row,) = sel.desk_rows([complaint], now=now)
    return complaint_out(complaint, row, actor, events=complaint.log)


@router.get(
    "/complaints",
    response=ComplaintPage,
    auth=STAFF_AUTH,
    summary="Complaints and suggestions in your scope",
)
def complaint_index(request: HttpRequest, filters: Query[ComplaintListQuery]):
    """Most urgent first: open ones by the deadline the office works against now (waits for
    the sender after them), then closed ones, newest first."""
    actor = _actor(request)
    now = clock.now()
    qs = sel.complaint_list(
        actor=actor,
        filters=sel.ComplaintFilters(state=filters.state, kind=filters.kind, q=filters.q),
        now=now,
    ).select_related("handled_by__staff_profile")
    page = list(qs[filters.offset : filters.offset + filters.limit])
    rows = sel.desk_rows(page, now=now)
    return {
        "count": qs.count(),
        "items": [complaint_out(r.complaint, r, actor) for r in rows],
    }


@router.get(
    "/complaints/{code}",
    response=ComplaintOut,
    auth=STAFF_AUTH,
    summary="One complaint or suggestion, with its log",
)
def complaint_detail(request: HttpRequest, code: str):
    return _one(_actor(request), code)


@router.post(
    "/complaints/{code}/actions/{action}",
    response=ComplaintOut,
    auth=STAFF_AUTH,
    summary="Act on a complaint or suggestion",
)
def complaint_action(request: HttpRequest, code: str, action: StaffAction, body: ComplaintActionIn):
    """`accept` (start handling; note), `request_info` (message), `refuse` (reason),
    `answer` (answer), `publish` (public_subject, optional). The staff of the site or agency it
    concerns act, and the center director; inspectors read only."""
    actor = _actor(request)
    arguments = {
        ComplaintAction.ACCEPT: {"note": body.note},
        ComplaintAction.REQUEST_INFO: {"message": body.message},
        ComplaintAction.REFUSE: {"reason": body.reason},
        ComplaintAction.ANSWER: {"answer": body.answer},
        ComplaintAction.PUBLISH: {"public_subject": body.public_subject},
    }
    svc.STAFF_SERVICES[action](complaint=code.strip().upper(), actor=actor, **arguments[action])
    return _one(actor, code)


class LevelOut(Schema):
    level: str
    label: str
    count: int
    share: float | None = Field(description="Percent of the ratings (2 decimals); null if none.")


class CriterionAverageOut(Schema):
    label: str
    average: float | None


class RatingsSummaryOut(Schema):
    total: int
    levels: list[LevelOut]
    surveyed: int
    average_points: float | None
    average_band: str
    bands: list[LevelOut]
    criteria: list[CriterionAverageOut]


class SummaryQuery(Schema):
    start: IsoDate | None = None
    end: IsoDate | None = None


@router.get(
    "/ratings/summary",
    response=RatingsSummaryOut,
    auth=STAFF_AUTH,
    summary="Ratings of the dossiers in your scope",
)
def ratings_summary(request: HttpRequest, query: Query[SummaryQuery]):
    """Counts per level, the average survey total and its band, per-criterion averages, for
    ratings given from `start` to `end` (Hanoi days, inclusive)."""
    if query.start and query.end and query.end < query.start:
        raise InvalidInput(_("The end date cannot be before the start date."), field="end")
    s = sel.ratings_summary(actor=_actor(request), start=query.start, end=query.end)
    return {
        "total": s.total,
        "levels": [vars(lv) for lv in s.levels],
        "surveyed": s.surveyed,
        "average_points": s.average_points,
        "average_band": s.average_band,
        "bands": [vars(b) for b in s.bands],
        "criteria": [{"label": label, "average": avg} for label, avg in s.criteria],
    }
