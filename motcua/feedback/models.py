"""Ratings of a delivered dossier, and complaints and suggestions (PAKN) with their log.

State changes go through :mod:`motcua.feedback.services`; nothing here holds workflow.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from motcua.feedback.choices import (
    SURVEY_CRITERIA,
    ComplaintAction,
    ComplaintKind,
    ComplaintStatus,
    RatingLevel,
)
from motcua.feedback.rules import CRITERIA_COUNT, MAX_POINTS


def _criterion(number: int) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        format_lazy(_("criterion {number}"), number=number),
        null=True,
        blank=True,
        help_text=SURVEY_CRITERIA[number - 1],
    )


class Rating(models.Model):
    """The applicant's rating of a delivered dossier: one per dossier, never changed."""

    dossier = models.OneToOneField(
        "dossiers.Dossier",
        on_delete=models.PROTECT,
        related_name="rating",
        verbose_name=_("dossier"),
    )
    level = models.CharField(_("rating"), max_length=20, choices=RatingLevel.choices)
    criterion_1 = _criterion(1)
    criterion_2 = _criterion(2)
    criterion_3 = _criterion(3)
    criterion_4 = _criterion(4)
    criterion_5 = _criterion(5)
    criterion_6 = _criterion(6)
    criterion_7 = _criterion(7)
    criterion_8 = _criterion(8)
    criterion_9 = _criterion(9)
    survey_points = models.PositiveSmallIntegerField(
        _("survey points"),
        null=True,
        blank=True,
        help_text=_("Out of 18; only when all nine criteria are answered."),
    )
    comment = models.TextField(_("comment"), blank=True, help_text=_("Never published."))
    rated_at = models.DateTimeField(_("rated at"), db_index=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-rated_at", "-pk"]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.CheckConstraint(
                condition=Q(level__in=RatingLevel.values),
                name="feedback_rating_level_valid",
                violation_error_message=_("Choose one of the three rating levels."),
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"criterion_{n}__isnull": True})
                    | Q(**{f"criterion_{n}__lte": 2}),
                    name=f"feedback_rating_criterion_{n}_range",
                    violation_error_message=_("Each criterion scores 0, 1 or 2 points."),
                )
                for n in range(1, CRITERIA_COUNT + 1)
            ),
            models.CheckConstraint(
                condition=Q(survey_points__isnull=True) | Q(survey_points__lte=MAX_POINTS),
                name="feedback_rating_points_range",
                violation_error_message=_("The survey totals at most 18 points."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.level}"

    @property
    def criteria(self) -> list[int | None]:
        return [getattr(self, f"criterion_{n}") for n in range(1, CRITERIA_COUNT + 1)]


class ComplaintSequence(models.Model):
    """The last number given to a complaint on a day (the NNNN of PAKN-YYMMDD-NNNN)."""

    day = models.DateField(unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day}: {self.last}"


class Complaint(models.Model):
    """A complaint or suggestion (phản ánh, kiến nghị) and the office's handling of it.

    The sender's name, phone and e-mail are personal data: shown to the staff who handle the
    complaint, never in a public page or answer.
    """

    code = models.CharField(_("code"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=ComplaintKind.choices)
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("dossier"),
    )
    site = models.ForeignKey(
        "organization.Site",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("site"),
    )
    agency = models.ForeignKey(
        "organization.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("agency"),
    )
    subject = models.CharField(_("subject"), max_length=300)
    content = models.TextField(_("content"))
    sender_name = models.CharField(_("sender's name"), max_length=200)
    sender_phone = models.CharField(_("sender's phone"), max_length=20, blank=True)
    sender_email = models.EmailField(_("sender's e-mail"), blank=True)
    received_at = models.DateTimeField(_("received at"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ComplaintStatus.choices,
        default=ComplaintStatus.RECEIVED,
        db_index=True,
    )
    refuse_due_at = models.DateTimeField(_("refuse at the latest"))
    info_due_at = models.DateTimeField(_("ask for information at the latest"))
    answer_due_at = models.DateTimeField(_("answer at the latest"))
    publish_due_at = models.DateTimeField(_("publish at the latest"), null=True, blank=True)
    paused_at = models.DateTimeField(
        _("waiting for the sender since"),
        null=True,
        blank=True,
        help_text=_("The answer's clock is paused while the office waits for information."),
    )
    info_request = models.TextField(_("information asked for"), blank=True)
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    public_subject = models.CharField(
        _("subject as published"),
        max_length=300,
        blank=True,
        help_text=_("The subject without personal data, as the published answer shows it."),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("complaint or suggestion")
        verbose_name_plural = _("complaints and suggestions")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ComplaintKind.values),
                name="feedback_complaint_kind_valid",
                violation_error_message=_("A complaint or a suggestion."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=ComplaintStatus.values),
                name="feedback_complaint_status_valid",
                violation_error_message=_("Unknown complaint status."),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "answer_due_at"], name="complaint_status_due"),
            models.Index(fields=["agency", "status"], name="complaint_agency_status"),
            models.Index(fields=["site", "status"], name="complaint_site_status"),
            models.Index(fields=["status", "published_at"], name="complaint_published"),
        ]

    def __str__(self) -> str:
        return self.code


class ComplaintEvent(models.Model):
    """One step of a complaint's handling: who, when, from which status to which, and why."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=20, choices=ComplaintAction.choices)
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(_("by"), max_length=200, blank=True)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    note = models.TextField(_("note"), blank=True)
    on_time = models.BooleanField(
        _("within its deadline"),
        null=True,
        blank=True,
        help_text=_("For a refusal, request, answer or publication: whether it met its deadline."),
    )

    class Meta:
        ordering = ["complaint", "at", "pk"]
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.action}"
