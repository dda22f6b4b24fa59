"""The dashboards' figures, counted by hand on the dataset of ``dataset.py``."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from motcua.dossiers.services import lifecycle as svc
from motcua.dossiers.tests.helpers import actor, advance, justice_procedure, receive
from motcua.organization.models import Site
from motcua.reports import selectors
from motcua.reports.periods import period_for
from motcua.reports.tests.dataset import build
from motcua.worktime.rules import working_time_between
from motcua.worktime.selectors import calendar_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(people, clock):
    return build(people, clock)


def window(key: str, clock) -> dict:
    period = period_for(key, now=clock.moment)
    return {"start": period.start, "end": period.end, "now": clock.moment}


def test_the_dataset_is_what_the_counts_assume(data):
    d = data.dossiers
    assert d["late"].due_at < d["due_soon"].due_at
    assert d["early"].timeliness == d["paused_done"].timeliness == "early"
    assert d["late_done"].timeliness == "late"
    assert d["outside"].outside_territory and not d["today"].outside_territory
    assert d["online"].channel == "online" and d["online"].received_by is not None
    assert d["unchecked"].received_by is None and d["refused"].received_by is None
    assert d["point"].receiving_site == data.point


def test_a_branch_today(data, clock):
    cn01 = Site.objects.get(code="CN01")
    figures = selectors.branch_summary(site=cn01, **window("today", clock))
    assert figures.received_today == 4  # today, the point, outside, online (accepted)
    assert figures.received == 4
    assert figures.online == 1 and figures.outside_territory == 1
    # late, due_soon, waiting, today, point, outside, online
    assert figures.in_progress == 7
    assert figures.due_soon == 1
    assert (figures.late_now, figures.finished_late_today, figures.late) == (1, 1, 2)
    assert figures.awaiting_supplement == 1
    assert (figures.finished, figures.finished_late) == (1, 1)
    assert figures.on_time_rate == Decimal("0.00")
    assert figures.online_share == Decimal("25.00")


def test_a_branch_over_thirty_days(data, clock):
    cn01 = Site.objects.get(code="CN01")
    figures = selectors.branch_summary(site=cn01, **window("30d", clock))
    assert figures.received == 10
    assert (figures.finished, figures.early, figures.on_time, figures.finished_late) == (3, 2, 0, 1)
    assert figures.on_time_rate == Decimal("66.67")
    assert figures.outside_territory_share == Decimal("10.00")


def test_an_officers_own_site_leaves_the_branchs_points_out(data, clock):
    cn01 = Site.objects.get(code="CN01")
    figures = selectors.branch_summary(site=cn01, with_points=False, **window("today", clock))
    assert figures.received_today == 3
    assert figures.in_progress == 6


def test_nothing_received_gives_rates_of_none(people, clock):
    clock.set(2026, 3, 10, 9, 0)
    figures = selectors.branch_summary(site=Site.objects.get(code="CN05"), **window("30d", clock))
    assert figures.received == figures.in_progress == figures.finished == 0
    assert figures.on_time_rate is None and figures.online_share is None


def test_a_dossier_paused_after_its_due_time_stays_late(data, people, clock):
    cn01 = Site.objects.get(code="CN01")
    clock.set(2026, 3, 10, 8, 50)
    svc.dossier_request_supplement(
        actor=actor(people["officer_cn01"]), code=data.dossiers["late"].code, site=cn01,
        reason="Thiếu giấy tờ", items=[svc.SupplementItem("Tờ khai")],
    )  # fmt: skip
    clock.set(2026, 3, 10, 9, 0)
    figures = selectors.branch_summary(site=cn01, **window("today", clock))
    assert figures.late_now == 1
    assert figures.awaiting_supplement == 2
    assert figures.due_soon == 1


def test_the_center_puts_every_branch_side_by_side(data, clock):
    summary = selectors.center_summary(**window("30d", clock))
    assert [row.branch.code for row in summary.rows] == [f"CN{n:02d}" for n in range(1, 13)]
    rows = {row.branch.code: row.figures for row in summary.rows}
    cn01, cn07, cn05 = rows["CN01"], rows["CN07"], rows["CN05"]
    assert (cn01.received, cn01.in_progress, cn01.late_now, cn01.finished) == (10, 7, 1, 3)
    assert cn01.on_time_rate == Decimal("66.67")
    assert cn01.online_share == Decimal("10.00")
    assert cn01.outside_territory_share == Decimal("10.00")
    # (17 + 9 + 47.5) working hours over 3 dossiers = 24.5 h = 3.0625 days of 8 hours
    assert cn01.processing_days == Decimal("3.06")
    assert (cn07.received, cn07.in_progress, cn07.late_now, cn07.finished) == (1, 1, 1, 0)
    assert cn07.on_time_rate is None and cn07.processing_days is None
    assert cn05.received == 0 and cn05.outside_territory_share is None
    total = summary.total
    assert (total.received, total.in_progress, total.late_now, total.finished) == (11, 8, 2, 3)
    assert total.processing_days == Decimal("3.06")
    assert total.outside_territory_share == Decimal("9.09")


def test_processing_time_matches_the_working_calendar(data, clock):
    """The grouped arithmetic gives what working_time_between gives dossier by dossier."""
    d = data.dossiers
    cn01 = Site.objects.get(code="CN01")
    calendar = calendar_for(cn01, d["late"].deemed_received_at)
    hours = [
        working_time_between(x.deemed_received_at, x.finished_at, calendar).total_seconds() / 3600
        for x in (d["early"], d["late_done"], d["paused_done"])
    ]
    assert hours == [17, 47.5, 17]  # the last one before its 8-hour pause is taken off
    month = period_for("30d", now=clock.moment)
    result = selectors.processing_time(groups={"cn01": [cn01.pk]}, start=month.start, end=month.end)
    days, count = result["cn01"]
    assert count == 3
    assert days == Decimal(73.5) / 8


def test_processing_time_counts_an_end_on_a_day_off(people, clock):
    version = justice_procedure()
    clock.set(2026, 3, 6, 14, 0)  # Friday
    dossier = advance(people, receive(people, version), "in_progress")
    clock.set(2026, 3, 7, 11, 0)  # Saturday: the work of the weekend counts nothing
    svc.dossier_complete(actor=actor(people["specialist_tp"]), code=dossier.code)
    clock.set(2026, 3, 10, 9, 0)
    cn01 = Site.objects.get(code="CN01")
    month = period_for("30d", now=clock.moment)
    days, count = selectors.processing_time(
        groups={"x": [cn01.pk]}, start=month.start, end=month.end
    )["x"]
    assert count == 1
    assert days == Decimal(3) / 8  # Friday 14:00–17:00


def test_procedures_by_intake(data, clock):
    cn01 = Site.objects.get(code="CN01")
    rows = selectors.procedure_breakdown(site_ids=selectors.sites_of(cn01), **window("30d", clock))
    assert [(r.code, r.received, r.in_progress, r.late_now, r.finished_late) for r in rows] == [
        (data.version.procedure.code, 9, 6, 1, 1),
        ("1.013978", 1, 1, 0, 0),
    ]
    today = selectors.procedure_breakdown(
        site_ids=selectors.sites_of(cn01), limit=1, **window("today", clock)
    )
    assert [(r.received, r.in_progress) for r in today] == [(3, 6)]


def test_officers_by_intake(data, clock):
    cn01 = Site.objects.get(code="CN01")
    rows = selectors.officer_breakdown(site_ids=selectors.sites_of(cn01), **window("7d", clock))
    assert [(r.full_name, r.today, r.period) for r in rows] == [
        ("Lê Thu Trang", 3, 5),
        ("Đinh Thị Hoa", 1, 1),
    ]
    own = selectors.officer_breakdown(
        site_ids=selectors.sites_of(cn01, with_points=False), **window("today", clock)
    )
    assert [(r.username, r.today, r.period) for r in own] == [("tn.cn01", 3, 3)]


def test_intake_by_hanoi_day(data, people, clock):
    cn01, cn07 = Site.objects.get(code="CN01"), Site.objects.get(code="CN07")
    clock.set(2026, 3, 11, 6, 30)  # 11 March in Hanoi, still 10 March in UTC
    receive(people, data.version)
    by_day = selectors.intake_by_day(
        groups={"cn01": selectors.sites_of(cn01), "cn07": [cn07.pk]},
        first_day=date(2026, 3, 1),
        last_day=date(2026, 3, 11),
    )
    assert [day for day, _ in by_day["cn01"]] == [date(2026, 3, n) for n in range(1, 12)]
    assert {day.day: n for day, n in by_day["cn01"] if n} == {2: 4, 5: 2, 10: 4, 11: 1}
    assert {day.day: n for day, n in by_day["cn07"] if n} == {2: 1}


def test_the_network_lists_twelve_branches_with_their_points(hanoi_data):
    network = selectors.branches()
    assert [b.number for b in network] == list(range(1, 13))
    cn01 = network[0]
    assert cn01.site_ids[0] == cn01.pk
    point_kinds = set(
        Site.objects.filter(pk__in=cn01.site_ids[1:]).values_list("parent__code", flat=True)
    )
    assert point_kinds == {"CN01"}
    assert sum(len(b.site_ids) for b in network) == 12 + 18 + 126


def test_processing_time_follows_each_sites_office_hours(people, clock):
    cn07 = Site.objects.get(code="CN07")
    cn07.office_hours = [["07:30", "11:30"], ["13:30", "17:30"]]
    cn07.save()
    version = justice_procedure()
    clock.set(2026, 3, 9, 7, 45)  # Monday, inside CN07's morning
    dossier = receive(people, version, site="CN07", return_site="CN07")
    svc.dossier_transfer(actor=actor(people["officer_cn07"]), code=dossier.code, site=cn07)
    svc.dossier_accept(actor=actor(people["specialist_tp"]), code=dossier.code)
    clock.set(2026, 3, 9, 17, 15)
    svc.dossier_complete(actor=actor(people["specialist_tp"]), code=dossier.code)
    clock.set(2026, 3, 10, 9, 0)
    cn01 = Site.objects.get(code="CN01")
    month = period_for("30d", now=clock.moment)
    result = selectors.processing_time(
        groups={"cn01": [cn01.pk], "cn07": [cn07.pk]}, start=month.start, end=month.end
    )
    assert "cn01" not in result  # nothing finished there
    # 07:45–11:30 and 13:30–17:15: 7.5 of CN07's 8 working hours
    assert result["cn07"] == (Decimal("7.5") / 8, 1)


def test_a_calendar_spans_dossiers_received_years_ago(hanoi_data):
    cn01 = Site.objects.get(code="CN01")
    calendar = selectors._calendar_over(cn01, date(2023, 5, 2), date(2026, 3, 10))
    assert calendar.years[0] == 2023 and calendar.years[1] >= 2036  # and ten years ahead
    assert not calendar.is_working_day(date(2023, 9, 2))  # National Day
