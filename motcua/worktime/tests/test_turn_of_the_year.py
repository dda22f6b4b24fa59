"""Issue 17 part 1: the working calendar is continuous, so dossiers carried over New Year (or
over several years) show on every page, API read and command with the right "late by".

The clock is frozen through :mod:`motcua.core.clock` (the ``clock`` fixture), first at
2027-01-04 08:00, the first working day of 2027, then at 2030-01-02; the dossiers were received
in 2025 and 2026 and are still open or late. The expected figures come from the walking
definition over the ``holidays`` package alone (no database, no index), not from the code
under test.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pytest
from django.core.management import call_command
from django.utils import translation

from motcua.dossiers.choices import Status
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.helpers import advance, justice_procedure, receive
from motcua.worktime.left import time_left
from motcua.worktime.rules import WorkCalendar
from motcua.worktime.tests.conftest import hanoi, package_calendar

pytestmark = pytest.mark.django_db

MOMENTS = {
    "2027-01-04": (2027, 1, 4, 8, 0),
    "2030-01-02": (2030, 1, 2, 10, 30),
}


def walking_calendar() -> WorkCalendar:
    """The package's days without ``years``: the rules walk day by day, the definition."""
    indexed = package_calendar(2024, 2031)
    return WorkCalendar(days_off=indexed.days_off, extra_working_days=indexed.extra_working_days)


def late_text(due: datetime, now: datetime) -> str:
    with translation.override("vi"):
        return time_left(now=now, due=due, calendar=walking_calendar()).text


@dataclass
class Carried:
    old: Dossier  # received in March 2025, in progress, late for almost two years
    december: Dossier  # received 27/11/2026, due 02/12/2026 10:00, transferred and never accepted
    paused: Dossier  # received in December 2026, awaiting a supplement
    fresh: Dossier  # received on 31/12/2026 at 16:00, due in January 2027

    def all(self) -> list[Dossier]:
        return [self.old, self.december, self.paused, self.fresh]


@pytest.fixture
def carried(people, clock) -> Carried:
    version = justice_procedure()
    clock.set(2025, 3, 10, 9, 0)
    old = advance(people, receive(people, version), Status.IN_PROGRESS)
    clock.set(2026, 11, 27, 10, 0)
    december = advance(people, receive(people, version), Status.TRANSFERRED)
    clock.set(2026, 12, 21, 9, 0)
    paused = advance(people, receive(people, version), Status.AWAITING_SUPPLEMENT)
    clock.set(2026, 12, 31, 16, 0)
    fresh = receive(people, version)
    found = Carried(*(Dossier.objects.get(pk=d.pk) for d in (old, december, paused, fresh)))
    assert found.december.due_at == hanoi(2026, 12, 2, 10, 0)  # 6 h + 8 h + 8 h + 2 h
    assert found.fresh.deemed_received_at == hanoi(2027, 1, 4, 8, 0)  # 1 January is off
    return found


@pytest.fixture(params=sorted(MOMENTS))
def later(request, carried, clock) -> tuple[Carried, datetime]:
    return carried, clock.set(*MOMENTS[request.param])


def test_the_figures_expected_are_those_of_the_law():
    """The walking definition gives what a person counts on the 2026–2027 calendar."""
    # 03/12/2026 to 31/12/2026: 21 working days (1 January 2027 is a holiday).
    assert (
        late_text(hanoi(2026, 12, 2, 17, 0), hanoi(2027, 1, 4, 8, 0)) == "quá hạn 21 ngày làm việc"
    )


def test_every_staff_page_answers_with_the_late_figures(client, people, later):
    carried, now = later
    client.force_login(people["center_director"])
    for url in (
        "/workspace/dossiers/",
        "/workspace/dossiers/?state=late",
        "/workspace/dossiers/?state=due_soon",
        "/workspace/dossiers/?state=open",
        "/workspace/dashboard/center/",
        "/workspace/dashboard/branch/?site=CN01",
    ):
        assert client.get(url).status_code == 200, url
    late_list = client.get("/workspace/dossiers/?state=late").content.decode()
    for dossier in (carried.old, carried.december):
        assert dossier.code in late_list
        assert late_text(dossier.due_at, now) in late_list
    for dossier in carried.all():
        page = client.get(f"/workspace/dossiers/{dossier.code}/")
        assert page.status_code == 200, dossier.code
    page = client.get(f"/workspace/dossiers/{carried.december.code}/").content.decode()
    assert late_text(carried.december.due_at, now) in page


def test_the_inspector_and_the_agency_see_their_lists(client, people, later):
    carried, now = later
    client.force_login(people["inspector"])
    late_list = client.get("/workspace/dossiers/?state=late").content.decode()
    assert late_text(carried.old.due_at, now) in late_list
    client.force_login(people["specialist_tp"])
    inbox = client.get("/workspace/inbox/")
    assert inbox.status_code == 200
    assert late_text(carried.old.due_at, now) in inbox.content.decode()
    client.force_login(people["officer_cn01"])
    for url in ("/workspace/counter/", "/workspace/online/", "/workspace/returns/"):
        assert client.get(url).status_code == 200, url


def test_the_api_reads_answer(client, people, later):
    carried, _now = later
    client.force_login(people["center_director"])
    for state in ("", "late", "due_soon", "open"):
        response = client.get(f"/api/v1/dossiers?state={state}" if state else "/api/v1/dossiers")
        assert response.status_code == 200, state
    late = {d["code"] for d in client.get("/api/v1/dossiers?state=late").json()["items"]}
    assert {carried.old.code, carried.december.code} <= late
    for dossier in carried.all():
        assert client.get(f"/api/v1/dossiers/{dossier.code}").status_code == 200
        assert client.get(f"/api/v1/dossiers/{dossier.code}/events").status_code == 200
    # The public deadline calculator, for a submission in each year of the range.
    for year in (2024, 2025, 2026, 2027, 2030, 2035):
        response = client.get(
            "/api/v1/calendar/deadline",
            {"submitted_at": f"{year}-12-30T16:00:00+07:00", "amount": 10, "unit": "working_days"},
        )
        assert response.status_code == 200, year


def test_the_public_lookup_and_the_portal_answer(client, later):
    carried, now = later
    for dossier in carried.all():
        response = client.post("/tra-cuu/", {"ma": dossier.code, "so": "4321"})
        assert response.status_code == 200
        assert dossier.code in response.content.decode()
    for url in ("/minh-bach/", "/minh-bach/?ky=2026", "/minh-bach/chi-nhanh/?ky=2026-12"):
        assert client.get(url).status_code == 200, url


def test_the_commands_run(later, capsys):
    call_command("fold_figures")
    call_command("verify_audit")
    call_command("check_continuity")
    out = capsys.readouterr().out
    assert "intact" in out and "No open dossier stranded" in out
