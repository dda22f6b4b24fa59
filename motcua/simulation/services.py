"""Writing a simulated history: the exact path, through the lifecycle services.

Each plan of :mod:`motcua.simulation.plan` is replayed action by action with ``at=``, so a
simulated dossier goes through the same validation, permission checks, deadline arithmetic,
handover rows and audit chain as a real one. A day is one transaction (a chunk): its
dossiers and the :class:`~motcua.simulation.models.SimulatedDay` row that marks it done
commit together, so an interrupted run leaves no half-written day and continues where it
stopped. Slow (a few hundred dossiers a second at best) but exact: for small runs, the demo
and tests. The applicant's rating, complaint or suggestion (``plan.feedback``) goes through
:mod:`motcua.feedback.services` in the same way. :mod:`motcua.simulation.bulk` writes the
same rows from the same plans without the services, for scale.
"""

from __future__ import annotations

import random
import time as monotonic_time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from hashlib import sha256

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from motcua.catalog.selectors import version_in_force
from motcua.core import clock
from motcua.dossiers.choices import Action
from motcua.dossiers.models import Dossier
from motcua.dossiers.notifications import notifications_silenced
from motcua.dossiers.permissions import Actor, actor_for, site_by_code
from motcua.dossiers.services import lifecycle as svc
from motcua.feedback.choices import ComplaintAction
from motcua.feedback.services import (
    complaint_accept,
    complaint_answer,
    complaint_publish,
    complaint_submit,
    rating_submit,
)
from motcua.organization.choices import Role
from motcua.organization.models import Agency, Site
from motcua.organization.services.staff import assignment_create, staff_create
from motcua.simulation import model, people
from motcua.simulation.models import SimulatedDay
from motcua.simulation.plan import (
    CITIZEN,
    COMPLAIN,
    HANDLE,
    LEADER,
    OFFICER,
    RATE,
    SPECIALIST,
    SUGGEST,
    DossierPlan,
    Step,
    plan_day,
)
from motcua.simulation.rows import agency_username, officer_username
from motcua.simulation.samples import RESULT, SAMPLES, SCAN
from motcua.simulation.selectors import reference_on
from motcua.worktime.rules import HANOI
from motcua.worktime.selectors import calendar_for

User = get_user_model()

#: The simulation writes history from the first day of the Center's 2025 plan.
FIRST_DAY = date(2025, 1, 1)
MAX_DAYS = 731  # two years
STAFF_FROM = date(2025, 1, 1)

DEMO_SEED = 2026
DEMO_SCALE = Decimal("0.002")
DEMO_DAYS = 21


class PlanMismatch(RuntimeError):
    """The services made a dossier other than its plan says: the plan's arithmetic and the
    services disagree, and a bulk writer trusting the plan would write wrong rows."""


# -- staff --------------------------------------------------------------------------------------


@dataclass
class SimulationStaff:
    """The generator's accounts: an officer per site, a specialist and a leader per agency."""

    users: dict[str, object] = field(default_factory=dict)

    officer_name = staticmethod(officer_username)
    agency_name = staticmethod(agency_username)

    def user(self, actor: str, *, site: str | None, agency: str):
        if actor == OFFICER:
            return self.users[self.officer_name(site)]
        return self.users[self.agency_name(agency, actor)]


def simulation_staff_ensure(*, sites: Iterable[str], agencies: Iterable[str]) -> SimulationStaff:
    """Create, once, the generator's accounts for ``sites`` and ``agencies`` (codes).

    ``sim.<site code>`` is a receiving officer at the site; ``sim.<agency code>.cv`` and
    ``.ld`` are the agency's specialist and leader; all from 2025-01-01, open-ended, with
    deterministic names, through the staff services. Return every account asked for.
    """
    wanted: dict[str, tuple[str, str]] = {}
    for code in sorted(set(sites)):
        wanted[SimulationStaff.officer_name(code)] = (Role.RECEIVING_OFFICER, code)
    for code in sorted(set(agencies)):
        wanted[SimulationStaff.agency_name(code, SPECIALIST)] = (Role.AGENCY_SPECIALIST, code)
        wanted[SimulationStaff.agency_name(code, LEADER)] = (Role.AGENCY_LEADER, code)
    users = {u.username: u for u in User.objects.filter(username__in=list(wanted))}
    missing = [name for name in wanted if name not in users]
    if missing:
        site_rows = Site.objects.in_bulk(
            [wanted[n][1] for n in missing if wanted[n][0] == Role.RECEIVING_OFFICER],
            field_name="code",
        )
        agency_rows = Agency.objects.in_bulk(
            [wanted[n][1] for n in missing if wanted[n][0] != Role.RECEIVING_OFFICER],
            field_name="code",
        )
        with transaction.atomic():
            for username in missing:
                role, code = wanted[username]
                rng = _random(username)
                user = staff_create(
                    username=username,
                    full_name=people.full_name(rng, rng.choice(("male", "female"))),
                )
                if role == Role.RECEIVING_OFFICER:
                    assignment_create(user=user, role=role, site=site_rows[code],
                                      valid_from=STAFF_FROM)  # fmt: skip
                else:
                    assignment_create(user=user, role=role, agency=agency_rows[code],
                                      valid_from=STAFF_FROM)  # fmt: skip
                users[username] = user
    return SimulationStaff(users=users)


def staff_needed(plans: Iterable[DossierPlan]) -> tuple[set[str], set[str]]:
    """The sites and agencies (codes) whose generator accounts act in ``plans``."""
    plans = list(plans)
    sites = (
        {p.site for p in plans}
        | {p.return_site for p in plans if p.return_site}
        | {s.params["site"] for p in plans for s in p.steps if "site" in s.params}
    )
    return sites, {p.agency for p in plans}


def _random(text: str) -> random.Random:
    return random.Random(text)  # noqa: S311 — deterministic names, not secrets


# -- one day ------------------------------------------------------------------------------------


@transaction.atomic
def simulate_day(
    *,
    day: date,
    plan: list[DossierPlan],
    staff: SimulationStaff,
    seed: int,
    scale: Decimal,
    until: datetime,
) -> SimulatedDay:
    """Replay ``plan`` (the day's dossiers) through the lifecycle services, in one transaction,
    and record the day as done. Any error rolls the whole day back.

    Raise :class:`PlanMismatch` when a dossier differs from its plan (agency, due time, final
    status or timeliness).
    """
    # Its applicants are fictitious, and history is not news.
    with notifications_silenced():
        for dossier_plan in plan:
            _replay(dossier_plan, staff)
    return SimulatedDay.objects.create(
        seed=seed, scale=scale, day=day, dossiers=len(plan), until=until
    )


def _actor(staff: SimulationStaff, plan: DossierPlan, step: Step) -> Actor | None:
    if step.actor == CITIZEN:
        return None
    user = staff.user(step.actor, site=step.params.get("site"), agency=plan.agency)
    return actor_for(user, timezone.localdate(step.at))


def _site(step: Step) -> Site:
    return site_by_code(step.params["site"])


def simulation_samples_store() -> None:
    """Store the sample scan and result (:mod:`~motcua.simulation.samples`) once, through
    the storage API, under the names simulated dossiers reference; a file that differs from
    its sample is replaced."""
    for sample, content in SAMPLES:
        if default_storage.exists(sample.name):
            with default_storage.open(sample.name, "rb") as kept:
                if sha256(kept.read()).hexdigest() == sample.sha256:
                    continue
            default_storage.delete(sample.name)
        name = default_storage.save(sample.name, ContentFile(content))
        if name != sample.name:  # a storage that renames would break every reference
            raise RuntimeError(f"the storage saved {sample.name} as {name}")


def _scanned(plan: DossierPlan, first: Step) -> list[svc.ComponentIn] | None:
    """Every component of the plan's procedure version, with the sample scan, when the plan
    digitises them at receipt (``None``: received as the catalogue lists them)."""
    if not first.params.get("scans"):
        return None
    version = version_in_force(procedure_code=plan.procedure, day=timezone.localdate(first.at))
    return [svc.ComponentIn(order=c.order, file=SCAN) for c in version.components.all()]


def _replay(plan: DossierPlan, staff: SimulationStaff) -> Dossier:
    first, *rest = plan.steps
    applicant = plan.applicant
    dossier, _ = svc.dossier_create(
        actor=_actor(staff, plan, first),
        site=site_by_code(plan.site),
        procedure_code=plan.procedure,
        applicant=svc.ApplicantIn(
            name=applicant.name,
            id_number=applicant.id_number,
            phone=applicant.phone,
            email=applicant.email,
            address=applicant.address,
            unit_code=plan.applicant_ward,
        ),
        channel=plan.channel,
        decision=first.action,
        object_unit_code=plan.object_ward,
        return_method=plan.return_method,
        return_site_code=plan.return_site,
        return_address=plan.return_address,
        fee_paid=plan.fee_paid,
        payment_method=plan.payment_method,
        reason=first.params.get("reason", ""),
        components=_scanned(plan, first),
        at=first.at,
    )
    if dossier.competent_agency.code != plan.agency or dossier.due_at != plan.original_due_at:
        raise PlanMismatch(
            f"{dossier.code}: agency {dossier.competent_agency.code}, due {dossier.due_at}; "
            f"the plan says {plan.agency}, {plan.original_due_at}"
        )
    for step in rest:
        dossier = REPLAY[step.action](dossier.code, step, _actor(staff, plan, step), staff, plan)
    complaints: dict[str, str] = {}  # code by kind
    for step in plan.feedback:
        if step.action == HANDLE:
            complaint = complaints[step.params["kind"]]
            HANDLING_REPLAY[step.params["step"]](complaint, step, _actor(staff, plan, step))
            continue
        made = FEEDBACK_REPLAY[step.action](dossier.code, step, plan)
        if step.action != RATE:
            complaints[step.params["kind"]] = made.code
    if (dossier.status, dossier.due_at, dossier.timeliness) != (
        plan.status,
        plan.due_at,
        plan.timeliness,
    ):
        raise PlanMismatch(
            f"{dossier.code}: {dossier.status}, due {dossier.due_at}, {dossier.timeliness!r}; "
            f"the plan says {plan.status}, {plan.due_at}, {plan.timeliness!r}"
        )
    return dossier


def _username(staff: SimulationStaff, plan: DossierPlan, actor: str) -> str:
    return staff.user(actor, site=None, agency=plan.agency).get_username()


#: How each later action of a plan is replayed: (code, step, actor, staff, plan) → dossier.
REPLAY: dict[str, Callable[..., Dossier]] = {
    Action.RECEIVE: lambda code, s, a, staff, plan: svc.dossier_accept_online(
        actor=a, code=code, site=_site(s), at=s.at
    ),
    Action.REFUSE: lambda code, s, a, staff, plan: svc.dossier_refuse(
        actor=a, code=code, site=_site(s), reason=s.params["reason"], at=s.at
    ),
    Action.TRANSFER: lambda code, s, a, staff, plan: svc.dossier_transfer(
        actor=a, code=code, site=_site(s), at=s.at
    ),
    Action.ACCEPT: lambda code, s, a, staff, plan: svc.dossier_accept(actor=a, code=code, at=s.at),
    Action.ASSIGN: lambda code, s, a, staff, plan: svc.dossier_assign(
        actor=a, code=code, assignee=_username(staff, plan, s.params["assignee"]), at=s.at
    ),
    Action.HANDOVER: lambda code, s, a, staff, plan: svc.dossier_handover(
        actor=a, code=code, to=_username(staff, plan, s.params["to"]), at=s.at
    ),
    Action.REQUEST_SUPPLEMENT: lambda code, s, a, staff, plan: svc.dossier_request_supplement(
        actor=a,
        code=code,
        reason=s.params["reason"],
        items=[svc.SupplementItem(name, originals=n) for name, n in s.params["items"]],
        at=s.at,
    ),
    Action.RECEIVE_SUPPLEMENT: lambda code, s, a, staff, plan: svc.dossier_receive_supplement(
        actor=a, code=code, site=_site(s), at=s.at
    ),
    Action.EXTEND: lambda code, s, a, staff, plan: svc.dossier_extend(
        actor=a, code=code, new_due_at=s.params["new_due_at"], reason=s.params["reason"], at=s.at
    ),
    Action.COMPLETE: lambda code, s, a, staff, plan: svc.dossier_complete(
        actor=a,
        code=code,
        outcome=s.params["outcome"],
        note=s.params["note"],
        result_file=RESULT if s.params.get("electronic") else None,
        at=s.at,
    ),
    Action.DELIVER: lambda code, s, a, staff, plan: svc.dossier_deliver(
        actor=a,
        code=code,
        site=_site(s),
        recipient_name=s.params["recipient_name"],
        recipient_id_number=s.params["recipient_id_number"],
        at=s.at,
    ),
    Action.WITHDRAW: lambda code, s, a, staff, plan: svc.dossier_withdraw(
        actor=a, code=code, site=_site(s), reason=s.params["reason"], at=s.at
    ),
    Action.STOP: lambda code, s, a, staff, plan: svc.dossier_stop(
        actor=a, code=code, reason=s.params["reason"], at=s.at
    ),
}


def _complaint(code: str, step: Step, plan: DossierPlan):
    about = step.action == COMPLAIN
    return complaint_submit(
        kind=step.params["kind"],
        subject=step.params["subject"],
        content=step.params["content"],
        sender_name=plan.applicant.name,
        sender_phone=plan.applicant.phone,
        sender_email=plan.applicant.email,
        dossier_code=code if about else "",
        verifier=plan.applicant.phone[-4:] if about else "",
        site_code=step.params.get("site", ""),
        at=step.at,
    )


#: How the applicant's feedback is replayed: (dossier code, step, plan) → the row written.
FEEDBACK_REPLAY: dict[str, Callable[..., object]] = {
    RATE: lambda code, s, plan: rating_submit(
        dossier_code=code,
        verifier=plan.applicant.phone[-4:],
        level=s.params["level"],
        criteria=list(s.params["criteria"]) if s.params["criteria"] is not None else None,
        comment=s.params["comment"],
        at=s.at,
    ),
    COMPLAIN: _complaint,
    SUGGEST: _complaint,
}
#: How the office's handling of a complaint is replayed: (complaint code, step, actor).
HANDLING_REPLAY: dict[str, Callable[..., object]] = {
    ComplaintAction.ACCEPT: lambda code, s, a: complaint_accept(complaint=code, actor=a, at=s.at),
    ComplaintAction.ANSWER: lambda code, s, a: complaint_answer(
        complaint=code, actor=a, answer=s.params["answer"], at=s.at
    ),
    ComplaintAction.PUBLISH: lambda code, s, a: complaint_publish(complaint=code, actor=a, at=s.at),
}


# -- a run --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DayResult:
    day: date
    dossiers: int
    skipped: bool  # done by an earlier run
    seconds: float


@dataclass
class RunResult:
    start: date
    end: date
    until: datetime
    days: list[DayResult] = field(default_factory=list)

    @property
    def dossiers(self) -> int:
        return sum(d.dossiers for d in self.days if not d.skipped)

    @property
    def days_done(self) -> int:
        return sum(1 for d in self.days if not d.skipped)

    @property
    def days_skipped(self) -> int:
        return sum(1 for d in self.days if d.skipped)


def simulation_until(end: date) -> datetime:
    """The instant a run to ``end`` is cut at: the end of ``end``, or now if earlier."""
    return min(datetime.combine(end + timedelta(days=1), time(0), tzinfo=HANOI), clock.now())


def simulation_calendar(start: date, end: date):
    """The working calendar of a run: the services' continuous one, covering the run."""
    return calendar_for(None, start, end)


def day_plans(*, day: date, seed: int, scale, calendar, until: datetime) -> list:
    """The plans of ``day`` on the network, catalogue and regime in force that day: what both
    paths, the services and the bulk writer, replay."""
    reference = reference_on(day=day)
    return plan_day(
        day=day, seed=seed, scale=float(scale), sites=reference.sites,
        procedures=reference.procedures, wards=reference.wards, calendar=calendar,
        regime=reference.regime, now=until,
    )  # fmt: skip


def simulation_run(
    *,
    start: date,
    end: date,
    scale: Decimal,
    seed: int,
    on_day: Callable[[DayResult], None] | None = None,
) -> RunResult:
    """Simulate every day from ``start`` to ``end`` (inclusive), one transaction per day.

    Days already simulated with this seed and scale are skipped. Actions after
    :func:`simulation_until` are not written. ``on_day`` hears about each day as it is done.
    An exception (or Ctrl-C) rolls back the day being written and propagates; the days
    before it stay committed.
    """
    until = simulation_until(end)
    calendar = simulation_calendar(start, end)
    simulation_samples_store()
    done = set(
        SimulatedDay.objects.filter(
            seed=seed, scale=scale, day__gte=start, day__lte=end
        ).values_list("day", flat=True)
    )
    result = RunResult(start=start, end=end, until=until)
    day = start
    while day <= end:
        began = monotonic_time.monotonic()
        if day in done:
            report = DayResult(day=day, dossiers=0, skipped=True, seconds=0.0)
        else:
            plans = day_plans(day=day, seed=seed, scale=scale, calendar=calendar, until=until)
            sites, agencies = staff_needed(plans)
            staff = simulation_staff_ensure(sites=sites, agencies=agencies)
            simulate_day(day=day, plan=plans, staff=staff, seed=seed, scale=scale, until=until)
            report = DayResult(
                day=day,
                dossiers=len(plans),
                skipped=False,
                seconds=monotonic_time.monotonic() - began,
            )
        result.days.append(report)
        if on_day is not None:
            on_day(report)
        day += timedelta(days=1)
    return result


def expected_weights(start: date, end: date, scale: Decimal) -> dict[date, float]:
    """Expected dossiers of each day of a run, to estimate the time left."""
    calendar = simulation_calendar(start, end)
    weights, day = {}, start
    while day <= end:
        weights[day] = model.expected_intake(day, calendar, float(scale))
        day += timedelta(days=1)
    return weights


def simulation_demo_load(*, on_day: Callable[[DayResult], None] | None = None) -> RunResult:
    """For ``make run``: three weeks of history at a small scale, ending yesterday.

    Idempotent by day: a second call the same day writes nothing; a call on a later day adds
    the days since. Call it after the hand-made demo dossiers, which are skipped once any
    dossier exists.
    """
    end = clock.today() - timedelta(days=1)
    start = max(FIRST_DAY, end - timedelta(days=DEMO_DAYS - 1))
    return simulation_run(start=start, end=end, scale=DEMO_SCALE, seed=DEMO_SEED, on_day=on_day)
