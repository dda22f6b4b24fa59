"""The staff API: complaints in scope, most urgent first; actions by those who handle them."""

from __future__ import annotations

import pytest

from motcua.feedback import services as svc
from motcua.feedback.tests.helpers import PHONE_DIGITS, SENDER, delivered, submit

pytestmark = pytest.mark.django_db
JSON = "application/json"


def act(client, code, action, **body):
    return client.post(f"/api/v1/complaints/{code}/actions/{action}", body, content_type=JSON)


@pytest.fixture
def complaint(people, clock):
    clock.set(2026, 3, 10, 9, 30)
    return submit(site_code="CN01")


def test_an_account_is_needed(client, complaint):
    assert client.get("/api/v1/complaints").status_code == 401
    assert act(client, complaint.code, "accept").status_code == 401


def test_the_officer_lists_the_site_s_complaints_with_their_deadlines(client, people, complaint):
    submit(site_code="CN07")
    client.force_login(people["officer_cn01"])
    body = client.get("/api/v1/complaints").json()
    assert body["count"] == 1
    (item,) = body["items"]
    assert item["code"] == complaint.code and item["sender_name"] == SENDER["sender_name"]
    assert item["allowed_actions"] == ["accept", "request_info", "refuse"]
    current = [d for d in item["deadlines"] if d["current"]]
    assert [d["name"] for d in current] == ["refuse"]
    assert current[0]["due_at"] == "2026-03-12T02:30:00Z" and current[0]["state"] == "ok"
    assert item["events"] is None


def test_the_officer_handles_answers_and_publishes(client, people, complaint, clock):
    client.force_login(people["officer_cn01"])
    assert act(client, complaint.code, "accept", note="Đã gọi lại").json()["status"] == (
        "in_handling"
    )
    clock.set(2026, 3, 11, 10, 0)
    answered = act(client, complaint.code, "answer", answer="Đã bổ sung quầy.").json()
    assert answered["status"] == "answered" and answered["publish_due_at"] == "2026-03-13T03:00:00Z"
    published = act(client, complaint.code.lower(), "publish", public_subject="Thời gian chờ")
    body = published.json()
    assert body["status"] == "published" and body["public_subject"] == "Thời gian chờ"
    assert [e["action"] for e in body["events"]] == ["submit", "accept", "answer", "publish"]
    assert body["allowed_actions"] == []


def test_refusals_are_problems(client, people, complaint):
    client.force_login(people["officer_cn01"])
    missing = act(client, complaint.code, "refuse", reason="")
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "reason"
    early = act(client, complaint.code, "publish")
    assert early.status_code == 409 and early.json()["code"] == "invalid_transition"
    assert early.json()["allowed_actions"] == ["accept", "request_info", "refuse"]
    assert act(client, complaint.code, "escalate").status_code == 422


def test_the_inspector_reads_but_may_not_act(client, people, complaint):
    client.force_login(people["inspector"])
    assert client.get(f"/api/v1/complaints/{complaint.code}").status_code == 200
    denied = act(client, complaint.code, "accept")
    assert denied.status_code == 403 and denied["Content-Type"] == "application/problem+json"


def test_another_site_s_officer_gets_a_404(client, people, complaint):
    client.force_login(people["officer_cn07"])
    assert client.get(f"/api/v1/complaints/{complaint.code}").status_code == 404
    assert act(client, complaint.code, "accept").status_code == 404


def test_the_list_filters_by_state(client, people, complaint, clock):
    officer = people["officer_cn01"]
    svc.complaint_refuse(complaint=complaint, actor=officer, reason="Trùng")
    submit(site_code="CN01", subject="Mới")
    client.force_login(officer)
    assert [i["subject"] for i in client.get("/api/v1/complaints?state=open").json()["items"]] == [
        "Mới"
    ]
    assert client.get("/api/v1/complaints?state=closed").json()["count"] == 1
    assert client.get("/api/v1/complaints?state=nonsense").status_code == 422


def test_the_ratings_summary_of_the_scope(client, people, clock):
    dossier = delivered(people, clock)
    svc.rating_submit(dossier_code=dossier.code, verifier=PHONE_DIGITS, level="satisfied",
                      criteria=[2] * 9)  # fmt: skip
    client.force_login(people["officer_cn01"])
    body = client.get("/api/v1/ratings/summary").json()
    assert (
        body["total"] == 1 and body["average_points"] == 18 and body["average_band"] == "excellent"
    )
    assert {lv["level"]: lv["count"] for lv in body["levels"]}["satisfied"] == 1
    client.force_login(people["officer_cn07"])
    assert client.get("/api/v1/ratings/summary").json()["total"] == 0
    bad = client.get("/api/v1/ratings/summary?start=2026-03-10&end=2026-03-01")
    assert bad.status_code == 422
