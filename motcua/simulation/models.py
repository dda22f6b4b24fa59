"""What the workload generator has written: one row per simulated day (a committed chunk)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SimulatedDay(models.Model):
    """A day whose dossiers the generator wrote, in the same transaction as this row.

    A run skips the days it finds here, so an interrupted run continues where it stopped.
    ``until`` is the instant the day's plans were cut at: later actions were not written.
    """

    seed = models.BigIntegerField(_("seed"))
    scale = models.DecimalField(_("scale"), max_digits=9, decimal_places=6)
    day = models.DateField(_("day"))
    dossiers = models.PositiveIntegerField(_("dossiers"))
    until = models.DateTimeField(_("simulated until"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("simulated day")
        verbose_name_plural = _("simulated days")
        ordering = ["seed", "scale", "day"]
        constraints = [
            models.UniqueConstraint(
                fields=["seed", "scale", "day"],
                name="simulation_day_unique",
                violation_error_message=_(
                    "This day was already simulated with this seed and scale."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.day.isoformat()} seed {self.seed} × {self.scale}: {self.dossiers}"
