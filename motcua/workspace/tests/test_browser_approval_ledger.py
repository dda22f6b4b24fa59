"""In Chromium: a specialist submits, a delegate signs on the leader's behalf, the control slip
says so; the ledger of boundary-free dossiers, filtered and printed (§2, §2.4).

``MOTCUA_SHOTS=<dir>`` keeps a screenshot of each page there, to look at.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from motcua.dossiers.choices import Status
from motcua.dossiers.tests.helpers import advance, justice_procedure, receive
from motcua.dossiers.tests.test_api_ledger import IN_TAY_HO
from motcua.dossiers.tests.test_services_lifecycle import _certification
from motcua.organization.models import Agency
from motcua.organization.services.delegation import delegation_create
from motcua.workspace.tests.test_e2e_journey import act

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def clock(monkeypatch):
    from motcua.dossiers.tests.conftest import Clock

    return Clock(monkeypatch, django_too=False)


def shot(page, name: str) -> None:
    folder = os.environ.get("MOTCUA_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_a_delegate_signs_and_the_slip_says_on_whose_behalf(open_session, people, clock):
    clock.set(2026, 3, 10, 9, 0)
    dossier = advance(people, receive(people, justice_procedure()), Status.IN_PROGRESS)
    delegation_create(
        by=people["leader_tp"], agency=Agency.objects.get(code="SO-TP"),
        delegator=people["leader_tp"], delegate=people["specialist_tp"],
        valid_from=date(2026, 3, 1), valid_to=date(2026, 3, 31), decision_number="12/UQ-STP",
    )  # fmt: skip

    leader = open_session()
    page = leader.sign_in("ld.sotp")
    page = leader.go("/workspace/delegations/")
    assert "12/UQ-STP" in page.content()
    shot(page, "delegations")

    specialist = open_session()
    specialist.sign_in("cv.sotp")
    page = specialist.go(f"/workspace/dossiers/{dossier.code}/")
    # A delegate could sign and issue in one act; nothing awaits a signature yet.
    assert page.locator("#act-complete").count() == 1 and page.locator("#act-approve").count() == 0
    act(page, "submit_for_approval", note="Dự thảo quyết định")
    assert "Chờ lãnh đạo ký" in page.locator("#approval-badge").inner_text()
    shot(page, "dossier-awaiting")
    act(page, "approve", note="Đồng ý")
    assert "Lãnh đạo đã ký duyệt" in page.locator("#approval-badge").inner_text()
    assert "Ký thay Vũ Thị Lan" in page.locator(".slip").inner_text()
    shot(page, "dossier-approved")
    act(page, "complete")
    dossier.refresh_from_db()
    assert dossier.status == Status.RESULT_READY


def test_the_ledger_of_boundary_free_dossiers_from_the_dashboard(open_session, people, clock):
    clock.set(2026, 3, 10, 9, 0)
    receive(people, _certification(), applicant=IN_TAY_HO)  # at CN01, inside
    outside = receive(people, _certification(), applicant=IN_TAY_HO, site="CN07",
                      return_site="CN07")  # fmt: skip

    director = open_session()
    director.sign_in("gd.tt")
    page = director.go("/workspace/dashboard/branch/?site=CN07&period=30d")
    page.locator("#ledger-link").click()
    page.wait_for_load_state("networkidle")
    rows = page.locator("#ledger-rows tbody tr")
    assert rows.count() == 1 and outside.code in rows.first.inner_text()
    shot(page, "ledger")
    assert "format=pdf" in page.locator("#ledger-pdf").get_attribute("href")
