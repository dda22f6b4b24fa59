"""Dates as Vietnamese readers expect them in messages (dd/mm/yyyy), whatever the language."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _


def format_day(day: date) -> str:
    """Write a date the Vietnamese way (dd/mm/yyyy), whatever the active language."""
    return day.strftime("%d/%m/%Y")


def period_text(start: date | None, end: date | None) -> str:
    """'from 01/07/2025 to 30/06/2026', 'from 01/07/2026, with no end date'…"""
    if start is None and end is None:
        return _("with no start or end date")
    if end is None:
        return _("from %(start)s, with no end date") % {"start": format_day(start)}
    if start is None:
        return _("until %(end)s") % {"end": format_day(end)}
    return _("from %(start)s to %(end)s") % {"start": format_day(start), "end": format_day(end)}
