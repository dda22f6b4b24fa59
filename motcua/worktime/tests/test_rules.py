"""Worked examples of one-stop-rules.md §5 against the pure rules."""

from datetime import UTC, date, time, timedelta

import pytest

from motcua.worktime.choices import TimeLimitUnit
from motcua.worktime.rules import (
    HANOI,
    CalendarNotCovered,
    NaiveDatetimeError,
    WorkCalendar,
    WorktimeError,
    add_months,
    add_working_time,
    deemed_receipt,
    due_at,
    extend_for_pause,
    parse_office_hours,
    working_time_between,
    years_needed,
)
from motcua.worktime.tests.conftest import hanoi

HOUR = timedelta(hours=1)


class TestWorkingDays:
    def test_tet_2026_is_off_from_saturday_14_to_sunday_22_february(self, vn):
        off = [date(2026, 2, day) for day in range(14, 23)]
        assert not any(vn.is_working_day(day) for day in off)
        assert vn.is_working_day(date(2026, 2, 13))
        assert vn.is_working_day(date(2026, 2, 23))

    def test_saturday_26_april_2025_is_a_working_day(self, vn):
        assert vn.is_working_day(date(2025, 4, 26))
        assert not vn.is_working_day(date(2025, 5, 2))

    def test_august_2026_swap_moves_monday_31_off_to_saturday_22(self, vn):
        assert vn.is_working_day(date(2026, 8, 22))
        assert not vn.is_working_day(date(2026, 8, 31))

    def test_weekends_are_off_and_weekdays_work_without_holidays(self, plain):
        assert plain.is_working_day(date(2026, 3, 2))
        assert not plain.is_working_day(date(2026, 3, 7))
        assert not plain.is_working_day(date(2026, 3, 8))

    def test_date_outside_the_calendars_years_is_refused(self, vn):
        with pytest.raises(CalendarNotCovered):
            vn.is_working_day(date(2030, 1, 2))

    def test_a_date_cannot_be_both_off_and_working(self):
        with pytest.raises(WorktimeError):
            WorkCalendar(days_off={date(2026, 3, 2)}, extra_working_days={date(2026, 3, 2)})


class TestOfficeHours:
    def test_site_json_is_parsed_into_periods(self):
        assert parse_office_hours([["07:30", "11:30"], ["13:30", "17:30"]]) == (
            (time(7, 30), time(11, 30)),
            (time(13, 30), time(17, 30)),
        )

    @pytest.mark.parametrize(
        "value",
        [
            [],
            [["08:00"]],
            [["12:00", "08:00"]],
            [["08:00", "12:00"], ["11:00", "17:00"]],
            [["8h", "12h"]],
        ],
    )
    def test_bad_office_hours_are_refused(self, value):
        with pytest.raises(WorktimeError):
            parse_office_hours(value)

    def test_default_working_day_is_eight_hours(self, plain):
        assert plain.day_length == 8 * HOUR


class TestDeemedReceipt:
    def test_submission_inside_the_morning_counts_at_once(self, plain):
        assert deemed_receipt(hanoi(2026, 3, 2, 9, 30), plain) == hanoi(2026, 3, 2, 9, 30)

    def test_one_minute_before_the_cutoff_counts_the_same_day(self, plain):
        assert deemed_receipt(hanoi(2026, 3, 2, 14, 59), plain) == hanoi(2026, 3, 2, 14, 59)

    def test_at_the_cutoff_counts_the_next_working_day(self, plain):
        assert deemed_receipt(hanoi(2026, 3, 2, 15, 0), plain) == hanoi(2026, 3, 3, 8)

    def test_before_opening_counts_at_opening(self, plain):
        assert deemed_receipt(hanoi(2026, 3, 2, 6, 45), plain) == hanoi(2026, 3, 2, 8)

    @pytest.mark.parametrize("minute", [0, 30, 59])
    def test_lunch_break_counts_at_the_afternoon_opening(self, plain, minute):
        assert deemed_receipt(hanoi(2026, 3, 2, 12, minute), plain) == hanoi(2026, 3, 2, 13)

    def test_weekend_counts_on_monday_morning(self, plain):
        assert deemed_receipt(hanoi(2026, 3, 7, 10), plain) == hanoi(2026, 3, 9, 8)

    def test_friday_before_tet_after_cutoff_counts_after_tet(self, vn):
        assert deemed_receipt(hanoi(2026, 2, 13, 16), vn) == hanoi(2026, 2, 23, 8)

    def test_friday_after_cutoff_counts_on_the_working_saturday(self, vn):
        assert deemed_receipt(hanoi(2025, 4, 25, 15), vn) == hanoi(2025, 4, 26, 8)

    def test_submission_on_the_working_saturday_counts_at_once(self, vn):
        assert deemed_receipt(hanoi(2025, 4, 26, 10), vn) == hanoi(2025, 4, 26, 10)

    def test_friday_before_the_swapped_monday_and_national_day_counts_on_thursday(self, vn):
        assert deemed_receipt(hanoi(2026, 8, 28, 16), vn) == hanoi(2026, 9, 3, 8)

    def test_other_offsets_are_read_as_the_same_instant(self, vn):
        submitted = hanoi(2026, 2, 13, 16).astimezone(UTC)
        deemed = deemed_receipt(submitted, vn)
        assert deemed == hanoi(2026, 2, 23, 8)
        assert deemed.utcoffset() == 7 * HOUR

    def test_cutoff_is_a_parameter(self, plain):
        assert deemed_receipt(hanoi(2026, 3, 2, 11), plain, cutoff=time(11)) == hanoi(2026, 3, 3, 8)

    def test_after_closing_with_a_late_cutoff_counts_the_next_day(self, plain):
        assert deemed_receipt(hanoi(2026, 3, 2, 17, 30), plain, cutoff=time(18)) == hanoi(
            2026, 3, 3, 8
        )

    def test_naive_datetime_is_refused(self, plain):
        with pytest.raises(NaiveDatetimeError):
            deemed_receipt(hanoi(2026, 3, 2, 9).replace(tzinfo=None), plain)


class TestAddWorkingTime:
    def test_three_working_days_from_tuesday_opening_end_thursday_at_closing(self, plain):
        # §5: the end falls between two periods and resolves to the end of the earlier one.
        assert due_at(hanoi(2026, 3, 3, 8), 3, TimeLimitUnit.WORKING_DAYS, plain) == hanoi(
            2026, 3, 5, 17
        )

    def test_three_working_days_from_monday_ten_end_thursday_ten(self, plain):
        assert due_at(hanoi(2026, 3, 2, 10), 3, TimeLimitUnit.WORKING_DAYS, plain) == hanoi(
            2026, 3, 5, 10
        )

    def test_four_hours_from_opening_end_at_noon_not_after_lunch(self, plain):
        assert add_working_time(hanoi(2026, 3, 2, 8), 4 * HOUR, plain) == hanoi(2026, 3, 2, 12)

    def test_time_skips_the_lunch_break(self, plain):
        assert add_working_time(hanoi(2026, 3, 2, 11), 90, plain) == hanoi(2026, 3, 2, 13, 30)

    def test_time_skips_the_weekend(self, plain):
        assert add_working_time(hanoi(2026, 3, 6, 16), 2 * HOUR, plain) == hanoi(2026, 3, 9, 9)

    def test_start_outside_office_hours_begins_at_the_next_opening(self, plain):
        assert add_working_time(hanoi(2026, 3, 7, 10), HOUR, plain) == hanoi(2026, 3, 9, 9)

    def test_zero_returns_the_start(self, plain):
        assert add_working_time(hanoi(2026, 3, 7, 10), 0, plain) == hanoi(2026, 3, 7, 10)

    def test_negative_duration_is_refused(self, plain):
        with pytest.raises(WorktimeError):
            add_working_time(hanoi(2026, 3, 2, 10), -1, plain)

    def test_one_working_day_from_friday_before_tet_ends_after_tet(self, vn):
        assert due_at(hanoi(2026, 2, 13, 10), 1, TimeLimitUnit.WORKING_DAYS, vn) == hanoi(
            2026, 2, 23, 10
        )


class TestDueAt:
    def test_one_working_day_after_submission_friday_before_tet_at_16(self, vn):
        deemed = deemed_receipt(hanoi(2026, 2, 13, 16), vn)
        assert due_at(deemed, 1, TimeLimitUnit.WORKING_DAYS, vn) == hanoi(2026, 2, 23, 17)

    def test_working_saturday_counts_as_a_working_day(self, vn):
        deemed = deemed_receipt(hanoi(2025, 4, 25, 16), vn)
        # Sat 26/04, Mon 28/04, Tue 29/04.
        assert due_at(deemed, 3, TimeLimitUnit.WORKING_DAYS, vn) == hanoi(2025, 4, 29, 17)

    def test_august_2026_swap_counts_saturday_and_skips_monday(self, vn):
        deemed = hanoi(2026, 8, 21, 8)
        # Fri 21, Sat 22, Mon 24, Tue 25, Wed 26, Thu 27, Fri 28, then Thu 3 September.
        assert due_at(deemed, 8, TimeLimitUnit.WORKING_DAYS, vn) == hanoi(2026, 9, 3, 17)

    def test_same_day_limit_is_due_at_closing_of_the_deemed_day(self, plain):
        assert due_at(hanoi(2026, 3, 2, 14), 0, TimeLimitUnit.WORKING_DAYS, plain) == hanoi(
            2026, 3, 2, 17
        )

    def test_same_day_limit_after_cutoff_is_due_the_next_working_day(self, vn):
        deemed = deemed_receipt(hanoi(2026, 2, 13, 15, 30), vn)
        assert due_at(deemed, 0, TimeLimitUnit.WORKING_DAYS, vn) == hanoi(2026, 2, 23, 17)

    def test_working_hours_limit_carries_over_to_the_next_day(self, plain):
        assert due_at(hanoi(2026, 3, 2, 16), 4, TimeLimitUnit.WORKING_HOURS, plain) == hanoi(
            2026, 3, 3, 11
        )

    def test_calendar_days_limit_landing_on_tet_moves_to_the_next_working_day(self, vn):
        # 06/02/2026 + 10 days = Mon 16/02, a Tết day: due at the close of Mon 23/02.
        assert due_at(hanoi(2026, 2, 6, 9), 10, TimeLimitUnit.CALENDAR_DAYS, vn) == hanoi(
            2026, 2, 23, 17
        )

    def test_calendar_days_limit_on_a_working_day_is_due_at_its_closing(self, vn):
        assert due_at(hanoi(2026, 3, 2, 9), 15, TimeLimitUnit.CALENDAR_DAYS, vn) == hanoi(
            2026, 3, 17, 17
        )

    def test_month_limit_from_31_january_ends_on_the_last_day_of_february(self, vn):
        assert due_at(hanoi(2023, 1, 31, 9), 1, TimeLimitUnit.MONTHS, vn) == hanoi(2023, 2, 28, 17)

    def test_month_limit_in_a_leap_year_ends_on_29_february(self, vn):
        assert due_at(hanoi(2024, 1, 31, 9), 1, TimeLimitUnit.MONTHS, vn) == hanoi(2024, 2, 29, 17)

    def test_month_limit_landing_on_a_sunday_moves_to_monday(self, vn):
        # 29/03/2026 is a Sunday.
        assert due_at(hanoi(2026, 1, 29, 9), 2, TimeLimitUnit.MONTHS, vn) == hanoi(2026, 3, 30, 17)

    def test_unit_may_be_given_as_its_string_value(self, plain):
        assert due_at(hanoi(2026, 3, 2, 8), 1, "working_days", plain) == hanoi(2026, 3, 2, 17)

    @pytest.mark.parametrize("amount", [-1, 1.5, True])
    def test_amount_must_be_a_whole_number_not_below_zero(self, plain, amount):
        with pytest.raises(WorktimeError):
            due_at(hanoi(2026, 3, 2, 8), amount, TimeLimitUnit.WORKING_DAYS, plain)

    def test_unknown_unit_is_refused(self, plain):
        with pytest.raises(WorktimeError):
            due_at(hanoi(2026, 3, 2, 8), 1, "fortnights", plain)

    def test_result_is_in_hanoi_time(self, vn):
        due = due_at(hanoi(2026, 3, 2, 8).astimezone(UTC), 1, "working_days", vn)
        assert due.tzinfo == HANOI
        assert due.isoformat() == "2026-03-02T17:00:00+07:00"

    def test_a_site_with_shorter_days_counts_its_own_day_length(self):
        morning_only = WorkCalendar(office_hours=[["07:30", "11:30"]])
        assert due_at(hanoi(2026, 3, 2, 7, 30), 2, "working_days", morning_only) == hanoi(
            2026, 3, 3, 11, 30
        )


class TestWorkingTimeBetween:
    def test_lunch_break_does_not_count(self, plain):
        assert working_time_between(hanoi(2026, 3, 2, 11), hanoi(2026, 3, 2, 14), plain) == 2 * HOUR

    def test_weekend_does_not_count(self, plain):
        assert working_time_between(hanoi(2026, 3, 6, 16), hanoi(2026, 3, 9, 9), plain) == 2 * HOUR

    def test_end_before_start_is_refused(self, plain):
        with pytest.raises(WorktimeError):
            working_time_between(hanoi(2026, 3, 3), hanoi(2026, 3, 2), plain)


class TestSupplementPause:
    def test_pause_adds_its_working_time_to_the_due_time(self, plain):
        due = hanoi(2026, 3, 5, 17)
        extended = extend_for_pause(due, hanoi(2026, 3, 2, 10), hanoi(2026, 3, 3, 10), plain)
        assert extended == hanoi(2026, 3, 6, 17)

    def test_pause_over_tet_adds_only_working_time(self, vn):
        due = hanoi(2026, 2, 25, 17)
        # Fri 13/02 16:00–17:00 and Mon 23/02 08:00–09:00: two working hours.
        extended = extend_for_pause(due, hanoi(2026, 2, 13, 16), hanoi(2026, 2, 23, 9), vn)
        assert extended == hanoi(2026, 2, 26, 10)

    def test_pause_outside_office_hours_changes_nothing(self, plain):
        due = hanoi(2026, 3, 5, 17)
        assert extend_for_pause(due, hanoi(2026, 3, 7, 9), hanoi(2026, 3, 8, 9), plain) == due


class TestHelpers:
    @pytest.mark.parametrize(
        ("day", "months", "expected"),
        [
            (date(2025, 1, 31), 1, date(2025, 2, 28)),
            (date(2026, 3, 31), 1, date(2026, 4, 30)),
            (date(2025, 12, 15), 1, date(2026, 1, 15)),
            (date(2026, 1, 15), 24, date(2028, 1, 15)),
        ],
    )
    def test_add_months_keeps_the_day_or_clamps_to_month_end(self, day, months, expected):
        assert add_months(day, months) == expected

    def test_years_needed_cover_next_years_tet(self):
        assert years_needed(date(2026, 12, 31), 0, "working_days") == (2026, 2027)
        assert years_needed(date(2026, 3, 1), 120, "months")[1] >= 2036


def test_zero_working_hours_is_the_same_day_rule_too(plain):
    # §5 gives "limit 0" the same-day rule whatever the unit: closing time, not the deemed time.
    assert due_at(hanoi(2026, 3, 2, 9), 0, "working_hours", plain) == hanoi(2026, 3, 2, 17)
