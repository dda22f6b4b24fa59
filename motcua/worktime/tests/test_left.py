from datetime import datetime

from django.utils import translation

from motcua.worktime.left import duration_text, time_left
from motcua.worktime.rules import HANOI, WorkCalendar

CALENDAR = WorkCalendar()


def hanoi(*args) -> datetime:
    return datetime(*args, tzinfo=HANOI)


def test_durations_are_told_in_working_days_hours_and_minutes():
    with translation.override("en"):
        assert duration_text(0) == "less than a minute"
        assert duration_text(45) == "45 minutes"
        assert duration_text(8 * 60 * 2 + 3 * 60 + 5) == "2 working days 3 hours"


def test_time_left_states():
    due = hanoi(2026, 3, 12, 9, 30)  # a Thursday
    with translation.override("en"):
        assert time_left(now=hanoi(2026, 3, 10, 9, 0), due=due, calendar=CALENDAR).state == "ok"
        soon = time_left(now=hanoi(2026, 3, 11, 10, 0), due=due, calendar=CALENDAR)
        assert (soon.state, soon.text) == ("soon", "7 hours 30 minutes left")
        assert time_left(now=hanoi(2026, 3, 12, 8, 0), due=due, calendar=CALENDAR).state == "today"
        late = time_left(now=hanoi(2026, 3, 12, 10, 30), due=due, calendar=CALENDAR)
        assert (late.state, late.text) == ("late", "late by 1 hour")
        night = time_left(now=hanoi(2026, 3, 12, 22, 0), due=hanoi(2026, 3, 12, 21, 0),
                          calendar=CALENDAR)  # fmt: skip
        assert (night.state, night.text) == ("late", "late by less than a minute")
        assert time_left(now=due, due=None, calendar=CALENDAR).state == "done"
        assert time_left(now=due, due=due, calendar=CALENDAR, paused=True).state == "paused"
