"""Who read a citizen's personal data, when, and through what (Decree 13/2023/NĐ-CP)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    PAGE = "page", _("Dossier page")
    API = "api", _("API: dossier")
    API_EVENTS = "api_events", _("API: audit trail")
    FORM = "form", _("Form PDF")
    FILE = "file", _("Stored file")
    RESULT = "result", _("Electronic result")
    LEDGER = "ledger", _("Ledger export")
    CITIZEN_EXPORT = "citizen_export", _("Export of a citizen's data")


class DataAccess(models.Model):
    """One read of personal data by a member of staff. Append-only (a trigger on PostgreSQL).

    Written with one INSERT on the read itself; no foreign-key checks are asked of the
    database (``db_constraint=False``) so that the row costs the least, and so that the log
    outlives an account or a dossier removed later.
    """

    at = models.DateTimeField(_("at"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("by"),
    )
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dossier"),
    )
    channel = models.CharField(_("through"), max_length=20, choices=Channel.choices)
    #: What else identifies the read: the form, the file's order, the ledger's site and dates.
    detail = models.CharField(_("detail"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("personal-data access")
        verbose_name_plural = _("personal-data accesses")
        indexes = [
            models.Index(fields=["dossier", "-at"], name="privacy_access_dossier_at"),
            models.Index(fields=["user", "-at"], name="privacy_access_user_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.channel} {self.dossier_id}"
