"""Public read API of the procedure catalogue (mounted at /api/v1/).

Public output: the schemas whitelist what a citizen may read. The data's provenance marks
(``source``) stay out; staff read them in the admin.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from motcua.catalog.models import Procedure, ProcedureVersion
from motcua.catalog.selectors import procedure_get, procedures_search, version_on, versions_of
from motcua.core.api import HHMM_PATTERN, IsoDate
from motcua.core.clock import today

router = Router(tags=["procedures"])

TimeLimitUnitName = Literal["working_days", "working_hours", "calendar_days", "months"]
LevelName = Literal["province", "district", "commune", "inter_level"]
RuleName = Literal["fixed", "commune_committee", "district_committee"]
OnlineLevelName = Literal["full", "partial", "none"]


class SectorOut(Schema):
    code: str
    name: str


class AgencyOut(Schema):
    code: str
    name: str


class TimeLimitOut(Schema):
    amount: int = Field(description="0 means the same working day.")
    unit: TimeLimitUnitName
    note: str
    cutoff: str | None = Field(
        description="HH:MM in Hanoi time: dossiers received at or after it count from the next "
        "working day; null means the regime's default (15:00).",
        json_schema_extra={"pattern": HHMM_PATTERN},
    )


class ProcedureItem(Schema):
    code: str = Field(description="National code of the procedure, e.g. 1.001193.")
    name: str
    sector: SectorOut
    level: LevelName
    time_limit: TimeLimitOut
    fee: int = Field(description="Base fee in VND; see the detail for how it is charged.")
    online_level: OnlineLevelName
    competence_rule: RuleName
    competent_agency: AgencyOut | None = Field(
        description="The fixed competent agency; null when it is the People's Committee of "
        "the applicant's or the object's commune or district."
    )


class ProcedurePage(Schema):
    on: date
    count: int = Field(description="How many procedures match, on all pages.")
    items: list[ProcedureItem]


class ProceduresQuery(Schema):
    q: str | None = Field(
        None, max_length=100, description="Words of the code or name; diacritics are ignored."
    )
    sector: str | None = Field(None, max_length=40, description="Sector code, e.g. ho-tich.")
    on: IsoDate | None = Field(None, description="Procedures in force on this day (default today).")
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0, le=1_000_000_000)


class ProcedureComponentOut(Schema):
    order: int
    name: str
    copy_kind: Literal["original", "certified_copy", "copy", "shown"]
    quantity: int
    required: bool
    note: str


class StepOut(Schema):
    order: int
    name: str
    actor: Literal["one_stop", "agency", "coordinating"]
    role: str
    allowance_hours: float = Field(description="Working hours allowed for the step.")


class FeeOut(Schema):
    amount: int = Field(description="VND; 0 when free, or when ``known`` is false.")
    known: bool = Field(
        True, description="False when a fee is charged but its amount is not known yet."
    )
    note: str


class VersionOut(Schema):
    number: int
    valid_from: date | None
    valid_to: date | None
    level: LevelName
    competence_rule: RuleName
    competent_agency: AgencyOut | None
    competent_title: str
    time_limit: TimeLimitOut
    fee: FeeOut
    result_kind: str
    online_level: OnlineLevelName
    boundary_free: bool = Field(description="Received at any site, whatever the address.")
    legal_basis: str
    components: list[ProcedureComponentOut]
    steps: list[StepOut] = Field(description="The internal process, in order.")


class VersionPeriodOut(Schema):
    number: int
    valid_from: date | None
    valid_to: date | None
    time_limit: TimeLimitOut
    competence_rule: RuleName


class ProcedureDetail(Schema):
    code: str
    name: str
    sector: SectorOut
    on: date
    version: VersionOut = Field(description="The version in force on the day asked.")
    versions: list[VersionPeriodOut] = Field(description="Every version, oldest first.")


class ProcedureQuery(Schema):
    on: IsoDate | None = Field(None, description="Show the version in force on this day.")


def _agency(version: ProcedureVersion) -> dict | None:
    agency = version.competent_agency
    return {"code": agency.code, "name": agency.name} if agency else None


def _time_limit(version: ProcedureVersion) -> dict:
    return {
        "amount": version.time_limit,
        "unit": version.time_limit_unit,
        "note": version.time_limit_note,
        "cutoff": version.cutoff.strftime("%H:%M") if version.cutoff else None,
    }


def _item(procedure: Procedure) -> dict:
    version = procedure.versions_on_day[0]
    return {
        "code": procedure.code,
        "name": procedure.name,
        "sector": {"code": procedure.sector.code, "name": procedure.sector.name},
        "level": version.level,
        "time_limit": _time_limit(version),
        "fee": version.fee,
        "online_level": version.online_level,
        "competence_rule": version.competence_rule,
        "competent_agency": _agency(version),
    }


@router.get("/procedures", response=ProcedurePage, auth=None, summary="Search procedures")
def procedures(request: HttpRequest, filters: Query[ProceduresQuery]):
    """Procedures in force on a day, by sector and code, a page at a time."""
    day = filters.on or today()
    found = procedures_search(query=filters.q or "", sector=filters.sector, day=day)
    page = found[filters.offset : filters.offset + filters.limit]
    return {"on": day, "count": found.count(), "items": [_item(p) for p in page]}


@router.get(
    "/procedures/{code}", response=ProcedureDetail, auth=None, summary="A procedure on a day"
)
def procedure(request: HttpRequest, code: str, filters: Query[ProcedureQuery]):
    """What a procedure requires on a day: limit, fees, agency, components, internal process.

    404 for an unknown code; 422 when the procedure has no version in force that day.
    """
    day = filters.on or today()
    found = procedure_get(code=code)
    version = version_on(procedure=found, day=day)
    return {
        "code": found.code,
        "name": found.name,
        "sector": {"code": found.sector.code, "name": found.sector.name},
        "on": day,
        "version": {
            "number": version.number,
            "valid_from": version.valid_from,
            "valid_to": version.valid_to,
            "level": version.level,
            "competence_rule": version.competence_rule,
            "competent_agency": _agency(version),
            "competent_title": version.competent_title,
            "time_limit": _time_limit(version),
            "fee": {
                "amount": version.fee,
                "known": version.fee_known,
                "note": version.fee_note,
            },
            "result_kind": version.result_kind,
            "online_level": version.online_level,
            "boundary_free": version.boundary_free,
            "legal_basis": version.legal_basis,
            "components": [
                {
                    "order": c.order,
                    "name": c.name,
                    "copy_kind": c.copy_kind,
                    "quantity": c.quantity,
                    "required": c.required,
                    "note": c.note,
                }
                for c in version.components.all()
            ],
            "steps": [
                {
                    "order": s.order,
                    "name": s.name,
                    "actor": s.actor,
                    "role": s.role,
                    "allowance_hours": float(s.allowance_hours),
                }
                for s in version.steps.all()
            ],
        },
        "versions": [
            {
                "number": v.number,
                "valid_from": v.valid_from,
                "valid_to": v.valid_to,
                "time_limit": _time_limit(v),
                "competence_rule": v.competence_rule,
            }
            for v in versions_of(procedure=found)
        ],
    }
