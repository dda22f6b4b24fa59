"""Working time left before a due time, told the way every desk shows it.

One presenter for the dossier badges of the workspace and the deadlines of the complaints desk:
"2 working days 3 hours left", "late by 45 minutes", with a state that pages colour.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from motcua.worktime.rules import WorkCalendar, working_time_between

#: Minutes in a working day, for telling a duration in working days.
WORKING_DAY_MINUTES = 8 * 60


def duration_text(minutes: int) -> str:
    """Working time as words: "2 working days 3 hours", "45 minutes" (8 hours a day)."""
    days, rest = divmod(minutes, WORKING_DAY_MINUTES)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(ngettext("%(n)d working day", "%(n)d working days", days) % {"n": days})
    if hours:
        parts.append(ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours})
    if mins and not days:
        parts.append(ngettext("%(n)d minute", "%(n)d minutes", mins) % {"n": mins})
    return " ".join(parts) or _("less than a minute")


@dataclass(frozen=True)
class TimeLeft:
    text: str
    #: late, today (due before today's closing), soon (within one working day), ok, paused, done
    state: str


def time_left(
    *, now: datetime, due: datetime | None, calendar: WorkCalendar, paused: bool = False
) -> TimeLeft:
    """The working time from ``now`` to ``due``; late from the due instant on, even while the
    office is closed ("late by less than a minute")."""
    if due is None:
        return TimeLeft("", "done")
    if paused:
        return TimeLeft(_("clock paused"), "paused")
    if now > due:
        late = int(working_time_between(due, now, calendar).total_seconds() // 60)
        return TimeLeft(_("late by %(time)s") % {"time": duration_text(late)}, "late")
    left = int(working_time_between(now, due, calendar).total_seconds() // 60)
    today = calendar.local(now).date() == calendar.local(due).date()
    state = "today" if today else "soon" if left <= WORKING_DAY_MINUTES else "ok"
    return TimeLeft(_("%(time)s left") % {"time": duration_text(left)}, state)
