from datetime import date

import pytest

from motcua.transparency import periods


def test_a_month_a_quarter_and_a_year_are_written_as_in_the_address():
    october = periods.parse_period("2026-10")
    assert (october.first_day, october.last_day, october.key) == (
        date(2026, 10, 1), date(2026, 10, 31), "2026-10",
    )  # fmt: skip
    q1 = periods.parse_period("2028-q1")  # a leap year
    assert (q1.first_day, q1.last_day, q1.key) == (date(2028, 1, 1), date(2028, 3, 31), "2028-Q1")
    assert periods.parse_period("2026").last_day == date(2026, 12, 31)
    assert periods.parse_period("2026-02").last_day == date(2026, 2, 28)


@pytest.mark.parametrize("text", ["", "2026-13", "2026-00", "2026-Q5", "26-10", "1999", "x"])
def test_anything_else_is_refused(text):
    with pytest.raises(ValueError):
        periods.parse_period(text)


def test_a_period_knows_its_months_its_neighbours_and_where_it_ends_today():
    q4 = periods.parse_period("2026-Q4")
    assert [m.key for m in q4.months()] == ["2026-10", "2026-11", "2026-12"]
    assert q4.previous().key == "2026-Q3"
    assert periods.parse_period("2026-12").next().key == "2027-01"
    assert periods.parse_period("2026").previous().key == "2025"
    assert q4.end_on(date(2026, 11, 26)) == date(2026, 11, 26)
    assert q4.end_on(date(2027, 1, 5)) == date(2026, 12, 31)


def test_the_last_months_end_with_the_current_one():
    keys = [m.key for m in periods.last_months(date(2026, 2, 10), 4)]
    assert keys == ["2025-11", "2025-12", "2026-01", "2026-02"]
