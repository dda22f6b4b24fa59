"""Acting as a dossier's applicant (collecting the electronic result, rating, complaining)
needs a one-time code sent to the phone on file, not only four digits (issue 18, hole 2)."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest

from motcua.dossiers.choices import NotificationEvent
from motcua.dossiers.models import NotificationLog
from motcua.dossiers.sms import LocmemSmsBackend
from motcua.feedback.models import Complaint, Rating
from motcua.feedback.tests.helpers import SENDER, delivered
from motcua.public.models import OneTimeCode
from motcua.public.otp import MAX_ATTEMPTS
from motcua.public.tests.helpers import confirmed, sent_code, ticket_of, vi

pytestmark = pytest.mark.django_db
CONFIRM = "/tra-cuu/xac-thuc/"


@pytest.fixture
def dossier(people, clock):
    return delivered(people, clock)


def look(client, code):
    return client.post("/tra-cuu/", {"ma": code, "so": "4321"}).content.decode()


def test_four_digits_show_the_status_but_no_link_to_act_as_the_applicant(client, dossier):
    html = look(client, dossier.code)
    assert 'id="r-code"' in html  # the status is shown
    assert 'id="rate-link"' not in html and 'id="complain-link"' not in html
    assert 'id="send-code"' in html and "098•••••21" in html


def test_the_code_is_sent_by_sms_hashed_at_rest_and_masked_in_the_log(client, dossier):
    ticket = ticket_of(look(client, dossier.code))
    page = client.post(CONFIRM, {"t": ticket, "act": "send"}).content.decode()
    assert 'name="otp"' in page
    (sms,) = LocmemSmsBackend.outbox
    code = sent_code()
    assert sms.to == "+84987654321" and dossier.code in sms.text
    (row,) = OneTimeCode.objects.all()
    assert code not in row.code_hash and len(row.code_hash) == 64
    log = NotificationLog.objects.get(event=NotificationEvent.ONE_TIME_CODE)
    assert code not in log.body and "******" in log.body and log.status == "sent"


def test_the_right_code_opens_the_rating_once(client, dossier):
    html = confirmed(client, dossier.code)
    link = re.search(r'id="rate-link" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert client.get(link).status_code == 200
    assert 'id="complain-link"' in html
    ticket = ticket_of(look(client, dossier.code))
    again = client.post(CONFIRM, {"t": ticket, "act": "check", "otp": sent_code()})
    assert again.status_code == 422  # single use
    assert vi("This code has expired or was already used. Ask for a new one.") in (
        again.content.decode()
    )


def test_a_wrong_code_counts_and_the_code_dies_after_a_few(client, dossier):
    ticket = ticket_of(look(client, dossier.code))
    client.post(CONFIRM, {"t": ticket, "act": "send"})
    right = sent_code()
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    first = client.post(CONFIRM, {"t": ticket, "act": "check", "otp": wrong})
    assert first.status_code == 422
    assert vi("The code is not right; %(left)s tries left.", left=MAX_ATTEMPTS - 1) in (
        first.content.decode()
    )
    for _ in range(MAX_ATTEMPTS - 1):
        client.post(CONFIRM, {"t": ticket, "act": "check", "otp": wrong})
    late = client.post(CONFIRM, {"t": ticket, "act": "check", "otp": right})
    assert late.status_code == 422 and 'id="rate-link"' not in late.content.decode()


def test_a_code_expires(client, dossier, clock):
    ticket = ticket_of(look(client, dossier.code))
    client.post(CONFIRM, {"t": ticket, "act": "send"})
    clock.moment += timedelta(minutes=11)
    late = client.post(CONFIRM, {"t": ticket, "act": "check", "otp": sent_code()})
    assert late.status_code == 422


def test_a_new_code_replaces_the_last_and_sending_is_limited(client, dossier):
    ticket = ticket_of(look(client, dossier.code))
    client.post(CONFIRM, {"t": ticket, "act": "send"})
    old = sent_code()
    client.post(CONFIRM, {"t": ticket, "act": "send"})
    assert client.post(CONFIRM, {"t": ticket, "act": "check", "otp": old}).status_code == 422
    client.post(CONFIRM, {"t": ticket, "act": "send"})
    assert client.post(CONFIRM, {"t": ticket, "act": "send"}).status_code == 429


# -- the API ---------------------------------------------------------------------------------------


def api_rate(client, code, **body):
    data = {"verifier": "4321", "level": "satisfied", **body}
    return client.post(
        f"/api/v1/public/dossiers/{code}/rating", data, content_type="application/json"
    )


def test_the_api_rating_needs_the_one_time_code(client, dossier):
    assert api_rate(client, dossier.code).status_code == 422
    assert api_rate(client, dossier.code, one_time_code="123456").status_code == 422
    sent = client.post(f"/api/v1/public/dossiers/{dossier.code}/one-time-code",
                       {"verifier": "4321"}, content_type="application/json")  # fmt: skip
    assert sent.status_code == 202
    assert sent.json()["channel"] == "sms" and sent.json()["sent_to"] == "098•••••21"
    assert api_rate(client, dossier.code, one_time_code=sent_code()).status_code == 201
    assert Rating.objects.count() == 1


def test_the_api_sends_no_code_for_wrong_digits(client, dossier):
    sent = client.post(f"/api/v1/public/dossiers/{dossier.code}/one-time-code",
                       {"verifier": "0000"}, content_type="application/json")  # fmt: skip
    assert sent.status_code == 404 and not LocmemSmsBackend.outbox


def test_the_api_complaint_about_a_dossier_needs_the_one_time_code(client, dossier):
    body = {"kind": "complaint", "subject": "Chờ lâu", "content": "Chờ hai giờ.", **SENDER,
            "dossier_code": dossier.code, "verifier": "4321"}  # fmt: skip
    refused = client.post("/api/v1/public/complaints", json.dumps(body),
                          content_type="application/json")  # fmt: skip
    assert refused.status_code == 422 and not Complaint.objects.exists()
    client.post(f"/api/v1/public/dossiers/{dossier.code}/one-time-code",
                {"verifier": "4321"}, content_type="application/json")  # fmt: skip
    made = client.post("/api/v1/public/complaints",
                       json.dumps({**body, "one_time_code": sent_code()}),
                       content_type="application/json")  # fmt: skip
    assert made.status_code == 201 and Complaint.objects.get().dossier == dossier
