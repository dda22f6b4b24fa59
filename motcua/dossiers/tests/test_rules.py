from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from motcua.dossiers import rules
from motcua.dossiers.choices import NATIONAL_STATUS, Action, Status, Timeliness
from motcua.worktime.rules import WorkCalendar

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
CAL = WorkCalendar(days_off=frozenset(), extra_working_days=frozenset(), years=(2026, 2026))


def at(*args):
    return datetime(*args, tzinfo=HANOI)


def test_every_internal_status_maps_to_one_national_code_and_all_ten_are_used():
    assert set(NATIONAL_STATUS) == set(Status.values)
    assert sorted(set(NATIONAL_STATUS.values())) == list(range(1, 11))


def test_every_action_has_a_rule():
    assert set(rules.ALLOWED_FROM) == set(Action.values)


@pytest.mark.parametrize(
    ("finished", "expected"),
    [
        (at(2026, 3, 11, 16, 0), Timeliness.EARLY),
        (at(2026, 3, 12, 8, 0), Timeliness.ON_TIME),
        (at(2026, 3, 12, 10, 0), Timeliness.ON_TIME),
        (at(2026, 3, 12, 10, 1), Timeliness.LATE),
    ],
)
def test_grade_by_date_and_time(finished, expected):
    assert rules.grade(finished, at(2026, 3, 12, 10, 0), CAL) == expected


def test_more_than_one_supplement_makes_a_dossier_late_whenever_it_finishes():
    assert (
        rules.grade(at(2026, 3, 1, 9), at(2026, 3, 12, 10), CAL, too_many_supplements=True)
        == Timeliness.LATE
    )


def test_an_apology_needs_a_working_day_before_the_due_time():
    due = at(2026, 3, 12, 10, 0)  # Thursday
    lead = timedelta(hours=8)
    assert rules.apology_possible(at(2026, 3, 11, 10, 0), due, CAL, lead=lead)
    assert not rules.apology_possible(at(2026, 3, 11, 10, 1), due, CAL, lead=lead)
    # Over a weekend: Friday 10:00 is 8 working hours before Monday 10:00.
    assert rules.apology_possible(at(2026, 3, 13, 10, 0), at(2026, 3, 16, 10, 0), CAL, lead=lead)
    assert not rules.apology_possible(due, due, CAL, lead=lead)


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("001085012345", None),
        ("079204000001", None),
        ("00108501234", "length"),
        ("0010850123456", "length"),
        ("00108501234a", "length"),
        ("００１０８５０１２３４５", "length"),
        ("003085012345", "province"),
        ("001299012345", "year"),
    ],
)
def test_citizen_id_numbers(value, problem):
    assert rules.citizen_id_problem(value, today_year=2026) == problem


@pytest.mark.parametrize(
    ("value", "ok"),
    [("0912345678", True), ("+84912345678", True), ("091 234 5678", True), ("12345", False),
     ("09123456789", False)],
)  # fmt: skip
def test_phone_numbers(value, ok):
    assert (rules.phone_problem(value) is None) is ok
