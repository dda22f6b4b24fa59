from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District")
    WARD = "ward", _("Commune/ward")


class AgencyKind(models.TextChoices):
    CITY_DEPARTMENT = "city_department", _("City department")
    PROVINCE_COMMITTEE = "province_committee", _("City People's Committee")
    DISTRICT_COMMITTEE = "district_committee", _("District People's Committee")
    COMMUNE_COMMITTEE = "commune_committee", _("Commune/ward People's Committee")
    LAND_REGISTRATION_OFFICE = "land_registration_office", _("Land registration office")
    LAND_REGISTRATION_BRANCH = "land_registration_branch", _("Land registration office branch")
    OTHER = "other", _("Other agency")


class SiteKind(models.TextChoices):
    CENTER = "center", _("Center")
    BRANCH = "branch", _("Branch")
    RECEPTION_POINT = "reception_point", _("Reception point")
    COMMUNE_POINT = "commune_point", _("Commune service point")


class CoverageRule(models.TextChoices):
    """How the network must cover the territory during a phase of plan 29/KH-UBND."""

    PILOT = "pilot", _("Pilot: covered districts at most once, others may be uncovered")
    DISTRICTS_EXACTLY_ONCE = "districts_exactly_once", _("Every district covered exactly once")
    PROVINCE_WIDE = "province_wide", _("Every site receives for the whole province")


class Role(models.TextChoices):
    CENTER_DIRECTOR = "center_director", _("Center director")
    BRANCH_DIRECTOR = "branch_director", _("Branch director")
    DEPUTY_DIRECTOR = "deputy_director", _("Deputy director")
    RECEIVING_OFFICER = "receiving_officer", _("Receiving officer")
    AGENCY_SPECIALIST = "agency_specialist", _("Agency specialist")
    AGENCY_LEADER = "agency_leader", _("Agency leader")
    INSPECTOR = "inspector", _("Inspector")
    ADMINISTRATOR = "administrator", _("Administrator")


SITE_ROLES = {
    Role.CENTER_DIRECTOR,
    Role.BRANCH_DIRECTOR,
    Role.DEPUTY_DIRECTOR,
    Role.RECEIVING_OFFICER,
}
AGENCY_ROLES = {Role.AGENCY_SPECIALIST, Role.AGENCY_LEADER}
