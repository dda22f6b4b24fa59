"""Template helpers of the staff workspace: Hanoi times, working time left, status badges."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from motcua.core import clock
from motcua.dossiers.choices import NATIONAL_STATUS, NationalStatus, Status, Timeliness
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


def _duration_text(minutes: int) -> str:
    days, rest = divmod(minutes, 8 * 60)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(ngettext("%(n)d working day", "%(n)d working days", days) % {"n": days})
    if hours:
        parts.append(ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours})
    if mins and not days:
        parts.append(ngettext("%(n)d minute", "%(n)d minutes", mins) % {"n": mins})
    return " ".join(parts) or _("less than a minute")


@register.simple_tag
def time_left(dossier, now: datetime | None = None) -> dict:
    """Working time between now and the due time: ``{"text", "state"}``.

    ``state`` is ``late``, ``today`` (due before today's closing), ``soon`` (within one working
    day), ``ok``, ``paused`` (awaiting a supplement or an obligation) or ``done``.
    """
    from motcua.dossiers.services.lifecycle import calendar_for
    from motcua.worktime.rules import working_time_between

    now = now or clock.now()
    if dossier.finished_at or dossier.due_at is None:
        return {"text": "", "state": "done"}
    if dossier.paused_at is not None:
        return {"text": _("clock paused"), "state": "paused"}
    calendar = calendar_for(dossier.receiving_site, now)
    if now > dossier.due_at:
        late = int(working_time_between(dossier.due_at, now, calendar).total_seconds() // 60)
        return {"text": _("late by %(time)s") % {"time": _duration_text(late)}, "state": "late"}
    left = int(working_time_between(now, dossier.due_at, calendar).total_seconds() // 60)
    today = calendar.local(now).date() == calendar.local(dossier.due_at).date()
    state = "today" if today else "soon" if left <= 8 * 60 else "ok"
    return {"text": _("%(time)s left") % {"time": _duration_text(left)}, "state": state}
