"""The services path on the real Hanoi data: dossiers as real ones, resumable by day."""

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from motcua.dossiers.audit import chain_breaks
from motcua.dossiers.codes import parse_code
from motcua.dossiers.models import Dossier, DossierEvent, NotificationLog
from motcua.dossiers.rules import IN_FLIGHT
from motcua.dossiers.services import lifecycle
from motcua.organization.choices import Role
from motcua.organization.models import Assignment
from motcua.simulation import services
from motcua.simulation.models import SimulatedDay
from motcua.simulation.plan import plan_day
from motcua.simulation.selectors import reference_on, simulation_missing, simulation_summary
from motcua.simulation.services import (
    PlanMismatch,
    simulate_day,
    simulation_demo_load,
    simulation_run,
    simulation_staff_ensure,
)
from motcua.worktime.rules import HANOI

pytestmark = pytest.mark.django_db

SCALE = Decimal("0.003")
MONDAY = date(2026, 3, 2)


def run(start=MONDAY, end=MONDAY + timedelta(days=2), scale=SCALE, seed=11):
    return simulation_run(start=start, end=end, scale=scale, seed=seed)


def test_a_run_writes_dossiers_whose_status_matches_their_events(hanoi_data, clock):
    result = run()
    dossiers = list(Dossier.objects.select_related("receiving_site"))
    assert len(dossiers) == result.dossiers > 50
    assert sum(SimulatedDay.objects.values_list("dossiers", flat=True)) == result.dossiers
    events: dict[int, list[DossierEvent]] = {}
    for event in DossierEvent.objects.order_by("dossier_id", "seq"):
        events.setdefault(event.dossier_id, []).append(event)
    for dossier in dossiers:
        trail = events[dossier.pk]
        assert trail[0].action in ("receive", "submit", "refuse")
        assert trail[-1].to_status == dossier.status
        assert [e.at for e in trail] == sorted(e.at for e in trail)
        code = parse_code(dossier.code)
        assert code.unit_id == dossier.receiving_site.unit_id
        assert code.day == dossier.submitted_at.astimezone(HANOI).date()
        assert MONDAY <= code.day <= MONDAY + timedelta(days=2)
    statuses = {d.status for d in dossiers}
    assert {"in_progress", "result_ready", "delivered"} <= statuses
    assert {"online", "in_person"} <= {d.channel for d in dossiers}
    assert any(d.outside_territory for d in dossiers)
    assert list(chain_breaks()) == []


def test_codes_number_each_site_day_in_order_of_submission(hanoi_data, clock):
    run(end=MONDAY)
    by_unit: dict[str, list] = {}
    for dossier in Dossier.objects.order_by("code"):
        by_unit.setdefault(dossier.code.split("-")[0], []).append(dossier)
    for rows in by_unit.values():
        assert [parse_code(d.code).sequence for d in rows] == list(range(1, len(rows) + 1))
        assert [d.submitted_at for d in rows] == sorted(d.submitted_at for d in rows)


def test_the_run_matches_its_plans(hanoi_data, clock):
    result = run(end=MONDAY)
    reference = reference_on(day=MONDAY)
    plans = plan_day(
        day=MONDAY, seed=11, scale=float(SCALE), sites=reference.sites,
        procedures=reference.procedures, wards=reference.wards,
        calendar=services.simulation_calendar(MONDAY, MONDAY), regime=reference.regime,
        now=result.until,
    )  # fmt: skip
    rows = {
        (d.submitted_at, d.applicant_id_number): d
        for d in Dossier.objects.select_related("receiving_site", "competent_agency")
    }
    assert len(rows) == len(plans)
    for p in plans:
        dossier = rows[(p.submitted_at, p.applicant.id_number)]
        assert (dossier.receiving_site.code, dossier.competent_agency.code) == (p.site, p.agency)
        assert (dossier.status, dossier.due_at, dossier.timeliness) == (
            p.status, p.due_at, p.timeliness,
        )  # fmt: skip
        assert dossier.events.count() == len(p.steps)


def test_a_second_run_skips_the_days_already_done(hanoi_data, clock):
    first = run()
    again = run()
    assert again.days_skipped == 3 and again.days_done == 0 and again.dossiers == 0
    assert Dossier.objects.count() == first.dossiers
    longer = run(end=MONDAY + timedelta(days=3))
    assert longer.days_skipped == 3 and longer.days_done == 1


def test_another_seed_or_scale_is_another_history(hanoi_data, clock):
    run(end=MONDAY)
    assert run(end=MONDAY, seed=12).days_done == 1
    assert run(end=MONDAY, scale=Decimal("0.002")).days_done == 1
    assert SimulatedDay.objects.count() == 3


def test_an_error_in_the_middle_of_a_day_leaves_no_dossier_of_that_day(
    hanoi_data, clock, monkeypatch
):
    run(end=MONDAY)
    kept = Dossier.objects.count()
    real, calls = lifecycle.dossier_complete, []

    def failing(**kwargs):
        calls.append(kwargs["code"])
        if len(calls) == 3:
            raise RuntimeError("the power went out")
        return real(**kwargs)

    monkeypatch.setattr(lifecycle, "dossier_complete", failing)
    with pytest.raises(RuntimeError, match="power"):
        run(end=MONDAY + timedelta(days=1))
    assert len(calls) == 3
    assert Dossier.objects.count() == kept
    assert not SimulatedDay.objects.filter(day=MONDAY + timedelta(days=1)).exists()
    monkeypatch.setattr(lifecycle, "dossier_complete", real)
    assert run(end=MONDAY + timedelta(days=1)).days_done == 1
    assert list(chain_breaks()) == []


def test_a_plan_the_services_disagree_with_is_refused_and_nothing_is_written(hanoi_data, clock):
    reference = reference_on(day=MONDAY)
    plans = plan_day(
        day=MONDAY, seed=11, scale=float(SCALE), sites=reference.sites,
        procedures=reference.procedures, wards=reference.wards,
        calendar=services.simulation_calendar(MONDAY, MONDAY), regime=reference.regime,
    )  # fmt: skip
    wrong = [*plans[:3], replace(plans[3], original_due_at=plans[3].submitted_at)]
    staff = simulation_staff_ensure(sites={p.site for p in wrong} | {"CN01"},
                                    agencies={p.agency for p in wrong})  # fmt: skip
    with pytest.raises(PlanMismatch):
        simulate_day(day=MONDAY, plan=wrong, staff=staff, seed=1, scale=SCALE,
                     until=plans[-1].submitted_at)  # fmt: skip
    assert not Dossier.objects.exists() and not SimulatedDay.objects.exists()


def test_staff_accounts_are_created_once_with_their_posts(hanoi_data, clock):
    staff = simulation_staff_ensure(sites=["CN01", "DPV-00103"], agencies=["SO-TP"])
    again = simulation_staff_ensure(sites=["CN01"], agencies=["SO-TP"])
    assert again.users["sim.cn01"] == staff.users["sim.cn01"]
    users = get_user_model().objects.filter(username__startswith="sim.")
    assert sorted(users.values_list("username", flat=True)) == [
        "sim.cn01", "sim.dpv-00103", "sim.so-tp.cv", "sim.so-tp.ld",
    ]  # fmt: skip
    posts = {
        (a.user.username, a.role, a.valid_from, a.valid_to)
        for a in Assignment.objects.select_related("user")
    }
    assert ("sim.cn01", Role.RECEIVING_OFFICER, date(2025, 1, 1), None) in posts
    assert ("sim.so-tp.ld", Role.AGENCY_LEADER, date(2025, 1, 1), None) in posts
    assert all(u.staff_profile.full_name for u in users)


def test_applicants_are_not_notified_of_simulated_history(
    hanoi_data, clock, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        run(end=MONDAY)
    assert callbacks == []
    assert not NotificationLog.objects.exists()


def test_the_switch_to_two_tier_government_is_simulated_on_both_sides(hanoi_data, clock):
    run(start=date(2025, 6, 30), end=date(2025, 7, 1), scale=Decimal("0.002"))
    before = Dossier.objects.filter(submitted_at__date__lte=date(2025, 6, 30))
    after = Dossier.objects.filter(submitted_at__date__gte=date(2025, 7, 1))
    assert before.exists() and after.exists()
    assert set(before.values_list("regime__code", flat=True)) == {"2018"}
    assert set(after.values_list("regime__code", flat=True)) == {"2025"}
    assert not before.filter(receiving_site__kind="commune_point").exists()
    # A dossier received before keeps its agency unless a district committee still held it on
    # 01/07/2025: then the successor took it over, with one event (docs/decisions/0008).
    moved = before.filter(events__action="succeed")
    assert moved.exists()
    assert (
        not before.exclude(pk__in=moved).filter(competent_agency__code__endswith="-2025").exists()
    )
    assert not moved.exclude(competent_agency__kind="commune_committee").exists()
    assert not Dossier.objects.filter(
        competent_agency__kind="district_committee", status__in=IN_FLIGHT
    ).exists()
    assert not after.filter(competent_agency__kind="district_committee").exists()
    assert list(chain_breaks()) == []


def test_the_first_pilot_weeks_only_know_the_two_pilot_branches(hanoi_data, clock):
    run(start=date(2025, 1, 6), end=date(2025, 1, 7), scale=Decimal("0.01"))
    sites = set(Dossier.objects.values_list("receiving_site__code", flat=True))
    assert sites and sites <= {"CN01", "CN02"}


def test_the_demo_load_covers_recent_weeks_once(hanoi_data, clock, monkeypatch):
    monkeypatch.setattr(services, "DEMO_DAYS", 3)
    result = simulation_demo_load()
    assert (result.start, result.end) == (date(2026, 3, 7), date(2026, 3, 9))
    assert result.days_done == 3 and result.dossiers > 0
    assert simulation_demo_load().days_skipped == 3


def test_a_summary_counts_the_dossiers_of_the_period(hanoi_data, clock):
    result = run(end=MONDAY)
    summary = simulation_summary(start=MONDAY, end=MONDAY)
    assert summary.total == result.dossiers
    dossiers = Dossier.objects.all()
    for table, field in (
        (summary.by_status, "status"),
        (summary.by_channel, "channel"),
        (summary.by_site_kind, "receiving_site__kind"),
        (summary.by_timeliness, "timeliness"),  # "-": not finished
    ):
        assert sum(n for _, n in table) == summary.total
        assert dict(table) == {
            key: dossiers.filter(**{field: "" if key == "-" else key}).count() for key, _ in table
        }, field
    assert summary.outside == dossiers.filter(outside_territory=True).count()
    assert 0 < summary.outside_share < 1


def test_missing_reference_data_is_named(db):
    assert len(simulation_missing()) == 4
