"""The working calendar as read from the holidays package and the override table."""

from datetime import date, datetime, time, timedelta
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.core.refcache import reference_cache
from motcua.worktime import services
from motcua.worktime.choices import OverrideKind, TimeLimitUnit
from motcua.worktime.rules import (
    HANOI,
    WorkCalendar,
    _walk_between,
    add_working_time,
    deemed_receipt,
    due_at,
    working_time_between,
)
from motcua.worktime.selectors import calendar_days, calendar_for, work_calendar
from motcua.worktime.tests.conftest import hanoi

pytestmark = pytest.mark.django_db

BASIS = "Công văn 9999/TTg-KGVX (ví dụ)"


def test_fresh_install_follows_the_holidays_package_alone():
    calendar = work_calendar(years=range(2025, 2027))
    assert not calendar.is_working_day(date(2026, 2, 16))
    assert calendar.is_working_day(date(2025, 4, 26))
    assert calendar.is_working_day(date(2026, 8, 22))
    assert not calendar.is_working_day(date(2026, 8, 31))
    assert calendar.years == (2025, 2026)


def test_day_off_override_makes_a_weekday_off():
    services.calendar_override_set(
        day=date(2026, 1, 2), kind=OverrideKind.DAY_OFF, legal_basis=BASIS
    )
    assert not work_calendar(years=[2026]).is_working_day(date(2026, 1, 2))


def test_working_day_override_wins_over_a_package_holiday():
    services.calendar_override_set(
        day=date(2026, 2, 20), kind=OverrideKind.WORKING_DAY, legal_basis=BASIS
    )
    assert work_calendar(years=[2026]).is_working_day(date(2026, 2, 20))


def test_working_day_override_makes_a_saturday_work():
    services.calendar_override_set(
        day=date(2026, 3, 7), kind=OverrideKind.WORKING_DAY, legal_basis=BASIS
    )
    assert work_calendar(years=[2026]).is_working_day(date(2026, 3, 7))


def test_a_new_override_changes_the_next_deadline_at_once():
    before = work_calendar(years=[2026])
    submitted = hanoi(2026, 1, 1, 16)  # New Year's Day: deemed Fri 02/01 08:00
    assert deemed_receipt(submitted, before) == hanoi(2026, 1, 2, 8)
    services.calendar_override_set(
        day=date(2026, 1, 2), kind=OverrideKind.DAY_OFF, legal_basis=BASIS
    )
    after = work_calendar(years=[2026])
    deemed = deemed_receipt(submitted, after)
    assert deemed == hanoi(2026, 1, 5, 8)
    assert due_at(deemed, 1, TimeLimitUnit.WORKING_DAYS, after) == hanoi(2026, 1, 5, 17)


def test_deleting_an_override_gives_the_package_back_its_say():
    services.calendar_override_set(
        day=date(2026, 2, 20), kind=OverrideKind.WORKING_DAY, legal_basis=BASIS
    )
    services.calendar_override_delete(day=date(2026, 2, 20))
    assert not work_calendar(years=[2026]).is_working_day(date(2026, 2, 20))


def test_override_outside_the_years_asked_for_is_not_read():
    services.calendar_override_set(
        day=date(2027, 1, 4), kind=OverrideKind.DAY_OFF, legal_basis=BASIS
    )
    assert date(2027, 1, 4) not in work_calendar(years=[2026]).days_off


def test_site_office_hours_are_used():
    calendar = work_calendar(years=[2026], office_hours=[["07:30", "11:30"], ["13:30", "17:00"]])
    assert calendar.office_hours == ((time(7, 30), time(11, 30)), (time(13, 30), time(17)))
    assert deemed_receipt(hanoi(2026, 3, 2, 7, 45), calendar) == hanoi(2026, 3, 2, 7, 45)


def test_reading_the_calendar_takes_one_query(django_assert_num_queries):
    work_calendar(years=[2026])
    with django_assert_num_queries(1):
        work_calendar(years=[2026])


def test_calendar_days_lists_tet_and_the_working_saturday():
    days = {day.date: day for day in calendar_days(start=date(2026, 1, 1), end=date(2026, 12, 31))}
    assert not days[date(2026, 2, 17)].working
    assert days[date(2026, 2, 17)].source == "package"
    assert days[date(2026, 8, 22)].working
    assert not days[date(2026, 8, 31)].working
    assert date(2026, 3, 2) not in days


def test_calendar_days_show_an_override_with_its_legal_basis():
    services.calendar_override_set(
        day=date(2026, 1, 2), kind=OverrideKind.DAY_OFF, legal_basis=BASIS, note="Nghỉ bù"
    )
    (day,) = calendar_days(start=date(2026, 1, 2), end=date(2026, 1, 2))
    assert (day.working, day.name, day.source, day.legal_basis) == (
        False,
        "Nghỉ bù",
        "override",
        BASIS,
    )


# -- the continuous calendar (decision 0007) -----------------------------------------------------


def test_the_calendar_runs_from_2024_to_ten_years_past_today(clock):
    clock.set(2027, 1, 4, 8, 0)
    calendar = calendar_for(None)
    assert calendar.years == (2024, 2037)
    assert calendar.is_working_day(date(2024, 12, 2))  # the network's first working day
    assert not calendar.is_working_day(date(2037, 1, 1))  # New Year's Day
    clock.set(2030, 1, 2, 9, 0)
    assert calendar_for(None).years == (2024, 2040)  # a new year moves the horizon, no restart


def test_a_moment_outside_the_range_widens_it(clock):
    clock.set(2027, 1, 4, 8, 0)
    assert calendar_for(None, date(2019, 5, 1)).years == (2019, 2037)
    assert calendar_for(None, hanoi(2050, 6, 1)).years == (2024, 2052)
    assert calendar_for(None, None).years == (2024, 2037)


def test_the_calendar_is_built_once_and_reused(clock, django_assert_num_queries):
    clock.set(2027, 1, 4, 8, 0)
    first = calendar_for(None)
    with django_assert_num_queries(0):
        assert calendar_for(None) is first
    reference_cache.clear()  # another process's lifetime ran out: one query, the same calendar
    with django_assert_num_queries(1):
        assert calendar_for(None) is first


def test_an_override_edit_takes_effect_at_once(clock):
    clock.set(2027, 1, 4, 8, 0)
    assert not calendar_for(None).is_working_day(date(2028, 3, 4))  # a Saturday
    services.calendar_override_set(
        day=date(2028, 3, 4), kind=OverrideKind.WORKING_DAY, legal_basis=BASIS
    )
    assert calendar_for(None).is_working_day(date(2028, 3, 4))
    services.calendar_override_delete(day=date(2028, 3, 4))
    assert not calendar_for(None).is_working_day(date(2028, 3, 4))


def test_sites_with_the_same_hours_share_a_calendar(clock):
    clock.set(2027, 1, 4, 8, 0)
    site = SimpleNamespace(office_hours=[["07:30", "11:30"], ["13:30", "17:00"]])
    assert calendar_for(site) is calendar_for([[time(7, 30), time(11, 30)], ["13:30", "17:00"]])
    assert calendar_for(SimpleNamespace(office_hours=[])) is calendar_for(None)
    assert calendar_for([["08:00", "12:00"], ["13:00", "17:00"]]) is calendar_for(None)
    assert calendar_for(site).office_hours[0] == (time(7, 30), time(11, 30))


def test_any_two_instants_from_2024_to_2035_are_measured_and_added_back(clock):
    """Property: on the continuous calendar, deadlines and working time between any two
    instants of 2024–2035 are computed (never ``CalendarNotCovered``), agree with the walking
    definition, and are each other's inverse."""
    clock.set(2030, 1, 2, 10, 30)
    calendar = calendar_for(None)
    walking = WorkCalendar(
        days_off=calendar.days_off, extra_working_days=calendar.extra_working_days
    )
    instants = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2035, 12, 31),
                            timezones=st.just(HANOI))  # fmt: skip

    @settings(max_examples=300, deadline=None)
    @given(instants, instants, st.sampled_from(list(TimeLimitUnit)), st.integers(0, 48))
    def check(a, b, unit, amount):
        a, b = min(a, b), max(a, b)
        elapsed = working_time_between(a, b, calendar)
        assert elapsed == _walk_between(a, b, walking)
        back = add_working_time(a, elapsed, calendar)
        assert back <= b and working_time_between(a, back, calendar) == elapsed
        assert working_time_between(back, b, calendar) == timedelta()
        deemed = deemed_receipt(a, calendar)
        due = due_at(deemed, amount, unit, calendar)
        assert due >= deemed
        if unit in (TimeLimitUnit.WORKING_DAYS, TimeLimitUnit.WORKING_HOURS) and amount:
            limit = amount * (calendar.day_length if unit == TimeLimitUnit.WORKING_DAYS
                              else timedelta(hours=1))  # fmt: skip
            assert working_time_between(deemed, due, calendar) == limit

    check()
