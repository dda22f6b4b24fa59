"""Stable values of the transparency portal, with translated labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Dimension(models.TextChoices):
    """What a row of figures is about: the whole city, or one unit of one kind."""

    CITY = "city", _("Whole city")
    BRANCH = "branch", _("Branch")
    SITE = "site", _("One-stop site")
    AGENCY = "agency", _("Agency")
    PROCEDURE = "procedure", _("Procedure")


#: The key of the one ``city`` row of a day.
CITY_KEY = "all"

#: Vietnamese address segments of the portal's pages, and back.
DIMENSION_SLUGS = {
    Dimension.BRANCH: "chi-nhanh",
    Dimension.SITE: "diem",
    Dimension.AGENCY: "co-quan",
    Dimension.PROCEDURE: "thu-tuc",
}
SLUG_DIMENSIONS = {slug: dimension for dimension, slug in DIMENSION_SLUGS.items()}

#: Plural labels for headings and selectors.
DIMENSION_PLURALS = {
    Dimension.CITY: _("Whole city"),
    Dimension.BRANCH: _("Branches"),
    Dimension.SITE: _("One-stop sites"),
    Dimension.AGENCY: _("Agencies"),
    Dimension.PROCEDURE: _("Procedures"),
}


class MarkKind(models.TextChoices):
    """What the fold remembers of one dossier (see ``DossierMark``)."""

    PAID_ONLINE = "paid_online", _("Counted as paid online")
    FLAGGED = "flagged", _("Flagged by a complaint or a not-satisfied rating")


class FoldSource(models.TextChoices):
    """The append-only tables the fold reads, each with its own watermark."""

    EVENTS = "events", _("Dossier events")
    RATINGS = "ratings", _("Ratings")
    COMPLAINTS = "complaints", _("Complaints and suggestions")
