"""Reads of the working calendar: the ``holidays`` package plus the administrator's overrides."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, time

import holidays
from django.utils import translation
from django.utils.translation import gettext as _

from motcua.worktime.choices import OverrideKind
from motcua.worktime.models import CalendarOverride
from motcua.worktime.rules import DEFAULT_OFFICE_HOURS, WorkCalendar

COUNTRY = "VN"


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
    days_off, working = (set(s) for s in _package_days(first, last))
    overrides = CalendarOverride.objects.filter(
        date__gte=date(first, 1, 1), date__lte=date(last, 12, 31)
    ).values_list("date", "kind")
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
