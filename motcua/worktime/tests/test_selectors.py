"""The working calendar as read from the holidays package and the override table."""

from datetime import date, time

import pytest

from motcua.worktime import services
from motcua.worktime.choices import OverrideKind, TimeLimitUnit
from motcua.worktime.rules import deemed_receipt, due_at
from motcua.worktime.selectors import calendar_days, work_calendar
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
