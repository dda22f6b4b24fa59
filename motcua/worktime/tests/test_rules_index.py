"""The working-time index gives exactly the results of walking the calendar period by period
(hypothesis), on the national calendar and on sites with other office hours."""

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.worktime.rules import (
    HANOI,
    CalendarNotCovered,
    WorkCalendar,
    _walk_between,
    _walk_working_time,
    add_working_time,
    working_time_between,
)
from motcua.worktime.tests.conftest import hanoi, package_calendar

NATIONAL = package_calendar(2025, 2027)
CALENDARS = (
    NATIONAL,
    replace(NATIONAL, office_hours=((time(7, 30), time(11, 30)), (time(13, 30), time(17)))),
    replace(NATIONAL, office_hours=((time(8), time(16, 45)),)),
    replace(NATIONAL, office_hours=((time(7), time(9)), (time(9, 30), time(12)),
                                    (time(18), time(21)))),
)  # fmt: skip

# A year either side of the calendar's years, so that refusals are compared too.
instants = st.datetimes(
    min_value=datetime(2024, 12, 1),
    max_value=datetime(2028, 1, 31, 23, 59, 59),
    timezones=st.sampled_from([HANOI, UTC, timezone(timedelta(hours=-5))]),
)
durations = st.one_of(
    st.integers(min_value=0, max_value=40 * 8 * 3600).map(lambda s: timedelta(seconds=s)),
    st.integers(min_value=0, max_value=10**12).map(lambda us: timedelta(microseconds=us)),
    st.sampled_from([timedelta(hours=h) for h in (1, 4, 8, 16, 24, 160)]),
)
calendars = st.sampled_from(CALENDARS)


def outcome(function, *args):
    try:
        return function(*args)
    except CalendarNotCovered:
        return CalendarNotCovered


def walked_add(start, duration, calendar):
    cursor = calendar.local(start)
    return cursor if not duration else _walk_working_time(cursor, duration, calendar)


@given(instants, durations, calendars)
def test_adding_working_time_by_the_index_is_walking(start, duration, calendar):
    fast = outcome(add_working_time, start, duration, calendar)
    walked = outcome(walked_add, start, duration, calendar)
    assert fast == walked
    if fast is not CalendarNotCovered:
        assert fast.tzinfo is walked.tzinfo is calendar.tz
        assert fast.isoformat() == walked.isoformat()


@given(instants, instants, calendars)
def test_working_time_between_by_the_index_is_walking(a, b, calendar):
    start, end = sorted((a, b))
    local = calendar.local
    assert outcome(working_time_between, start, end, calendar) == outcome(
        _walk_between, local(start), local(end), calendar
    )


@given(instants, durations, calendars)
def test_working_time_between_undoes_adding_it(start, duration, calendar):
    end = outcome(add_working_time, start, duration, calendar)
    if end is not CalendarNotCovered and start <= end:
        assert outcome(working_time_between, start, end, calendar) in (duration, CalendarNotCovered)


@pytest.mark.parametrize("calendar", CALENDARS[:2])
def test_period_ends_resolve_to_the_earlier_period_as_the_walk_does(calendar):
    opening = hanoi(2026, 3, 5, 8)  # a Thursday
    for hours in range(0, 30):
        duration = timedelta(hours=hours)
        assert add_working_time(opening, duration, calendar) == walked_add(
            opening, duration, calendar
        )


def test_a_calendar_without_years_walks():
    plain = WorkCalendar()
    assert plain.index is None
    assert add_working_time(hanoi(2026, 3, 6, 16), timedelta(hours=2), plain) == hanoi(
        2026, 3, 9, 9
    )


def test_the_index_refuses_dates_outside_the_years_as_the_walk_does():
    with pytest.raises(CalendarNotCovered, match="2028-01-01"):
        add_working_time(hanoi(2027, 12, 31, 16), timedelta(hours=2), NATIONAL)
    with pytest.raises(CalendarNotCovered, match="2024-12-31"):
        working_time_between(hanoi(2024, 12, 31, 9), hanoi(2025, 1, 2, 9), NATIONAL)
