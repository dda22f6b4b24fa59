from django.db import models
from django.utils.translation import gettext_lazy as _


class ProcedureLevel(models.TextChoices):
    """The level of government whose agency decides (cấp thực hiện)."""

    PROVINCE = "province", _("City level")
    DISTRICT = "district", _("District level (until 30/06/2025)")
    COMMUNE = "commune", _("Commune level")
    INTER_LEVEL = "inter_level", _("Inter-level")


class OnlineLevel(models.TextChoices):
    FULL = "full", _("Full online public service")
    PARTIAL = "partial", _("Partial online public service")
    NONE = "none", _("Not offered online")


class CompetenceRule(models.TextChoices):
    """How the competent agency of a dossier is found."""

    FIXED = "fixed", _("A fixed agency")
    COMMUNE_COMMITTEE = (
        "commune_committee",
        _("The People's Committee of the commune where the applicant or the object is"),
    )
    DISTRICT_COMMITTEE = (
        "district_committee",
        _("The People's Committee of the district where the applicant or the object is"),
    )


class CopyKind(models.TextChoices):
    ORIGINAL = "original", _("Original")
    CERTIFIED_COPY = "certified_copy", _("Certified copy")
    COPY = "copy", _("Copy")
    #: Presented (an identity paper, an original to compare against) and handed back.
    SHOWN = "shown", _("Shown only, not kept")


class StepActor(models.TextChoices):
    """Who carries out a step of the internal process."""

    ONE_STOP = "one_stop", _("One-stop site")
    AGENCY = "agency", _("Competent agency")
    COORDINATING = "coordinating", _("Coordinating agency")
