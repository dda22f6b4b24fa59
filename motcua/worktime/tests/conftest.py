"""Shared values for the worktime tests: Hanoi instants and the Vietnamese calendar."""

from datetime import datetime

import holidays
import pytest

# The lifecycle's fixtures: the real Hanoi data, people in their posts, the clock seam.
from motcua.dossiers.tests.conftest import clock, hanoi_data, people  # noqa: F401
from motcua.worktime.rules import HANOI, WorkCalendar


def hanoi(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An aware instant on Hanoi's wall clock."""
    return datetime(year, month, day, hour, minute, tzinfo=HANOI)


def package_calendar(first: int = 2023, last: int = 2028) -> WorkCalendar:
    """The calendar as the ``holidays`` package alone gives it, without the database."""
    package = holidays.country_holidays("VN", years=range(first, last + 1))
    days_off = frozenset(package)
    working = frozenset(
        d for d in package.weekend_workdays if first <= d.year <= last and d not in days_off
    )
    return WorkCalendar(days_off=days_off, extra_working_days=working, years=(first, last))


@pytest.fixture(scope="session")
def vn() -> WorkCalendar:
    return package_calendar()


@pytest.fixture
def plain() -> WorkCalendar:
    """Monday to Friday, no holidays, default office hours."""
    return WorkCalendar()
