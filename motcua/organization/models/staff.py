"""The people of the Center: profiles, dated role assignments, secondments, yearly staffing."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.core.models import EffectiveDated
from motcua.organization.choices import Role


class StaffProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile"
    )
    full_name = models.CharField(_("full name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    home_agency = models.ForeignKey(
        "organization.Agency",
        verbose_name=_("home agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        help_text=_("The agency that employs the person, for agency staff and secondees."),
    )

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self) -> str:
        return self.full_name or self.user.get_username()


class Assignment(EffectiveDated):
    """A person holds ``role`` at a site or in an agency for a period, by a decision."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    site = models.ForeignKey(
        "organization.Site",
        verbose_name=_("site"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
    )
    agency = models.ForeignKey(
        "organization.Agency",
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
    )
    decision_number = models.CharField(_("decision number"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["user", "valid_from"]
        constraints = list(EffectiveDated.Meta.constraints)

    def __str__(self) -> str:
        where = self.site or self.agency or ""
        return f"{self.user} – {self.get_role_display()} {where}".strip()


class Delegation(EffectiveDated):
    """A leader of an agency lets another person of the agency sign results in their stead
    (§2.4 "a leader signs"; docs/decisions/0009). Recorded by the leader or an administrator;
    never rewritten: ending it sets ``valid_to``."""

    agency = models.ForeignKey(
        "organization.Agency",
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        related_name="delegations",
    )
    delegator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("leader who delegates"),
        on_delete=models.PROTECT,
        related_name="delegations_given",
    )
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person who signs in the leader's stead"),
        on_delete=models.PROTECT,
        related_name="delegations_received",
    )
    decision_number = models.CharField(_("decision number"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("delegation to sign")
        verbose_name_plural = _("delegations to sign")
        ordering = ["agency", "valid_from", "pk"]
        constraints = list(EffectiveDated.Meta.constraints)

    def __str__(self) -> str:
        return f"{self.delegator} → {self.delegate} ({self.agency})"


class Secondment(EffectiveDated):
    """A city department lends a person to a site to receive and return dossiers."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.CASCADE,
        related_name="secondments",
    )
    from_agency = models.ForeignKey(
        "organization.Agency",
        verbose_name=_("from agency"),
        on_delete=models.PROTECT,
        related_name="secondments",
    )
    to_site = models.ForeignKey(
        "organization.Site",
        verbose_name=_("to site"),
        on_delete=models.PROTECT,
        related_name="secondments",
    )
    decision_number = models.CharField(_("decision number"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("secondment")
        verbose_name_plural = _("secondments")
        ordering = ["user", "valid_from"]
        constraints = list(EffectiveDated.Meta.constraints)

    def __str__(self) -> str:
        return f"{self.user}: {self.from_agency} → {self.to_site}"


class StaffingPlan(models.Model):
    """The Center director's yearly decision: approved headcount and each branch's share."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    approved_headcount = models.PositiveIntegerField(_("approved headcount of the Center"))
    decision_number = models.CharField(_("decision number"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("staffing plan")
        verbose_name_plural = _("staffing plans")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


class BranchQuota(models.Model):
    plan = models.ForeignKey(StaffingPlan, on_delete=models.CASCADE, related_name="quotas")
    branch = models.ForeignKey(
        "organization.Site", on_delete=models.PROTECT, related_name="staffing_quotas"
    )
    headcount = models.PositiveIntegerField(_("headcount"))

    class Meta:
        verbose_name = _("branch headcount")
        verbose_name_plural = _("branch headcounts")
        constraints = [
            models.UniqueConstraint(fields=["plan", "branch"], name="organization_quota_unique")
        ]

    def __str__(self) -> str:
        return f"{self.plan.year} {self.branch}: {self.headcount}"
