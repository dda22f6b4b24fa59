"""Reads of ratings and complaints.

Public reads build plain values from whitelisted fields: never the sender's name, phone or
e-mail, never the applicant's data, never a rating's comment, never a staff member's name.
Staff reads go through the acting person's scope (:mod:`.permissions`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    DateTimeField,
    F,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
    prefetch_related_objects,
)
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.core import clock
from motcua.core.errors import NotFound
from motcua.core.text import normalize
from motcua.dossiers.choices import Status
from motcua.dossiers.models import Dossier
from motcua.dossiers.permissions import Actor
from motcua.dossiers.selectors import dossiers_visible
from motcua.feedback import rules
from motcua.feedback.choices import (
    CRITERION_SCORES,
    OPEN_STATUSES,
    SURVEY_CRITERIA,
    ComplaintAction,
    ComplaintKind,
    ComplaintStatus,
    RatingLevel,
    SurveyBand,
)
from motcua.feedback.models import Complaint, ComplaintEvent, Rating
from motcua.feedback.permissions import can_handle, complaints_visible_q
from motcua.feedback.proofs import proof_for
from motcua.public.selectors import verifier_matches
from motcua.worktime.left import TimeLeft, time_left
from motcua.worktime.rules import HANOI
from motcua.worktime.selectors import calendar_for

#: The one answer to an unknown complaint code and to wrong digits.
COMPLAINT_NOT_FOUND = gettext_lazy(
    "No complaint or suggestion matches this code and these four digits. Check both: the "
    "digits are the last four of the phone number given when sending it."
)

DEADLINE_LABELS = {
    "refuse": gettext_lazy("Refuse by"),
    "info": gettext_lazy("Ask for information by"),
    "answer": gettext_lazy("Answer by"),
    "publish": gettext_lazy("Publish by"),
}


# -- ratings, public ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicRating:
    """A rating as its author sees it again (the comment is never shown back)."""

    level: str
    level_label: str
    rated_at: datetime
    criteria: tuple[tuple[str, int | None], ...]
    survey_points: int | None
    band: str
    band_label: str


def public_rating_of(rating: Rating) -> PublicRating:
    band = rules.survey_band(rating.survey_points)
    return PublicRating(
        level=rating.level,
        level_label=str(RatingLevel(rating.level).label),
        rated_at=rating.rated_at,
        criteria=tuple(
            (str(label), value)
            for label, value in zip(SURVEY_CRITERIA, rating.criteria, strict=True)
        ),
        survey_points=rating.survey_points,
        band=band or "",
        band_label=str(band.label) if band else "",
    )


def public_rating(*, dossier_code: str) -> PublicRating | None:
    """The rating of the dossier ``dossier_code`` (call once the citizen proved the verifier)."""
    rating = Rating.objects.filter(dossier__code=normalize(dossier_code or "").upper()).first()
    return None if rating is None else public_rating_of(rating)


@dataclass(frozen=True)
class LookupFeedback:
    """What the lookup page offers after a dossier's data: rate it, see the rating, complain."""

    rating: PublicRating | None
    can_rate: bool
    rate_until: datetime | None
    window_closed: bool
    proof: str


def lookup_feedback(*, dossier, now: datetime | None = None) -> LookupFeedback:
    """For a dossier the citizen just looked up (verifier checked): its rating, whether it may
    be rated now and until when, and a short-lived proof for the rating and complaint pages."""
    now = now or clock.now()
    rating = public_rating(dossier_code=dossier.code)
    delivered = dossier.status == Status.DELIVERED and dossier.delivered_at is not None
    until = rules.rating_window_end(dossier.delivered_at) if delivered else None
    closed = delivered and now > until
    return LookupFeedback(
        rating=rating,
        can_rate=delivered and rating is None and not closed,
        rate_until=until,
        window_closed=bool(closed) and rating is None,
        proof=proof_for(dossier.code),
    )


@dataclass(frozen=True)
class RatingTarget:
    """The dossier a rating page is about, in public terms."""

    code: str
    procedure_name: str
    site_name: str
    delivered_at: datetime | None
    status: str
    rating: PublicRating | None
    rate_until: datetime | None
    window_closed: bool


def rating_target(*, dossier_code: str, now: datetime | None = None) -> RatingTarget:
    """The dossier a valid proof names (no verifier check here: the proof is the check)."""
    dossier = (
        Dossier.objects.select_related("procedure", "return_site", "receiving_site")
        .only(
            "code",
            "status",
            "delivered_at",
            "procedure__name",
            "return_site__name",
            "receiving_site__name",
        )  # fmt: skip
        .filter(code=dossier_code)
        .first()
    )
    if dossier is None:
        raise NotFound(_("There is no dossier with code %(code)s.") % {"code": dossier_code})
    site = dossier.return_site or dossier.receiving_site
    until = rules.rating_window_end(dossier.delivered_at) if dossier.delivered_at else None
    return RatingTarget(
        code=dossier.code,
        procedure_name=dossier.procedure.name,
        site_name=site.name if site else "",
        delivered_at=dossier.delivered_at,
        status=dossier.status,
        rating=public_rating(dossier_code=dossier.code),
        rate_until=until,
        window_closed=until is not None and (now or clock.now()) > until,
    )


def survey_bands() -> list[tuple[int, str, str]]:
    """The bands as ``(lowest total, value, label)``, best first (for the live total)."""
    return [(floor, str(band), str(band.label)) for floor, band in rules.BANDS]


def survey_questions() -> list[tuple[int, str]]:
    return [(n, str(label)) for n, label in enumerate(SURVEY_CRITERIA, start=1)]


def criterion_scores() -> list[tuple[int, str]]:
    return [(value, str(label)) for value, label in CRITERION_SCORES]


# -- complaints, public ------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicStep:
    at: datetime
    label: str
    note: str = ""


@dataclass(frozen=True)
class PublicComplaint:
    """A complaint as its sender follows it: no personal data, no staff names."""

    code: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    subject: str
    concerns: str
    dossier_code: str
    received_at: datetime
    answer_due_at: datetime
    paused: bool
    info_request: str
    refusal_reason: str
    answer: str
    answered_at: datetime | None
    published_at: datetime | None
    steps: tuple[PublicStep, ...] = field(default_factory=tuple)


_STEP_LABELS = {
    ComplaintAction.SUBMIT: gettext_lazy("Received"),
    ComplaintAction.REFUSE: gettext_lazy("Refused"),
    ComplaintAction.REQUEST_INFO: gettext_lazy("More information requested"),
    ComplaintAction.ADD_INFO: gettext_lazy("Information added"),
    ComplaintAction.ACCEPT: gettext_lazy("Being handled"),
    ComplaintAction.ANSWER: gettext_lazy("Answered"),
    ComplaintAction.PUBLISH: gettext_lazy("Answer published"),
}

# The notes a sender reads again: what was asked, their own reply, the reason of a refusal.
_PUBLIC_NOTES = {ComplaintAction.REQUEST_INFO, ComplaintAction.ADD_INFO, ComplaintAction.REFUSE}


def _concerns(complaint: Complaint) -> str:
    parts = [p.name for p in (complaint.site, complaint.agency) if p is not None]
    return " · ".join(parts) or _("The Center as a whole")


def complaint_for_sender(code: str, verifier: str, *, lock: bool = False) -> Complaint:
    """The complaint ``code`` if ``verifier`` ends its sender's phone; one NotFound otherwise.

    Both the unknown code and wrong digits read one row and compare in constant time.
    """
    code = normalize(code or "").upper()
    complaint = None
    if code and len(code) <= 20:
        qs = Complaint.objects.select_for_update(of=("self",)) if lock else Complaint.objects
        complaint = qs.filter(code=code).first()
    phone = complaint.sender_phone if complaint else ""
    if complaint is None or not verifier_matches(verifier, phone=phone, id_number=""):
        raise NotFound(str(COMPLAINT_NOT_FOUND))
    return complaint


def public_complaint(*, code: str) -> PublicComplaint:
    """The sender's view of complaint ``code`` (call after the digits or a follow token)."""
    complaint = (
        Complaint.objects.select_related("site", "agency", "dossier")
        .filter(code=normalize(code or "").upper())
        .first()
    )
    if complaint is None:
        raise NotFound(str(COMPLAINT_NOT_FOUND))
    events = complaint.events.order_by("at", "pk").only("action", "at", "note")
    return PublicComplaint(
        code=complaint.code,
        kind=complaint.kind,
        kind_label=str(ComplaintKind(complaint.kind).label),
        status=complaint.status,
        status_label=str(ComplaintStatus(complaint.status).label),
        subject=complaint.subject,
        concerns=_concerns(complaint),
        dossier_code=complaint.dossier.code if complaint.dossier else "",
        received_at=complaint.received_at,
        answer_due_at=complaint.answer_due_at,
        paused=complaint.paused_at is not None,
        info_request=complaint.info_request
        if complaint.status == ComplaintStatus.INFO_REQUESTED
        else "",
        refusal_reason=complaint.refusal_reason,
        answer=complaint.answer,
        answered_at=complaint.answered_at,
        published_at=complaint.published_at,
        steps=tuple(
            PublicStep(
                at=e.at,
                label=str(_STEP_LABELS[e.action]),
                note=e.note if e.action in _PUBLIC_NOTES else "",
            )
            for e in events
        ),
    )


def complaint_follow(*, code: str, verifier: str) -> PublicComplaint:
    """A complaint for its sender: the code and the last four digits of the sender's phone."""
    return public_complaint(code=complaint_for_sender(code, verifier).code)


@dataclass(frozen=True)
class PublishedAnswer:
    kind_label: str
    subject: str
    answer: str
    concerns: str
    received_on: date
    answered_at: datetime | None
    published_at: datetime | None


def published_answers(*, q: str = "") -> QuerySet[Complaint]:
    """Published answers, newest first; ``q`` searches the published subject and the answer."""
    qs = (
        Complaint.objects.filter(status=ComplaintStatus.PUBLISHED)
        .select_related("site", "agency")
        .only(
            "kind",
            "public_subject",
            "answer",
            "received_at",
            "answered_at",
            "published_at",
            "site__name",
            "agency__name",
        )  # fmt: skip
        .order_by("-published_at", "-pk")
    )
    q = normalize(q or "")[:100]
    if q:
        qs = qs.filter(Q(public_subject__icontains=q) | Q(answer__icontains=q))
    return qs


def published_answer(complaint: Complaint) -> PublishedAnswer:
    """The public face of a published complaint: its subject as published, and the answer."""
    return PublishedAnswer(
        kind_label=str(ComplaintKind(complaint.kind).label),
        subject=complaint.public_subject,
        answer=complaint.answer,
        concerns=_concerns(complaint),
        received_on=complaint.received_at.astimezone(HANOI).date(),
        answered_at=complaint.answered_at,
        published_at=complaint.published_at,
    )


# -- complaints, staff -------------------------------------------------------------------------


def complaints_visible(actor: Actor) -> QuerySet[Complaint]:
    """Every complaint ``actor`` may read."""
    q = complaints_visible_q(actor)
    qs = Complaint.objects.all()
    return qs if q is None else qs.filter(q)


@dataclass
class ComplaintFilters:
    #: "open" (waiting for the office), "overdue" (open, past its current deadline), "closed"
    #: (refused or published), or a status value.
    state: str | None = None
    kind: str | None = None
    q: str | None = None


def current_deadline_expr(now: datetime) -> Case:
    """The deadline the office works against now (rules.current_deadline), in SQL."""
    received = Q(status=ComplaintStatus.RECEIVED)
    return Case(
        When(received & Q(refuse_due_at__gte=now), then=F("refuse_due_at")),
        When(received & Q(info_due_at__gte=now), then=F("info_due_at")),
        When(
            status__in=[
                ComplaintStatus.RECEIVED,
                ComplaintStatus.INFO_REQUESTED,
                ComplaintStatus.IN_HANDLING,
            ],
            then=F("answer_due_at"),
        ),
        When(status=ComplaintStatus.ANSWERED, then=F("publish_due_at")),
        default=Value(None),
        output_field=DateTimeField(),
    )


def complaint_list(
    *, actor: Actor, filters: ComplaintFilters, now: datetime | None = None
) -> QuerySet[Complaint]:
    """Complaints in scope, most urgent first: open ones by their current deadline (waits for
    the sender last among them), then closed ones, newest first."""
    now = now or clock.now()
    qs = (
        complaints_visible(actor)
        .select_related("site", "agency", "dossier")
        .annotate(
            deadline=current_deadline_expr(now),
            is_open=Case(
                When(status__in=OPEN_STATUSES, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            waiting=Case(
                When(paused_at__isnull=False, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
        )
    )
    state = filters.state or ""
    if state == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif state == "overdue":
        qs = qs.filter(status__in=OPEN_STATUSES, paused_at__isnull=True, deadline__lt=now)
    elif state == "closed":
        qs = qs.exclude(status__in=OPEN_STATUSES)
    elif state in ComplaintStatus.values:
        qs = qs.filter(status=state)
    if filters.kind in ComplaintKind.values:
        qs = qs.filter(kind=filters.kind)
    if filters.q:
        term = normalize(filters.q)[:100]
        qs = qs.filter(
            Q(code__icontains=term)
            | Q(subject__icontains=term)
            | Q(dossier__code__icontains=term)
            | Q(sender_name__icontains=term)
        )
    return qs.order_by(
        "is_open", "waiting", F("deadline").asc(nulls_last=True), "-received_at", "-pk"
    )


def complaint_counts(*, actor: Actor, now: datetime | None = None) -> dict[str, int]:
    """Open, overdue, due today and waiting for the sender, in ``actor``'s scope."""
    now = now or clock.now()
    local = now.astimezone(HANOI)
    midnight = datetime.combine(local.date() + timedelta(days=1), time(0), HANOI)
    qs = complaints_visible(actor).annotate(deadline=current_deadline_expr(now))
    running = Q(status__in=OPEN_STATUSES, paused_at__isnull=True)
    return qs.aggregate(
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        overdue=Count("pk", filter=running & Q(deadline__lt=now)),
        today=Count("pk", filter=running & Q(deadline__gte=now, deadline__lt=midnight)),
        waiting=Count("pk", filter=Q(status=ComplaintStatus.INFO_REQUESTED)),
    )


@dataclass(frozen=True)
class Deadline:
    name: str
    label: str
    at: datetime | None
    left: TimeLeft
    current: bool
    met: bool | None  # once the step is done: whether it was done in time


@dataclass(frozen=True)
class DeskRow:
    complaint: Complaint
    current: Deadline | None
    deadlines: tuple[Deadline, ...]


def _deadlines(complaint: Complaint, now: datetime) -> tuple[Deadline | None, tuple]:
    calendar = calendar_for(complaint.site, complaint.received_at)
    current = rules.current_deadline(
        status=complaint.status,
        now=now,
        refuse_due_at=complaint.refuse_due_at,
        info_due_at=complaint.info_due_at,
        answer_due_at=complaint.answer_due_at,
        publish_due_at=complaint.publish_due_at,
    )
    current_name = current[0] if current else ""
    done = {
        ComplaintAction.REFUSE: "refuse",
        ComplaintAction.REQUEST_INFO: "info",
        ComplaintAction.ANSWER: "answer",
        ComplaintAction.PUBLISH: "publish",
    }
    met = {}
    for event in getattr(complaint, "timed_events", None) or ():
        if event.action in done:
            met[done[event.action]] = event.on_time
    rows = []
    for name, at in (
        ("refuse", complaint.refuse_due_at),
        ("info", complaint.info_due_at),
        ("answer", complaint.answer_due_at),
        ("publish", complaint.publish_due_at),
    ):
        is_current = name == current_name
        paused = complaint.paused_at is not None and name == "answer"
        left = (
            time_left(now=now, due=at, calendar=calendar, paused=paused)
            if is_current or (paused and complaint.status in OPEN_STATUSES)
            else TimeLeft("", "done")
        )
        rows.append(
            Deadline(
                name=name,
                label=str(DEADLINE_LABELS[name]),
                at=at,
                left=left,
                current=is_current,
                met=met.get(name),
            )
        )
    current_row = next((d for d in rows if d.current), None)
    return current_row, tuple(rows)


def desk_rows(complaints, *, now: datetime | None = None) -> list[DeskRow]:
    """Each complaint with its current deadline and the working time left to it, and whether
    each step done met its deadline (one query for the page's logs)."""
    now = now or clock.now()
    complaints = list(complaints)
    prefetch_related_objects(
        [c for c in complaints if not hasattr(c, "timed_events")],
        Prefetch(
            "events",
            queryset=ComplaintEvent.objects.filter(on_time__isnull=False)
            .only("complaint_id", "action", "on_time", "at")
            .order_by("at", "pk"),
            to_attr="timed_events",
        ),
    )
    rows = []
    for complaint in complaints:
        current, deadlines = _deadlines(complaint, now)
        rows.append(DeskRow(complaint=complaint, current=current, deadlines=deadlines))
    return rows


def complaint_get(*, actor: Actor, code: str) -> Complaint:
    """One complaint in scope, with its log; outside the scope it is "not found"."""
    code = normalize(code or "").upper()
    complaint = (
        complaints_visible(actor)
        .select_related("site", "agency", "dossier", "handled_by__staff_profile")
        .filter(code=code)
        .first()
    )
    if complaint is None:
        raise NotFound(_("There is no complaint with code %(code)s.") % {"code": code})
    complaint.log = list(complaint.events.order_by("at", "pk"))
    complaint.timed_events = complaint.log
    return complaint


def complaint_detail(*, actor: Actor, code: str, now: datetime | None = None) -> dict:
    """A complaint, its deadlines, its log and the actions ``actor`` may take now."""
    now = now or clock.now()
    complaint = complaint_get(actor=actor, code=code)
    current, deadlines = _deadlines(complaint, now)
    handles = can_handle(actor, complaint)
    return {
        "complaint": complaint,
        "current": current,
        "deadlines": deadlines,
        "events": complaint.log,
        "can_handle": handles,
        "actions": rules.actions_allowed(complaint.status) if handles else [],
    }


# -- ratings, staff ----------------------------------------------------------------------------


def ratings_visible(actor: Actor) -> QuerySet[Rating]:
    """The ratings of the dossiers ``actor`` may read."""
    if actor.sees_all:
        return Rating.objects.all()
    return Rating.objects.filter(dossier__in=dossiers_visible(actor).values("pk"))


@dataclass(frozen=True)
class LevelCount:
    level: str
    label: str
    count: int
    share: float | None  # percent of the ratings, 2 decimals


@dataclass(frozen=True)
class RatingsSummary:
    total: int
    levels: tuple[LevelCount, ...]
    surveyed: int
    average_points: float | None
    average_band: str
    average_band_label: str
    bands: tuple[LevelCount, ...]
    criteria: tuple[tuple[str, float | None], ...]  # average score of each criterion (0–2)


def _share(part: int, whole: int) -> float | None:
    return None if not whole else round(part * 100 / whole, 2)


def ratings_summary(
    *, actor: Actor, start: date | None = None, end: date | None = None
) -> RatingsSummary:
    """Counts per level, the average survey total and its band, per-criterion averages, for
    the ratings in ``actor``'s scope given from ``start`` to ``end`` (Hanoi days, inclusive)."""
    qs = ratings_visible(actor)
    if start is not None:
        qs = qs.filter(rated_at__gte=datetime.combine(start, time(0), HANOI))
    if end is not None:
        qs = qs.filter(rated_at__lt=datetime.combine(end + timedelta(days=1), time(0), HANOI))
    band_of = Case(
        *(
            When(survey_points__gte=floor, then=Value(str(band)))
            for floor, band in rules.BANDS
            if floor > 0
        ),
        When(survey_points__isnull=False, then=Value(str(SurveyBand.WEAK))),
        default=Value(""),
        output_field=CharField(),
    )
    figures = qs.aggregate(
        total=Count("pk"),
        surveyed=Count("pk", filter=Q(survey_points__isnull=False)),
        average=Avg("survey_points"),
        **{f"level_{lv}": Count("pk", filter=Q(level=lv)) for lv in RatingLevel.values},
        **{f"c{n}": Avg(f"criterion_{n}") for n in range(1, rules.CRITERIA_COUNT + 1)},
    )
    band_counts = dict(
        qs.annotate(band=band_of)
        .exclude(band="")
        .values_list("band")
        .annotate(n=Count("pk"))
        .values_list("band", "n")
    )
    total, surveyed = figures["total"], figures["surveyed"]
    average = round(float(figures["average"]), 2) if figures["average"] is not None else None
    band = rules.survey_band(average)
    return RatingsSummary(
        total=total,
        levels=tuple(
            LevelCount(
                level=lv,
                label=str(RatingLevel(lv).label),
                count=figures[f"level_{lv}"],
                share=_share(figures[f"level_{lv}"], total),
            )
            for lv in RatingLevel.values
        ),
        surveyed=surveyed,
        average_points=average,
        average_band=band or "",
        average_band_label=str(band.label) if band else "",
        bands=tuple(
            LevelCount(
                level=str(b),
                label=str(b.label),
                count=band_counts.get(str(b), 0),
                share=_share(band_counts.get(str(b), 0), surveyed),
            )
            for _floor, b in rules.BANDS
        ),
        criteria=tuple(
            (
                str(label),
                round(float(figures[f"c{n}"]), 2) if figures[f"c{n}"] is not None else None,
            )
            for n, label in enumerate(SURVEY_CRITERIA, start=1)
        ),
    )


def ratings_recent(*, actor: Actor, limit: int = 20) -> QuerySet[Rating]:
    """The latest ratings in scope with their dossier (comments included: staff only)."""
    return (
        ratings_visible(actor)
        .select_related("dossier__procedure", "dossier__receiving_site")
        .order_by("-rated_at", "-pk")[:limit]
    )
