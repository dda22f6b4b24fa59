from motcua.organization.models.network import (
    AdministrativeUnit,
    Agency,
    Counter,
    NetworkPhase,
    Site,
    SiteCoverage,
    SiteOperatingPeriod,
    UnitSuccession,
)
from motcua.organization.models.staff import (
    Assignment,
    BranchQuota,
    Secondment,
    StaffingPlan,
    StaffProfile,
)

__all__ = [
    "AdministrativeUnit",
    "Agency",
    "Assignment",
    "BranchQuota",
    "Counter",
    "NetworkPhase",
    "Secondment",
    "Site",
    "SiteCoverage",
    "SiteOperatingPeriod",
    "StaffProfile",
    "StaffingPlan",
    "UnitSuccession",
]
