"""The succession page in a real browser: the Center's director hands over the dossiers in
flight at the Tây Hồ district committee on 01/07/2025 (issue 17 §2). Saves the screenshot
docs/screenshots/succession.png that the README shows."""

from __future__ import annotations

from pathlib import Path

import pytest

from motcua.dossiers.choices import Action
from motcua.dossiers.models import Dossier, DossierEvent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOT = Path(__file__).resolve().parents[3] / "docs" / "screenshots" / "succession.png"


@pytest.fixture
def clock(monkeypatch):
    from motcua.dossiers.tests.conftest import Clock

    return Clock(monkeypatch, django_too=False)


def test_the_director_hands_over_the_district_dossiers(open_session, people, clock, scenario):
    from motcua.dossiers.services import lifecycle as svc
    from motcua.dossiers.tests.helpers import APPLICANT, actor
    from motcua.organization.models import Site

    # A second dossier at the district: a household business, received two days later.
    clock.set(2025, 6, 27, 14, 0)
    svc.dossier_create(
        actor=actor(people["officer_cn01"]), site=Site.objects.get(code="CN01"),
        procedure_code="1.001612", applicant=APPLICANT, object_unit_code=scenario["ward"].code,
        return_method="site", return_site_code="CN01",
    )  # fmt: skip
    clock.set(2025, 7, 1, 8, 5)
    director = open_session(height=900)
    page = director.sign_in("gd.tt")
    page.click("text=Trung tâm")
    page.click("text=Sắp xếp tổ chức: bàn giao hồ sơ")
    page.select_option("#id_agency", "UBND-D-003")
    page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("tbody tr").count() == 2
    assert scenario["successor"].name in page.content()
    page.fill("#decision_number", "Nghị quyết 1656/NQ-UBTVQH15")
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)

    page.click("button.primary.big")
    page.wait_for_load_state("networkidle")
    assert "Đã bàn giao" in page.content() or "handed over" in page.content()
    assert DossierEvent.objects.filter(action=Action.SUCCEED).count() == 2
    assert not Dossier.objects.filter(competent_agency=scenario["district"]).exists()
    assert page.locator("a[href$='transfer-list.pdf']").count() == 1
