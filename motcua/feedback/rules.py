"""The arithmetic of ratings and complaints, over plain values (no ORM, no clock).

- The satisfaction survey (one-stop-rules §7): nine criteria of 0, 1 or 2 points, a total out
  of 18 only when all nine are answered, and its band: excellent 15–18, good 12 to under 15,
  fair 9 to under 12, average 6 to under 9, weak under 6 (15 is excellent: the source left it
  unclassified, §7 settles it so).
- The deadlines of a complaint or suggestion (PAKN, Decision 766): refuse within 2 working days
  of receipt, ask for more information within 5, answer within 15, publish the answer within 2
  working days of answering. A request for information pauses the answer's clock until the
  sender replies or the office starts handling without the reply (ours: as a supplement
  pauses a dossier's clock, §5).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from motcua.feedback.choices import ComplaintAction, ComplaintStatus, SurveyBand
from motcua.worktime.rules import (
    WorkCalendar,
    add_working_time,
    deemed_receipt,
    working_time_between,
)

CRITERIA_COUNT = 9
CRITERION_POINTS = (0, 1, 2)
MAX_POINTS = CRITERIA_COUNT * max(CRITERION_POINTS)

#: (lowest total, band), best first: a total belongs to the first band whose floor it reaches.
BANDS = (
    (15, SurveyBand.EXCELLENT),
    (12, SurveyBand.GOOD),
    (9, SurveyBand.FAIR),
    (6, SurveyBand.AVERAGE),
    (0, SurveyBand.WEAK),
)

# [law] Decision 766/QĐ-TTg, PAKN: working days allowed for each step.
REFUSE_WORKING_DAYS = 2
INFO_WORKING_DAYS = 5
ANSWER_WORKING_DAYS = 15
PUBLISH_WORKING_DAYS = 2

#: [ours] A rating is taken within this many calendar days of the hand-over of the result:
#: long enough for a citizen who reads the result at home, short enough that the rating
#: still speaks of this visit.
RATING_WINDOW_DAYS = 30


class SurveyError(ValueError):
    """Survey answers that are not nine values of 0, 1, 2 or None. ``index`` is 0-based."""

    def __init__(self, message: str, index: int | None = None):
        super().__init__(message)
        self.index = index


def survey_answers(criteria: Sequence[int | None] | None) -> tuple[int | None, ...]:
    """Check the answers: ``None`` (no survey) or nine values, each 0, 1, 2 or ``None``.

    Return the nine answers (all ``None`` when there is no survey); raise
    :class:`SurveyError` naming the first wrong answer.
    """
    if criteria is None:
        return (None,) * CRITERIA_COUNT
    if isinstance(criteria, str | bytes) or len(criteria) != CRITERIA_COUNT:
        raise SurveyError(f"The survey has {CRITERIA_COUNT} criteria")
    for index, value in enumerate(criteria):
        # bool is an int in Python; True is not a score.
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or value not in CRITERION_POINTS
        ):
            raise SurveyError(f"Criterion {index + 1} scores 0, 1 or 2, not {value!r}", index)
    return tuple(criteria)


def survey_points(criteria: Sequence[int | None] | None) -> int | None:
    """The survey total out of 18, or ``None`` unless all nine criteria are answered."""
    answers = survey_answers(criteria)
    if any(value is None for value in answers):
        return None
    return sum(answers)  # type: ignore[arg-type]


def survey_band(points: int | float | None) -> SurveyBand | None:
    """The band of a total (or of an average of totals); ``None`` for no total."""
    if points is None:
        return None
    if points < 0 or points > MAX_POINTS:
        raise SurveyError(f"A survey total is between 0 and {MAX_POINTS}, not {points!r}")
    return next(band for floor, band in BANDS if points >= floor)


@dataclass(frozen=True)
class ComplaintDeadlines:
    refuse_due_at: datetime
    info_due_at: datetime
    answer_due_at: datetime


def _working_days(start: datetime, days: int, calendar: WorkCalendar) -> datetime:
    return add_working_time(start, days * calendar.day_length, calendar)


def counted_from(received_at: datetime, calendar: WorkCalendar) -> datetime:
    """When a complaint's clock starts: at once within office hours, else at the next opening.

    No afternoon cut-off applies (ours): the 15:00 rule of §5 serves the transfer of paper
    dossiers, which a complaint does not have.
    """
    return deemed_receipt(received_at, calendar, cutoff=calendar.closing)


def complaint_deadlines(received_at: datetime, calendar: WorkCalendar) -> ComplaintDeadlines:
    """The deadlines to refuse, to ask for information and to answer, from receipt."""
    start = counted_from(received_at, calendar)
    return ComplaintDeadlines(
        refuse_due_at=_working_days(start, REFUSE_WORKING_DAYS, calendar),
        info_due_at=_working_days(start, INFO_WORKING_DAYS, calendar),
        answer_due_at=_working_days(start, ANSWER_WORKING_DAYS, calendar),
    )


def publish_due(answered_at: datetime, calendar: WorkCalendar) -> datetime:
    """The deadline to publish an answer given at ``answered_at``."""
    return _working_days(counted_from(answered_at, calendar), PUBLISH_WORKING_DAYS, calendar)


def answer_due_after_pause(
    answer_due_at: datetime, paused_at: datetime, resumed_at: datetime, calendar: WorkCalendar
) -> datetime:
    """The answer's deadline moved later by the working time spent waiting for information."""
    waited = working_time_between(paused_at, max(paused_at, resumed_at), calendar)
    return add_working_time(answer_due_at, waited, calendar)


def rating_window_end(delivered_at: datetime) -> datetime:
    """The last instant at which a dossier delivered at ``delivered_at`` may be rated."""
    return delivered_at + timedelta(days=RATING_WINDOW_DAYS)


# -- the steps of a complaint ---------------------------------------------------------------------

#: action → (statuses it may start from, status it leads to).
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    ComplaintAction.REFUSE: (
        frozenset({ComplaintStatus.RECEIVED, ComplaintStatus.INFO_REQUESTED}),
        ComplaintStatus.REFUSED,
    ),
    ComplaintAction.REQUEST_INFO: (
        frozenset({ComplaintStatus.RECEIVED}),
        ComplaintStatus.INFO_REQUESTED,
    ),
    ComplaintAction.ADD_INFO: (
        frozenset({ComplaintStatus.INFO_REQUESTED}),
        ComplaintStatus.RECEIVED,
    ),
    ComplaintAction.ACCEPT: (
        frozenset({ComplaintStatus.RECEIVED, ComplaintStatus.INFO_REQUESTED}),
        ComplaintStatus.IN_HANDLING,
    ),
    ComplaintAction.ANSWER: (
        frozenset({ComplaintStatus.IN_HANDLING}),
        ComplaintStatus.ANSWERED,
    ),
    ComplaintAction.PUBLISH: (
        frozenset({ComplaintStatus.ANSWERED}),
        ComplaintStatus.PUBLISHED,
    ),
}

#: The actions the office takes (adding information is the sender's).
STAFF_ACTIONS = (
    ComplaintAction.ACCEPT,
    ComplaintAction.REQUEST_INFO,
    ComplaintAction.REFUSE,
    ComplaintAction.ANSWER,
    ComplaintAction.PUBLISH,
)


def actions_allowed(status: str, *, staff_only: bool = True) -> list[str]:
    """The actions a complaint in ``status`` allows, in the order the desk offers them."""
    order = STAFF_ACTIONS if staff_only else (*STAFF_ACTIONS, ComplaintAction.ADD_INFO)
    return [str(a) for a in order if status in TRANSITIONS[a][0]]


def current_deadline(
    *,
    status: str,
    now: datetime,
    refuse_due_at: datetime,
    info_due_at: datetime,
    answer_due_at: datetime,
    publish_due_at: datetime | None,
) -> tuple[str, datetime] | None:
    """The deadline the office works against now, as ``(name, instant)``; ``None`` once closed.

    A complaint just received must be refused within 2 working days if it is to be refused at
    all, then information asked for within 5; past those, only the answer's deadline is left.
    """
    if status == ComplaintStatus.RECEIVED:
        if now <= refuse_due_at:
            return "refuse", refuse_due_at
        if now <= info_due_at:
            return "info", info_due_at
        return "answer", answer_due_at
    if status in (ComplaintStatus.INFO_REQUESTED, ComplaintStatus.IN_HANDLING):
        return "answer", answer_due_at
    if status == ComplaintStatus.ANSWERED and publish_due_at is not None:
        return "publish", publish_due_at
    return None
