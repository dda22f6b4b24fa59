"""The wrong-agency return and the re-route through the action endpoint (issue 17 §2)."""

from __future__ import annotations

import pytest

from motcua.dossiers.services import lifecycle as svc
from motcua.dossiers.tests.helpers import actor, justice_procedure, receive
from motcua.dossiers.tests.test_api_journey import act
from motcua.organization.models import Site

pytestmark = pytest.mark.django_db


def test_a_leader_returns_and_the_site_reroutes_with_if_match(client, people, clock):
    clock.set(2026, 3, 9, 9, 0)
    dossier = receive(people, justice_procedure())
    cn01 = Site.objects.get(code="CN01")
    dossier = svc.dossier_transfer(
        actor=actor(people["officer_cn01"]), code=dossier.code, site=cn01
    )
    clock.set(2026, 3, 10, 9, 0)

    client.force_login(people["specialist_tp"])
    refused = act(client, dossier.code, "return_wrong_agency", dossier.version, reason="Sai")
    assert refused.status_code == 403
    assert refused["Content-Type"].startswith("application/problem+json")

    client.force_login(people["leader_tp"])
    missing = act(client, dossier.code, "return_wrong_agency", dossier.version)
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "reason"
    stale = act(client, dossier.code, "return_wrong_agency", dossier.version - 1, reason="Sai")
    assert stale.status_code == 409
    returned = act(
        client, dossier.code, "return_wrong_agency", dossier.version, reason="Thuộc cấp xã"
    )
    assert returned.status_code == 200, returned.json()
    body = returned.json()
    assert body["status"] == "received"
    assert body["returned_from"]["code"] == "SO-TP"
    assert "reroute" in body["allowed_actions"]

    client.force_login(people["officer_cn01"])
    wrong = act(client, dossier.code, "reroute", body["version"], agency="SO-TP")
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "agency"
    rerouted = act(client, dossier.code, "reroute", body["version"], agency="SO-XD", site="CN01")
    assert rerouted.status_code == 200, rerouted.json()
    assert rerouted.json()["competent_agency"]["code"] == "SO-XD"
    assert rerouted.json()["returned_from"] is None
    assert "reroute" not in rerouted.json()["allowed_actions"]
    events = client.get(f"/api/v1/dossiers/{dossier.code}/events").json()
    assert [e["action"] for e in events][-2:] == ["return_wrong_agency", "reroute"]
