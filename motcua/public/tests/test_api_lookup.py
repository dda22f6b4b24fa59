"""The API twin of the lookup: GET /api/v1/public/dossiers/{code}?verifier=NNNN, no account."""

from __future__ import annotations

import json

import pytest

from motcua.dossiers.choices import Status
from motcua.dossiers.tests.helpers import advance, justice_procedure, receive, submit_online
from motcua.public.limits import limit
from motcua.public.tests.helpers import personal_data

pytestmark = pytest.mark.django_db


def api(client, code: str, verifier: str, **extra):
    return client.get(f"/api/v1/public/dossiers/{code}", {"verifier": verifier}, **extra)


@pytest.fixture
def dossier(people, clock):
    clock.set(2026, 3, 10, 9, 0)
    return receive(people, justice_procedure())


def test_the_applicant_reads_the_status_without_an_account(client, dossier):
    response = api(client, dossier.code, "4321")
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == dossier.code
    assert body["applicant"] == "Trần T. L."
    assert body["status"]["national_code"] == 2
    assert body["status"]["national_label"] == "Được tiếp nhận"
    assert body["appointment"] == "2026-03-13T02:00:00Z"
    assert body["result"]["method"] == "site"
    assert body["result"]["site"]["code"] == "CN01"
    assert body["result"]["site"]["office_hours"] == [["08:00", "12:00"], ["13:00", "17:00"]]
    assert [e["action"] for e in body["timeline"]] == ["receive"]
    assert response["Cache-Control"] == "no-store"


def test_only_whitelisted_fields_are_answered(client, dossier):
    body = api(client, dossier.code, "2345").json()
    assert set(body) == {
        "code", "online_reference", "procedure", "applicant", "channel", "status",
        "submitted_at", "check_due_at", "appointment", "finished_at", "delivered_at",
        "outcome", "received_at", "competent_agency", "result", "reason", "to_add", "timeline",
    }  # fmt: skip


def test_an_unknown_code_and_a_wrong_verifier_are_the_same_404(client, dossier):
    wrong = api(client, dossier.code, "0000")
    unknown = api(client, "000.01.HC.H26-260310-9999", "4321")
    assert wrong.status_code == unknown.status_code == 404
    assert wrong["Content-Type"] == unknown["Content-Type"] == "application/problem+json"
    assert wrong.json() == unknown.json()


def test_a_verifier_that_is_not_four_digits_is_invalid_input(client, dossier):
    response = api(client, dossier.code, "43")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"


def test_no_answer_holds_personal_data_nor_staff_names(client, people, clock):
    clock.set(2026, 3, 10, 9, 0)
    dossiers = [
        submit_online(justice_procedure()),
        advance(people, receive(people, justice_procedure()), Status.AWAITING_SUPPLEMENT),
        advance(people, receive(people, justice_procedure()), Status.DELIVERED),
    ]
    for dossier in dossiers:
        for verifier in ("4321", "0000"):
            text = json.dumps(api(client, dossier.code, verifier).json(), ensure_ascii=False)
            for secret in personal_data():
                assert secret not in text
            for user in people.values():
                assert user.staff_profile.full_name not in text
                assert user.get_username() not in text


def test_the_api_shares_the_limit_of_the_page(client, dossier):
    for n in range(limit("lookups_per_address") - 1):  # other codes: none is locked
        api(client, f"000.01.HC.H26-260310-{9000 + n}", "0000")
    assert client.post("/tra-cuu/", {"ma": dossier.code, "so": "4321"}).status_code == 200
    response = api(client, dossier.code, "4321")
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "too_many_requests"
