"""Reads of the working calendar: the ``holidays`` package plus the administrator's overrides.

:func:`calendar_for` is the front door: one continuous calendar from the network's first year
to ten years past today (decision 0007), whatever moment a caller asks about.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

import holidays
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from motcua.core import clock
from motcua.core.refcache import reference_cache
from motcua.worktime.choices import OverrideKind
from motcua.worktime.models import CalendarOverride
from motcua.worktime.rules import DEFAULT_OFFICE_HOURS, WorkCalendar, parse_office_hours

COUNTRY = "VN"

#: The calendar starts with the year of the network's first day (2024-12-01).
FIRST_YEAR = 2024
#: It reaches this many whole years past the current one (the clock's), so a process that
#: lives over New Year moves its horizon with the clock.
YEARS_AHEAD = 10
#: A moment asked about is covered with this many years after it (the longest limits are a
#: few months; Tết can add forty days).
MARGIN_YEARS = 2

Hours = tuple[tuple[str, str], ...] | None


@dataclass(frozen=True)
class CalendarDay:
    """A date whose status is not the plain Monday–Friday rule, or which has a name."""

    date: date
    working: bool
    name: str
    source: str  # "package" (the holidays package) or "override" (an administrator's row)
    legal_basis: str = ""


def work_calendar(
    *,
    years: Iterable[int],
    office_hours: Sequence[Sequence[time | str]] | None = None,
) -> WorkCalendar:
    """Return the working calendar for ``years`` (e.g. ``range(2025, 2028)``).

    The ``holidays`` package decides (public holidays, compensatory days, the Prime
    Minister's swaps and working Saturdays) until an administrator's override says otherwise
    for a date. ``office_hours`` are a site's periods (``Site.office_hours``); the default is
    08:00–12:00 and 13:00–17:00. The package's part is cached per process (it never changes
    while running); overrides are read on every call, so a new decision counts at once.
    """
    year_set = tuple(sorted(set(years)))
    if not year_set:
        raise ValueError("work_calendar needs at least one year")
    first, last = year_set[0], year_set[-1]
    # A contiguous range, so that ``WorkCalendar.years`` honestly describes what it covers.
    return _combined(first, last, _overrides(first, last), office_hours)


def _combined(
    first: int,
    last: int,
    overrides: Iterable[tuple[date, str]],
    office_hours: Sequence[Sequence[time | str]] | None,
) -> WorkCalendar:
    """The package's days of ``first``–``last`` with ``overrides`` applied over them."""
    days_off, working = (set(s) for s in _package_days(first, last))
    for day, kind in overrides:
        if kind == OverrideKind.DAY_OFF:
            days_off.add(day)
            working.discard(day)
        else:
            working.add(day)
            days_off.discard(day)
    return WorkCalendar(
        days_off=frozenset(days_off),
        extra_working_days=frozenset(working),
        office_hours=DEFAULT_OFFICE_HOURS if office_hours is None else office_hours,
        years=(first, last),
    )


def calendar_for(site_or_hours: object = None, *moments: date | datetime | None) -> WorkCalendar:
    """The working calendar, with a site's office hours, continuous over the years.

    ``site_or_hours`` is a site (anything with ``office_hours``), a list of periods like
    ``[["07:30", "11:30"], ["13:30", "17:00"]]``, or ``None`` for the default hours. The
    calendar covers every day from 1 January :data:`FIRST_YEAR` to 31 December ten years past
    today; ``moments`` outside that (with :data:`MARGIN_YEARS` after them) widen it for that
    call. Cached per process, by range and hours in the reference cache, and by the override
    table's content below it, so an administrator's edit counts at once in this process (the
    cache is emptied on save) and within ``REFERENCE_CACHE_SECONDS`` in the others, while an
    unchanged table reuses the calendar already built with its index.
    """
    hours = office_hours_key(site_or_hours)
    # The UTC year is enough for a ten-year horizon, and cheaper than Hanoi's date (hot path).
    first, last = FIRST_YEAR, clock.now().year + YEARS_AHEAD
    for moment in moments:
        if moment is None or first < moment.year < last - MARGIN_YEARS:
            continue  # well inside, whatever its zone
        year = (clock_local(moment) if isinstance(moment, datetime) else moment).year
        first, last = min(first, year), max(last, year + MARGIN_YEARS)
    return reference_cache.get_or_set(
        ("worktime", "calendar", first, last, hours),
        lambda: _calendar(first, last, hours, _overrides(first, last)),
    )


def office_hours_key(site_or_hours: object) -> Hours:
    """The office hours of a site, or the periods given, as a hashable key: ``None`` for the
    default hours, else the periods as ``"HH:MM"`` strings (so that equal hours share one)."""
    hours = getattr(site_or_hours, "office_hours", site_or_hours)
    return _hours_key(tuple(tuple(p) for p in hours)) if hours else None


@functools.lru_cache(maxsize=64)
def _hours_key(hours: tuple) -> Hours:
    periods = parse_office_hours(hours)
    if periods == DEFAULT_OFFICE_HOURS:
        return None
    return tuple((a.isoformat("minutes"), b.isoformat("minutes")) for a, b in periods)


def clock_local(moment: datetime) -> datetime:
    """``moment`` on Hanoi's wall clock (the project's time zone)."""
    return timezone.localtime(moment)


def _overrides(first: int, last: int) -> tuple[tuple[date, str], ...]:
    return tuple(
        CalendarOverride.objects.filter(date__gte=date(first, 1, 1), date__lte=date(last, 12, 31))
        .order_by("date")
        .values_list("date", "kind")
    )


@functools.lru_cache(maxsize=16)
def _calendar(
    first: int, last: int, hours: Hours, overrides: tuple[tuple[date, str], ...]
) -> WorkCalendar:
    """The calendar of the years with those overrides, its index built once (see above)."""
    calendar = _combined(first, last, overrides, hours)
    calendar.index  # noqa: B018 - built here, once, rather than on a request's first deadline
    return calendar


def calendar_days(*, start: date, end: date) -> list[CalendarDay]:
    """Return every non-standard date from ``start`` to ``end`` (both inclusive), in order.

    That is each holiday, compensatory day or swapped day off, each working weekend day, and
    each override (which replaces the package's entry for its date). Holiday names come in
    the active language (Vietnamese or English).
    """
    language = "vi" if (translation.get_language() or "vi").startswith("vi") else "en_US"
    package = holidays.country_holidays(
        COUNTRY, years=range(start.year, end.year + 1), language=language
    )
    result: dict[date, CalendarDay] = {}
    for day, name in package.items():
        if start <= day <= end:
            result[day] = CalendarDay(date=day, working=False, name=name, source="package")
    for day in package.weekend_workdays:
        if start <= day <= end:
            result[day] = CalendarDay(
                date=day, working=True, name=_("Working weekend day (swap)"), source="package"
            )
    for row in CalendarOverride.objects.filter(date__gte=start, date__lte=end):
        result[row.date] = CalendarDay(
            date=row.date,
            working=row.kind == OverrideKind.WORKING_DAY,
            name=row.note or str(row.get_kind_display()),
            source="override",
            legal_basis=row.legal_basis,
        )
    return [result[day] for day in sorted(result)]


@functools.lru_cache(maxsize=64)
def _package_days(first: int, last: int) -> tuple[frozenset[date], frozenset[date]]:
    """Days off and working weekend days that the ``holidays`` package gives for the years."""
    package = holidays.country_holidays(COUNTRY, years=range(first, last + 1))
    days_off = frozenset(day for day in package if first <= day.year <= last)
    # ``weekend_workdays`` lists every swap the package knows, whatever years were asked for.
    working = frozenset(
        day for day in package.weekend_workdays if first <= day.year <= last and day not in days_off
    )
    return days_off, working


def overrides_missing_for(*, today: date) -> int | None:
    """The coming year, when it is December and no override is entered for it yet.

    The government decides next year's swaps and working Saturdays late in the year; from
    1 December the administrator and the Center's director are reminded to enter them (or to
    confirm there are none by entering the decision that says so). ``None`` otherwise.
    """
    if today.month != 12:
        return None
    year = today.year + 1
    entered = CalendarOverride.objects.filter(
        date__gte=date(year, 1, 1), date__lte=date(year, 12, 31)
    ).exists()
    return None if entered else year
