"""What each dossier event, rating and complaint adds to the portal's counters: pure
functions over plain values (no ORM, no clock).

The definitions (one-stop-rules.md §5, §7; docs/open-data.md lists them for the public):

- **received**: a one-stop officer received the dossier (form 01 at a counter, or the check of
  an online filing accepted it), counted on the Hanoi date of its *deemed* receipt. Online
  filings not yet checked, guided back or refused are not received. With it: the channel
  (online, post; in person is the rest), received outside the competent agency's territory,
  with a phone or ID number the public lookup can verify, with fees due, and with those fees
  paid online (the payment method the dossier records, which a later payment may change).
- **opened / closed**: the dossier entered processing (the receipt, on the day it happened) or
  left it (result completed, or withdrawn or stopped while being processed). Dossiers in
  progress at the end of a period are the opened minus the closed up to that day.
- **finished**: the agency completed the result (the ``complete`` action; granted, or rejected
  with a written reason), counted on the Hanoi date it did, and graded as the dossier was:
  early, on time or late. A dossier asked to supplement more than once is late whatever the
  clock says (Decision 766).
- **processing minutes**: working time from deemed receipt to completion, to the minute, with
  the pauses for a supplement or a financial obligation taken out. Indicator 2.2 divides it by
  the finished dossiers and by the 480 minutes of a working day.
- **digitised**: finished with every component received digitised (a scan stored) and an
  electronic result (a signed file stored with it).
- **flagged**: finished, and concerned by a complaint (not a suggestion) or a "not satisfied"
  rating, whenever either came; counted once per dossier, on the day it finished.
- ratings per level, surveys answered and their points, complaints and suggestions: on the
  Hanoi date they were recorded.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from decimal import Decimal

from motcua.worktime.rules import HANOI, WorkCalendar, working_time_between

#: Every counter of a :class:`~motcua.transparency.models.Figure`, in the order of the model.
RECEIPT_COUNTERS = (
    "received",
    "received_online",
    "received_post",
    "outside_territory",
    "lookup_ready",
    "fee_bearing",
    "paid_online",
)
FLOW_COUNTERS = ("opened", "closed")
FINISH_COUNTERS = (
    "finished",
    "early",
    "on_time",
    "late",
    "processing_minutes",
    "digitised",
    "flagged",
)
FEEDBACK_COUNTERS = (
    "rated_very_satisfied",
    "rated_satisfied",
    "rated_not_satisfied",
    "surveys",
    "survey_points",
    "complaints",
    "suggestions",
)
COUNTERS = RECEIPT_COUNTERS + FLOW_COUNTERS + FINISH_COUNTERS + FEEDBACK_COUNTERS

# The values of the dossier and feedback choices this module reads (kept as plain strings so
# that it imports nothing of Django).
RECEIVE, COMPLETE, WITHDRAW, STOP, PAY = "receive", "complete", "withdraw", "stop", "pay"
RESUMES = ("receive_supplement", "fulfil_obligation")
#: The actions the fold reads; the others change no counter.
FOLDED_ACTIONS = frozenset({RECEIVE, COMPLETE, WITHDRAW, STOP, PAY})
ONLINE, POST = "online", "post"
EARLY, ON_TIME, LATE = "early", "on_time", "late"
#: Received and not finished: the statuses of a dossier "in progress".
OPEN_STATUSES = frozenset(
    {"received", "transferred", "in_progress", "awaiting_supplement", "awaiting_obligation"}
)
NOT_SATISFIED = "not_satisfied"
RATING_COUNTERS = {
    "very_satisfied": "rated_very_satisfied",
    "satisfied": "rated_satisfied",
    NOT_SATISFIED: "rated_not_satisfied",
}
COMPLAINT, SUGGESTION = "complaint", "suggestion"

#: A working day, for indicator 2.2 (one-stop-rules §5: 8 working hours).
DAY_MINUTES = 480

Deltas = dict[str, int]


@dataclass(frozen=True)
class DossierFacts:
    """What the counters need of a dossier: attributes frozen at receipt, and at completion."""

    channel: str
    deemed_received_at: datetime | None
    outside_territory: bool = False
    has_verifier: bool = True
    fee_due: int = 0
    fee_paid: int = 0
    payment_method: str = ""
    # Known once completed:
    timeliness: str = ""
    supplement_count: int = 0
    finished_at: datetime | None = None
    electronic_result: bool = False
    components_received: int = 0
    components_digitised: int = 0
    paused_minutes: int = 0


@dataclass(frozen=True)
class EventFacts:
    action: str
    at: datetime
    from_status: str = ""


def hanoi_day(moment: datetime) -> date:
    """The Hanoi calendar date of an aware instant."""
    return moment.astimezone(HANOI).date()


def grade(timeliness: str, supplement_count: int) -> str:
    """Early, on time or late as the figures count it: the dossier's own grade, except that
    more than one supplement request makes it late (Decision 766)."""
    return LATE if supplement_count > 1 else timeliness


def fee_bearing(dossier: DossierFacts) -> bool:
    return dossier.fee_due > 0


def paid_online(dossier: DossierFacts) -> bool:
    """Whether a fee-bearing dossier's fees were paid online (the method its last payment
    recorded; indicator 3.6)."""
    return fee_bearing(dossier) and dossier.fee_paid > 0 and dossier.payment_method == ONLINE


def digitised(dossier: DossierFacts) -> bool:
    """Every received component scanned, and the result delivered as a file (indicator 4.2)."""
    return dossier.electronic_result and dossier.components_digitised >= dossier.components_received


def _minute(moment: datetime, calendar: WorkCalendar) -> datetime:
    return calendar.local(moment).replace(second=0, microsecond=0)


def working_minutes(start: datetime, end: datetime, calendar: WorkCalendar) -> int:
    """Working minutes from ``start`` to ``end``, both taken to the minute; negative when
    ``end`` comes first (a dossier finished before the morning it was deemed received)."""
    a, b = _minute(start, calendar), _minute(end, calendar)
    if b < a:
        return -working_minutes(end, start, calendar)
    return int(working_time_between(a, b, calendar) // timedelta(minutes=1))


def processing_minutes(dossier: DossierFacts, calendar: WorkCalendar) -> int:
    """Indicator 2.2's working time of one finished dossier, pauses excluded."""
    if dossier.deemed_received_at is None or dossier.finished_at is None:
        return 0
    elapsed = working_minutes(dossier.deemed_received_at, dossier.finished_at, calendar)
    return elapsed - dossier.paused_minutes


def event_deltas(
    event: EventFacts, dossier: DossierFacts, calendar: WorkCalendar | None = None
) -> list[tuple[date, Deltas]]:
    """The counters one dossier event adds, by the Hanoi day each belongs to.

    ``calendar`` (the dossier's working calendar) is needed for a ``complete`` event only.
    Payments (``paid_online``) and flags are not here: they depend on what was counted before
    (see :func:`mark_delta`).
    """
    if event.action == RECEIVE:
        out: list[tuple[date, Deltas]] = []
        if dossier.deemed_received_at is not None:
            receipt = {
                "received": 1,
                "received_online": int(dossier.channel == ONLINE),
                "received_post": int(dossier.channel == POST),
                "outside_territory": int(dossier.outside_territory),
                "lookup_ready": int(dossier.has_verifier),
                "fee_bearing": int(fee_bearing(dossier)),
            }
            out.append((hanoi_day(dossier.deemed_received_at), receipt))
        out.append((hanoi_day(event.at), {"opened": 1}))
        return _merged(out)
    if event.action == COMPLETE:
        if calendar is None:
            raise ValueError("A completion needs the dossier's working calendar")
        graded = grade(dossier.timeliness, dossier.supplement_count)
        return [
            (
                hanoi_day(event.at),
                {
                    "finished": 1,
                    "early": int(graded == EARLY),
                    "on_time": int(graded == ON_TIME),
                    "late": int(graded == LATE),
                    "processing_minutes": processing_minutes(dossier, calendar),
                    "digitised": int(digitised(dossier)),
                    "closed": 1,
                },
            )
        ]
    if event.action in (WITHDRAW, STOP) and event.from_status in OPEN_STATUSES:
        return [(hanoi_day(event.at), {"closed": 1})]
    return []


def mark_delta(*, counted: bool, now: bool) -> int:
    """+1, -1 or 0: what to add to a counter that counted the dossier (``counted``) when it
    should now (``now``)."""
    return int(now) - int(counted)


def rating_deltas(
    *, level: str, survey_points: int | None, rated_at: datetime
) -> tuple[date, Deltas]:
    """What a rating adds, on the day it was given."""
    deltas = {RATING_COUNTERS[level]: 1}
    if survey_points is not None:
        deltas |= {"surveys": 1, "survey_points": survey_points}
    return hanoi_day(rated_at), deltas


def complaint_deltas(*, kind: str, received_at: datetime) -> tuple[date, Deltas]:
    """What a complaint or suggestion adds, on the day it was received."""
    return hanoi_day(received_at), {"complaints" if kind == COMPLAINT else "suggestions": 1}


def flags(*, rating_level: str | None = None, complaint_kind: str | None = None) -> bool:
    """Whether a rating or complaint flags its dossier for indicator 5.4."""
    return rating_level == NOT_SATISFIED or complaint_kind == COMPLAINT


def _merged(items: Iterable[tuple[date, Deltas]]) -> list[tuple[date, Deltas]]:
    by_day: dict[date, Deltas] = {}
    for day, deltas in items:
        add_into(by_day.setdefault(day, {}), deltas)
    return list(by_day.items())


def add_into(target: dict[str, int], deltas: Mapping[str, int]) -> None:
    """Add ``deltas`` to ``target``, counter by counter."""
    for name, value in deltas.items():
        if value:
            target[name] = target.get(name, 0) + value


# -- the units a dossier counts for -----------------------------------------------------------


def units(
    *, site: str | None, branch: str | None, agency: str | None, procedure: str | None
) -> list[tuple[str, str]]:
    """The ``(dimension, key)`` rows a fact about a dossier adds to: the city always; its site,
    and the site's branch (a point's figures add to its branch; a branch's own too); its
    competent agency; its procedure. ``None`` leaves a dimension out."""
    rows = [("city", "all")]
    if site:
        rows.append(("site", site))
    if branch:
        rows.append(("branch", branch))
    if agency:
        rows.append(("agency", agency))
    if procedure:
        rows.append(("procedure", procedure))
    return rows


# -- a period's sums ----------------------------------------------------------------------------


@dataclass
class Counts:
    """The counters of one unit summed over a period, and the dossiers in progress at its end."""

    received: int = 0
    received_online: int = 0
    received_post: int = 0
    outside_territory: int = 0
    lookup_ready: int = 0
    fee_bearing: int = 0
    paid_online: int = 0
    opened: int = 0
    closed: int = 0
    finished: int = 0
    early: int = 0
    on_time: int = 0
    late: int = 0
    processing_minutes: int = 0
    digitised: int = 0
    flagged: int = 0
    rated_very_satisfied: int = 0
    rated_satisfied: int = 0
    rated_not_satisfied: int = 0
    surveys: int = 0
    survey_points: int = 0
    complaints: int = 0
    suggestions: int = 0
    in_progress: int = field(default=0)

    @classmethod
    def of(cls, row: Mapping[str, int | None], *, in_progress: int = 0) -> Counts:
        """From a mapping of counter sums (``None`` for an empty sum counts as 0)."""
        return cls(**{name: int(row.get(name) or 0) for name in COUNTERS}, in_progress=in_progress)

    def add(self, other: Counts) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    @property
    def received_in_person(self) -> int:
        return self.received - self.received_online - self.received_post

    @property
    def ratings(self) -> int:
        return self.rated_very_satisfied + self.rated_satisfied + self.rated_not_satisfied

    @property
    def processing_days_total(self) -> Decimal:
        return Decimal(self.processing_minutes) / DAY_MINUTES
