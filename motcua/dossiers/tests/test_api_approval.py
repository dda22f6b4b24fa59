"""The approval actions through POST /api/v1/dossiers/{code}/actions/{action} (§2.4)."""

from __future__ import annotations

import pytest

from motcua.dossiers.choices import Status
from motcua.dossiers.services import lifecycle as svc
from motcua.dossiers.tests.helpers import actor, advance, justice_procedure, receive
from motcua.dossiers.tests.test_api_journey import act

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier(people, clock):
    clock.set(2026, 3, 10, 9, 0)
    dossier = advance(people, receive(people, justice_procedure()), Status.IN_PROGRESS)
    return svc.dossier_assign(actor=actor(people["leader_tp"]), code=dossier.code,
                              assignee="cv.sotp")  # fmt: skip


def test_the_specialist_submits_the_leader_approves_the_specialist_issues(client, people, dossier):
    code = dossier.code
    client.force_login(people["specialist_tp"])
    alone = act(client, code, "complete", dossier.version)
    assert alone.status_code == 409
    assert alone["Content-Type"] == "application/problem+json"
    assert alone.json()["code"] == "approval_required"
    assert "Lãnh đạo" in alone.json()["detail"] or "lãnh đạo" in alone.json()["detail"]

    submitted = act(client, code, "submit_for_approval", dossier.version, to="ld.sotp")
    assert submitted.status_code == 200, submitted.json()
    assert submitted.json()["custodian"]["person"] == "Vũ Thị Lan"

    client.force_login(people["leader_tp"])
    stale = act(client, code, "approve", dossier.version)
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"
    approved = act(client, code, "approve", submitted.json()["version"], note="Đồng ý")
    assert approved.status_code == 200, approved.json()

    client.force_login(people["specialist_tp"])
    done = act(client, code, "complete", approved.json()["version"])
    assert done.status_code == 200, done.json()
    assert done.json()["status"] == "result_ready"
    events = client.get(f"/api/v1/dossiers/{code}/events").json()
    assert [e["action"] for e in events][-3:] == ["submit_for_approval", "approve", "complete"]
    assert events[-1]["payload"]["approved_by"] == "ld.sotp"


def test_send_back_needs_a_reason_in_vietnamese(client, people, dossier):
    client.force_login(people["specialist_tp"])
    submitted = act(client, dossier.code, "submit_for_approval", dossier.version)
    client.force_login(people["leader_tp"])

    empty = act(client, dossier.code, "send_back", submitted.json()["version"])
    back = act(client, dossier.code, "send_back", submitted.json()["version"], reason="Sửa lại")

    assert empty.status_code == 422 and empty["Content-Type"] == "application/problem+json"
    assert empty.json()["errors"][0]["field"] == "reason"
    assert "lý do" in empty.json()["detail"]
    assert back.status_code == 200 and back.json()["custodian"]["person"] == "Trần Văn Nam"


def test_a_specialist_cannot_approve(client, people, dossier):
    client.force_login(people["specialist_tp"])
    submitted = act(client, dossier.code, "submit_for_approval", dossier.version)
    refused = act(client, dossier.code, "approve", submitted.json()["version"])
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
