"""The reporting periods of the portal: a calendar month, quarter or year (Hanoi dates).

A period is written ``2026-10`` (October 2026), ``2026-Q4`` or ``2026``; the same text names
it in the page's address, the open data files and the API.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

MONTH, QUARTER, YEAR = "month", "quarter", "year"
_PATTERN = re.compile(r"^(?P<year>\d{4})(?:-(?:(?P<month>\d{2})|[Qq](?P<quarter>[1-4])))?$")
FIRST_YEAR = 2000
LAST_YEAR = 2100


@dataclass(frozen=True, order=True)
class Period:
    first_day: date
    last_day: date
    kind: str

    @property
    def key(self) -> str:
        if self.kind == MONTH:
            return f"{self.first_day.year}-{self.first_day.month:02d}"
        if self.kind == QUARTER:
            return f"{self.first_day.year}-Q{(self.first_day.month - 1) // 3 + 1}"
        return str(self.first_day.year)

    @property
    def year(self) -> int:
        return self.first_day.year

    def end_on(self, today: date) -> date:
        """The last day with figures: the period's last day, or today while it runs."""
        return min(self.last_day, today)

    def contains(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day

    def months(self) -> list[Period]:
        """The months of the period, in order."""
        out, first = [], self.first_day
        while first <= self.last_day:
            out.append(month(first.year, first.month))
            first = out[-1].last_day + timedelta(days=1)
        return out

    def previous(self) -> Period:
        return parse_period_of(self.kind, self.first_day - timedelta(days=1))

    def next(self) -> Period:
        return parse_period_of(self.kind, self.last_day + timedelta(days=1))


def month(year: int, number: int) -> Period:
    first = date(year, number, 1)
    following = date(year + (number == 12), number % 12 + 1, 1)
    return Period(first, following - timedelta(days=1), MONTH)


def quarter(year: int, number: int) -> Period:
    first = date(year, 3 * (number - 1) + 1, 1)
    last = month(year, 3 * number).last_day
    return Period(first, last, QUARTER)


def year(number: int) -> Period:
    return Period(date(number, 1, 1), date(number, 12, 31), YEAR)


def parse_period_of(kind: str, day: date) -> Period:
    """The period of ``kind`` (month, quarter, year) that contains ``day``."""
    if kind == MONTH:
        return month(day.year, day.month)
    if kind == QUARTER:
        return quarter(day.year, (day.month - 1) // 3 + 1)
    if kind == YEAR:
        return year(day.year)
    raise ValueError(f"Unknown period kind {kind!r}")


def parse_period(text: str) -> Period:
    """``2026-10``, ``2026-Q4`` or ``2026``; raise :class:`ValueError` for anything else."""
    match = _PATTERN.match((text or "").strip())
    if match is None:
        raise ValueError(f"Not a period: {text!r}")
    number = int(match["year"])
    if not FIRST_YEAR <= number <= LAST_YEAR:
        raise ValueError(f"Year out of range: {text!r}")
    if match["month"]:
        value = int(match["month"])
        if not 1 <= value <= 12:
            raise ValueError(f"Not a month: {text!r}")
        return month(number, value)
    if match["quarter"]:
        return quarter(number, int(match["quarter"]))
    return year(number)


def last_months(end: date, count: int) -> list[Period]:
    """The ``count`` months up to the one containing ``end``, oldest first."""
    out = [month(end.year, end.month)]
    while len(out) < count:
        out.insert(0, out[0].previous())
    return out
