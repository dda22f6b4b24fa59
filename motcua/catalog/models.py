"""The procedure catalogue: procedures, their effective-dated versions and internal processes.

A dossier freezes the :class:`ProcedureVersion` in force on the day it is received, so a later
change of limit, fee or components never moves an old dossier's deadline (one-stop-rules §1).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.catalog.choices import (
    CompetenceRule,
    CopyKind,
    OnlineLevel,
    ProcedureLevel,
    StepActor,
)
from motcua.core.models import EffectiveDated
from motcua.core.text import fold, normalize
from motcua.organization.choices import Role
from motcua.worktime.choices import TimeLimitUnit


class Sector(models.Model):
    """A field of administration (lĩnh vực): civil status, land, construction…"""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")

    def __str__(self) -> str:
        return self.name


class Procedure(models.Model):
    """An administrative procedure (TTHC) by its national code, e.g. ``2.000908``."""

    code = models.CharField(_("national code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=500)
    name_folded = models.CharField(max_length=500, editable=False, db_index=True)
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, related_name="procedures", verbose_name=_("sector")
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def save(self, *args, **kwargs):
        self.name = normalize(self.name)
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)


class ProcedureVersion(EffectiveDated):
    """What a procedure requires during a period: limit, fees, agency, components, process."""

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="versions", verbose_name=_("procedure")
    )
    number = models.PositiveSmallIntegerField(_("version"), default=1)
    level = models.CharField(_("level"), max_length=20, choices=ProcedureLevel.choices)
    competence_rule = models.CharField(
        _("competent agency rule"),
        max_length=30,
        choices=CompetenceRule.choices,
        default=CompetenceRule.FIXED,
    )
    competent_agency = models.ForeignKey(
        "organization.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="procedure_versions",
        verbose_name=_("competent agency"),
        help_text=_("Required when the rule is a fixed agency."),
    )
    competent_title = models.CharField(
        _("competent authority (as published)"), max_length=300, blank=True
    )
    time_limit = models.PositiveIntegerField(
        _("statutory time limit"), help_text=_("0 means the same working day.")
    )
    time_limit_unit = models.CharField(
        _("unit of the time limit"), max_length=20, choices=TimeLimitUnit.choices
    )
    time_limit_note = models.CharField(_("note on the time limit"), max_length=400, blank=True)
    cutoff = models.TimeField(
        _("cut-off time"),
        null=True,
        blank=True,
        help_text=_(
            "Dossiers submitted at or after it count from the next working day; "
            "empty means the regime's default (15:00)."
        ),
    )
    fee = models.PositiveIntegerField(_("fees (VND)"), default=0)
    fee_note = models.CharField(_("note on fees"), max_length=400, blank=True)
    fee_known = models.BooleanField(
        _("fee amount known"),
        default=True,
        help_text=_(
            "Untick when a fee is charged but its amount is not known here (set by the City "
            "People's Council, not yet entered): citizens then read that the amount is to be "
            "confirmed, never that the procedure is free."
        ),
    )
    result_kind = models.CharField(_("result"), max_length=300)
    online_level = models.CharField(
        _("online level"), max_length=10, choices=OnlineLevel.choices, default=OnlineLevel.NONE
    )
    boundary_free = models.BooleanField(
        _("received regardless of administrative boundaries"), default=True
    )
    legal_basis = models.TextField(_("legal basis"))
    source = models.CharField(
        _("source of the data"),
        max_length=200,
        blank=True,
        help_text=_("Where the values were read, and how sure they are."),
    )
    verified = models.BooleanField(
        _("checked against the official announcement"),
        default=False,
        help_text=_(
            "Tick once the time limit, fees, components and legal basis were read in the "
            "City's announcement decision: only then does the procedure count as fully "
            "published (transparency indicator 1.1)."
        ),
    )
    maintainer_note = models.TextField(
        _("note for the catalogue's maintainers"),
        blank=True,
        help_text=_("Doubts, sources to compare, what is still to check. Never shown to citizens."),
    )
    object_label = models.CharField(
        _("object whose commune or ward decides"),
        max_length=100,
        blank=True,
        help_text=_(
            "E.g. “thửa đất, nhà ở”: the counter then asks for the commune or ward where it "
            "is. Empty: the applicant's commune or ward decides."
        ),
    )

    class Meta:
        ordering = ["procedure__code", "number"]
        verbose_name = _("procedure version")
        verbose_name_plural = _("procedure versions")
        constraints = [
            *EffectiveDated.Meta.constraints,
            models.UniqueConstraint(
                fields=["procedure", "number"], name="catalog_version_number_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(competence_rule=CompetenceRule.FIXED)
                | models.Q(competent_agency__isnull=False),
                name="catalog_version_fixed_has_agency",
                violation_error_message=_("A fixed competent agency must be chosen."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.number}"

    @property
    def fee_text(self) -> str:
        """The fee as citizens and the counter read it: an amount, free, or an amount not yet
        known here (never "free" for a fee whose amount the catalogue lacks)."""
        if not self.fee_known:
            return str(_("Fee charged; amount to be confirmed"))
        if not self.fee:
            return str(_("Free of charge"))
        return f"{self.fee:,}".replace(",", ".") + " đ"


class ProcedureComponent(models.Model):
    """A document the applicant submits (thành phần hồ sơ)."""

    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.CASCADE, related_name="components"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=500)
    copy_kind = models.CharField(
        _("original or copy"), max_length=20, choices=CopyKind.choices, default=CopyKind.ORIGINAL
    )
    quantity = models.PositiveSmallIntegerField(
        _("number of sets"), default=1, validators=[MinValueValidator(1)]
    )
    required = models.BooleanField(_("required"), default=True)
    note = models.CharField(_("note"), max_length=400, blank=True)

    class Meta:
        ordering = ["version", "order"]
        verbose_name = _("dossier component")
        verbose_name_plural = _("dossier components")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "order"], name="catalog_component_order_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class ProcessStep(models.Model):
    """A step of the internal process (quy trình nội bộ) with its time allowance."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=300)
    actor = models.CharField(_("unit"), max_length=20, choices=StepActor.choices)
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    allowance_hours = models.DecimalField(
        _("time allowance (working hours)"),
        max_digits=7,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )

    class Meta:
        ordering = ["version", "order"]
        verbose_name = _("process step")
        verbose_name_plural = _("process steps")
        constraints = [
            models.UniqueConstraint(fields=["version", "order"], name="catalog_step_order_unique")
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"
