from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeLimitUnit(models.TextChoices):
    """How a procedure states its time limit (one-stop-rules.md §5, "Due time")."""

    WORKING_DAYS = "working_days", _("working days")
    WORKING_HOURS = "working_hours", _("working hours")
    CALENDAR_DAYS = "calendar_days", _("calendar days")
    MONTHS = "months", _("months")


class OverrideKind(models.TextChoices):
    """What an administrator's calendar decision makes of a date."""

    DAY_OFF = "day_off", _("Day off")
    WORKING_DAY = "working_day", _("Working day")
