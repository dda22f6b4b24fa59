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
    Delegation,
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
    "Delegation",
    "NetworkPhase",
    "Secondment",
    "Site",
    "SiteCoverage",
    "SiteOperatingPeriod",
    "StaffProfile",
    "StaffingPlan",
    "UnitSuccession",
]
