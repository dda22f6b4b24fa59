"""The territory and the Center's network, as effective-dated rows (plan 29/KH-UBND)."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.core.models import EffectiveDated
from motcua.core.text import fold, normalize
from motcua.organization.choices import AgencyKind, CoverageRule, SiteKind, UnitLevel

# QCVN 102:2016/BTTTT electronic unit identifier V1V2V3.Z1Z2.Y1Y2.MX1X2. The last group names
# the province; every site of Hanoi's Center is a Hanoi unit, hence H26. How we fill the other
# groups is documented in data/hanoi_network.toml.
UNIT_ID_PROVINCE_PART = "H26"
unit_id_validator = RegexValidator(
    r"^[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.H26$",
    _("Enter an electronic unit identifier like 000.02.HC.H26 (QCVN 102:2016, ending in H26)."),
)


def default_office_hours() -> list[list[str]]:
    # [ours] one-stop-rules.md §5: 08:00–12:00 and 13:00–17:00 unless the site says otherwise.
    return [["08:00", "12:00"], ["13:00", "17:00"]]


class FoldedName(models.Model):
    """Keeps ``name`` in NFC and a diacritic-free copy for search (derived data only)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.name = normalize(self.name)
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)


class AdministrativeUnit(FoldedName, EffectiveDated):
    """A province, district or commune/ward, with its national (GSO) code.

    GSO reused pre-2025 ward codes for the wards created on 2025-07-01, so a code is unique only
    together with its level and start date.
    """

    code = models.CharField(_("GSO code"), max_length=10)
    name = models.CharField(_("name"), max_length=200)
    name_folded = models.CharField(max_length=200, editable=False, db_index=True)
    level = models.CharField(_("level"), max_length=10, choices=UnitLevel.choices)
    division_type = models.CharField(_("division type"), max_length=40, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["level", "code"]
        constraints = [
            *EffectiveDated.Meta.constraints,
            models.UniqueConstraint(
                fields=["level", "code", "valid_from"],
                name="organization_unit_unique_code_per_period",
            ),
            models.UniqueConstraint(
                fields=["level", "code"],
                condition=models.Q(valid_from__isnull=True),
                name="organization_unit_unique_code_open_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class UnitSuccession(models.Model):
    """One edge of a reorganization: ``predecessor`` became (part of) ``successor`` on a date."""

    predecessor = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, related_name="successions"
    )
    successor = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, related_name="predecessions"
    )
    effective_on = models.DateField(_("effective on"))
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("unit succession")
        verbose_name_plural = _("unit successions")
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="organization_succession_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"


class Agency(FoldedName, EffectiveDated):
    """A competent authority: a city department, a People's Committee, a land office…"""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=300)
    name_folded = models.CharField(max_length=300, editable=False, db_index=True)
    kind = models.CharField(_("kind"), max_length=40, choices=AgencyKind.choices)
    territory = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("territory"),
        on_delete=models.PROTECT,
        related_name="agencies",
        help_text=_("The administrative unit over which the agency is competent."),
    )
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["code"]
        constraints = list(EffectiveDated.Meta.constraints)

    def __str__(self) -> str:
        return self.name


class NetworkPhase(EffectiveDated):
    """A phase of plan 29/KH-UBND and the coverage rule that holds during it."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    coverage_rule = models.CharField(
        _("coverage rule"), max_length=30, choices=CoverageRule.choices
    )
    province = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, related_name="network_phases"
    )
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("network phase")
        verbose_name_plural = _("network phases")
        ordering = ["number"]
        constraints = list(EffectiveDated.Meta.constraints)

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class Site(FoldedName):
    """The Center, a branch, a reception point or a commune service point.

    When it operates is in :class:`SiteOperatingPeriod`; what it serves, in :class:`SiteCoverage`.
    """

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=300)
    name_folded = models.CharField(max_length=300, editable=False, db_index=True)
    kind = models.CharField(_("kind"), max_length=20, choices=SiteKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent site"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    unit_id = models.CharField(
        _("electronic unit identifier"),
        max_length=13,
        unique=True,
        validators=[unit_id_validator],
        help_text=_("QCVN 102:2016 identifier; it opens every dossier code received here."),
    )
    address = models.CharField(_("address"), max_length=400, blank=True)
    located_in = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("located in"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sites",
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    office_hours = models.JSONField(
        _("office hours"),
        default=default_office_hours,
        help_text=_(
            'Working periods of a working day, e.g. [["08:00", "12:00"], ["13:00", "17:00"]].'
        ),
    )
    number = models.PositiveSmallIntegerField(_("branch number"), null=True, blank=True)

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["kind", "number", "code"]

    def __str__(self) -> str:
        return self.name


class SiteOperatingPeriod(EffectiveDated):
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="operating_periods")
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("operating period")
        verbose_name_plural = _("operating periods")
        ordering = ["site", "valid_from"]
        constraints = list(EffectiveDated.Meta.constraints)

    def __str__(self) -> str:
        return f"{self.site}: {self.valid_from or '…'} – {self.valid_to or '…'}"


class SiteCoverage(EffectiveDated):
    """The administrative unit a site receives for during a period."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="coverages")
    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="coverages")

    class Meta:
        verbose_name = _("coverage")
        verbose_name_plural = _("coverages")
        ordering = ["site", "valid_from", "unit__code"]
        constraints = list(EffectiveDated.Meta.constraints)

    def __str__(self) -> str:
        return f"{self.site} → {self.unit}"


class Counter(EffectiveDated):
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="counters")
    number = models.PositiveSmallIntegerField(_("number"))
    label = models.CharField(_("label"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("counter")
        verbose_name_plural = _("counters")
        ordering = ["site", "number"]
        constraints = [
            *EffectiveDated.Meta.constraints,
            models.UniqueConstraint(
                fields=["site", "number"],
                condition=models.Q(valid_to__isnull=True),
                name="organization_counter_unique_open_number",
                violation_error_message=_(
                    "This site already has an open counter with that number."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.site} – {self.number}"
