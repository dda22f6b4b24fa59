"""GET /api/v1/calendar/deadline and /api/v1/calendar/days: public, exact, never a 500."""

from datetime import date
from urllib.parse import urlencode

import pytest

from motcua.worktime import services

pytestmark = pytest.mark.django_db

DEADLINE = "/api/v1/calendar/deadline"
DAYS = "/api/v1/calendar/days"
PROBLEM = "application/problem+json"


def get_deadline(client, **params):
    return client.get(f"{DEADLINE}?{urlencode(params)}")


def test_one_working_day_after_friday_before_tet_after_cutoff(client):
    response = get_deadline(
        client, submitted_at="2026-02-13T16:00:00+07:00", amount=1, unit="working_days"
    )
    assert response.status_code == 200
    assert response.json() == {
        "submitted_at": "2026-02-13T16:00:00+07:00",
        "deemed_received_at": "2026-02-23T08:00:00+07:00",
        "due_at": "2026-02-23T17:00:00+07:00",
    }


def test_utc_input_is_answered_in_hanoi_time(client):
    response = get_deadline(client, submitted_at="2026-02-13T08:30:00Z", amount=0, unit="months")
    assert response.json() == {
        "submitted_at": "2026-02-13T15:30:00+07:00",
        "deemed_received_at": "2026-02-23T08:00:00+07:00",
        "due_at": "2026-02-23T17:00:00+07:00",
    }


def test_before_cutoff_counts_the_same_day(client):
    response = get_deadline(
        client, submitted_at="2026-03-02T14:59:00+07:00", amount=3, unit="working_days"
    )
    assert response.json()["deemed_received_at"] == "2026-03-02T14:59:00+07:00"
    assert response.json()["due_at"] == "2026-03-05T14:59:00+07:00"


def test_working_saturday_is_a_deemed_receipt_day(client):
    response = get_deadline(
        client, submitted_at="2025-04-25T15:00:00+07:00", amount=4, unit="working_hours"
    )
    assert response.json()["deemed_received_at"] == "2025-04-26T08:00:00+07:00"
    assert response.json()["due_at"] == "2025-04-26T12:00:00+07:00"


def test_month_limit_from_31_january_ends_28_february(client):
    response = get_deadline(
        client, submitted_at="2023-01-31T09:00:00+07:00", amount=1, unit="months"
    )
    assert response.json()["due_at"] == "2023-02-28T17:00:00+07:00"


def test_calendar_days_limit_landing_on_tet(client):
    response = get_deadline(
        client, submitted_at="2026-02-06T09:00:00+07:00", amount=10, unit="calendar_days"
    )
    assert response.json()["due_at"] == "2026-02-23T17:00:00+07:00"


def test_cutoff_can_be_given(client):
    response = get_deadline(
        client,
        submitted_at="2026-03-02T11:00:00+07:00",
        amount=0,
        unit="working_days",
        cutoff="11:00",
    )
    assert response.json()["deemed_received_at"] == "2026-03-03T08:00:00+07:00"


def test_override_added_by_the_administrator_changes_the_answer(client):
    params = {"submitted_at": "2026-01-01T10:00:00+07:00", "amount": 1, "unit": "working_days"}
    assert get_deadline(client, **params).json()["due_at"] == "2026-01-02T17:00:00+07:00"
    services.calendar_override_set(
        day=date(2026, 1, 2), kind="day_off", legal_basis="Thông báo nghỉ bù (ví dụ)"
    )
    assert get_deadline(client, **params).json()["due_at"] == "2026-01-05T17:00:00+07:00"


def test_longest_allowed_limit_is_answered(client):
    response = get_deadline(
        client, submitted_at="2026-12-31T16:00:00+07:00", amount=120, unit="months"
    )
    assert response.status_code == 200
    # Deemed Mon 04/01/2027 (New Year's Day and a weekend first); 04/01/2037 is a Sunday.
    assert response.json()["deemed_received_at"] == "2027-01-04T08:00:00+07:00"
    assert response.json()["due_at"] == "2037-01-05T17:00:00+07:00"


VALID = {"submitted_at": "2026-02-13T16:00:00+07:00", "amount": 1, "unit": "working_days"}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"submitted_at": "2026-02-13T16:00:00"}, "submitted_at"),
        ({"submitted_at": "13/02/2026 16:00"}, "submitted_at"),
        ({"submitted_at": "2026-02-30T16:00:00+07:00"}, "submitted_at"),
        ({"submitted_at": "9999-12-31T23:00:00-12:00", "unit": "months"}, "submitted_at"),
        ({"submitted_at": None}, "submitted_at"),
        ({"amount": -1}, "amount"),
        ({"amount": "1.5"}, "amount"),
        ({"amount": 2501}, "amount"),
        ({"amount": 10001, "unit": "working_hours"}, "amount"),
        ({"amount": 3651, "unit": "calendar_days"}, "amount"),
        ({"amount": 121, "unit": "months"}, "amount"),
        ({"amount": 10**30, "unit": "months"}, "amount"),
        ({"unit": "fortnights"}, "unit"),
        ({"cutoff": "25:00"}, "cutoff"),
        ({"cutoff": "15:00+07:00"}, "cutoff"),
        ({"cutoff": "3pm"}, "cutoff"),
    ],
)
def test_bad_input_is_a_problem_422_naming_the_field(client, changes, field):
    params = {key: value for key, value in {**VALID, **changes}.items() if value is not None}
    response = get_deadline(client, **params)
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == 422
    assert field in [error["field"] for error in body["errors"]]


def test_naive_datetime_is_refused_in_vietnamese(client):
    response = get_deadline(
        client, submitted_at="2026-02-13T16:00:00", amount=1, unit="working_days"
    )
    assert response.json()["errors"] == [
        {
            "field": "submitted_at",
            "message": "Thời điểm phải kèm độ lệch múi giờ, ví dụ +07:00.",
            "kind": "timezone_aware",
        }
    ]


def test_too_long_limit_is_explained_in_vietnamese_and_in_english(client):
    params = {"submitted_at": "2026-02-13T16:00:00+07:00", "amount": 121, "unit": "months"}
    vietnamese = get_deadline(client, **params).json()["detail"]
    english = client.get(f"{DEADLINE}?{urlencode(params)}", HTTP_ACCEPT_LANGUAGE="en")
    assert vietnamese == "Thời hạn quá dài: tối đa 120 tháng."
    assert english.json()["detail"] == "The time limit is too long: at most 120 months."


def test_days_lists_tet_2026_and_the_august_swap(client):
    response = client.get(f"{DAYS}?from=2026-02-01&to=2026-08-31")
    assert response.status_code == 200
    days = {day["date"]: day for day in response.json()}
    assert days["2026-02-17"]["working"] is False
    assert days["2026-02-17"]["name"] == "Tết Nguyên Đán"
    assert days["2026-08-22"]["working"] is True
    assert days["2026-08-31"]["working"] is False


def test_days_show_an_override_with_its_legal_basis(client):
    services.calendar_override_set(day=date(2026, 1, 2), kind="day_off", legal_basis="QĐ 1/2026")
    (day,) = client.get(f"{DAYS}?from=2026-01-02&to=2026-01-02").json()
    assert day == {
        "date": "2026-01-02",
        "working": False,
        "name": "Ngày nghỉ",
        "source": "override",
        "legal_basis": "QĐ 1/2026",
    }


@pytest.mark.parametrize(
    "query",
    [
        "from=2026-02-01&to=2026-01-01",
        "from=2026-01-01&to=2030-01-01",
        "from=x&to=2026-01-01",
        "from=1990-01-01&to=1990-02-01",
        "to=2026-01-01",
    ],
)
def test_days_with_bad_range_is_a_problem_422(client, query):
    response = client.get(f"{DAYS}?{query}")
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
