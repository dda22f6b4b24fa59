"""Properties of the working-time rules over instants from 2025 to 2027 (hypothesis)."""

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.worktime.choices import TimeLimitUnit
from motcua.worktime.rules import (
    DEFAULT_CUTOFF,
    HANOI,
    WorkCalendar,
    add_working_time,
    deemed_receipt,
    due_at,
    extend_for_pause,
    working_time_between,
)
from motcua.worktime.tests.conftest import package_calendar

# Wide enough for 60 months from the end of 2027 and the next working day after.
VN = package_calendar(2024, 2033)

instants = st.datetimes(
    min_value=datetime(2025, 1, 1),
    max_value=datetime(2027, 12, 31, 23, 59, 59),
    timezones=st.sampled_from([HANOI, UTC, timezone(timedelta(hours=-5))]),
)
minutes = st.integers(min_value=0, max_value=6000)
units = st.sampled_from(list(TimeLimitUnit))
amounts = st.integers(min_value=0, max_value=60)


def inside_office_hours(moment: datetime, calendar: WorkCalendar, *, closed: bool) -> bool:
    """Whether ``moment`` is in a working period (``closed`` admits the period's end)."""
    local = moment.astimezone(calendar.tz)
    if not calendar.is_working_day(local.date()):
        return False
    wall = local.time()
    return any(
        start <= wall <= end if closed else start <= wall < end
        for start, end in calendar.office_hours
    )


@given(instants)
def test_deemed_receipt_is_inside_office_hours_of_a_working_day(submitted):
    assert inside_office_hours(deemed_receipt(submitted, VN), VN, closed=False)


@given(instants)
def test_deemed_receipt_is_never_before_submission(submitted):
    assert deemed_receipt(submitted, VN) >= submitted


@given(instants)
def test_deemed_receipt_is_submission_itself_only_inside_hours_before_cutoff(submitted):
    local = submitted.astimezone(HANOI)
    stays = inside_office_hours(local, VN, closed=False) and local.time() < DEFAULT_CUTOFF
    assert (deemed_receipt(submitted, VN) == submitted) == stays


@given(instants)
def test_deemed_receipt_of_a_deemed_receipt_is_itself(submitted):
    deemed = deemed_receipt(submitted, VN)
    assert deemed_receipt(deemed, VN) == deemed


@given(instants, amounts, units)
def test_due_is_never_before_deemed_receipt(submitted, amount, unit):
    deemed = deemed_receipt(submitted, VN)
    assert due_at(deemed, amount, unit, VN) >= deemed


@given(instants, amounts, units)
def test_due_falls_within_office_hours_of_a_working_day(submitted, amount, unit):
    # Closed periods: the boundary convention lets a due time be a period's end (12:00, 17:00).
    due = due_at(deemed_receipt(submitted, VN), amount, unit, VN)
    assert inside_office_hours(due, VN, closed=True)
    assert due.tzinfo == HANOI


@given(instants, amounts.filter(bool), units)
def test_due_grows_with_the_amount(submitted, amount, unit):
    deemed = deemed_receipt(submitted, VN)
    assert due_at(deemed, amount, unit, VN) <= due_at(deemed, amount + 1, unit, VN)


@given(instants, units.filter(lambda unit: unit != TimeLimitUnit.WORKING_HOURS))
def test_same_day_limit_is_never_later_than_a_limit_of_one(submitted, unit):
    # Not for working hours: "0" is the same-day rule (closing time), while one working hour
    # from 08:00 is 09:00. §5 states the same-day rule for a limit of 0 whatever its unit.
    deemed = deemed_receipt(submitted, VN)
    assert due_at(deemed, 0, unit, VN) <= due_at(deemed, 1, unit, VN)


@given(instants, minutes, minutes)
def test_adding_a_then_b_equals_adding_a_plus_b(start, a, b):
    assert add_working_time(add_working_time(start, a, VN), b, VN) == add_working_time(
        start, a + b, VN
    )


@given(instants, minutes)
def test_working_time_between_inverts_adding(start, m):
    assert working_time_between(start, add_working_time(start, m, VN), VN) == timedelta(minutes=m)


@given(instants, minutes)
def test_added_end_is_the_earliest_instant_with_that_much_working_time(start, m):
    end = add_working_time(start, m, VN)
    assert end >= start
    if m:
        assert working_time_between(start, end - timedelta(seconds=1), VN) < timedelta(minutes=m)


@given(instants, minutes, minutes)
def test_working_time_between_is_additive(start, a, b):
    middle = start + timedelta(minutes=a)
    end = middle + timedelta(minutes=b)
    assert working_time_between(start, middle, VN) + working_time_between(
        middle, end, VN
    ) == working_time_between(start, end, VN)


@settings(max_examples=50)
@given(instants, amounts, instants, minutes)
def test_pause_extends_the_due_time_by_exactly_its_working_time(submitted, amount, paused, m):
    due = due_at(deemed_receipt(submitted, VN), amount, TimeLimitUnit.WORKING_DAYS, VN)
    resumed = paused + timedelta(minutes=m)
    extended = extend_for_pause(due, paused, resumed, VN)
    assert extended >= due
    assert working_time_between(due, extended, VN) == working_time_between(paused, resumed, VN)
