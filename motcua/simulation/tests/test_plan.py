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


# -- every figure documented in model.py --------------------------------------------------------


def _hanoi_hour(moment) -> int:
    return moment.astimezone(HANOI).hour


def test_counter_arrivals_follow_the_hour_profile(plans):
    hours = Counter(_hanoi_hour(p.submitted_at) for p in counter(plans))
    weight = sum(model.COUNTER_HOURS.values())
    for hour, factor in model.COUNTER_HOURS.items():
        assert hours[hour] / hours.total() == pytest.approx(factor / weight, abs=0.015), hour


def test_online_filings_follow_the_hour_profile(plans):
    hours = Counter(_hanoi_hour(p.submitted_at) for p in plans if p.channel == "online")
    weight = sum(model.ONLINE_HOURS)
    for hour, factor in enumerate(model.ONLINE_HOURS):
        assert hours[hour] / hours.total() == pytest.approx(factor / weight, abs=0.012), hour


def test_each_weekday_takes_its_factor_of_the_volume():
    days = [date(2026, 10, 5) + timedelta(weeks=w, days=d) for w in range(4) for d in range(5)]
    by_weekday = Counter()
    for day in days:
        by_weekday[day.weekday()] += len(plan(day, scale=0.03))
    for weekday in range(5):
        assert by_weekday[weekday] / by_weekday[2] == pytest.approx(
            model.WEEKDAY_FACTOR[weekday] / model.WEEKDAY_FACTOR[2], abs=0.06
        ), weekday


def test_december_takes_more_than_an_ordinary_month():
    december = [date(2026, 12, 7) + timedelta(days=n) for n in range(5)]
    ordinary = [date(2026, 11, 9) + timedelta(days=n) for n in range(5)]
    ratio = sum(len(plan(d, scale=0.05)) for d in december) / sum(
        len(plan(d, scale=0.05)) for d in ordinary
    )
    assert ratio == pytest.approx(model.DECEMBER_FACTOR, abs=0.06)


def test_counter_intake_is_split_between_kinds_of_site_by_their_shares(plans):
    kind = {s.code: s.kind for s in synthetic.sites()}
    kinds = Counter(kind[p.site] for p in counter(plans))
    for site_kind, part in model.KIND_SHARE.items():
        assert kinds[site_kind] / kinds.total() == pytest.approx(part, abs=0.02), site_kind


def test_the_online_share_rises_through_the_two_years():
    shares = [
        share(plan(day, scale=0.05), lambda p: p.channel == "online")
        for day in (date(2025, 3, 5), date(2025, 11, 12), date(2026, 6, 10), date(2026, 12, 9))
    ]
    assert shares == sorted(shares)
    assert shares[-1] - shares[0] == pytest.approx(
        model.online_share(date(2026, 12, 9)) - model.online_share(date(2025, 3, 5)), abs=0.05
    )


@pytest.mark.parametrize("day", [date(2025, 3, 5), date(2026, 11, 18)])
def test_components_are_digitised_at_receipt_and_results_kept_electronically_as_modelled(day):
    plans = plan(day, scale=0.1)
    online = [p for p in plans if p.channel == "online"]
    assert all(p.steps[0].params.get("scans") for p in online)  # every upload
    received = [p for p in counter(plans) if p.steps[0].action == Action.RECEIVE]
    assert share(received, lambda p: p.steps[0].params.get("scans")) == pytest.approx(
        model.scan_share(day), abs=0.03
    )
    refused = [p for p in counter(plans) if p.steps[0].action == Action.REFUSE]
    assert refused and not any(p.steps[0].params.get("scans") for p in refused)
    completed = [p for p in plans if step(p, Action.COMPLETE)]
    by_return = {
        how: [p for p in completed if (p.return_method == "online") == how] for how in (1, 0)
    }
    assert all(step(p, Action.COMPLETE).params.get("electronic") for p in by_return[1])
    electronic = share(by_return[0], lambda p: step(p, Action.COMPLETE).params.get("electronic"))
    assert electronic == pytest.approx(model.electronic_result_share(day), abs=0.03)


def test_popular_procedures_weigh_more_within_their_sector(plans):
    inner = {s.code for s in synthetic.sites() if s.area == "inner"}
    copies = [
        p for p in counter(plans) if p.site in inner and p.procedure in ("2.000815", "2.001019")
    ]
    weight = model.PROCEDURE_WEIGHT["2.000815"]
    assert share(copies, lambda p: p.procedure == "2.000815") == pytest.approx(
        weight / (weight + 1), abs=0.04
    )


def test_some_applicants_live_in_another_ward_than_the_object(plans):
    assert share(counter(plans), lambda p: p.applicant_ward != p.object_ward) == pytest.approx(
        model.APPLICANT_ELSEWHERE, abs=0.02
    )


@pytest.mark.parametrize("channel", ["in_person", "post", "online"])
def test_results_return_by_the_mix_of_the_channel(plans, channel):
    of_channel = [p for p in plans if p.channel == channel]
    mix = model.RETURN_MIX[channel]
    tolerance = 0.03 if len(of_channel) > 1000 else 0.08
    elsewhere = share(of_channel, lambda p: p.return_method == "site" and p.return_site != p.site)
    assert elsewhere == pytest.approx(mix.get("other_site", 0), abs=tolerance)
    methods = Counter(p.return_method for p in of_channel)
    for method in ("post", "online"):
        assert methods[method] / len(of_channel) == pytest.approx(mix.get(method, 0), abs=tolerance)


@pytest.mark.parametrize("channel", ["in_person", "post", "online"])
def test_fees_are_paid_by_the_mix_of_the_channel(plans, channel):
    methods = Counter(p.payment_method for p in plans if p.channel == channel and p.fee_paid)
    assert methods
    for method, part in model.PAYMENT_MIX[channel].items():
        assert methods[method] / methods.total() == pytest.approx(part, abs=0.06)


def test_a_few_completed_dossiers_are_rejected_with_a_reason(plans):
    completed = [step(p, Action.COMPLETE) for p in plans if step(p, Action.COMPLETE)]
    rejected = [s for s in completed if s.params["outcome"] == "rejected"]
    assert len(rejected) / len(completed) == pytest.approx(model.OUTCOMES.reject, abs=0.008)
    assert all(s.params["note"] in model.REJECTION_NOTES for s in rejected)


def test_late_transfers_and_checks_stay_within_their_rates(plans):
    from motcua.simulation.plan import paper_transfer_due
    from motcua.worktime.rules import add_working_time

    calendar, by_code = synthetic.calendar(), {p.code: p for p in synthetic.PROCEDURES}
    transfers, late_transfers, checks, late_checks = 0, 0, 0, 0
    for p in plans:
        first = p.steps[1] if len(p.steps) > 1 else None
        if p.channel == "online" and first is not None:
            checks += 1
            due = add_working_time(p.deemed_received_at, timedelta(hours=8), calendar)
            late_checks += first.at > due
        moved = step(p, Action.TRANSFER)
        if p.channel != "online" and moved is not None:
            cutoff = by_code[p.procedure].cutoff or synthetic.REGIME_2025.cutoff
            transfers += 1
            late_transfers += moved.at > paper_transfer_due(p.submitted_at, calendar, cutoff)
    assert 0 < late_transfers / transfers <= model.OUTCOMES.late_transfer + 0.01
    assert 0 < late_checks / checks <= model.OUTCOMES.late_check + 0.01


def test_delays_stay_within_their_documented_bounds(plans):
    from motcua.worktime.rules import working_time_between

    calendar, delays = synthetic.calendar(), model.DELAYS
    minutes = {"site": delays.deliver_site, "online": delays.deliver_online,
               "post": delays.deliver_post}  # fmt: skip
    for p in plans:
        asked, back = step(p, Action.REQUEST_SUPPLEMENT), step(p, Action.RECEIVE_SUPPLEMENT)
        if asked and back:
            waited = working_time_between(asked.at, back.at, calendar) / timedelta(minutes=1)
            low, high = delays.supplement_back
            assert low - 1 <= waited <= high + 1
        done, delivered = step(p, Action.COMPLETE), step(p, Action.DELIVER)
        if done and delivered:
            waited = working_time_between(done.at, delivered.at, calendar) / timedelta(minutes=1)
            low, high = minutes[p.return_method]
            assert low - 1 <= waited <= high + 1


def test_no_stop_is_planned_under_a_regime_without_a_notice_of_stopping():
    plans = plan(WEEK[0], scale=0.2, regime=synthetic.REGIME_2018)
    assert plans and not any(step(p, Action.STOP) for p in plans)


# -- ratings, complaints and suggestions --------------------------------------------------------


def feedback(p, action):
    return next((s for s in p.feedback if s.action == action), None)


def test_a_share_of_delivered_dossiers_is_rated_by_timeliness(plans):
    delivered = [p for p in plans if p.status == Status.DELIVERED]
    rated = [p for p in delivered if feedback(p, "rate")]
    assert len(rated) / len(delivered) == pytest.approx(model.FEEDBACK.rate, abs=0.02)
    assert all(p.status == Status.DELIVERED for p in plans if feedback(p, "rate"))
    for timeliness in ("early", "late"):
        levels = Counter(feedback(p, "rate").params["level"] for p in rated
                         if p.timeliness == timeliness)  # fmt: skip
        tolerance = 0.03 if timeliness == "early" else 0.15
        for level, part in model.RATING_LEVELS[timeliness].items():
            assert levels[level] / levels.total() == pytest.approx(part, abs=tolerance), level


def test_some_raters_answer_the_survey_with_scores_that_follow_their_level(plans):
    ratings = [feedback(p, "rate").params for p in plans if feedback(p, "rate")]
    surveys = [r for r in ratings if r["criteria"] is not None]
    assert len(surveys) / len(ratings) == pytest.approx(model.FEEDBACK.survey, abs=0.03)
    for level, score in model.SURVEY_SCORES.items():
        answers = [a for r in surveys if r["level"] == level for a in r["criteria"]]
        assert len(answers) % 9 == 0 and set(answers) <= {0, 1, 2}
        assert sum(a == score for a in answers) / len(answers) >= 1 - model.SURVEY_SPREAD - 0.03
    commented = sum(bool(r["comment"]) for r in ratings) / len(ratings)
    assert commented == pytest.approx(model.FEEDBACK.comment, abs=0.02)


def test_late_dossiers_draw_more_complaints_than_the_others(plans):
    late = [p for p in plans if p.timeliness == "late"]
    others = [p for p in plans if p.timeliness != "late"]
    assert share(late, lambda p: feedback(p, "complain")) == pytest.approx(
        model.FEEDBACK.complain_late, abs=0.035
    )
    assert share(others, lambda p: feedback(p, "complain")) == pytest.approx(
        model.FEEDBACK.complain, abs=0.0015
    )
    assert share(plans, lambda p: feedback(p, "suggest")) == pytest.approx(
        model.FEEDBACK.suggest, abs=0.0015
    )
    for p in plans:
        suggestion = feedback(p, "suggest")
        if suggestion is not None:
            assert suggestion.params["site"] == p.site
            assert suggestion.params["kind"] == "suggestion"


def test_feedback_comes_after_what_it_is_about_and_in_order(plans):
    days = timedelta(days=1)
    for p in plans:
        times = [s.at for s in p.feedback]
        assert times == sorted(times)
        rating, complaint = feedback(p, "rate"), feedback(p, "complain")
        if rating is not None:
            delivered = step(p, Action.DELIVER).at
            assert delivered < rating.at <= delivered + model.FEEDBACK.rate_within_days * days
        if complaint is not None:
            anchor = p.due_at if p.timeliness == "late" else p.submitted_at
            within = (model.FEEDBACK.complain_within_days if p.timeliness == "late"
                      else model.FEEDBACK.other_within_days)  # fmt: skip
            assert anchor < complaint.at <= anchor + (within + 1) * days


def test_feedback_after_now_is_cut_and_leaves_the_rest_of_the_plan_alone(week, monkeypatch):
    now = datetime(2026, 10, 16, 11, 0, tzinfo=HANOI)
    cut = plan(WEEK[0], now=now)
    assert all(s.at <= now for p in cut for s in p.feedback)
    full = {p.index: p for p in week[WEEK[0]]}
    assert any(len(p.feedback) < len(full[p.index].feedback) for p in cut)
    from motcua.simulation import plan as planning

    monkeypatch.setattr(planning, "feedback_steps", lambda *args, **kwargs: ())
    without = plan(WEEK[0])
    assert [replace(p, feedback=()) for p in week[WEEK[0]]] == without


def test_the_office_handles_complaints_mostly_within_the_deadlines():
    import random

    from motcua.feedback.rules import complaint_deadlines, publish_due
    from motcua.simulation.plan import COMPLAIN, HANDLE, Step, handling_steps
    from motcua.worktime.rules import working_time_between

    calendar, rng = synthetic.network()["calendar"], random.Random(3)
    odds, minute = model.HANDLING, timedelta(minutes=1)
    late_answers = late_publications = 0
    runs = 4000
    for n in range(runs):
        sent_at = datetime(2026, 10, 12, 7, tzinfo=HANOI) + timedelta(minutes=37 * n)
        subject = "Hồ sơ trễ hẹn"
        sent = Step(COMPLAIN, sent_at, CITIZEN, {"kind": "complaint", "subject": subject})
        accept, answer, publish = handling_steps(sent, site="S1", calendar=calendar, rng=rng)
        assert answer.params["answer"] == model.ANSWERS[subject]
        assert [s.params["step"] for s in (accept, answer, publish)] == [
            "accept", "answer", "publish",
        ]  # fmt: skip
        assert all(s.action == HANDLE and s.actor == OFFICER for s in (accept, answer, publish))
        assert sent_at < accept.at < answer.at < publish.at
        waited = working_time_between(sent_at, accept.at, calendar)
        assert odds.accept[0] * minute <= waited + minute and waited <= odds.accept[1] * minute
        late_answers += answer.at > complaint_deadlines(sent_at, calendar).answer_due_at
        late_publications += publish.at > publish_due(answer.at, calendar)
    assert late_answers / runs == pytest.approx(odds.answer_late_share, abs=0.015)
    assert late_publications / runs == pytest.approx(odds.publish_late_share, abs=0.01)


def test_every_complaint_and_suggestion_of_a_week_is_handled_after_it_arrives(plans):
    handled = 0
    for p in plans:
        for sent in [s for s in p.feedback if s.action in ("complain", "suggest")]:
            kind = sent.params["kind"]
            steps = [s for s in p.feedback if s.action == "handle" and s.params["kind"] == kind]
            assert [s.params["step"] for s in steps] == ["accept", "answer", "publish"]
            assert sent.at < steps[0].at and steps[0].params["site"] == p.site
            handled += 1
    assert handled > 30
    # Every subject a citizen may send has its answer.
    sent = model.COMPLAINTS_LATE + model.COMPLAINTS + model.SUGGESTIONS
    assert {subject for subject, _ in sent} == set(model.ANSWERS)
