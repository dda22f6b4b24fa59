"""Building blocks shared by every app: effective-dated rows and API tokens."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class EffectiveDatedQuerySet(models.QuerySet):
    def on(self, day: date) -> EffectiveDatedQuerySet:
        """Rows in force on ``day``. Both ends are inclusive; an empty end is open."""
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )

    def overlapping(self, start: date | None, end: date | None) -> EffectiveDatedQuerySet:
        """Rows whose period shares at least one day with ``[start, end]``."""
        qs = self
        if end is not None:
            qs = qs.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=end))
        if start is not None:
            qs = qs.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start))
        return qs


class EffectiveDated(models.Model):
    """A row that holds from ``valid_from`` to ``valid_to``, both inclusive, either open.

    History is never rewritten: a change is a new row, and the old one gets a ``valid_to``.
    """

    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    objects = EffectiveDatedQuerySet.as_manager()

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="%(app_label)s_%(class)s_period_ordered",
                violation_error_message=_("The end date cannot be before the start date."),
            )
        ]

    def in_force_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


class ApiToken(models.Model):
    """A bearer token for integrations. Only a SHA-256 digest of the secret is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(_("prefix"), max_length=12, db_index=True)
    digest = models.CharField(_("digest"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    #: Every token ends; tokens made before expiry existed were given one by the migration.
    expires_at = models.DateTimeField(_("expires at"), null=True)
    #: A read-only token is refused on POST, PUT, PATCH and DELETE (403).
    read_only = models.BooleanField(_("read only"), default=False, db_default=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"
