"""Who takes over a dossier when its competent agency ceases: a pure decision (no ORM, no
clock), shared by the reorganization service and the workload generator's bulk writer.

A reorganization decision names the successor per procedure, or one agency for everything,
or lets the law decide ("territory"): the agency the procedure's rule makes competent on the
effective date, for the commune or ward that now holds the object's territory (else the
applicant's), traced through the succession of administrative units (docs/decisions/0008).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

TERRITORY = "territory"
FIXED = "fixed"
COMMUNE_COMMITTEE = "commune_committee"

# Why a successor was proposed (or none).
BY_PROCEDURE = "procedure"  # the decision names the successor of this procedure
BY_DECISION = "decision"  # the decision names one successor for everything
MOVED = "moved"  # the procedure's version on the date has a fixed agency
BY_TERRITORY = "territory"  # the committee of the ward now holding the territory
SPLIT = "split"  # the former ward was split: the first successor ward, to be checked
NONE = "none"  # nobody found: the director must choose


@dataclass(frozen=True, slots=True)
class InFlight:
    """A dossier to hand over: its code, procedure, and units (ids) of object and applicant."""

    code: str
    procedure: str
    object_unit: int | None = None
    applicant_unit: int | None = None


@dataclass(frozen=True, slots=True)
class Competence:
    """The procedure's competence rule on the effective date (its version then in force)."""

    rule: str
    agency: str | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    rule: str = TERRITORY
    successor: str | None = None
    per_procedure: Mapping[str, str] | None = None


@dataclass(frozen=True, slots=True)
class Territory:
    """The map after the reorganization: ``successors`` gives, for a former ward, the wards it
    became part of (ids); ``committees`` the commune committee (code) of each ward in force."""

    successors: Mapping[int, tuple[int, ...]]
    committees: Mapping[int, str]


@dataclass(frozen=True, slots=True)
class Proposal:
    code: str
    successor: str | None
    basis: str
    ward: int | None = None


def propose(
    dossiers: Iterable[InFlight],
    *,
    decision: Decision,
    competence: Mapping[str, Competence],
    territory: Territory,
) -> list[Proposal]:
    """The successor of each dossier, in the order given."""
    return [_one(d, decision, competence, territory) for d in dossiers]


def _one(
    dossier: InFlight, decision: Decision, competence: Mapping[str, Competence], land: Territory
) -> Proposal:
    named = (decision.per_procedure or {}).get(dossier.procedure)
    if named:
        return Proposal(dossier.code, named, BY_PROCEDURE)
    if decision.rule == FIXED and decision.successor:
        return Proposal(dossier.code, decision.successor, BY_DECISION)
    rule = competence.get(dossier.procedure)
    if rule is None:
        return Proposal(dossier.code, None, NONE)
    if rule.rule == FIXED:
        return Proposal(dossier.code, rule.agency, MOVED if rule.agency else NONE)
    if rule.rule != COMMUNE_COMMITTEE:
        return Proposal(dossier.code, None, NONE)
    for unit in (dossier.object_unit, dossier.applicant_unit):
        if unit is None:
            continue
        wards = (unit,) if unit in land.committees else land.successors.get(unit, ())
        found = sorted((land.committees[w], w) for w in wards if w in land.committees)
        if found:
            agency, ward = found[0]
            return Proposal(dossier.code, agency, BY_TERRITORY if len(found) == 1 else SPLIT, ward)
    return Proposal(dossier.code, None, NONE)
