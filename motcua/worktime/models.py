"""The administrator's calendar decisions, which win over the ``holidays`` package."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.worktime.choices import OverrideKind


class CalendarOverride(models.Model):
    """A date made a day off or a working day by a decision the package does not carry yet.

    One-stop-rules.md §5: the table is empty on a fresh install; each row names its legal
    basis (e.g. "Công văn 1234/TTg-KGVX"), because a changed working day moves deadlines.
    Change rows through :mod:`motcua.worktime.services`.
    """

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OverrideKind.choices)
    legal_basis = models.CharField(
        _("legal basis"),
        max_length=500,
        help_text=_("The decision that makes this date a day off or a working day."),
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=OverrideKind.values),
                name="worktime_calendaroverride_kind_valid",
                violation_error_message=_("Choose a day off or a working day."),
            ),
            models.CheckConstraint(
                condition=~Q(legal_basis=""),
                name="worktime_calendaroverride_legal_basis_required",
                violation_error_message=_("Give the legal basis of the decision."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.get_kind_display()}"
