"""The public API: rate a dossier, send, follow and complete a complaint, read the answers."""

from __future__ import annotations

import pytest

from motcua.feedback import services as svc
from motcua.feedback.models import Complaint, Rating
from motcua.feedback.tests.helpers import (
    PHONE_DIGITS,
    SENDER,
    SENDER_DIGITS,
    SURVEY,
    delivered,
    in_progress,
)
from motcua.public.limits import limit
from motcua.public.tests.helpers import sent_code

pytestmark = pytest.mark.django_db
JSON = "application/json"


def one_time_code(client, code, verifier=PHONE_DIGITS) -> str:
    """Have the applicant's code sent, and read it from the SMS ("000000" for wrong digits)."""
    url = f"/api/v1/public/dossiers/{code}/one-time-code"
    if verifier not in (PHONE_DIGITS, "2345"):
        return "000000"
    sent = client.post(url, {"verifier": verifier}, content_type=JSON)
    return sent_code() if sent.status_code == 202 else "000000"


def rate(client, code, **body):
    data = {"verifier": PHONE_DIGITS, "level": "satisfied", **body}
    data.setdefault("one_time_code", one_time_code(client, code, data["verifier"]))
    return client.post(f"/api/v1/public/dossiers/{code}/rating", data, content_type=JSON)


def send(client, **body):
    data = {"kind": "complaint", "subject": "Chờ lâu", "content": "Chờ hai giờ.", **SENDER,
            "site": "CN01", **body}  # fmt: skip
    return client.post("/api/v1/public/complaints", data, content_type=JSON)


@pytest.fixture
def dossier(people, clock):
    return delivered(people, clock)


def test_the_applicant_rates_with_the_survey_and_reads_the_band(client, dossier):
    response = rate(
        client,
        dossier.code,
        level="very_satisfied",
        criteria=SURVEY,
        comment="Cán bộ rất nhiệt tình",
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"dossier", "level", "level_label", "rated_at", "criteria",
                         "survey_points", "band", "band_label"}  # fmt: skip
    assert body["dossier"] == dossier.code and body["level"] == "very_satisfied"
    assert body["survey_points"] == 14 and body["band"] == "good"
    assert [c["score"] for c in body["criteria"]] == SURVEY
    assert "nhiệt tình" not in response.content.decode()  # the comment is never sent back
    assert response["Cache-Control"] == "no-store"
    assert Rating.objects.get().comment == "Cán bộ rất nhiệt tình"


def test_a_second_rating_is_a_409_problem(client, dossier):
    rate(client, dossier.code)
    second = rate(client, dossier.code, level="not_satisfied")
    assert second.status_code == 409
    assert second["Content-Type"] == "application/problem+json"
    assert second.json()["code"] == "already_rated"


def test_a_dossier_still_in_progress_cannot_be_rated(client, people, clock):
    dossier = in_progress(people, clock)
    response = rate(client, dossier.code)
    assert response.status_code == 409 and response.json()["code"] == "not_delivered"


def test_wrong_digits_and_an_unknown_code_answer_the_same_404(client, dossier):
    wrong = rate(client, dossier.code, verifier="0000")
    unknown = rate(client, "000.01.HC.H26-260310-9999")
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json() == unknown.json()


def test_a_bad_criterion_is_named_in_the_problem(client, dossier):
    response = rate(client, dossier.code, criteria=[2, 2, 2, 2, 3, 2, 2, 2, 2])
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "criterion_5"
    assert rate(client, dossier.code, level="happy").status_code == 422
    assert rate(client, dossier.code, criteria=[2] * 10).status_code == 422
    assert not Rating.objects.exists()


def test_ratings_count_against_the_lookup_limit(client, dossier):
    for _ in range(limit("lookup_failures_per_code")):
        assert rate(client, dossier.code, verifier="0000").status_code == 404
    blocked = rate(client, dossier.code)
    assert blocked.status_code == 429 and blocked["Retry-After"]
    assert not Rating.objects.exists()


def test_a_complaint_is_received_with_its_code_and_deadline(client, people, clock):
    clock.set(2026, 3, 10, 9, 30)
    response = send(client)
    assert response.status_code == 201
    body = response.json()
    assert body["code"] == "PAKN-260310-0001"
    assert response["Location"] == "/api/v1/public/complaints/PAKN-260310-0001"
    assert body["status"] == "received" and body["kind"] == "complaint"
    assert body["answer_due_at"] == "2026-03-31T02:30:00Z"
    assert body["concerns"] == "Chi nhánh Tây Hồ"


def test_a_complaint_about_a_dossier_needs_its_digits(client, dossier):
    missing = send(client, dossier_code=dossier.code)
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "verifier"
    wrong = send(client, dossier_code=dossier.code, verifier="0000")
    assert wrong.status_code == 404
    no_code = send(client, dossier_code=dossier.code, verifier=PHONE_DIGITS, site="")
    assert no_code.status_code == 422  # the one-time code is needed too
    otp = one_time_code(client, dossier.code)
    made = send(client, dossier_code=dossier.code, verifier=PHONE_DIGITS, site="",
                one_time_code=otp)  # fmt: skip
    assert made.status_code == 201 and made.json()["dossier"] == dossier.code
    assert Complaint.objects.get().agency.code == "SO-TP"


def test_every_wrong_field_comes_back_named(client, people):
    response = send(client, subject=" ", sender_phone="12", sender_email="x", site="ZZ")
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"subject", "sender_phone", "sender_email", "site"}
    assert not Complaint.objects.exists()


def test_the_sender_follows_and_adds_the_information_asked_for(client, people, clock):
    code = send(client).json()["code"]
    follow = client.get(f"/api/v1/public/complaints/{code}", {"verifier": SENDER_DIGITS})
    assert follow.status_code == 200 and follow.json()["status"] == "received"
    assert follow["Cache-Control"] == "no-store"
    svc.complaint_request_info(complaint=code, actor=people["officer_cn01"],
                               message="Ngày nào ông đến?")  # fmt: skip
    asked = client.get(f"/api/v1/public/complaints/{code}", {"verifier": SENDER_DIGITS}).json()
    assert asked["waiting_for_you"] and asked["info_request"] == "Ngày nào ông đến?"
    url = f"/api/v1/public/complaints/{code}/information"
    reply = client.post(url, {"verifier": SENDER_DIGITS, "content": "Sáng 9/3."}, content_type=JSON)
    assert reply.status_code == 200
    body = reply.json()
    assert body["status"] == "received" and not body["waiting_for_you"]
    assert [s["note"] for s in body["steps"]][-1] == "Sáng 9/3."
    again = client.post(url, {"verifier": SENDER_DIGITS, "content": "Nữa"}, content_type=JSON)
    assert again.status_code == 409


def test_following_with_wrong_digits_is_the_unknown_code_s_404(client, people):
    code = send(client).json()["code"]
    wrong = client.get(f"/api/v1/public/complaints/{code}", {"verifier": "0000"})
    unknown = client.get("/api/v1/public/complaints/PAKN-260310-0999", {"verifier": SENDER_DIGITS})
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json() == unknown.json()
    bad = client.get(f"/api/v1/public/complaints/{code}", {"verifier": "12"})
    assert bad.status_code == 422


def test_published_answers_are_listed_without_their_senders(client, people):
    officer = people["officer_cn01"]
    code = send(client).json()["code"]
    send(client, subject="Chưa trả lời")
    svc.complaint_accept(complaint=code, actor=officer)
    svc.complaint_answer(complaint=code, actor=officer, answer="Đã thêm quầy.")
    svc.complaint_publish(complaint=code, actor=officer)
    body = client.get("/api/v1/public/complaint-answers").json()
    assert body["count"] == 1
    (item,) = body["items"]
    assert item["subject"] == "Chờ lâu" and item["answer"] == "Đã thêm quầy."
    assert set(item) == {"kind_label", "subject", "answer", "concerns", "received_on",
                         "answered_at", "published_at"}  # fmt: skip
