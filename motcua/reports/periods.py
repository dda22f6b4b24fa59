"""The reporting periods a dashboard offers, as Hanoi calendar days ending today."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from motcua.worktime.rules import HANOI

#: key → number of Hanoi calendar days, today included.
PERIOD_DAYS = {"today": 1, "7d": 7, "30d": 30}


@dataclass(frozen=True)
class Period:
    """From Hanoi midnight of ``first_day`` to ``end`` (the moment the page is built)."""

    key: str
    first_day: date
    last_day: date
    start: datetime
    end: datetime

    @property
    def days(self) -> list[date]:
        return days_between(self.first_day, self.last_day)


def hanoi_day(moment: datetime) -> date:
    """The Hanoi calendar date of an aware instant."""
    return moment.astimezone(HANOI).date()


def day_start(day: date) -> datetime:
    """Hanoi midnight at the start of ``day``, as an aware datetime."""
    return datetime.combine(day, time(0), HANOI)


def days_between(first: date, last: date) -> list[date]:
    """Every date from ``first`` to ``last``, both included."""
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def period_for(key: str | None, *, now: datetime, default: str = "today") -> Period:
    """The period named ``key`` (``today``, ``7d``, ``30d``) ending at ``now``; an unknown or
    missing key gives ``default``."""
    if key not in PERIOD_DAYS:
        key = default
    last = hanoi_day(now)
    first = last - timedelta(days=PERIOD_DAYS[key] - 1)
    return Period(key=key, first_day=first, last_day=last, start=day_start(first), end=now)
