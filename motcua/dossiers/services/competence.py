"""A dossier's competent agency changes here and only here (issue 17 §2, decision 0008).

- *Wrong agency*: the agency's leader returns a dossier that is not within its competence,
  with the reason (:func:`dossier_return_wrong_agency`); the receiving site re-routes it to the
  competent agency (:func:`dossier_reroute`). The control slip shows who held it and how long:
  the agency's row ends at the return, the site's at the re-route.
- *Succession*: a dated :class:`~motcua.dossiers.models.Reorganization` names who takes over
  the dossiers of an agency that ceases; :func:`reorganization_apply` moves every one still in
  flight, with one event each and a handover row for the paper, and keeps the due time.

Who succeeds is decided by the pure :mod:`motcua.dossiers.succession`; this module reads its
inputs from the database and writes what it decides.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.choices import StepActor
from motcua.catalog.selectors import competent_agency_for, version_in_force
from motcua.core import clock
from motcua.core.errors import Conflict, InvalidInput, InvalidTransition, NotFound
from motcua.core.text import normalize
from motcua.dossiers import rules, succession
from motcua.dossiers.choices import Action, Status
from motcua.dossiers.models import Dossier, Handover, Reorganization, ReorganizationRule
from motcua.dossiers.permissions import Actor, authorize_reorganization
from motcua.dossiers.services.lifecycle import (
    _begin,
    _calendar,
    _check_state,
    _close_step,
    _event,
    _inside_territory,
    _lock,
    _save,
    clock_local,
)
from motcua.organization.choices import AgencyKind
from motcua.organization.models import Agency, Site, UnitSuccession
from motcua.worktime.rules import working_time_between

BATCH = 200


def _minutes(start: datetime | None, end: datetime, calendar) -> int:
    """Working minutes from ``start`` to ``end`` (0 when unknown or reversed)."""
    if start is None or end <= start:
        return 0
    return int(working_time_between(start, end, calendar).total_seconds() // 60)


# -- wrong agency --------------------------------------------------------------------------------


@transaction.atomic
def dossier_return_wrong_agency(
    *,
    actor: Actor,
    code: str,
    reason: str,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Dossier:
    """The agency's leader sends the dossier back to the receiving site: it is not within the
    agency's competence. The agency's time ends here (graded on the control slip); the site
    re-routes it (:func:`dossier_reroute`). The due time does not move."""
    at = at or clock.now()
    reason = normalize(reason or "").strip()
    if not reason:
        raise InvalidInput(
            _("Say why the dossier is not within the agency's competence."), field="reason"
        )
    dossier = _begin(
        actor=actor, code=code, action=Action.RETURN_WRONG_AGENCY,
        expected_version=expected_version, site=None,
    )  # fmt: skip
    calendar = _calendar(dossier, at)
    before = dossier.status
    agency = dossier.competent_agency
    if before == Status.TRANSFERRED:
        # Never accepted: the paper reached the agency, which now sends it back.
        held_from = dossier.transferred_at
        dossier.handovers.filter(received_at__isnull=True).update(
            received_at=at, receiver=actor.user
        )
        handover = Handover.objects.create(
            dossier=dossier, step=None, step_name=_("Returned: not within the competence"),
            unit=agency.name, giver=actor.user, given_at=at, finished_at=at, note=reason,
        )  # fmt: skip
    else:
        held_from = dossier.step_started_at
        handover = _close_step(
            dossier, at=at, calendar=calendar, giver=actor.user, unit=agency.name,
            received=False, note=reason,
        )  # fmt: skip
    first = next(
        (s for s in dossier.procedure_version.steps.all() if s.actor == StepActor.ONE_STOP), None
    )
    dossier.status = Status.RECEIVED
    dossier.returned_from = agency
    dossier.custodian_agency = None
    dossier.custodian = None
    dossier.assignee = None
    dossier.custodian_site = dossier.receiving_site
    dossier.step = first.order if first else None
    dossier.step_started_at = at
    _save(
        dossier,
        ["status", "returned_from", "custodian_agency", "custodian", "assignee",
         "custodian_site", "step", "step_started_at"],
    )  # fmt: skip
    _event(
        dossier, Action.RETURN_WRONG_AGENCY, at=at, actor=actor, from_status=before,
        agency=agency,
        payload={
            "reason": reason, "from_agency": agency.code, "handover": handover.pk,
            "held_minutes": _minutes(held_from, at, calendar),
            "step_timeliness": handover.timeliness,
        },
    )  # fmt: skip
    return dossier


def reroute_suggestions(dossier: Dossier, *, day: date) -> list[Agency]:
    """The agency the procedure's competence rule names for the dossier's commune or ward on
    ``day``, unless it is the one that returned it (then the site chooses)."""
    try:
        version = version_in_force(procedure_code=dossier.procedure.code, day=day)
        agency = competent_agency_for(
            version=version, unit=dossier.object_unit or dossier.applicant_unit, day=day
        )
    except (InvalidInput, NotFound):
        return []
    return [] if agency.pk == dossier.returned_from_id else [agency]


def agencies_in_force(day: date):
    """Every agency in force on ``day``, by name (the choices of a re-route or an adjustment)."""
    return Agency.objects.on(day).order_by("kind", "name")


def _agency(code: str, *, day: date, field_name: str) -> Agency:
    agency = Agency.objects.on(day).filter(code=(code or "").strip()).first()
    if agency is None:
        raise InvalidInput(
            _("There is no agency with code %(code)s in force on %(day)s.")
            % {"code": code, "day": day.strftime("%d/%m/%Y")},
            field=field_name,
        )
    return agency


@transaction.atomic
def dossier_reroute(
    *,
    actor: Actor,
    code: str,
    site: Site | None,
    agency_code: str,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Dossier:
    """The receiving site sends a returned dossier to the competent agency. The site's time
    since the return is graded on the control slip; the due time does not move."""
    at = at or clock.now()
    day = clock_local(at).date()
    dossier = _begin(
        actor=actor, code=code, action=Action.REROUTE, expected_version=expected_version,
        site=site,
    )  # fmt: skip
    if dossier.returned_from_id is None:
        raise InvalidTransition(
            _("Only a dossier that an agency returned as outside its competence is re-routed."),
            current_status=dossier.status,
            allowed_actions=rules.actions_allowed(dossier.status),
        )
    agency = _agency(agency_code, day=day, field_name="agency")
    returned_from = Agency.objects.get(pk=dossier.returned_from_id)
    if agency.pk == returned_from.pk:
        raise InvalidInput(
            _("%(agency)s returned this dossier as outside its competence: choose another.")
            % {"agency": agency.name},
            field="agency",
        )
    calendar = _calendar(dossier, at)
    before = dossier.status
    held_from = dossier.step_started_at
    dossier.handovers.filter(received_at__isnull=True).update(received_at=at, receiver=actor.user)
    handover = _close_step(
        dossier, at=at, calendar=calendar, giver=actor.user, unit=dossier.receiving_site.name,
        received=False, note=_("Re-routed to %(agency)s") % {"agency": agency.name},
    )  # fmt: skip
    dossier.status = Status.TRANSFERRED
    dossier.transferred_at = at
    dossier.competent_agency = agency
    dossier.custodian_agency = agency
    dossier.custodian_site = None
    dossier.custodian = None
    dossier.returned_from = None
    dossier.outside_territory = not _inside_territory(agency, dossier.receiving_site, day)
    _save(
        dossier,
        ["status", "transferred_at", "competent_agency", "custodian_agency", "custodian_site",
         "custodian", "returned_from", "outside_territory"],
    )  # fmt: skip
    _event(
        dossier, Action.REROUTE, at=at, actor=actor, from_status=before, site=site,
        agency=agency,
        payload={
            "from_agency": returned_from.code, "to_agency": agency.code,
            "handover": handover.pk, "held_minutes": _minutes(held_from, at, calendar),
            "step_timeliness": handover.timeliness,
        },
    )  # fmt: skip
    return dossier


# -- succession ----------------------------------------------------------------------------------


def reorganization_start(reorganization: Reorganization) -> datetime:
    """The first instant of the effective day (Hanoi time): when the successor takes over."""
    return timezone.make_aware(
        datetime.combine(reorganization.effective_on, time(0)), timezone.get_default_timezone()
    )


@transaction.atomic
def reorganization_create(
    *,
    actor: Actor | None,
    agency_code: str,
    effective_on: date,
    rule: str = succession.TERRITORY,
    successor_code: str = "",
    decision_number: str = "",
    legal_basis: str = "",
    per_procedure: Mapping[str, str] | None = None,
) -> Reorganization:
    """Record the decision that ``agency`` ceases on ``effective_on`` (the day it is gone) and
    who succeeds it; the same agency and date return the decision already recorded."""
    authorize_reorganization(actor)
    last_day = effective_on.fromordinal(effective_on.toordinal() - 1)
    agency = _agency(agency_code, day=last_day, field_name="agency")
    if agency.valid_to is None or agency.valid_to >= effective_on:
        raise InvalidInput(
            _("%(agency)s is still in force on %(day)s: end it first (its valid-to date).")
            % {"agency": agency.name, "day": effective_on.strftime("%d/%m/%Y")},
            field="effective_on",
        )
    if rule not in (succession.TERRITORY, succession.FIXED):
        raise InvalidInput(_("Choose by territory or one named agency."), field="rule")
    successor = None
    if rule == succession.FIXED:
        successor = _agency(successor_code, day=effective_on, field_name="successor")
    named = {
        p: _agency(a, day=effective_on, field_name="per_procedure")
        for p, a in (per_procedure or {}).items()
    }
    existing = Reorganization.objects.filter(agency=agency, effective_on=effective_on).first()
    if existing is not None:
        return existing
    from motcua.catalog.models import Procedure

    procedures = {p.code: p for p in Procedure.objects.filter(code__in=named)}
    missing = sorted(set(named) - set(procedures))
    if missing:
        raise InvalidInput(
            _("There is no procedure with code %(code)s.") % {"code": ", ".join(missing)},
            field="per_procedure",
        )
    reorganization = Reorganization.objects.create(
        agency=agency, effective_on=effective_on, rule=rule, successor=successor,
        decision_number=normalize(decision_number).strip(),
        legal_basis=normalize(legal_basis).strip(),
        created_by=actor.user if actor is not None else None,
    )  # fmt: skip
    ReorganizationRule.objects.bulk_create(
        ReorganizationRule(reorganization=reorganization, procedure=procedures[p], successor=a)
        for p, a in named.items()
    )
    return reorganization


def in_flight(agency: Agency):
    """The dossiers of ``agency`` whose processing is not over: what a successor takes over."""
    return Dossier.objects.filter(competent_agency=agency, status__in=rules.IN_FLIGHT)


@dataclass
class Handoff:
    """A dossier and the agency proposed to take it over (``None``: the director chooses)."""

    dossier: Dossier
    proposal: succession.Proposal
    successor: Agency | None


def territory_on(day: date, units: Iterable[int]) -> succession.Territory:
    """The wards that ``units`` became on ``day`` and the commune committees in force then."""
    units = set(units)
    successors: dict[int, list[int]] = {}
    for before, after in UnitSuccession.objects.filter(
        predecessor_id__in=units, effective_on__lte=day
    ).values_list("predecessor_id", "successor_id"):
        successors.setdefault(before, []).append(after)
    wards = units | {w for ws in successors.values() for w in ws}
    committees = dict(
        Agency.objects.on(day)
        .filter(kind=AgencyKind.COMMUNE_COMMITTEE, territory_id__in=wards)
        .values_list("territory_id", "code")
    )
    return succession.Territory(
        successors={k: tuple(v) for k, v in successors.items()}, committees=committees
    )


def competence_on(day: date, procedures: Iterable[str]) -> dict[str, succession.Competence]:
    """The competence rule of each procedure's version in force on ``day``."""
    found = {}
    for code in set(procedures):
        try:
            version = version_in_force(procedure_code=code, day=day)
        except (InvalidInput, NotFound):
            continue
        agency = version.competent_agency.code if version.competent_agency_id else None
        found[code] = succession.Competence(rule=version.competence_rule, agency=agency)
    return found


def _decision(
    reorganization: Reorganization, per_procedure: Mapping[str, str] | None = None
) -> succession.Decision:
    """The pure decision; an unsaved reorganization takes its per-procedure successors from
    ``per_procedure`` (a preview), a recorded one from its rules."""
    named = dict(per_procedure or {})
    if reorganization.pk:
        named = dict(reorganization.rules.values_list("procedure__code", "successor__code"))
    return succession.Decision(
        rule=reorganization.rule,
        successor=reorganization.successor.code if reorganization.successor_id else None,
        per_procedure=named,
    )


def _proposals(
    reorganization: Reorganization,
    dossiers: list[Dossier],
    per_procedure: Mapping[str, str] | None = None,
):
    day = reorganization.effective_on
    facts = [
        succession.InFlight(
            code=d.code,
            procedure=d.procedure.code,
            object_unit=d.object_unit_id,
            applicant_unit=d.applicant_unit_id,
        )  # fmt: skip
        for d in dossiers
    ]
    return succession.propose(
        facts,
        decision=_decision(reorganization, per_procedure),
        competence=competence_on(day, {f.procedure for f in facts}),
        territory=territory_on(
            day, {u for f in facts for u in (f.object_unit, f.applicant_unit) if u}
        ),
    )


def reorganization_plan(
    reorganization: Reorganization, *, per_procedure: Mapping[str, str] | None = None
) -> list[Handoff]:
    """Every dossier still in flight at the ceasing agency and who would take it over
    (``per_procedure``: the named successors of a decision not yet recorded)."""
    dossiers = list(
        in_flight(reorganization.agency)
        .select_related("procedure", "receiving_site", "object_unit", "applicant_unit")
        .order_by("due_at", "pk")
    )
    proposals = _proposals(reorganization, dossiers, per_procedure)
    agencies = {
        a.code: a
        for a in Agency.objects.filter(code__in={p.successor for p in proposals if p.successor})
    }
    return [
        Handoff(dossier=d, proposal=p, successor=agencies.get(p.successor))
        for d, p in zip(dossiers, proposals, strict=True)
    ]


@dataclass
class Applied:
    moved: list[str] = field(default_factory=list)


def reorganization_apply(
    *,
    actor: Actor | None,
    reorganization: Reorganization,
    overrides: Mapping[str, str] | None = None,
    at: datetime | None = None,
    batch: int = BATCH,
) -> Applied:
    """Move every dossier in flight at the ceasing agency to its successor (one event each).

    ``overrides`` maps a dossier code to the agency code the director chose instead of the
    proposal. Nothing is moved when any dossier would be left without a successor
    (``InvalidInput`` lists them). Batches of ``batch`` dossiers commit one by one, each row
    locked and re-read: a second run, or two at once, moves only what is left. ``at`` (now by
    default) is when the handover happens: not before the effective day.
    """
    authorize_reorganization(actor)
    start = reorganization_start(reorganization)
    at = at or clock.now()
    if at < start:
        raise Conflict(
            _("%(agency)s is competent until %(day)s: apply the decision from its date.")
            % {
                "agency": reorganization.agency.name,
                "day": reorganization.effective_on.strftime("%d/%m/%Y"),
            }
        )
    overrides = {k.strip().upper(): v for k, v in (overrides or {}).items() if v}
    chosen = {
        code: _agency(a, day=reorganization.effective_on, field_name=f"successor.{code}")
        for code, a in overrides.items()
    }
    plan = reorganization_plan(reorganization)
    stranded = [
        h.dossier.code for h in plan if h.successor is None and h.dossier.code not in chosen
    ]
    if stranded:
        raise InvalidInput(
            _("No successor for %(count)s dossier(s): %(codes)s. Choose one for each.")
            % {"count": len(stranded), "codes": ", ".join(stranded[:20])},
            field="successor",
        )
    result = Applied()
    while True:
        moved = _apply_batch(reorganization, chosen, at=at, actor=actor, batch=batch)
        result.moved += moved
        if len(moved) < batch:
            break
    if not in_flight(reorganization.agency).exists():
        Reorganization.objects.filter(pk=reorganization.pk, applied_at__isnull=True).update(
            applied_at=at
        )
        reorganization.refresh_from_db(fields=["applied_at"])
    return result


@transaction.atomic
def _apply_batch(
    reorganization: Reorganization,
    chosen: Mapping[str, Agency],
    *,
    at: datetime,
    actor: Actor | None,
    batch: int,
) -> list[str]:
    dossiers = list(
        in_flight(reorganization.agency)
        .select_for_update(of=("self",))
        .select_related("procedure", "competent_agency", "receiving_site")
        .order_by("pk")[:batch]
    )
    proposals = {p.code: p for p in _proposals(reorganization, dossiers)}
    wanted = {p.successor for p in proposals.values() if p.successor}
    agencies = {a.code: a for a in Agency.objects.filter(code__in=wanted)}
    moved = []
    for dossier in dossiers:
        proposal = proposals[dossier.code]
        successor = chosen.get(dossier.code) or agencies.get(proposal.successor or "")
        if successor is None:
            raise InvalidInput(
                _("No successor for %(count)s dossier(s): %(codes)s. Choose one for each.")
                % {"count": 1, "codes": dossier.code},
                field="successor",
            )
        _hand_over(
            dossier, reorganization, successor, at=at, actor=actor,
            basis="adjusted" if dossier.code in chosen else proposal.basis,
        )  # fmt: skip
        moved.append(dossier.code)
    return moved


def _hand_over(
    dossier: Dossier,
    reorganization: Reorganization,
    successor: Agency,
    *,
    at: datetime,
    actor: Actor | None,
    basis: str,
) -> None:
    ceasing = dossier.competent_agency
    decision = reorganization.decision_number or str(reorganization)
    handover = None
    if dossier.custodian_agency_id == ceasing.pk:
        # The paper goes with the dossier: a row of the control slip, the step running on.
        handover = Handover.objects.create(
            dossier=dossier, step=dossier.step,
            step_name=_("Handed over to the successor agency"), unit=ceasing.name,
            giver=dossier.custodian, given_at=at, received_at=at,
            note=_("%(successor)s takes over under %(decision)s")
            % {"successor": successor.name, "decision": decision},
        )  # fmt: skip
        dossier.custodian_agency = successor
        dossier.custodian = None
    dossier.competent_agency = successor
    dossier.assignee = None
    day = reorganization.effective_on
    dossier.outside_territory = not _inside_territory(successor, dossier.receiving_site, day)
    _save(
        dossier,
        ["competent_agency", "custodian_agency", "custodian", "assignee", "outside_territory"],
    )
    payload = {
        "from_agency": ceasing.code, "to_agency": successor.code,
        "reorganization": reorganization.pk, "decision": reorganization.decision_number,
        "effective_on": reorganization.effective_on.isoformat(), "basis": basis,
        "due_at": dossier.due_at,
    }  # fmt: skip
    if handover is not None:
        payload["handover"] = handover.pk
    _event(
        dossier, Action.SUCCEED, at=at, actor=actor, from_status=dossier.status,
        agency=successor, payload=payload,
    )  # fmt: skip


@transaction.atomic
def dossier_succeed(
    *,
    actor: Actor | None,
    code: str,
    reorganization: Reorganization,
    successor_code: str,
    basis: str,
    at: datetime | None = None,
) -> Dossier:
    """Hand one dossier of ``reorganization``'s ceasing agency to ``successor_code``, as
    :func:`reorganization_apply` does for each: for a writer that decides dossier by dossier
    (the workload generator replays its plans through it)."""
    authorize_reorganization(actor)
    at = at or clock.now()
    dossier = _lock(code, None)
    _check_state(dossier, Action.SUCCEED)
    if dossier.competent_agency_id != reorganization.agency_id:
        raise Conflict(
            _("Dossier %(code)s is not at %(agency)s.")
            % {"code": code, "agency": reorganization.agency.name}
        )
    successor = _agency(successor_code, day=reorganization.effective_on, field_name="successor")
    _hand_over(dossier, reorganization, successor, at=at, actor=actor, basis=basis)
    return dossier
