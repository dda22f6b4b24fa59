"""Pre-aggregated figures of the transparency portal, and the state of the fold that keeps
them current.

A :class:`Figure` row holds integer counters for one Hanoi calendar day and one unit (the
city, a branch, a site, an agency or a procedure). The portal's pages and open data add rows
up over a period and never read a dossier. :func:`motcua.transparency.services.figures_fold`
adds the counter deltas of new dossier events, ratings and complaints;
:func:`~motcua.transparency.services.figures_rebuild` recomputes days from the dossier tables.
The counters are named in :data:`motcua.transparency.measures.COUNTERS`, and defined there.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.transparency.choices import Dimension, FoldSource, MarkKind


def _counter(label: str) -> models.BigIntegerField:
    return models.BigIntegerField(label, default=0)


class Figure(models.Model):
    """The counters of one unit on one Hanoi day. Sums over days give a period's figures."""

    day = models.DateField(_("day"))
    kind = models.CharField(_("dimension"), max_length=10, choices=Dimension.choices)
    key = models.CharField(
        _("unit"), max_length=40, help_text=_("Site, agency or procedure code; 'all' for the city.")
    )
    # Counted on the day a dossier is deemed received.
    received = _counter(_("received"))
    received_online = _counter(_("received online"))
    received_post = _counter(_("received by post"))
    outside_territory = _counter(_("received outside the competent agency's territory"))
    lookup_ready = _counter(_("received with a verifier for the public lookup"))
    fee_bearing = _counter(_("received with fees due"))
    paid_online = _counter(_("fees paid online"))
    # Counted on the day of the event.
    opened = _counter(_("entered processing"))
    closed = _counter(_("left processing"))
    # Counted on the day the result was completed.
    finished = _counter(_("finished"))
    early = _counter(_("early"))
    on_time = _counter(_("on time"))
    late = _counter(_("late"))
    processing_minutes = _counter(_("working minutes of processing, pauses excluded"))
    digitised = _counter(_("finished fully digitised with an electronic result"))
    flagged = _counter(_("finished and flagged by a complaint or a not-satisfied rating"))
    # Counted on the day of the rating or the complaint.
    rated_very_satisfied = _counter(_("rated very satisfied"))
    rated_satisfied = _counter(_("rated satisfied"))
    rated_not_satisfied = _counter(_("rated not satisfied"))
    surveys = _counter(_("surveys answered"))
    survey_points = _counter(_("survey points"))
    complaints = _counter(_("complaints"))
    suggestions = _counter(_("suggestions"))

    class Meta:
        verbose_name = _("figure")
        verbose_name_plural = _("figures")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "key", "day"], name="transparency_figure_unique"
            )
        ]
        # The unique constraint's index serves one unit over a period; this one, every unit
        # of a kind over a period.
        indexes = [models.Index(fields=["kind", "day"], name="transparency_figure_kind_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.kind} {self.key}"


class FoldState(models.Model):
    """How far the fold has read one append-only table.

    Every id up to ``watermark`` has been folded except those in ``gaps``: ranges of ids the
    fold did not see when it passed them. On PostgreSQL an id is allocated when a row is
    inserted, not when its transaction commits, so a slow transaction can commit an id below
    the watermark; the fold looks for the ids of each gap again until it is ``GAP_SECONDS``
    old, then forgets it (the transaction rolled back).
    """

    source = models.CharField(
        _("source"), max_length=20, choices=FoldSource.choices, primary_key=True
    )
    watermark = models.BigIntegerField(_("watermark"), default=0)
    gaps = models.JSONField(
        _("gaps"), default=list, help_text=_("[first id, last id, first seen (Unix seconds)]")
    )
    folded_at = models.DateTimeField(_("folded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("fold state")
        verbose_name_plural = _("fold states")

    def __str__(self) -> str:
        return f"{self.source} ≤ {self.watermark}"


class DossierMark(models.Model):
    """What the figures currently count for a dossier where that can change later.

    A payment recorded after receipt can change whether a dossier counts as paid online, and
    a rating or complaint can arrive before or after the dossier's result: the fold compares
    the dossier's state with its mark and adds the difference, so each dossier counts once.
    """

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=MarkKind.choices)

    class Meta:
        verbose_name = _("dossier mark")
        verbose_name_plural = _("dossier marks")
        constraints = [
            models.UniqueConstraint(fields=["dossier", "kind"], name="transparency_mark_unique")
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.kind}"
