"""The pure rules: a statutory limit in working hours, and whether a process fits it."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import translation

from motcua.catalog.rules import (
    Period,
    Process,
    Step,
    fewest_working_days_in,
    overlaps,
    process_problems,
    statutory_hours,
)
from motcua.core.dates import period_text
from motcua.worktime.rules import HANOI, WorkCalendar, due_at


def step(order, hours, actor="agency", role="agency_specialist"):
    return Step(order, f"Bước {order}", actor, role, Decimal(str(hours)))


def standard(*hours):
    """Receipt at the one-stop site, then the agency's steps, then the return."""
    first, *middle, last = hours
    return (
        step(1, first, "one_stop", "receiving_officer"),
        *(step(n, h) for n, h in enumerate(middle, start=2)),
        step(len(hours), last, "one_stop", "receiving_officer"),
    )


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("amount", "unit", "hours"),
    [
        (3, "working_days", 24),
        (0, "working_days", 8),  # "trong ngày": the same working day
        (20, "working_days", 160),
        (5, "working_hours", 5),
        (15, "calendar_days", 88),  # 11 working days at least
        (10, "calendar_days", 48),  # Friday + 10 days is a Monday: 6 working days
        (30, "calendar_days", 168),
        (1, "months", 160),
        (0, "calendar_days", 8),
    ],
)
def test_statutory_hours_per_unit(amount, unit, hours):
    assert statutory_hours(amount, unit) == hours


def test_an_unknown_unit_or_a_negative_limit_is_refused():
    with pytest.raises(ValueError):
        statutory_hours(3, "weeks")
    with pytest.raises(ValueError):
        statutory_hours(-1, "working_days")


@pytest.mark.parametrize("days", range(1, 64))
def test_calendar_days_count_the_working_days_the_deadline_rule_always_leaves(days):
    """Cross-check with worktime.due_at: from each weekday, the working days up to the due date."""
    calendar = WorkCalendar()
    counts = []
    for offset in range(5):
        start = date(2024, 1, 1) + timedelta(days=offset)  # Monday … Friday
        due = due_at(
            datetime(start.year, start.month, start.day, 9, tzinfo=HANOI),
            days,
            "calendar_days",
            calendar,
        )
        counts.append(
            sum(
                calendar.is_working_day(start + timedelta(days=n))
                for n in range(1, (due.date() - start).days + 1)
            )
        )
    assert fewest_working_days_in(days) == min(counts)
    assert fewest_working_days_in(days) >= days * 5 // 7 - 1


def test_a_process_within_the_limit_has_no_problems():
    assert process_problems(Process(3, "working_days", standard(2, 14, 6, 2))) == []
    assert process_problems(Process(0, "working_days", standard(1, 4, 2, 1))) == []


def test_a_process_longer_than_the_limit_is_a_problem_naming_both_figures():
    problems = process_problems(Process(3, "working_days", standard(2, 16, 6, 2)))
    assert problems == [
        "The steps take 26 working hours, more than the 24 working hours that the statutory "
        "limit of 3 working days allows."
    ]


def test_half_hours_count_and_show_without_trailing_zeros():
    problems = process_problems(Process(5, "working_hours", standard(1, 3.5, 1)))
    assert problems and "5.5 working hours" in problems[0]


def test_steps_must_be_numbered_from_one_without_gaps():
    steps = (step(1, 1, "one_stop", "receiving_officer"), step(3, 1), step(3, 1))
    problems = process_problems(Process(3, "working_days", steps))
    assert problems == ["The steps must be numbered 1 to 3 without gaps or repeats; got 1, 3, 3."]


def test_the_first_step_is_the_receipt_at_the_one_stop_site():
    problems = process_problems(Process(3, "working_days", (step(1, 8), step(2, 8))))
    assert problems == ["The first step is the receipt at the one-stop site."]


def test_a_role_must_work_for_the_unit_of_its_step():
    steps = (step(1, 1, "one_stop", "agency_leader"), step(2, 1, "coordinating", "inspector"))
    assert process_problems(Process(3, "working_days", steps)) == [
        "Step 1: the role Agency leader does not work at One-stop site.",
        "Step 2: the role Inspector does not work at Coordinating agency.",
    ]


def test_no_steps_negative_allowances_and_unknown_units_are_problems():
    assert process_problems(Process(3, "working_days", ())) == [
        "The internal process has no steps."
    ]
    negative = standard(1, -2, 1)
    assert "Step 2: the time allowance cannot be negative." in process_problems(
        Process(3, "working_days", negative)
    )
    assert process_problems(Process(3, "fortnights", standard(1, 1, 1))) == [
        "Unknown unit of the time limit: fortnights."
    ]


def test_steps_are_read_in_order_whatever_order_they_come_in():
    steps = tuple(reversed(standard(2, 14, 6, 2)))
    assert process_problems(Process(3, "working_days", steps)) == []


def test_overlapping_periods_are_found_with_open_ends():
    periods = [
        ("v1", Period(None, date(2025, 6, 30))),
        ("v2", Period(date(2025, 7, 1), date(2026, 6, 30))),
        ("v3", Period(date(2026, 6, 30), None)),
    ]
    assert overlaps(periods) == [("v2", "v3")]
    assert overlaps([("a", Period()), ("b", Period(date(2030, 1, 1), None))]) == [("a", "b")]
    assert overlaps(periods[:2]) == []


def test_a_period_contains_another_only_if_it_covers_every_day():
    open_ = Period()
    ended = Period(None, date(2025, 6, 30))
    assert open_.contains(ended)
    assert not ended.contains(open_)
    assert ended.contains(Period(date(2020, 1, 1), date(2025, 6, 30)))
    assert not ended.contains(Period(date(2020, 1, 1), None))


def test_periods_read_the_vietnamese_way():
    assert period_text(date(2025, 7, 1), None) == "from 01/07/2025, with no end date"
    assert period_text(None, date(2025, 6, 30)) == "until 30/06/2025"
    with translation.override("vi"):
        assert period_text(date(2025, 7, 1), date(2026, 6, 30)) == "từ 01/07/2025 đến 30/06/2026"
