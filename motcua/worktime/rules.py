"""Working time and deadlines: the arithmetic of one-stop-rules.md §5, over plain values.

Nothing here reads the database or the clock. A :class:`WorkCalendar` says which dates are
working days and what the office hours are; the functions take aware datetimes (any UTC
offset) and return aware datetimes in the calendar's zone (Asia/Ho_Chi_Minh). A naive
datetime is refused with :class:`NaiveDatetimeError`, because a deadline computed from a
guessed zone is a wrong deadline.

Working time is measured by a clock that runs only inside office hours of working days. Adding
working time returns the *earliest* instant at which that much has elapsed, so an end that
falls exactly on the boundary between two working periods resolves to the end of the earlier
period (Thu 17:00, not Fri 08:00), as §5 requires. With that convention adding ``a`` then ``b``
equals adding ``a + b``, and :func:`working_time_between` is the exact inverse of
:func:`add_working_time`.

Legal basis: Labour Code 2019 Art. 112 and the Prime Minister's swaps decide the working days
(carried by the calendar value); the deemed-receipt cut-off, the office hours and the
boundary convention are [ours] in §5; calendar-day and month limits follow the Civil Code
rule on periods (a period ending on a day off ends on the next working day).
"""

from __future__ import annotations

import calendar as _gregorian
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

from motcua.worktime.choices import TimeLimitUnit

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")

# [ours] one-stop-rules.md §5: 08:00–12:00 and 13:00–17:00 unless the site says otherwise.
DEFAULT_OFFICE_HOURS: tuple[tuple[time, time], ...] = ((time(8), time(12)), (time(13), time(17)))

# [ours] one-stop-rules.md §5, "Deemed receipt": the 15:00 rule, editable per procedure.
DEFAULT_CUTOFF = time(15)

ONE_DAY = timedelta(days=1)


class WorktimeError(ValueError):
    """A computation the rules cannot perform with the values given."""


class NaiveDatetimeError(WorktimeError):
    """A datetime without a UTC offset was given where an instant is needed."""


class CalendarNotCovered(WorktimeError):
    """A computation reached a date outside the years the calendar was built for."""


@dataclass(frozen=True)
class WorkCalendar:
    """Which dates are working days, and the office hours of a working day.

    A date is a working day when it is in ``extra_working_days`` (a working Saturday), or when
    it is Monday to Friday and not in ``days_off``. ``office_hours`` are the working periods
    of every working day, in order and not overlapping, as wall-clock times in ``tz``.
    ``years`` (first, last), when given, is the range the two sets were built for; asking
    about a date outside it raises :class:`CalendarNotCovered` instead of guessing.
    """

    days_off: frozenset[date] = frozenset()
    extra_working_days: frozenset[date] = frozenset()
    office_hours: tuple[tuple[time, time], ...] = DEFAULT_OFFICE_HOURS
    tz: ZoneInfo = HANOI
    years: tuple[int, int] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "days_off", frozenset(self.days_off))
        object.__setattr__(self, "extra_working_days", frozenset(self.extra_working_days))
        object.__setattr__(self, "office_hours", parse_office_hours(self.office_hours))
        both = self.days_off & self.extra_working_days
        if both:
            raise WorktimeError(f"Dates both off and working: {sorted(both)}")
        if self.years is not None and self.years[0] > self.years[1]:
            raise WorktimeError(f"Empty year range {self.years}")

    @property
    def opening(self) -> time:
        return self.office_hours[0][0]

    @property
    def closing(self) -> time:
        return self.office_hours[-1][1]

    @property
    def day_length(self) -> timedelta:
        """The working time of one working day (8 hours with the default office hours)."""
        return sum((_span(start, end) for start, end in self.office_hours), timedelta())

    def is_working_day(self, day: date) -> bool:
        if self.years is not None and not self.years[0] <= day.year <= self.years[1]:
            raise CalendarNotCovered(
                f"{day.isoformat()} is outside the calendar's years {self.years[0]}–{self.years[1]}"
            )
        if day in self.extra_working_days:
            return True
        return day.weekday() < 5 and day not in self.days_off

    def next_working_day(self, day: date, *, inclusive: bool = False) -> date:
        """Return the first working day after ``day`` (or on it, when ``inclusive``)."""
        candidate = day if inclusive else day + ONE_DAY
        while not self.is_working_day(candidate):
            candidate += ONE_DAY
        return candidate

    def local(self, moment: datetime) -> datetime:
        """Return ``moment`` in the calendar's zone; refuse a naive datetime."""
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise NaiveDatetimeError(
                f"{moment.isoformat()} has no UTC offset; give an aware datetime"
            )
        return moment.astimezone(self.tz)

    def at(self, day: date, wall_time: time) -> datetime:
        return datetime.combine(day, wall_time, tzinfo=self.tz)

    def periods(self, day: date) -> list[tuple[datetime, datetime]]:
        """The working periods of ``day`` as aware datetimes; none on a day off."""
        if not self.is_working_day(day):
            return []
        return [(self.at(day, start), self.at(day, end)) for start, end in self.office_hours]

    def closing_of(self, day: date) -> datetime:
        """The end of office hours of ``day``, or of the next working day if it is off."""
        return self.at(self.next_working_day(day, inclusive=True), self.closing)

    @cached_property
    def index(self) -> WorkingTimeIndex | None:
        """The cumulative working time of the calendar's years (``None`` without ``years``).

        Built on first use and kept with the calendar, which never changes.
        """
        return WorkingTimeIndex(self) if self.years is not None else None


_MICROSECOND = timedelta(microseconds=1)


def _micros(wall_time: time) -> int:
    return (
        (wall_time.hour * 60 + wall_time.minute) * 60 + wall_time.second
    ) * 1_000_000 + wall_time.microsecond


class WorkingTimeIndex:
    """Working time as a number line: for each day of a calendar's years, the working time
    before it, so that adding and measuring working time is a bisection instead of a walk.

    Measured in microseconds of wall-clock time in the calendar's zone, as the walking
    arithmetic measures it (two instants of one zone subtract by their wall clocks). The
    results are those of walking day by day, including :class:`CalendarNotCovered` for a
    date outside the years (``tests/test_rules_index.py`` compares the two).
    """

    __slots__ = ("before", "calendar", "days", "midnights", "origin", "periods", "working")

    def __init__(self, calendar: WorkCalendar):
        first, last = calendar.years
        self.calendar = calendar
        origin = date(first, 1, 1)
        self.origin = origin.toordinal()
        self.days = (date(last, 12, 31) - origin).days + 1
        self.periods = tuple((_micros(a), _micros(b)) for a, b in calendar.office_hours)
        length = sum(b - a for a, b in self.periods)
        #: ``before[i]``: working time from the origin to the start of day ``i``.
        before, working, total, day = [0], bytearray(self.days), 0, origin
        midnight = datetime.combine(origin, time(0), tzinfo=calendar.tz)
        midnights = []
        for i in range(self.days):
            if calendar.is_working_day(day):
                working[i] = 1
                total += length
            before.append(total)
            midnights.append(midnight + timedelta(days=i))
            day += ONE_DAY
        self.before, self.working, self.midnights = before, working, midnights

    def position(self, local: datetime) -> int:
        """Working microseconds from the origin to ``local`` (an instant in the zone)."""
        i = local.toordinal() - self.origin
        if not 0 <= i < self.days:
            # The walk asks the calendar about that date, which refuses it.
            self.calendar.is_working_day(local.date())
            raise CalendarNotCovered(f"{local.date().isoformat()} is outside the index")
        elapsed = self.before[i]
        if self.working[i]:
            wall = (
                (local.hour * 60 + local.minute) * 60 + local.second
            ) * 1_000_000 + local.microsecond
            for start, end in self.periods:
                if wall <= start:
                    break
                elapsed += (end if wall > end else wall) - start
        return elapsed

    def add(self, local: datetime, duration: timedelta) -> datetime:
        """As :func:`add_working_time` for a positive ``duration`` from ``local``."""
        target = self.position(local) + duration // _MICROSECOND
        k = bisect_left(self.before, target)
        if k > self.days:
            last = self.calendar.years[1]
            raise CalendarNotCovered(
                f"{last + 1}-01-01 is outside the calendar's years {self.calendar.years[0]}–{last}"
            )
        remaining = target - self.before[k - 1]
        for start, end in self.periods:
            if remaining <= end - start:
                break
            remaining -= end - start
        return self.midnights[k - 1] + timedelta(microseconds=start + remaining)

    def between(self, start: datetime, end: datetime) -> timedelta:
        """As :func:`working_time_between` for ``start <= end``, both in the zone."""
        return timedelta(microseconds=self.position(end) - self.position(start))


def parse_office_hours(value: Iterable[Sequence[time | str]]) -> tuple[tuple[time, time], ...]:
    """Turn ``[["08:00", "12:00"], ["13:00", "17:00"]]`` (or ``time`` pairs) into periods.

    Raise :class:`WorktimeError` unless there is at least one period, every period starts
    before it ends, and the periods are in order without overlapping.
    """
    periods: list[tuple[time, time]] = []
    for pair in value:
        if len(pair) != 2:
            raise WorktimeError(f"An office-hours period needs a start and an end, not {pair!r}")
        start, end = (_as_time(item) for item in pair)
        if start >= end:
            raise WorktimeError(f"Office hours {start}–{end} end before they start")
        if periods and start < periods[-1][1]:
            raise WorktimeError(f"Office hours {start}–{end} overlap or are out of order")
        periods.append((start, end))
    if not periods:
        raise WorktimeError("Office hours need at least one period")
    return tuple(periods)


def deemed_receipt(
    submitted_at: datetime, calendar: WorkCalendar, cutoff: time = DEFAULT_CUTOFF
) -> datetime:
    """Return when a dossier submitted at ``submitted_at`` counts as received (§5).

    - on a non-working day, or on a working day at or after ``cutoff``: the opening of the
      next working day;
    - on a working day before opening: that day's opening;
    - inside a working period before the cut-off: ``submitted_at`` itself;
    - between two periods (the lunch break, including its first instant, 12:00): the start
      of the next period;
    - after closing but before a cut-off set later than closing: the next working day's
      opening.
    """
    if cutoff.tzinfo is not None:
        raise WorktimeError("The cut-off is a wall-clock time; give it without a zone")
    local = calendar.local(submitted_at)
    day, wall_time = local.date(), local.time()
    if calendar.is_working_day(day) and wall_time < cutoff:
        for start, end in calendar.office_hours:
            if wall_time < start:
                return calendar.at(day, start)
            if wall_time < end:
                return local
    return calendar.at(calendar.next_working_day(day), calendar.opening)


def add_working_time(
    start: datetime, duration: timedelta | int, calendar: WorkCalendar
) -> datetime:
    """Return the earliest instant at which ``duration`` of working time has run from ``start``.

    ``duration`` is a ``timedelta`` or a whole number of minutes, never negative. The clock
    runs only inside office hours of working days, so an end exactly on a boundary between
    two periods is the end of the earlier one (deemed Tue 08:00 + 24 h = Thu 17:00).
    A zero duration returns ``start`` itself.
    """
    remaining = _as_duration(duration)
    cursor = calendar.local(start)
    if not remaining:
        return cursor
    index = calendar.index
    if index is not None:
        return index.add(cursor, remaining)
    return _walk_working_time(cursor, remaining, calendar)


def _walk_working_time(cursor: datetime, remaining: timedelta, calendar: WorkCalendar) -> datetime:
    """Add ``remaining`` to ``cursor`` walking period by period: the definition, which
    :class:`WorkingTimeIndex` computes faster (a calendar without ``years`` still walks)."""
    day = cursor.date()
    while True:
        for period_start, period_end in calendar.periods(day):
            if period_end <= cursor:
                continue
            segment_start = max(cursor, period_start)
            available = period_end - segment_start
            if remaining <= available:
                return segment_start + remaining
            remaining -= available
        day += ONE_DAY


def working_time_between(start: datetime, end: datetime, calendar: WorkCalendar) -> timedelta:
    """Return the working time that runs from ``start`` to ``end``; ``end`` may not be earlier."""
    start, end = calendar.local(start), calendar.local(end)
    if end < start:
        raise WorktimeError(f"{end.isoformat()} is before {start.isoformat()}")
    index = calendar.index
    if index is not None:
        return index.between(start, end)
    return _walk_between(start, end, calendar)


def _walk_between(start: datetime, end: datetime, calendar: WorkCalendar) -> timedelta:
    """Sum the overlaps of ``start``–``end`` with each working period: the definition."""
    total = timedelta()
    day = start.date()
    while day <= end.date():
        for period_start, period_end in calendar.periods(day):
            overlap = min(period_end, end) - max(period_start, start)
            if overlap > timedelta():
                total += overlap
        day += ONE_DAY
    return total


def due_at(
    deemed_received_at: datetime,
    amount: int,
    unit: TimeLimitUnit | str,
    calendar: WorkCalendar,
) -> datetime:
    """Return the due time of a limit of ``amount`` ``unit`` counted from deemed receipt (§5).

    - working days ``N``: ``N`` working days of working time (``N × 8`` hours with the
      default office hours) added to the deemed receipt;
    - working hours ``H``: ``H`` hours of working time added;
    - calendar days / months: the deemed-receipt date plus ``N`` days or ``N`` months (the
      month's last day when it has no such day number), due at the end of office hours of
      that date, or of the next working day when it is not one (Civil Code rule on periods);
    - ``0`` of any unit ("trong ngày"): the closing time of the deemed-receipt day.

    Raise :class:`WorktimeError` for a negative or non-integer amount or an unknown unit.
    """
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
        raise WorktimeError(f"A time limit is a whole number not below zero, not {amount!r}")
    try:
        unit = TimeLimitUnit(unit)
    except ValueError:
        raise WorktimeError(f"Unknown time-limit unit {unit!r}") from None
    deemed = calendar.local(deemed_received_at)
    if amount == 0:
        return calendar.closing_of(deemed.date())
    if unit == TimeLimitUnit.WORKING_DAYS:
        return add_working_time(deemed, amount * calendar.day_length, calendar)
    if unit == TimeLimitUnit.WORKING_HOURS:
        return add_working_time(deemed, timedelta(hours=amount), calendar)
    if unit == TimeLimitUnit.CALENDAR_DAYS:
        return calendar.closing_of(deemed.date() + timedelta(days=amount))
    return calendar.closing_of(add_months(deemed.date(), amount))


def extend_for_pause(
    due: datetime, paused_from: datetime, resumed_at: datetime, calendar: WorkCalendar
) -> datetime:
    """Return ``due`` pushed back by the working time of a supplement pause (§5).

    ``paused_from`` is when the supplement was requested, ``resumed_at`` when the complete
    supplement arrived; only the working time between them is added.
    """
    return add_working_time(due, working_time_between(paused_from, resumed_at, calendar), calendar)


def add_months(day: date, months: int) -> date:
    """Add ``months`` to ``day``: same day number, else the month's last day (31/01 → 28/02)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, _gregorian.monthrange(year, month)[1]))


def years_needed(start: date, amount: int, unit: TimeLimitUnit | str) -> tuple[int, int]:
    """Return (first, last) years a calendar must cover to compute a deadline from ``start``.

    Generous on purpose: a working day spans at most two calendar days on average even with
    every holiday, and forty days cover the longest run of days off (Tết) after the end.
    """
    unit = TimeLimitUnit(unit)
    span = {
        TimeLimitUnit.WORKING_DAYS: amount * 2,
        TimeLimitUnit.WORKING_HOURS: (amount // 8 + 1) * 2,
        TimeLimitUnit.CALENDAR_DAYS: amount,
        TimeLimitUnit.MONTHS: amount * 31,
    }[unit]
    return start.year, (start + timedelta(days=span + 40)).year


def _as_time(value: time | str) -> time:
    if isinstance(value, time):
        if value.tzinfo is not None:
            raise WorktimeError("Office hours are wall-clock times; give them without a zone")
        return value
    try:
        return time.fromisoformat(value)
    except (TypeError, ValueError):
        raise WorktimeError(f"{value!r} is not a time like 08:00") from None


def _as_duration(value: timedelta | int) -> timedelta:
    if isinstance(value, bool) or not isinstance(value, timedelta | int):
        raise WorktimeError(f"A working duration is a timedelta or whole minutes, not {value!r}")
    duration = value if isinstance(value, timedelta) else timedelta(minutes=value)
    if duration < timedelta():
        raise WorktimeError(f"A working duration cannot be negative ({duration})")
    return duration


def _span(start: time, end: time) -> timedelta:
    return datetime.combine(date.min, end) - datetime.combine(date.min, start)
