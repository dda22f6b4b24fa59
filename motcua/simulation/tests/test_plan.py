"""The plan of a day (pure): deterministic, distributed as the model says, and within the
rules a real dossier obeys."""

from collections import Counter
from dataclasses import replace
from datetime import date, datetime, time, timedelta

import pytest

from motcua.dossiers.choices import Action, Status
from motcua.dossiers.rules import allowed, grade
from motcua.simulation import model
from motcua.simulation.plan import (
    CITIZEN,
    OFFICER,
    WardSpec,
    plan_day,
    replay_status,
)
from motcua.simulation.tests import synthetic
from motcua.worktime.rules import HANOI, deemed_receipt, due_at

WEEK = [date(2026, 10, 12) + timedelta(days=n) for n in range(5)]  # Monday to Friday


def plan(day, *, seed=1, scale=0.1, **overrides):
    return plan_day(day=day, seed=seed, scale=scale, **{**synthetic.network(), **overrides})


@pytest.fixture(scope="module")
def week():
    """About 10,000 dossiers of an ordinary working week of October 2026, nothing cut."""
    return {day: plan(day) for day in WEEK}


@pytest.fixture(scope="module")
def plans(week):
    return [p for day in WEEK for p in week[day]]


def counter(plans):
    return [p for p in plans if p.channel != "online"]


def step(p, action):
    return next((s for s in p.steps if s.action == action), None)


def share(items, predicate):
    items = list(items)
    return sum(1 for i in items if predicate(i)) / len(items)


# -- determinism --------------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_plans():
    assert plan(WEEK[0], seed=7, scale=0.02) == plan(WEEK[0], seed=7, scale=0.02)


def test_another_seed_gives_other_plans():
    first, second = plan(WEEK[0], seed=7, scale=0.02), plan(WEEK[0], seed=8, scale=0.02)
    assert [p.submitted_at for p in first] != [p.submitted_at for p in second]


def test_each_day_is_planned_independently_of_the_others():
    alone = plan(WEEK[2], seed=3, scale=0.02)
    for day in WEEK:
        plan(day, seed=3, scale=0.02)
    assert plan(WEEK[2], seed=3, scale=0.02) == alone
    assert plan(WEEK[3], seed=3, scale=0.02) != alone


def test_the_order_of_the_reference_data_does_not_matter():
    net = synthetic.network()
    shuffled = {**net, "sites": tuple(reversed(net["sites"])),
                "wards": tuple(reversed(net["wards"]))}  # fmt: skip
    assert plan_day(day=WEEK[1], seed=2, scale=0.02, **shuffled) == plan(
        WEEK[1], seed=2, scale=0.02
    )


def test_plans_are_numbered_in_order_of_submission(week):
    day = week[WEEK[0]]
    assert [p.index for p in day] == list(range(1, len(day) + 1))
    assert [p.submitted_at for p in day] == sorted(p.submitted_at for p in day)


# -- volumes and arrivals -----------------------------------------------------------------------


def test_volume_follows_the_scale(week):
    for day in WEEK:
        expected = model.expected_intake(day, synthetic.calendar(), 0.1)
        assert len(week[day]) == pytest.approx(expected, rel=0.05)


def test_monday_takes_more_than_friday_by_the_weekday_factors(week):
    ratio = len(week[WEEK[0]]) / len(week[WEEK[4]])
    assert ratio == pytest.approx(model.WEEKDAY_FACTOR[0] / model.WEEKDAY_FACTOR[4], abs=0.1)


def test_counter_arrivals_peak_mid_morning_and_mid_afternoon_inside_office_hours(plans):
    hours = Counter(p.submitted_at.astimezone(HANOI).hour for p in counter(plans))
    assert set(hours) <= {8, 9, 10, 11, 13, 14, 15, 16}
    assert max((8, 9, 10, 11), key=hours.__getitem__) in (9, 10)
    assert max((13, 14, 15, 16), key=hours.__getitem__) in (14, 15)


def test_online_filing_runs_day_and_night_with_a_daytime_bias(plans):
    hours = [p.submitted_at.astimezone(HANOI).hour for p in plans if p.channel == "online"]
    assert any(h < 6 for h in hours) and any(h >= 20 for h in hours)
    assert share(hours, lambda h: 8 <= h < 17) > 0.5


def test_a_weekend_or_holiday_has_online_filings_only_at_a_fraction_of_a_working_day():
    saturday, national_day, wednesday = date(2026, 8, 29), date(2026, 9, 2), date(2026, 9, 9)
    working = sum(p.channel == "online" for p in plan(wednesday, scale=0.2))
    for day in (saturday, national_day):
        plans = plan(day, scale=0.2)
        assert plans and all(p.channel == "online" for p in plans)
        assert len(plans) / working == pytest.approx(0.15, abs=0.04)


def test_the_working_saturday_of_a_swap_is_a_working_day():
    swap = date(2026, 8, 22)  # in the holidays package's weekend_workdays
    assert synthetic.calendar().is_working_day(swap)
    assert any(p.channel != "online" for p in plan(swap, scale=0.05))


@pytest.mark.parametrize("day", [date(2025, 3, 5), date(2026, 11, 18)])
def test_online_share_follows_the_model_at_two_dates(day):
    plans = plan(day, scale=0.1)
    assert share(plans, lambda p: p.channel == "online") == pytest.approx(
        model.online_share(day), abs=0.03
    )
    assert share(plans, lambda p: p.channel == "post") == pytest.approx(model.POST_SHARE, abs=0.01)


def test_the_weeks_before_tet_take_more_than_an_ordinary_week():
    before = [date(2026, 1, 26) + timedelta(days=n) for n in range(5)]
    ordinary = [date(2026, 3, 9) + timedelta(days=n) for n in range(5)]
    ratio = sum(len(plan(d, scale=0.02)) for d in before) / sum(
        len(plan(d, scale=0.02)) for d in ordinary
    )
    assert ratio == pytest.approx(model.PRE_TET_FACTOR, abs=0.12)


def test_outer_branches_are_land_heavy_and_inner_ones_are_not():
    sites = tuple(s for s in synthetic.sites() if s.code in ("CN07", "CN12"))
    uncovered = tuple(replace(w, point_site=None, branch_site=None) for w in synthetic.wards())
    plans = [p for day in WEEK[:3] for p in plan(day, scale=2.0, sites=sites, wards=uncovered)]
    land = {p.code for p in synthetic.PROCEDURES if p.sector == model.LAND_SECTOR}
    outer = [p for p in plans if p.site == "CN07"]
    inner = [p for p in plans if p.site == "CN12"]
    assert len(outer) > 500 and len(inner) > 500
    assert share(outer, lambda p: p.procedure in land) == pytest.approx(0.70, abs=0.05)
    assert share(inner, lambda p: p.procedure in land) == pytest.approx(0.15, abs=0.05)


def test_a_fifth_of_counter_dossiers_concern_a_ward_outside_the_site_area(plans):
    sites = {s.code: s for s in synthetic.sites()}
    at_counter = counter(plans)
    assert share(at_counter, lambda p: p.outside_area) == pytest.approx(0.20, abs=0.03)
    for p in at_counter:
        assert p.outside_area == (p.object_ward not in sites[p.site].home_wards)


def test_before_july_2025_few_dossiers_are_boundary_free():
    plans = counter(plan(date(2025, 5, 14), scale=0.2, regime=synthetic.REGIME_2018))
    assert share(plans, lambda p: p.outside_area) == pytest.approx(0.05, abs=0.03)


def test_online_dossiers_go_to_the_site_of_the_applicant_ward(plans):
    wards = {w.code: w for w in synthetic.wards()}
    fixed = {p.code for p in synthetic.PROCEDURES if p.competence_rule == "fixed"}
    for p in plans:
        if p.channel == "online":
            ward = wards[p.applicant_ward]
            assert p.site == (ward.branch_site if p.procedure in fixed else ward.point_site)


def test_the_competent_agency_follows_the_catalogue_rule(plans):
    wards = {w.code: w for w in synthetic.wards()}
    by_code = {p.code: p for p in synthetic.PROCEDURES}
    for p in plans:
        spec = by_code[p.procedure]
        ward = wards[p.object_ward]
        assert p.agency == (spec.agency if spec.competence_rule == "fixed" else ward.committee)


def test_an_uncovered_ward_files_nothing_online():
    lonely = WardSpec(code="99999", name="Xã Xa", area="outer", committee="UBND-X-99999")
    plans = plan(WEEK[0], scale=0.05, wards=(*synthetic.wards(), lonely))
    assert all(p.applicant_ward != "99999" for p in plans if p.channel == "online")


def test_nothing_is_planned_without_a_regime():
    assert plan(WEEK[0], regime=None) == []


# -- outcomes -----------------------------------------------------------------------------------


def test_outcome_rates_follow_the_model(plans):
    odds = model.OUTCOMES
    statuses = Counter(p.status for p in plans)
    assert statuses[Status.REFUSED] / len(plans) == pytest.approx(odds.refuse, abs=0.005)
    assert statuses[Status.WITHDRAWN] / len(plans) == pytest.approx(odds.withdraw, abs=0.004)
    assert statuses[Status.STOPPED] / len(plans) == pytest.approx(odds.stop, abs=0.003)
    received = [p for p in plans if p.status != Status.REFUSED]
    asked = share(received, lambda p: step(p, Action.REQUEST_SUPPLEMENT))
    assert asked == pytest.approx(odds.supplement, abs=0.012)
    assert all(sum(s.action == Action.REQUEST_SUPPLEMENT for s in p.steps) <= 1 for p in plans)


def test_finishes_are_early_on_time_or_late_in_the_model_shares(plans):
    completed = [p for p in plans if step(p, Action.COMPLETE)]
    assert share(completed, lambda p: p.timeliness == "late") == pytest.approx(
        model.OUTCOMES.late, abs=0.015
    )
    multi_day = [p for p in completed if p.original_due_at.date() > p.deemed_received_at.date()]
    assert share(multi_day, lambda p: p.timeliness == "early") == pytest.approx(
        model.OUTCOMES.early, abs=0.05
    )
    extended = share(multi_day, lambda p: step(p, Action.EXTEND))
    assert extended == pytest.approx(model.OUTCOMES.extend, abs=0.012)
    delivered = share(completed, lambda p: p.status == Status.DELIVERED)
    assert delivered == pytest.approx(model.OUTCOMES.deliver, abs=0.02)


def test_timeliness_is_graded_against_the_due_time_the_steps_leave(plans):
    calendar = synthetic.calendar()
    for p in plans:
        done = step(p, Action.COMPLETE) or step(p, Action.STOP)
        if done is None:
            assert p.timeliness == ""
            continue
        assert p.timeliness == grade(done.at, p.due_at, calendar)
        extension = step(p, Action.EXTEND)
        if p.timeliness == "late":
            assert done.at > p.due_at
        if extension is not None and done.action == Action.COMPLETE:
            assert done.at <= extension.params["new_due_at"]


def test_an_apology_comes_a_working_day_before_the_due_time_and_moves_it_later(plans):
    calendar = synthetic.calendar()
    from motcua.worktime.rules import working_time_between

    extended = [p for p in plans if step(p, Action.EXTEND)]
    assert extended
    for p in extended:
        apology = step(p, Action.EXTEND)
        before = [s for s in p.steps if s.at <= apology.at]
        back = step(p, Action.RECEIVE_SUPPLEMENT)
        due = back.params["due_at"] if back in before else p.original_due_at
        assert working_time_between(apology.at, due, calendar) >= timedelta(hours=8)
        assert apology.params["new_due_at"] > due
        assert p.due_at == apology.params["new_due_at"]


# -- rules --------------------------------------------------------------------------------------


def _in_office_hours(moment, calendar):
    local = moment.astimezone(HANOI)
    return any(start <= local <= end for start, end in calendar.periods(local.date()))


def test_plans_respect_the_state_machine_and_office_hours(plans):
    calendar = synthetic.calendar()
    for p in plans:
        first = p.steps[0]
        assert first.at == p.submitted_at
        assert first.action in (Action.RECEIVE, Action.REFUSE, Action.SUBMIT)
        assert (first.action == Action.SUBMIT) == (p.channel == "online")
        times = [s.at for s in p.steps]
        assert times == sorted(times)
        statuses = replay_status(p.steps)
        for before, s in zip(["", *statuses], p.steps, strict=False):
            if s is not first:
                assert allowed(s.action, before), (p, s.action, before)
        assert statuses[-1] == p.status
        for s in p.steps:
            if s.actor == CITIZEN:
                continue
            assert _in_office_hours(s.at, calendar), (s.action, s.at)
            if s.actor == OFFICER:
                assert "site" in s.params


def test_no_counter_arrival_outside_office_hours_or_on_a_day_off():
    calendar = synthetic.calendar()
    for day in [date(2026, 8, 29) + timedelta(days=n) for n in range(8)]:  # incl. 2/9
        for p in plan(day, scale=0.05):
            if p.channel != "online":
                assert calendar.is_working_day(day)
                assert _in_office_hours(p.submitted_at, calendar)


def test_due_times_are_the_worktime_rules_from_the_deemed_receipt(plans):
    calendar = synthetic.calendar()
    by_code = {p.code: p for p in synthetic.PROCEDURES}
    for p in plans:
        if p.deemed_received_at is None:
            assert p.status == Status.REFUSED and p.channel != "online"
            continue
        spec = by_code[p.procedure]
        deemed = deemed_receipt(p.submitted_at, calendar, spec.cutoff or time(15))
        assert p.deemed_received_at == deemed
        assert p.original_due_at == due_at(deemed, spec.time_limit, spec.time_limit_unit, calendar)


def test_a_supplement_pauses_the_clock_for_its_working_time(plans):
    from motcua.worktime.rules import extend_for_pause

    calendar = synthetic.calendar()
    for p in plans:
        asked, back = step(p, Action.REQUEST_SUPPLEMENT), step(p, Action.RECEIVE_SUPPLEMENT)
        if asked and back:
            assert back.params["due_at"] == extend_for_pause(
                p.original_due_at, asked.at, back.at, calendar
            )


def test_steps_after_now_are_cut_so_recent_dossiers_are_in_progress(week):
    now = datetime(2026, 10, 16, 11, 0, tzinfo=HANOI)  # Friday morning of the week
    cut = plan(WEEK[4], now=now)
    assert cut and all(s.at <= now for p in cut for s in p.steps)
    assert all(p.submitted_at <= now for p in cut)
    assert Counter(p.status for p in cut)[Status.DELIVERED] == 0
    earlier = plan(WEEK[0], now=now)
    full = {p.index: p for p in week[WEEK[0]]}
    for p in earlier:
        assert p.steps == tuple(s for s in full[p.index].steps if s.at <= now)
