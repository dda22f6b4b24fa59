"""One error model for the API: every error is problem+json with a detail in the caller's
language (Vietnamese by default), including what Ninja and Django answer themselves."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from motcua.dossiers.tests.helpers import justice_procedure

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def test_a_body_that_is_not_json_is_a_translated_400(client, people):
    client.force_login(people["officer_cn01"])
    response = client.post("/api/v1/dossiers", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert response.json()["detail"].startswith("Nội dung yêu cầu không phải JSON hợp lệ")
    english = client.post(
        "/api/v1/dossiers",
        "{not json",
        content_type="application/json",
        headers={"accept-language": "en"},
    )
    assert english.json()["detail"].startswith("The request body is not valid JSON")


def test_a_type_error_is_translated(client, people, clock):
    clock.set(2026, 3, 10, 9, 0)
    justice_procedure()
    client.force_login(people["officer_cn01"])
    response = client.post(
        "/api/v1/dossiers",
        {"procedure": 5, "applicant": {"name": ["x"]}, "return_site": True},
        content_type="application/json",
    )
    assert response.status_code == 422
    messages = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert messages["procedure"] == "Hãy nhập văn bản."
    assert "Input should" not in json.dumps(response.json(), ensure_ascii=False)


def test_an_action_without_sign_in_is_401_not_a_csrf_refusal(hanoi_data):
    anonymous = Client(enforce_csrf_checks=True)
    response = anonymous.post("/api/v1/dossiers", {}, content_type="application/json")
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    assert "CSRF" not in response.json()["detail"]


def test_a_session_without_the_csrf_token_is_a_translated_403(people):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(people["officer_cn01"])
    response = browser.post("/api/v1/dossiers", {}, content_type="application/json")
    assert response.status_code == 403
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["code"] == "csrf_failed"
    assert body["detail"].startswith("Thiếu hoặc sai mã bảo mật (CSRF)")
    # reading needs no token
    assert browser.get("/api/v1/dossiers").status_code == 200


def test_a_10_mb_body_is_413_problem_json(client, people):
    client.force_login(people["officer_cn01"])
    huge = json.dumps({"procedure": "x" * (10 * 1024 * 1024)})
    response = client.post("/api/v1/dossiers", huge, content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"] == PROBLEM
    assert response.json()["detail"] == "Nội dung yêu cầu lớn hơn mức máy chủ chấp nhận."


def test_a_method_not_allowed_is_problem_json_not_html(client, hanoi_data):
    response = client.delete("/api/v1/calendar/days")
    assert response.status_code == 405
    assert response["Content-Type"] == PROBLEM
    assert response.json()["title"] == "Phương thức này không được phép ở địa chỉ này"
    assert "GET" in response["Allow"]
