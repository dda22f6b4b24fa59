"""Template helpers of the staff workspace: Hanoi times, working time left, status badges."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone

from motcua.core import clock
from motcua.dossiers.choices import NATIONAL_STATUS, NationalStatus, Status, Timeliness
from motcua.worktime.left import TimeLeft
from motcua.worktime.left import time_left as working_time_left
from motcua.worktime.rules import HANOI

register = template.Library()


@register.filter
def hanoi(value: datetime | None, fmt: str = "%H:%M %d/%m/%Y") -> str:
    """An instant as Hanoi wall-clock text (24-hour, day first)."""
    if value is None:
        return ""
    return timezone.localtime(value, HANOI).strftime(fmt)


@register.filter
def status_label(status: str) -> str:
    return str(Status(status).label) if status in Status.values else status


@register.filter
def national_label(status: str) -> str:
    code = NATIONAL_STATUS.get(status)
    return f"{int(code)}. {NationalStatus(code).label}" if code else ""


@register.filter
def timeliness_label(value: str) -> str:
    return str(Timeliness(value).label) if value in Timeliness.values else ""


@register.simple_tag
def time_left(dossier, now: datetime | None = None) -> TimeLeft:
    """Working time between now and the dossier's due time (see :func:`worktime.left.time_left`);
    ``done`` once it has finished, ``paused`` while awaiting a supplement or an obligation."""
    from motcua.worktime.selectors import calendar_for

    now = now or clock.now()
    if dossier.finished_at:
        return TimeLeft("", "done")
    return working_time_left(
        now=now,
        due=dossier.due_at,
        calendar=calendar_for(dossier.receiving_site, now),
        paused=dossier.paused_at is not None,
    )
