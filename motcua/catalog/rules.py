"""Does an internal process fit its procedure? Plain functions over plain values: no ORM, no clock.

An internal process (quy trình nội bộ) splits the statutory time limit among its steps; the
allowances must add up to at most that limit (one-stop-rules.md §2, step 4). The limit is
stated in several units, so it is first turned into the *working hours* it guarantees:

- ``working_days`` N: N × 8 hours; ``0`` ("trong ngày", the same working day): 8 hours.
- ``working_hours`` H: H hours.
- ``calendar_days`` N: the working days in the *shortest* N-day window, × 8 [ours]. A dossier
  deemed received on a working day D is due at the closing time of D + N, or of the next working
  day when D + N is off (worktime.rules.due_at). Counting the working days after D up to that
  due date, for D on each weekday of a plain Monday–Friday week, and keeping the smallest count
  gives the time a process can always rely on. It is close to floor(N × 5/7) but exact
  (15 days → 11 working days, 88 hours; 10 days → 6, since Friday + 10 is a Monday). The
  deemed-receipt day itself is not counted (a dossier may arrive at 14:59), and public holidays
  are not either: a window over Tết is shorter, and the per-step grading (early / on time /
  late) absorbs that rather than every process being planned for Tết.
- ``months`` N: N × 20 working days × 8 hours [ours] (February, the shortest month, holds 20
  working days with no holiday).

A procedure's versions must not overlap in time either; :func:`overlaps` finds the
pairs that do. Messages are translated; callers prefix them with the procedure they concern.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Protocol

from django.utils.translation import gettext as _

from motcua.catalog.choices import StepActor
from motcua.organization.choices import AGENCY_ROLES, SITE_ROLES, Role
from motcua.worktime.choices import TimeLimitUnit
from motcua.worktime.rules import WorkCalendar

HOURS_PER_DAY = Decimal(8)
WORKING_DAYS_PER_MONTH = 20

# Who may carry out a step of each kind: the one-stop site's people, or the agencies' people.
ROLES_OF_ACTOR: dict[str, frozenset[str]] = {
    StepActor.ONE_STOP: frozenset(SITE_ROLES),
    StepActor.AGENCY: frozenset(AGENCY_ROLES),
    StepActor.COORDINATING: frozenset(AGENCY_ROLES),
}


class StepLike(Protocol):
    order: int
    actor: str
    role: str
    allowance_hours: Decimal


class ProcessLike(Protocol):
    time_limit: int
    time_limit_unit: str

    @property
    def steps(self) -> Iterable[StepLike]: ...


@dataclass(frozen=True)
class Step:
    order: int
    name: str
    actor: str
    role: str
    allowance_hours: Decimal


@dataclass(frozen=True)
class Process:
    """A statutory limit and the steps that share it."""

    time_limit: int
    time_limit_unit: str
    steps: tuple[Step, ...] = ()


def fewest_working_days_in(days: int) -> int:
    """The fewest working days after a working day D up to the due date of a ``days``-day limit.

    Weekends only (see the module docstring): the minimum over D = Monday … Friday.
    """
    calendar = WorkCalendar()
    monday = date(2024, 1, 1)  # any Monday; the count depends only on the weekday
    counts = []
    for offset in range(5):
        start = monday + timedelta(days=offset)
        due = calendar.next_working_day(start + timedelta(days=days), inclusive=True)
        counts.append(
            sum(
                calendar.is_working_day(start + timedelta(days=n))
                for n in range(1, (due - start).days + 1)
            )
        )
    return min(counts)


def statutory_hours(time_limit: int, unit: str) -> Decimal:
    """The working hours a limit of ``time_limit`` ``unit`` guarantees (module docstring).

    Raise ``ValueError`` for an unknown unit or a negative limit.
    """
    unit = TimeLimitUnit(unit)
    if time_limit < 0:
        raise ValueError(f"A time limit is not negative: {time_limit}")
    if time_limit == 0:
        return HOURS_PER_DAY
    if unit == TimeLimitUnit.WORKING_DAYS:
        return time_limit * HOURS_PER_DAY
    if unit == TimeLimitUnit.WORKING_HOURS:
        return Decimal(time_limit)
    if unit == TimeLimitUnit.CALENDAR_DAYS:
        return fewest_working_days_in(time_limit) * HOURS_PER_DAY
    return time_limit * WORKING_DAYS_PER_MONTH * HOURS_PER_DAY


def _hours(value: Decimal) -> str:
    """'12', '1.5': hours without trailing zeros."""
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def process_problems(process: ProcessLike) -> list[str]:
    """Return what is wrong with ``process``'s steps, as translated sentences (empty if none).

    ``process`` is anything with ``time_limit``, ``time_limit_unit`` and an iterable ``steps``
    of objects with ``order``, ``actor``, ``role`` and ``allowance_hours`` (a :class:`Process`,
    or ``catalog.selectors.process_of(version)`` for a saved version). Checks that there are
    steps, numbered 1 … n in order; that the first is the receipt at the one-stop site; that
    each step's role works for its actor; that no allowance is negative; and that the
    allowances add up to at most the limit's working hours.
    """
    steps = sorted(process.steps, key=lambda s: s.order)
    if not steps:
        return [_("The internal process has no steps.")]
    problems: list[str] = []
    orders = [s.order for s in steps]
    if orders != list(range(1, len(steps) + 1)):
        problems.append(
            _("The steps must be numbered 1 to %(count)d without gaps or repeats; got %(orders)s.")
            % {"count": len(steps), "orders": ", ".join(str(o) for o in orders)}
        )
    if steps[0].actor != StepActor.ONE_STOP:
        problems.append(_("The first step is the receipt at the one-stop site."))
    for step in steps:
        allowed = ROLES_OF_ACTOR.get(step.actor)
        if allowed is None:
            problems.append(
                _("Step %(order)d: unknown unit %(actor)s.")
                % {"order": step.order, "actor": step.actor}
            )
        elif step.role not in allowed:
            problems.append(
                _("Step %(order)d: the role %(role)s does not work at %(actor)s.")
                % {
                    "order": step.order,
                    "role": _label(Role, step.role),
                    "actor": _label(StepActor, step.actor),
                }
            )
        if Decimal(step.allowance_hours) < 0:
            problems.append(
                _("Step %(order)d: the time allowance cannot be negative.") % {"order": step.order}
            )
    try:
        limit = statutory_hours(process.time_limit, process.time_limit_unit)
    except ValueError:
        problems.append(
            _("Unknown unit of the time limit: %(unit)s.") % {"unit": process.time_limit_unit}
        )
        return problems
    total = sum((Decimal(s.allowance_hours) for s in steps), Decimal(0))
    if total > limit:
        problems.append(
            _(
                "The steps take %(total)s working hours, more than the %(limit)s working hours "
                "that the statutory limit of %(amount)d %(unit)s allows."
            )
            % {
                "total": _hours(total),
                "limit": _hours(limit),
                "amount": process.time_limit,
                "unit": _label(TimeLimitUnit, process.time_limit_unit),
            }
        )
    return problems


def _label(choices, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


@dataclass(frozen=True)
class Period:
    """Both ends inclusive; ``None`` is open."""

    start: date | None = None
    end: date | None = None

    def contains(self, other: Period) -> bool:
        """Whether every day of ``other`` is in this period."""
        starts_in = self.start is None or (other.start is not None and self.start <= other.start)
        ends_in = self.end is None or (other.end is not None and other.end <= self.end)
        return starts_in and ends_in


def overlaps(periods: Sequence[tuple[object, Period]]) -> list[tuple[object, object]]:
    """The pairs of keys whose periods share at least one day, in input order."""
    found = []
    for i, (key_a, a) in enumerate(periods):
        for key_b, b in periods[i + 1 :]:
            a_before_b_ends = b.end is None or a.start is None or a.start <= b.end
            b_before_a_ends = a.end is None or b.start is None or b.start <= a.end
            if a_before_b_ends and b_before_a_ends:
                found.append((key_a, key_b))
    return found
