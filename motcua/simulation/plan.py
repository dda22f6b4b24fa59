"""The plan of a simulated day: every dossier and every action on it, timed, before anything
is written. Pure: no ORM, no clock (``now`` is passed in).

:func:`plan_day` turns the reference data of a day (the receiving sites, the city's wards, the
procedure versions in force and the regime) into :class:`DossierPlan` records. A plan holds
everything a writer needs: the dossier's intake fields and the ordered :class:`Step` list
(action, time, who, parameters), plus what the dossier must look like once the steps are
replayed (status, due time, timeliness), so that a writer can check itself.

Determinism: ``random.Random(f"{seed}:{day}")`` draws the day's arrivals, and each dossier
draws from its own ``Random`` seeded from that stream, so a day's plans depend only on the
seed, the day, the scale, the reference data and ``now``; days are independent (a run resumes
or parallelises by day).

Times follow the services' arithmetic exactly (:mod:`motcua.worktime.rules`): the deemed
receipt with the procedure's cut-off or the regime's, the due time from it, the pause of a
supplement, the one-working-day lead of an apology. The finish is drawn relative to the due
time, so "late", "early" and "on time" come out as the model says. Actions later than
``now`` are cut, so recent dossiers are still in progress.

Writers: :func:`motcua.simulation.services.simulate_day` replays each plan through the
lifecycle services; :mod:`motcua.simulation.bulk` computes the rows those services would write
(:mod:`motcua.simulation.rows`) and copies them. Dossier codes are the receiving site's unit
identifier, the day, and the rank of the dossier among the unit's dossiers of the day (plans
come sorted by ``submitted_at``), after any the unit already numbered that day.

Ratings, complaints and suggestions (:func:`feedback_steps`) ride on the plan of the dossier
they are about, in ``DossierPlan.feedback``, drawn from a random stream of their own.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from motcua.dossiers import succession
from motcua.dossiers.choices import Action, Channel, Outcome, ReturnMethod, Status
from motcua.dossiers.rules import grade
from motcua.feedback.choices import ComplaintAction
from motcua.simulation import model, people
from motcua.worktime.rules import (
    DEFAULT_OFFICE_HOURS,
    WorkCalendar,
    add_working_time,
    deemed_receipt,
    due_at,
    extend_for_pause,
    working_time_between,
)

# Who acts: the citizen (online filing), the officer at a site (``params["site"]``), or the
# competent agency's specialist or leader.
CITIZEN = "citizen"
OFFICER = "officer"
SYSTEM = "system"  # a reorganization's handover (docs/decisions/0008)
SPECIALIST = "specialist"
LEADER = "leader"
ROLE_ACTOR = {"agency_specialist": SPECIALIST, "agency_leader": LEADER}

FIXED = "fixed"
COMMUNE_COMMITTEE = "commune_committee"
DISTRICT_COMMITTEE = "district_committee"

_ZERO = timedelta()
#: Working time that must remain before the due time for a late check or transfer to be
#: absorbed without making the dossier late.
_ROOM = timedelta(hours=4)

# The finish drawn for a dossier (model.OUTCOMES): relative to its due time.
EARLY, ON_TIME, LATE, EXTENDED = "early", "on_time", "late", "extended"


# The choice values as plain strings: a plan is plain data for any writer.
_SUBMIT, _RECEIVE, _REFUSE, _TRANSFER, _ACCEPT, _ASSIGN, _HANDOVER = (
    a.value for a in (Action.SUBMIT, Action.RECEIVE, Action.REFUSE, Action.TRANSFER,
                      Action.ACCEPT, Action.ASSIGN, Action.HANDOVER)
)  # fmt: skip
_REQUEST_SUPPLEMENT, _RECEIVE_SUPPLEMENT, _EXTEND, _COMPLETE, _DELIVER, _WITHDRAW, _STOP = (
    a.value for a in (Action.REQUEST_SUPPLEMENT, Action.RECEIVE_SUPPLEMENT, Action.EXTEND,
                      Action.COMPLETE, Action.DELIVER, Action.WITHDRAW, Action.STOP)
)  # fmt: skip
_SUCCEED = Action.SUCCEED.value
#: Steps after which the dossier is no longer in flight (a reorganization leaves it alone).
_OVER = frozenset({_REFUSE, _COMPLETE, _WITHDRAW, _STOP})
_GRANTED, _REJECTED = Outcome.GRANTED.value, Outcome.REJECTED.value
_ONLINE, _POST, _IN_PERSON = Channel.ONLINE.value, Channel.POST.value, Channel.IN_PERSON.value
_AT_SITE, _ONLINE_RETURN = ReturnMethod.SITE.value, ReturnMethod.ONLINE.value
_SCANNED, _ELECTRONIC = MappingProxyType({"scans": True}), MappingProxyType({"electronic": True})
_MASK64 = (1 << 64) - 1
_SCAN_SALT, _RESULT_SALT = 0x5CA9_0001, 0x5CA9_0002

# -- inputs -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SiteSpec:
    """A receiving site on the day.

    ``home_wards``: the wards of its own area (where it is inside the competent agency's
    territory for commune and district procedures); ``area``: outer or inner (the procedure
    mix); ``branch``: the code of its branch (its own for a branch).
    """

    code: str
    kind: str
    branch: str
    area: str
    home_wards: tuple[str, ...] = ()
    office_hours: tuple[tuple[time, time], ...] = DEFAULT_OFFICE_HOURS


@dataclass(frozen=True, slots=True)
class WardSpec:
    """A commune or ward of the city on the day, with the agencies and sites that serve it.

    ``point_site`` receives its online dossiers of commune and district procedures,
    ``branch_site`` those of city procedures; both ``None`` when no site covers it that day.
    """

    code: str
    name: str
    area: str
    committee: str | None = None
    district_committee: str | None = None
    point_site: str | None = None
    branch_site: str | None = None


@dataclass(frozen=True, slots=True)
class ProcedureSpec:
    """The version of a procedure in force on the day; ``agency_roles`` are the roles of its
    internal process's agency steps, in order (coordinating steps are not handed over)."""

    code: str
    version: int
    sector: str
    competence_rule: str
    agency: str | None
    time_limit: int
    time_limit_unit: str
    cutoff: time | None = None
    boundary_free: bool = True
    online: bool = True
    fee: int = 0
    agency_roles: tuple[str, ...] = ("agency_specialist", "agency_leader")


@dataclass(frozen=True, slots=True)
class RegimeSpec:
    """The limits of the regime in force on the day (:class:`~motcua.dossiers.models.Regime`)."""

    code: str
    cutoff: time = time(15)
    max_supplements: int = 1
    max_extensions: int = 1
    apology_lead_hours: int = 8
    online_check_hours: int = 8
    has_stop_notice: bool = False


@dataclass(frozen=True, slots=True)
class SuccessionSpec:
    """Agencies that cease at ``at`` (the first instant of the effective day) and what decides
    their successors (:func:`motcua.dossiers.succession.propose`, by territory): the
    procedures' competence on that day, and the territory keyed by unit id, with ``ward_ids``
    the ids of the day's wards by code."""

    at: datetime
    ceasing: frozenset[str]
    competence: Mapping[str, succession.Competence]
    territory: succession.Territory
    ward_ids: Mapping[str, int]


# -- outputs ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Step:
    """One action: an :class:`~motcua.dossiers.choices.Action` value, when, by whom.

    ``params`` by action: ``site`` for an officer's action; ``reason`` (refuse, withdraw,
    stop, extend, request_supplement), ``items`` (request_supplement: (name, originals)
    pairs), ``due_at`` (receive_supplement: the due time once the pause is added),
    ``new_due_at`` (extend), ``assignee`` (assign) and ``to`` (handover) as actor names,
    ``outcome`` and ``note`` (complete), ``recipient_name`` and ``recipient_id_number``
    (deliver); ``scans`` (the first step: every component digitised with the sample scan)
    and ``electronic`` (complete: the sample electronic result), present only when true.
    The first step creates the dossier: ``receive`` or ``refuse`` at the counter,
    ``submit`` online.
    """

    action: str
    at: datetime
    actor: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DossierPlan:
    day: date
    index: int  # 1… in order of submission within the day
    site: str
    channel: str
    procedure: str
    version: int
    agency: str  # the competent agency the catalogue's rule gives
    applicant: people.Applicant
    applicant_ward: str
    object_ward: str
    outside_area: bool  # the object's ward is not in the receiving site's area
    return_method: str
    return_site: str  # "" unless the result is returned at a site
    return_address: str
    fee_paid: int
    payment_method: str
    submitted_at: datetime
    deemed_received_at: datetime | None
    original_due_at: datetime | None
    steps: tuple[Step, ...]
    # What the dossier looks like after the steps:
    status: str
    due_at: datetime | None
    timeliness: str
    #: The applicant's rating, complaint or suggestion (:func:`feedback_steps`), in order.
    feedback: tuple[Step, ...] = ()
    #: The agency that took the dossier over from ``agency`` at ``succeeded_at`` (a
    #: reorganization's ``succeed`` step), "" when none did.
    successor: str = ""
    succeeded_at: datetime | None = None

    def agency_at(self, at: datetime) -> str:
        """The competent agency at ``at``: whose staff act then."""
        if self.successor and self.succeeded_at is not None and at >= self.succeeded_at:
            return self.successor
        return self.agency


# -- the day ------------------------------------------------------------------------------------


def plan_day(
    *,
    day: date,
    seed: int,
    scale: float,
    sites: Iterable[SiteSpec],
    procedures: Iterable[ProcedureSpec],
    wards: Iterable[WardSpec],
    calendar: WorkCalendar,
    regime: RegimeSpec | None,
    now: datetime | None = None,
    succession: SuccessionSpec | None = None,
) -> list[DossierPlan]:
    """Plan every dossier submitted on ``day``, sorted by submission time.

    Counter arrivals (in person, post) are drawn per operating site, online ones over the
    wards that a site serves that day. Nothing is planned without a regime, and every step
    after ``now`` is cut (a dossier submitted after ``now`` is left out). A dossier still in
    flight at an agency that ceases (``succession``) is handed to its successor then
    (:func:`succeed`); the draws do not change.
    """
    if regime is None:
        return []
    rng = random.Random(f"{seed}:{day.isoformat()}")  # noqa: S311 — a simulation, not secrets
    ctx = _Context(day, calendar, regime, sites, procedures, wards, now)
    draws: list[tuple[str, str, int]] = []
    for site in ctx.sites:
        for _ in range(poisson(rng, model.site_rate(site.kind, day, calendar, scale))):
            draws.append(("counter", site.code, rng.getrandbits(64)))
    covered = [w for w in ctx.wards if w.point_site or w.branch_site]
    if covered:
        expected = model.online_intake(day, calendar, scale) * len(covered) / len(ctx.wards)
        for _ in range(poisson(rng, expected)):
            draws.append(("online", rng.choice(covered).code, rng.getrandbits(64)))
    plans = [p for p in (_dossier(ctx, *draw) for draw in draws) if p is not None]
    plans.sort(key=lambda p: p.submitted_at)
    result = []
    for index, plan in enumerate(plans, 1):
        plan = succeed(replace(plan, index=index), succession, now=now)
        feedback = feedback_steps(
            plan, seed=seed, now=now, calendar=ctx.calendar_of(ctx.site[plan.site])
        )
        result.append(replace(plan, feedback=feedback) if feedback else plan)
    return result


def succeed(plan: DossierPlan, spec: SuccessionSpec | None, *, now: datetime | None) -> DossierPlan:
    """``plan`` with a ``succeed`` step at ``spec.at`` when its agency ceases then and the
    dossier is still in flight (received before, not finished, the switch not after ``now``);
    the steps after it are the successor's. Status, due time and timeliness do not change."""
    if (
        spec is None
        or plan.agency not in spec.ceasing
        or plan.submitted_at >= spec.at
        or (now is not None and now < spec.at)
        or any(s.action in _OVER and s.at < spec.at for s in plan.steps)
    ):
        return plan
    (proposal,) = succession.propose(
        [
            succession.InFlight(
                code="",
                procedure=plan.procedure,
                object_unit=spec.ward_ids.get(plan.object_ward),
                applicant_unit=spec.ward_ids.get(plan.applicant_ward),
            )  # fmt: skip
        ],
        decision=succession.Decision(),
        competence=spec.competence,
        territory=spec.territory,
    )
    if proposal.successor is None:
        return plan
    step = Step(_SUCCEED, spec.at, SYSTEM, {"to": proposal.successor, "basis": proposal.basis})
    before = tuple(s for s in plan.steps if s.at < spec.at)
    after = tuple(s for s in plan.steps if s.at >= spec.at)
    return replace(
        plan, steps=(*before, step, *after), successor=proposal.successor,
        succeeded_at=spec.at,
    )  # fmt: skip


#: What the applicant does after (or about) the dossier, as a feedback step's action, and the
#: office's handling of a complaint or suggestion.
RATE, COMPLAIN, SUGGEST, HANDLE = "rate", "complain", "suggest", "handle"
#: The office's steps on a complaint, in order.
HANDLING_STEPS = (ComplaintAction.ACCEPT.value, ComplaintAction.ANSWER.value,
                  ComplaintAction.PUBLISH.value)  # fmt: skip


def feedback_steps(
    plan: DossierPlan, *, seed: int, now: datetime | None, calendar: WorkCalendar
) -> tuple[Step, ...]:
    """The applicant's rating, complaint and suggestion about ``plan``'s dossier
    (:data:`model.FEEDBACK`) and the office's handling of the last two
    (:data:`model.HANDLING`, on ``calendar``, the receiving site's), those before ``now``, in
    order of time.

    Drawn from streams of their own, ``Random(f"{seed}:{day}:feedback:{index}")`` and
    ``…:handling:{index}``, so that they leave every other draw, hence the rest of the plan,
    unchanged. ``params`` by action: ``rate``: ``level``, ``criteria`` (nine scores or
    ``None``), ``comment``; ``complain`` (about the dossier) and ``suggest`` (to its receiving
    site, ``site``): ``kind``, ``subject``, ``content``; ``handle`` (by the receiving site's
    officer): ``kind`` (which of the two), ``step`` (accept, answer, publish), ``answer``,
    ``site``.
    """
    tz = calendar.tz
    rng = random.Random(f"{seed}:{plan.day.isoformat()}:feedback:{plan.index}")  # noqa: S311
    odds, steps = model.FEEDBACK, []
    rates, complains, suggests = rng.random(), rng.random(), rng.random()
    delivered = next((s for s in plan.steps if s.action == _DELIVER), None)
    if delivered is not None and plan.timeliness in model.RATING_LEVELS and rates < odds.rate:
        at = delivered.at + timedelta(seconds=rng.randrange(600, odds.rate_within_days * 86400))
        level = _pick(rng, model.RATING_LEVELS[plan.timeliness])
        criteria = None
        if rng.random() < odds.survey:
            criteria = tuple(_survey_score(rng, level) for _ in range(9))
        comment = rng.choice(model.RATING_COMMENTS) if rng.random() < odds.comment else ""
        steps.append(
            Step(RATE, at, CITIZEN, {"level": level, "criteria": criteria, "comment": comment})
        )
    late = plan.timeliness == "late"
    if complains < (odds.complain_late if late else odds.complain):
        if late:
            subject, content = rng.choice(model.COMPLAINTS_LATE)
            at = _citizen_time(rng, plan.due_at, odds.complain_within_days, tz)
        else:
            subject, content = rng.choice(model.COMPLAINTS)
            at = _citizen_time(rng, plan.submitted_at, odds.other_within_days, tz)
        steps.append(
            Step(COMPLAIN, at, CITIZEN, {"kind": "complaint", "subject": subject,
                                         "content": content})
        )  # fmt: skip
    if suggests < odds.suggest:
        subject, content = rng.choice(model.SUGGESTIONS)
        at = _citizen_time(rng, plan.submitted_at, odds.other_within_days, tz)
        steps.append(
            Step(SUGGEST, at, CITIZEN, {"kind": "suggestion", "subject": subject,
                                        "content": content, "site": plan.site})
        )  # fmt: skip
    handling = random.Random(f"{seed}:{plan.day.isoformat()}:handling:{plan.index}")  # noqa: S311
    for sent in [s for s in steps if s.action in (COMPLAIN, SUGGEST)]:
        steps += handling_steps(sent, site=plan.site, calendar=calendar, rng=handling)
    return tuple(sorted((s for s in steps if now is None or s.at <= now), key=lambda s: s.at))


def handling_steps(
    sent: Step, *, site: str, calendar: WorkCalendar, rng: random.Random
) -> list[Step]:
    """The office's steps on the complaint or suggestion ``sent`` (:data:`model.HANDLING`):
    accept, answer, publish, by the officer of ``site``, in working time on ``calendar``."""
    odds, clock, kind = model.HANDLING, _Clock(calendar, rng), sent.params["kind"]
    accepted = clock.after(sent.at, clock.minutes(odds.accept))
    late = rng.random() < odds.answer_late_share
    answered = clock.after(accepted, clock.minutes(odds.answer_late if late else odds.answer))
    late = rng.random() < odds.publish_late_share
    published = clock.after(answered, clock.minutes(odds.publish_late if late else odds.publish))
    answer = model.ANSWERS[sent.params["subject"]]
    return [
        Step(HANDLE, at, OFFICER, {"kind": kind, "step": step, "answer": answer, "site": site})
        for step, at in zip(HANDLING_STEPS, (accepted, answered, published), strict=True)
    ]


def _survey_score(rng: random.Random, level: str) -> int:
    """A criterion's score: the level's own, or one step either side (:data:`SURVEY_SPREAD`)."""
    score = model.SURVEY_SCORES[level]
    if rng.random() < model.SURVEY_SPREAD:
        score += rng.choice((-1, 1))
    return min(2, max(0, score))


def _citizen_time(rng: random.Random, after: datetime, within_days: int, tz) -> datetime:
    """A moment of an online filing (:data:`model.ONLINE_HOURS`) on one of the ``within_days``
    days after ``after``, and at least an hour after it."""
    day = after.astimezone(tz).date() + timedelta(days=rng.randrange(within_days + 1))
    moment = _online_time(rng, day, tz)
    if moment < after + timedelta(hours=1):
        moment = after + timedelta(hours=1, seconds=rng.randrange(3 * 3600))
    return moment


def poisson(rng: random.Random, expected: float) -> int:
    """A Poisson draw (Knuth below 30, a rounded normal above)."""
    if expected <= 0:
        return 0
    if expected >= 30:
        return max(0, round(rng.gauss(expected, math.sqrt(expected))))
    limit, product, count = math.exp(-expected), rng.random(), 0
    while product > limit:
        product *= rng.random()
        count += 1
    return count


# -- one dossier --------------------------------------------------------------------------------


class _Context:
    """The day's reference data, indexed once, and the tables drawn from."""

    def __init__(self, day, calendar, regime, sites, procedures, wards, now):
        self.day, self.calendar, self.regime, self.now = day, calendar, regime, now
        self.sites = sorted(sites, key=lambda s: s.code)
        self.site = {s.code: s for s in self.sites}
        self.home = {s.code: frozenset(s.home_wards) for s in self.sites}
        self.home_list = {s.code: tuple(sorted(s.home_wards)) for s in self.sites}
        self.wards = sorted(wards, key=lambda w: w.code)
        self.ward = {w.code: w for w in self.wards}
        self.procedures = sorted(procedures, key=lambda p: p.code)
        self.boundary_free = model.boundary_free_share(day)
        self.post_share = model.POST_SHARE / max(1e-9, 1.0 - model.online_share(day))
        self._tables: dict[tuple[str, bool], tuple[list[ProcedureSpec], list[float]]] = {}
        self._calendars: dict[tuple, WorkCalendar] = {}

    def calendar_of(self, site: SiteSpec) -> WorkCalendar:
        hours = tuple(site.office_hours)
        if hours == self.calendar.office_hours:
            return self.calendar
        if hours not in self._calendars:
            self._calendars[hours] = replace(self.calendar, office_hours=hours)
        return self._calendars[hours]

    def table(self, area: str, online: bool) -> tuple[list[ProcedureSpec], list[float]]:
        """Procedures and cumulative weights: the area's sector mix, then popularity."""
        key = (area, online)
        if key not in self._tables:
            eligible = [p for p in self.procedures if p.online or not online]
            mix = model.SECTOR_MIX[area]
            in_sector: dict[str, float] = {}
            for p in eligible:
                in_sector[p.sector] = in_sector.get(p.sector, 0.0) + _popularity(p)
            cumulative, total = [], 0.0
            for p in eligible:
                share = mix.get(p.sector, model.OTHER_SECTOR_WEIGHT)
                total += share * _popularity(p) / in_sector[p.sector]
                cumulative.append(total)
            self._tables[key] = (eligible, cumulative)
        return self._tables[key]

    def pick_procedure(self, rng, area: str, online: bool) -> ProcedureSpec | None:
        procedures, cumulative = self.table(area, online)
        if not procedures:
            return None
        return rng.choices(procedures, cum_weights=cumulative)[0]

    def other_ward(self, rng, home: frozenset[str]) -> WardSpec | None:
        """A ward of the city outside ``home``, or ``None`` when every ward is home."""
        if len(home) >= len(self.wards):
            return None
        for _ in range(50):
            ward = rng.choice(self.wards)
            if ward.code not in home:
                return ward
        return None


def _popularity(procedure: ProcedureSpec) -> float:
    return model.PROCEDURE_WEIGHT.get(procedure.code, 1.0)


def _agency(procedure: ProcedureSpec, ward: WardSpec) -> str | None:
    """The competent agency by the catalogue's rule (``catalog.selectors.competent_agency_for``)."""
    if procedure.competence_rule == FIXED:
        return procedure.agency
    if procedure.competence_rule == COMMUNE_COMMITTEE:
        return ward.committee
    if procedure.competence_rule == DISTRICT_COMMITTEE:
        return ward.district_committee
    return None


def _dossier(ctx: _Context, source: str, key: str, bits: int) -> DossierPlan | None:
    rng = random.Random(bits)  # noqa: S311 — a simulation, not secrets
    day = ctx.day
    if source == "counter":
        site = ctx.site[key]
        channel = _POST if rng.random() < ctx.post_share else _IN_PERSON
        procedure = ctx.pick_procedure(rng, site.area, online=False)
        if procedure is None:
            return None
        home = ctx.home[site.code]
        outside = procedure.boundary_free and (not home or rng.random() < ctx.boundary_free)
        ward = ctx.other_ward(rng, home) if outside else None
        if ward is None:
            if not home:
                return None
            outside = False
            ward = ctx.ward.get(rng.choice(ctx.home_list[site.code]))
            if ward is None:
                return None
        applicant_ward = ward
        if rng.random() < model.APPLICANT_ELSEWHERE:
            applicant_ward = rng.choice(ctx.wards)
        submitted = _counter_time(rng, day, ctx.calendar_of(site))
    else:
        applicant_ward = ctx.ward[key]
        procedure = ctx.pick_procedure(rng, applicant_ward.area, online=True)
        if procedure is None:
            return None
        first, second = applicant_ward.point_site, applicant_ward.branch_site
        if procedure.competence_rule == FIXED:
            first, second = second, first
        site = ctx.site.get(first or second or "")
        if site is None:
            return None
        channel = _ONLINE
        ward, outside = applicant_ward, False
        if procedure.boundary_free and rng.random() < ctx.boundary_free:
            other = ctx.other_ward(rng, ctx.home[site.code])
            if other is not None:
                ward, outside = other, True
        if not outside and ward.code not in ctx.home[site.code]:
            outside = True
        submitted = _online_time(rng, day, ctx.calendar.tz)
    if submitted is None or (ctx.now is not None and submitted > ctx.now):
        return None
    agency = _agency(procedure, ward)
    if agency is None:
        return None
    applicant = people.applicant(rng, day=day, ward_name=applicant_ward.name, channel=channel)
    return_method, return_site = _return(rng, ctx, channel, site)
    # The files (model.scan_share, model.electronic_result_share): every upload online; at
    # the counter a share of receipts scans the components; a result returned online is
    # electronic, a share of the others too.
    scans = channel == _ONLINE or _share_draw(bits, _SCAN_SALT) < model.scan_share(day)
    electronic = return_method == _ONLINE_RETURN or (
        _share_draw(bits, _RESULT_SALT) < model.electronic_result_share(day)
    )
    return _timeline(
        rng,
        ctx,
        site=site,
        channel=channel,
        procedure=procedure,
        agency=agency,
        applicant=applicant,
        applicant_ward=applicant_ward.code,
        object_ward=ward.code,
        outside=outside,
        return_method=return_method,
        return_site=return_site,
        submitted=submitted,
        scans=scans,
        electronic=electronic,
    )


def _share_draw(bits: int, salt: int) -> float:
    """A uniform draw in [0, 1) from a dossier's 64 random bits and a ``salt``, apart from the
    dossier's own ``Random`` stream (SplitMix64's finaliser): a new draw that leaves every
    existing draw of the dossier as it was, for the cost of a few multiplications."""
    z = (bits + salt) & _MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
    return ((z ^ (z >> 31)) >> 11) / 9007199254740992.0  # 2**53


def _counter_time(rng, day: date, calendar: WorkCalendar) -> datetime | None:
    """An arrival at the counter: an hour by :data:`model.COUNTER_HOURS`, inside office hours."""
    slots, weights = _counter_slots(day, calendar)
    if not slots:
        return None
    lo, hi = rng.choices(slots, weights=weights)[0]
    return lo + timedelta(seconds=int(rng.random() * (hi - lo).total_seconds()))


@lru_cache(maxsize=64)
def _counter_slots(day: date, calendar: WorkCalendar) -> tuple[list, list[float]]:
    """The hours of ``day`` a counter arrival can fall in, and their weights."""
    periods = calendar.periods(day)
    if not periods:
        return [], []
    slots: list[tuple[datetime, datetime, float]] = []
    for hour, weight in model.COUNTER_HOURS.items():
        start = calendar.at(day, time(hour))
        end = start + timedelta(hours=1)
        for period_start, period_end in periods:
            lo, hi = max(start, period_start), min(end, period_end)
            if hi > lo:
                slots.append((lo, hi, weight * (hi - lo) / timedelta(hours=1)))
    if not slots:
        slots = [(lo, hi, (hi - lo) / timedelta(hours=1)) for lo, hi in periods]
    return [(lo, hi) for lo, hi, _ in slots], [w for _, _, w in slots]


def _online_time(rng, day: date, tz) -> datetime:
    hour = rng.choices(range(24), weights=model.ONLINE_HOURS)[0]
    return datetime.combine(day, time(hour), tzinfo=tz) + timedelta(seconds=rng.randrange(3600))


def _return(rng, ctx: _Context, channel: str, site: SiteSpec) -> tuple[str, str]:
    mix = model.RETURN_MIX[channel]
    choice = rng.choices(list(mix), weights=list(mix.values()))[0]
    if choice == "site":
        return _AT_SITE, site.code
    if choice == "other_site":
        return _AT_SITE, rng.choice(ctx.sites).code
    return choice, ""


def _pick(rng, mix: Mapping[str, float]) -> str:
    return rng.choices(list(mix), weights=list(mix.values()))[0]


# -- the timeline -------------------------------------------------------------------------------


class _Clock:
    """Working-time arithmetic on one site's calendar, with draws in working time."""

    def __init__(self, calendar: WorkCalendar, rng: random.Random):
        self.calendar, self.rng = calendar, rng
        self.index, self.tz = calendar.index, calendar.tz

    def after(self, start: datetime, seconds: float) -> datetime:
        seconds = int(max(0, seconds))
        if self.index is None or not seconds:
            return add_working_time(start, timedelta(seconds=seconds), self.calendar)
        # add_working_time's own path, without its checks: plans hold aware instants only.
        return self.index.add(start.astimezone(self.tz), timedelta(seconds=seconds))

    def between(self, start: datetime, end: datetime) -> timedelta:
        if end <= start:
            return _ZERO
        if self.index is None:
            return working_time_between(start, end, self.calendar)
        return self.index.between(start.astimezone(self.tz), end.astimezone(self.tz))

    def within(self, start: datetime, end: datetime) -> datetime | None:
        """A time drawn uniformly in working time from ``start`` to ``end``; ``None`` if empty."""
        span = self.between(start, end).total_seconds()
        if span < 1:
            return None
        return self.after(start, self.rng.random() * span)

    def minutes(self, bounds: tuple[int, int]) -> float:
        return self.rng.uniform(*bounds) * 60

    def last_instant_before(self, moment: datetime) -> datetime | None:
        """The closing of the last working day before ``moment``'s date."""
        day = self.calendar.local(moment).date() - timedelta(days=1)
        for _ in range(60):
            if self.calendar.is_working_day(day):
                return self.calendar.at(day, self.calendar.closing)
            day -= timedelta(days=1)
        return None

    def opening_of(self, moment: datetime) -> datetime:
        local = self.calendar.local(moment)
        return self.calendar.at(local.date(), self.calendar.opening)


def paper_transfer_due(submitted: datetime, calendar: WorkCalendar, cutoff: time) -> datetime:
    """As ``lifecycle._transfer_due`` for paper: the same working day before the cut-off, else
    by the end of the next working day's first period (§2.3)."""
    local = calendar.local(submitted)
    if calendar.is_working_day(local.date()) and local.time() < cutoff:
        return calendar.closing_of(local.date())
    return calendar.periods(calendar.next_working_day(local.date()))[0][1]


def _timeline(
    rng: random.Random,
    ctx: _Context,
    *,
    site: SiteSpec,
    channel: str,
    procedure: ProcedureSpec,
    agency: str,
    applicant: people.Applicant,
    applicant_ward: str,
    object_ward: str,
    outside: bool,
    return_method: str,
    return_site: str,
    submitted: datetime,
    scans: bool,
    electronic: bool,
) -> DossierPlan | None:
    calendar = ctx.calendar_of(site)
    clock = _Clock(calendar, rng)
    regime, odds, delays = ctx.regime, model.OUTCOMES, model.DELAYS
    officer = {"site": site.code}
    cutoff = procedure.cutoff or regime.cutoff
    fate = rng.random()
    refused = fate < odds.refuse
    withdrawn = not refused and fate < odds.refuse + odds.withdraw
    stopped = (
        regime.has_stop_notice
        and not (refused or withdrawn)
        and fate < odds.refuse + odds.withdraw + odds.stop
    )
    online = channel == _ONLINE
    deemed = due = original_due = None
    if online or not refused:
        deemed = deemed_receipt(submitted, calendar, cutoff)
        due = original_due = due_at(
            deemed, procedure.time_limit, procedure.time_limit_unit, calendar
        )
    fee = procedure.fee if procedure.fee and not refused else 0
    payment = _pick(rng, model.PAYMENT_MIX[channel]) if fee else ""
    steps: list[Step] = []

    def plan(status_steps: list[Step]) -> DossierPlan | None:
        return _finish_plan(
            ctx, calendar, status_steps, day=ctx.day, site=site, channel=channel,
            procedure=procedure, agency=agency, applicant=applicant,
            applicant_ward=applicant_ward, object_ward=object_ward, outside=outside,
            return_method=return_method, return_site=return_site, fee=fee, payment=payment,
            submitted=submitted, deemed=deemed, original_due=original_due,
        )  # fmt: skip

    refusal = {"reason": rng.choice(model.REFUSAL_REASONS)}
    finish = _finish_class(rng, odds)
    if online:
        steps.append(Step(_SUBMIT, submitted, CITIZEN, _SCANNED if scans else {}))
        # Checking takes at most a third of the time to the due time (a same-day procedure is
        # checked at once), unless this check is late; a late check makes a late dossier
        # only when the finish was drawn late or the limit leaves room for it.
        room = clock.between(submitted, due).total_seconds()
        checked = clock.after(submitted, max(300, min(clock.minutes(delays.check), room / 3)))
        if rng.random() < odds.late_check:
            late = clock.after(submitted, clock.minutes(delays.check_late))
            if finish == LATE or clock.between(late, due) > _ROOM:
                checked = late
        if refused:
            steps.append(Step(_REFUSE, checked, OFFICER, {**officer, **refusal}))
            return plan(steps)
        steps.append(Step(_RECEIVE, checked, OFFICER, officer))
        transferred = clock.after(checked, clock.minutes(delays.transfer_online))
    else:
        if refused:
            return plan([Step(_REFUSE, submitted, OFFICER, {**officer, **refusal})])
        received = {**officer, **_SCANNED} if scans else officer
        steps.append(Step(_RECEIVE, submitted, OFFICER, received))
        transfer_due = paper_transfer_due(submitted, calendar, cutoff)
        room = clock.between(submitted, transfer_due).total_seconds()
        transferred = clock.after(submitted, max(60, min(clock.minutes(delays.transfer), room)))
        if rng.random() < odds.late_transfer:
            late = clock.after(transfer_due, clock.minutes(delays.transfer_late))
            if finish == LATE or clock.between(late, due) > _ROOM:
                transferred = late
    steps.append(Step(_TRANSFER, transferred, OFFICER, officer))
    # The agency's first moves take a bounded share of the time left, so that a same-day
    # procedure can still finish on time.
    room = clock.between(transferred, due).total_seconds()
    accepted = clock.after(transferred, max(60, min(clock.minutes(delays.accept), 0.15 * room)))
    steps.append(Step(_ACCEPT, accepted, SPECIALIST))
    roles = [ROLE_ACTOR.get(r, SPECIALIST) for r in procedure.agency_roles] or [SPECIALIST]
    room = clock.between(accepted, due).total_seconds()
    assigned = clock.after(accepted, max(30, min(clock.minutes(delays.assign), 0.05 * room)))
    steps.append(Step(_ASSIGN, assigned, LEADER, {"assignee": roles[0]}))
    cursor = assigned

    if regime.max_supplements >= 1 and rng.random() < odds.supplement:
        room = clock.between(cursor, due).total_seconds()
        if room > 20 * 60:
            asked = clock.after(cursor, rng.uniform(0.05, 0.5) * room)
            back = clock.after(asked, clock.minutes(delays.supplement_back))
            due = extend_for_pause(due, asked, back, calendar)
            reason, item = rng.choice(model.SUPPLEMENTS)
            steps.append(
                Step(_REQUEST_SUPPLEMENT, asked, SPECIALIST,
                     {"reason": reason, "items": ((item, 1),)})
            )  # fmt: skip
            steps.append(Step(_RECEIVE_SUPPLEMENT, back, OFFICER, {**officer, "due_at": due}))
            cursor = back

    handovers = len(roles) - 1
    earliest = clock.after(cursor, 60 * (handovers + 1))
    finished, extension = _finish_time(rng, clock, regime, finish, cursor, earliest, due)
    if extension is not None:
        steps.append(extension)
    span = clock.between(cursor, finished).total_seconds()
    for i in range(1, handovers + 1):
        at = clock.after(cursor, span * i / (handovers + 1))
        steps.append(Step(_HANDOVER, at, roles[i - 1], {"to": roles[i]}))
    rejected = rng.random() < odds.reject
    steps.append(
        Step(_COMPLETE, finished, roles[-1], {
            "outcome": _REJECTED if rejected else _GRANTED,
            "note": rng.choice(model.REJECTION_NOTES) if rejected else "",
            **(_ELECTRONIC if electronic else {}),
        })
    )  # fmt: skip
    if rng.random() < odds.deliver:
        bounds = {
            ReturnMethod.SITE: delays.deliver_site,
            ReturnMethod.ONLINE: delays.deliver_online,
            ReturnMethod.POST: delays.deliver_post,
        }[return_method]
        delivered = clock.after(finished, clock.minutes(bounds))
        steps.append(
            Step(_DELIVER, delivered, OFFICER, {
                "site": return_site or site.code,
                "recipient_name": applicant.name,
                "recipient_id_number": applicant.id_number,
            })
        )  # fmt: skip
    steps.sort(key=lambda s: s.at)

    if withdrawn or stopped:
        start = steps[0].at if withdrawn else accepted
        moment = clock.within(clock.after(start, 60), finished)
        if moment is not None:
            steps = [s for s in steps if s.at < moment]
            if withdrawn:
                reason = rng.choice(model.WITHDRAWAL_REASONS)
                steps.append(Step(_WITHDRAW, moment, OFFICER, {**officer, "reason": reason}))
            else:
                steps.append(
                    Step(_STOP, moment, LEADER, {"reason": rng.choice(model.STOP_REASONS)})
                )
    return plan(steps)


def _finish_class(rng: random.Random, odds: model.Outcomes) -> str:
    draw = rng.random()
    if draw < odds.extend:
        return EXTENDED
    if draw < odds.extend + odds.late:
        return LATE
    if draw < odds.extend + odds.late + odds.early:
        return EARLY
    return ON_TIME


def _finish_time(
    rng: random.Random,
    clock: _Clock,
    regime: RegimeSpec,
    finish: str,
    cursor: datetime,
    earliest: datetime,
    due: datetime,
) -> tuple[datetime, Step | None]:
    """When the result is signed, in the window of the ``finish`` drawn, and the apology that
    goes with a finish after the first due time (an extension). A window too small for the
    draw falls back: an impossible extension is late, an impossible early finish (a same-day
    procedure) is on time, an impossible on-time finish is late."""
    delays = model.DELAYS
    if finish == EXTENDED and regime.max_extensions >= 1:
        lead = regime.apology_lead_hours * 3600
        start = clock.after(cursor, 30)
        room = clock.between(start, due).total_seconds() - lead
        if room > 60:
            apology = clock.after(start, rng.random() * room)
            days = rng.randint(*delays.extension_days)
            new_due = clock.after(due, days * clock.calendar.day_length.total_seconds())
            finished = clock.within(max(due, earliest), new_due) or new_due
            reason = rng.choice(model.EXTENSION_REASONS)
            step = Step(_EXTEND, apology, LEADER, {"new_due_at": new_due, "reason": reason})
            return finished, step
    if finish in (EXTENDED, LATE):
        return clock.after(max(due, earliest), clock.minutes(delays.late_by)), None
    if finish == EARLY:
        before = clock.last_instant_before(due)
        finished = clock.within(earliest, before) if before is not None else None
        if finished is not None:
            return finished, None
    finished = clock.within(max(earliest, clock.opening_of(due)), due)
    if finished is not None:
        return finished, None
    return clock.after(max(due, earliest), clock.minutes(delays.late_by)), None


#: The status each action leaves; ``None``: unchanged; receive_supplement: where it paused.
RESULT_STATUS: dict[str, str | None] = {
    Action.SUBMIT: Status.SUBMITTED,
    Action.RECEIVE: Status.RECEIVED,
    Action.REFUSE: Status.REFUSED,
    Action.TRANSFER: Status.TRANSFERRED,
    Action.ACCEPT: Status.IN_PROGRESS,
    Action.ASSIGN: None,
    Action.HANDOVER: None,
    Action.REQUEST_SUPPLEMENT: Status.AWAITING_SUPPLEMENT,
    Action.EXTEND: None,
    Action.COMPLETE: Status.RESULT_READY,
    Action.DELIVER: Status.DELIVERED,
    Action.WITHDRAW: Status.WITHDRAWN,
    Action.STOP: Status.STOPPED,
}


def replay_status(steps: Iterable[Step]) -> list[str]:
    """The status after each step, as the services would set it."""
    statuses, status, paused = [], "", ""
    for step in steps:
        if step.action == Action.REQUEST_SUPPLEMENT:
            paused = status
        if step.action == Action.RECEIVE_SUPPLEMENT:
            status = paused or Status.IN_PROGRESS
        elif RESULT_STATUS.get(step.action) is not None:
            status = RESULT_STATUS[step.action]
        statuses.append(status)
    return statuses


def _finish_plan(
    ctx: _Context,
    calendar: WorkCalendar,
    steps: list[Step],
    *,
    day: date,
    site: SiteSpec,
    channel: str,
    procedure: ProcedureSpec,
    agency: str,
    applicant: people.Applicant,
    applicant_ward: str,
    object_ward: str,
    outside: bool,
    return_method: str,
    return_site: str,
    fee: int,
    payment: str,
    submitted: datetime,
    deemed: datetime | None,
    original_due: datetime | None,
) -> DossierPlan | None:
    """Cut the steps at ``now`` and record the state they leave."""
    if ctx.now is not None:
        steps = [s for s in steps if s.at <= ctx.now]
    if not steps:
        return None
    current_due, timeliness = original_due, ""
    for step in steps:
        if step.action == Action.RECEIVE_SUPPLEMENT:
            current_due = step.params["due_at"]
        elif step.action == Action.EXTEND:
            current_due = step.params["new_due_at"]
        elif step.action in (Action.COMPLETE, Action.STOP) and current_due is not None:
            timeliness = grade(step.at, current_due, calendar).value
    return DossierPlan(
        day=day,
        index=0,
        site=site.code,
        channel=str(channel),
        procedure=procedure.code,
        version=procedure.version,
        agency=agency,
        applicant=applicant,
        applicant_ward=applicant_ward,
        object_ward=object_ward,
        outside_area=outside,
        return_method=str(return_method),
        return_site=return_site if return_method == ReturnMethod.SITE else "",
        return_address=applicant.address if return_method == ReturnMethod.POST else "",
        fee_paid=fee,
        payment_method=payment,
        submitted_at=submitted,
        deemed_received_at=deemed,
        original_due_at=original_due,
        steps=tuple(steps),
        status=str(replay_status(steps)[-1]),
        due_at=current_due,
        timeliness=timeliness,
    )
