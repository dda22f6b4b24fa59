from datetime import UTC, date, datetime

from motcua.reports.periods import day_start, days_between, hanoi_day, period_for
from motcua.worktime.rules import HANOI


def test_a_period_runs_from_hanoi_midnight_of_its_first_day_to_now():
    now = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)  # 09:00 in Hanoi
    period = period_for("7d", now=now)
    assert (period.first_day, period.last_day) == (date(2026, 3, 4), date(2026, 3, 10))
    assert period.start == datetime(2026, 3, 4, 0, 0, tzinfo=HANOI)
    assert period.end == now
    assert len(period.days) == 7


def test_today_is_the_hanoi_date_even_when_utc_is_still_yesterday():
    now = datetime(2026, 3, 9, 18, 30, tzinfo=UTC)  # 01:30 on 10 March in Hanoi
    period = period_for("today", now=now)
    assert period.first_day == period.last_day == date(2026, 3, 10)
    assert period.start == datetime(2026, 3, 9, 17, 0, tzinfo=UTC)
    assert hanoi_day(now) == date(2026, 3, 10)


def test_an_unknown_period_falls_back_to_the_default():
    now = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
    assert period_for("1y", now=now).key == "today"
    assert period_for(None, now=now, default="30d").first_day == date(2026, 2, 9)


def test_days_between_includes_both_ends():
    assert days_between(date(2026, 2, 27), date(2026, 3, 2)) == [
        date(2026, 2, 27), date(2026, 2, 28), date(2026, 3, 1), date(2026, 3, 2)
    ]  # fmt: skip
    assert day_start(date(2026, 3, 1)).utcoffset().total_seconds() == 7 * 3600
