"""No public page or endpoint of ratings and complaints shows personal data: not the
applicant's (name, ID, phone, e-mail, address), not the sender's (name, phone, e-mail), not a
rating's comment, not a staff member's name."""

from __future__ import annotations

import re

import pytest

from motcua.feedback import services as svc
from motcua.feedback.proofs import follow_token, proof_for
from motcua.feedback.tests.helpers import (
    PHONE_DIGITS,
    SENDER,
    SENDER_DIGITS,
    SURVEY,
    delivered,
    personal_data,
)
from motcua.public.tests.helpers import sent_code  # noqa: E402

pytestmark = pytest.mark.django_db
JSON = "application/json"
COMMENT = "Bình luận riêng của người dân"
STAFF = ["Lê Thu Trang", "Trần Văn Nam"]  # the officer and the specialist who acted


@pytest.fixture
def world(people, clock):
    """A delivered dossier, rated with a comment; a complaint about it, answered and
    published; another waiting for information."""
    dossier = delivered(people, clock)
    svc.rating_submit(dossier_code=dossier.code, verifier=PHONE_DIGITS, level="satisfied",
                      criteria=SURVEY, comment=COMMENT)  # fmt: skip
    officer = people["officer_cn01"]
    answered = svc.complaint_submit(
        kind="complaint", subject="Trễ hẹn", content="Trễ 2 ngày", dossier_code=dossier.code,
        verifier=PHONE_DIGITS, **SENDER,
    )  # fmt: skip
    svc.complaint_accept(complaint=answered, actor=officer)
    svc.complaint_answer(complaint=answered, actor=officer, answer="Đã xin lỗi và trả kết quả.")
    svc.complaint_publish(complaint=answered, actor=officer)
    waiting = svc.complaint_submit(kind="suggestion", subject="Ghế chờ", content="Thêm ghế",
                                   site_code="CN01", **SENDER)  # fmt: skip
    svc.complaint_request_info(complaint=waiting, actor=officer, message="Tầng nào?")
    return {"dossier": dossier, "answered": answered, "waiting": waiting}


def forbidden() -> list[str]:
    return [*personal_data(), COMMENT, *STAFF]


def assert_clean(response) -> None:
    text = response.content.decode()
    # The CSRF token and the signed tokens are random text; nothing personal can hide there.
    text = re.sub(r'(csrfmiddlewaretoken" value|name="t" value)="[^"]+"', "", text)
    leaks = [item for item in forbidden() if item in text]
    assert not leaks, f"{response.request['PATH_INFO']} shows {leaks}"


def test_no_public_page_shows_personal_data(client, world):
    dossier, answered, waiting = world["dossier"], world["answered"], world["waiting"]
    proof = proof_for(dossier.code)
    pages = [
        client.post("/tra-cuu/", {"ma": dossier.code, "so": PHONE_DIGITS}),
        client.get("/danh-gia/", {"t": proof}),
        client.get("/gop-y/"),
        client.get("/gop-y/", {"t": proof}),
        client.get("/gop-y/da-gui/", {"t": follow_token(answered.code)}),
        client.get("/gop-y/theo-doi/"),
        client.post("/gop-y/theo-doi/", {"ma": answered.code, "so": SENDER_DIGITS}),
        client.post("/gop-y/theo-doi/", {"ma": waiting.code, "so": SENDER_DIGITS}),
        client.get("/gop-y/tra-loi/"),
    ]
    for page in pages:
        assert page.status_code == 200, page.request["PATH_INFO"]
        assert_clean(page)
    assert "Đã xin lỗi và trả kết quả." in pages[-1].content.decode()


def test_no_public_endpoint_answers_personal_data(client, world, people, clock):
    answered, waiting = world["answered"], world["waiting"]
    fresh = delivered(people, clock)

    def otp():
        client.post(
            f"/api/v1/public/dossiers/{fresh.code}/one-time-code",
            {"verifier": PHONE_DIGITS},
            content_type=JSON,
        )
        return sent_code()

    responses = [
        client.post(f"/api/v1/public/dossiers/{fresh.code}/rating",
                    {"verifier": PHONE_DIGITS, "level": "satisfied", "comment": COMMENT,
                     "one_time_code": otp()}, content_type=JSON),
        client.post("/api/v1/public/complaints",
                    {"kind": "complaint", "subject": "Chờ", "content": "Chờ lâu", **SENDER,
                     "dossier_code": fresh.code, "verifier": PHONE_DIGITS,
                     "one_time_code": otp()}, content_type=JSON),
        client.get(f"/api/v1/public/complaints/{answered.code}", {"verifier": SENDER_DIGITS}),
        client.post(f"/api/v1/public/complaints/{waiting.code}/information",
                    {"verifier": SENDER_DIGITS, "content": "Tầng 1"}, content_type=JSON),
        client.get("/api/v1/public/complaint-answers"),
    ]  # fmt: skip
    for response in responses:
        assert response.status_code in (200, 201), response.content
        assert_clean(response)
