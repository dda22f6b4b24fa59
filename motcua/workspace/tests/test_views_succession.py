"""The Center director's succession page (issue 17 §2): choose, see, adjust, apply, print."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from motcua.dossiers.choices import Action
from motcua.dossiers.models import DossierEvent, Reorganization

pytestmark = pytest.mark.django_db

URL = "/workspace/succession/"


def test_only_the_center_director_sees_the_page(client, people, clock):
    client.force_login(people["director_cn01"])
    assert client.get(URL).status_code == 403
    client.force_login(people["center_director"])
    page = client.get(URL)
    assert page.status_code == 200
    assert "UBND-D-003" in page.content.decode()


def test_the_director_sees_adjusts_applies_and_prints(client, people, clock, scenario):
    dossier, successor = scenario["dossier"], scenario["successor"]
    clock.set(2025, 7, 1, 8, 0)
    client.force_login(people["center_director"])
    shown = client.get(URL, {"agency": "UBND-D-003"})
    html = shown.content.decode()
    assert shown.status_code == 200
    assert dossier.code in html and successor.name in html
    assert 'value="2025-07-01"' in html  # the day after the district's last day

    # An unknown agency code is refused next to nothing moved.
    bad = client.post(
        URL, {"agency": "UBND-D-003", "on": "2025-07-01", f"successor.{dossier.code}": "NOPE"}
    )
    assert bad.status_code == 422
    assert DossierEvent.objects.filter(action=Action.SUCCEED).count() == 0

    done = client.post(
        URL,
        {
            "agency": "UBND-D-003",
            "on": "2025-07-01",
            "decision_number": "NQ 1656/NQ-UBTVQH15",
            f"successor.{dossier.code}": successor.code,
        },
    )
    assert done.status_code == 302
    decision = Reorganization.objects.get()
    assert decision.applied_at is not None
    event = DossierEvent.objects.get(action=Action.SUCCEED)
    assert event.payload["basis"] == "territory"  # the proposal, not an adjustment
    after = client.get(done["Location"]).content.decode()
    assert "transfer-list.pdf" in after

    pdf = client.get(f"/workspace/succession/{decision.pk}/transfer-list.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    flat = text.replace("-", "").replace("\n", "").replace("\u200b", "")
    assert dossier.code.replace("-", "") in flat
    assert "BÀN GIAO" in text.upper()
    csv = client.get(f"/workspace/succession/{decision.pk}/transfer-list.csv").content.decode()
    assert dossier.code in csv and successor.name in csv


def test_the_branch_sees_returned_dossiers_first_and_reroutes(client, people, clock):
    from motcua.dossiers.services import competence
    from motcua.dossiers.services import lifecycle as svc
    from motcua.dossiers.tests.helpers import actor, justice_procedure, receive
    from motcua.organization.models import Site

    clock.set(2026, 3, 9, 9, 0)
    dossier = receive(people, justice_procedure())
    cn01 = Site.objects.get(code="CN01")
    svc.dossier_transfer(actor=actor(people["officer_cn01"]), code=dossier.code, site=cn01)
    competence.dossier_return_wrong_agency(
        actor=actor(people["leader_tp"]), code=dossier.code, reason="Thuộc Sở Xây dựng"
    )
    client.force_login(people["officer_cn01"])
    listed = client.get("/workspace/dossiers/").content.decode()
    assert listed.index("h-returned") < listed.index("h-results")
    page = client.get(f"/workspace/dossiers/{dossier.code}/").content.decode()
    assert 'name="agency"' in page
    dossier.refresh_from_db()
    moved = client.post(
        f"/workspace/dossiers/{dossier.code}/act/reroute/",
        {"version": dossier.version, "agency": "SO-XD"},
    )
    assert moved.status_code == 302
    dossier.refresh_from_db()
    assert dossier.competent_agency.code == "SO-XD" and dossier.returned_from is None


def test_the_former_staff_read_what_they_handled_and_cannot_act(client, people, clock, scenario):
    from motcua.dossiers.services import competence
    from motcua.dossiers.tests.conftest import SWITCH

    dossier = scenario["dossier"]
    clock.set(2025, 7, 1, 8, 0)
    decision = competence.reorganization_create(
        actor=None, agency_code="UBND-D-003", effective_on=SWITCH
    )
    competence.reorganization_apply(actor=None, reorganization=decision)
    client.force_login(scenario["staff"])
    assert client.get("/workspace/")["Location"] == "/workspace/dossiers/"
    page = client.get(f"/workspace/dossiers/{dossier.code}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert scenario["successor"].name in html
    assert 'id="act-complete"' not in html
    dossier.refresh_from_db()
    refused = client.post(
        f"/workspace/dossiers/{dossier.code}/act/complete/",
        {"version": dossier.version, "outcome": "granted"},
    )
    assert refused.status_code == 403
    client.force_login(scenario["ward_staff"])
    html = client.get(f"/workspace/dossiers/{dossier.code}/").content.decode()
    assert 'id="act-submit_for_approval"' in html  # drafts the result for the leader to sign
    client.force_login(scenario["ward_leader"])
    html = client.get(f"/workspace/dossiers/{dossier.code}/").content.decode()
    assert 'id="act-complete"' in html
