"""The citizens' pages: rating from the lookup, the complaint form, following, the answers."""

from __future__ import annotations

import re
from types import SimpleNamespace
from urllib.parse import parse_qs

import pytest
from django.utils.translation import gettext, override

from motcua.feedback import services as svc
from motcua.feedback.models import Complaint, Rating
from motcua.feedback.proofs import complaint_code_from, proof_for
from motcua.feedback.tests.helpers import (
    PHONE_DIGITS,
    SENDER,
    SENDER_DIGITS,
    SURVEY,
    delivered,
    in_progress,
)
from motcua.public.tests.helpers import confirmed, vi


def raw(message: str) -> str:
    """A message as {% translate %} writes it (translated, not escaped)."""
    with override("vi"):
        return gettext(message)


pytestmark = pytest.mark.django_db


def look(client, code, digits=PHONE_DIGITS):
    """The lookup, then (when the digits are right) the one-time code's confirmation: the
    page with the links that act as the applicant."""
    looked = client.post("/tra-cuu/", {"ma": code, "so": digits})
    if looked.status_code != 200:
        return looked
    return SimpleNamespace(content=confirmed(client, code, digits).encode(), status_code=200)


def token_of(html: str, path: str) -> str:
    match = re.search(rf'href="{re.escape(path)}\?t=([^"]+)"', html)
    assert match, f"no link to {path}"
    return parse_qs("t=" + match.group(1).replace("&amp;", "&"))["t"][0]


def survey_data(token, level="very_satisfied", criteria=SURVEY, **extra):
    data = {"t": token, "level": level, **extra}
    for n, value in enumerate(criteria or [], start=1):
        if value is not None:
            data[f"criterion_{n}"] = str(value)
    return data


@pytest.fixture
def dossier(people, clock):
    return delivered(people, clock)


def test_a_delivered_dossier_s_lookup_offers_the_rating_and_a_complaint(client, dossier):
    html = look(client, dossier.code).content.decode()
    assert 'id="rate-link"' in html and 'id="complain-link"' in html
    token = token_of(html, "/danh-gia/")
    assert PHONE_DIGITS not in token  # the digits never travel in an address
    assert token_of(html, "/gop-y/") == token


def test_a_dossier_in_progress_offers_a_complaint_but_no_rating(client, people, clock):
    dossier = in_progress(people, clock)
    html = look(client, dossier.code).content.decode()
    assert 'id="rate-link"' not in html and 'id="complain-link"' in html


def test_a_miss_on_the_lookup_offers_nothing(client, dossier):
    html = look(client, dossier.code, "0000").content.decode()
    assert "/danh-gia/" not in html and 'id="feedback"' not in html


def test_the_citizen_rates_with_the_survey_and_sees_the_rating(client, dossier):
    token = token_of(look(client, dossier.code).content.decode(), "/danh-gia/")
    form = client.get("/danh-gia/", {"t": token})
    html = form.content.decode()
    assert form.status_code == 200 and dossier.code in html
    assert html.count('name="level"') == 3 and html.count('name="criterion_') == 27
    done = client.post("/danh-gia/", survey_data(token, comment="Rất nhanh"))
    assert done.status_code == 302 and done["Location"].startswith("/danh-gia/?t=")
    rating = Rating.objects.get()
    assert (rating.level, rating.criteria, rating.survey_points) == ("very_satisfied", SURVEY, 14)
    shown = client.get(done["Location"]).content.decode()
    assert "14/18" in shown and 'class="band band-good"' in shown
    assert 'name="level"' not in shown and "Rất nhanh" not in shown
    again = look(client, dossier.code).content.decode()
    assert 'id="rate-link"' not in again and "given-rating lv-very_satisfied" in again


def test_a_rating_without_a_level_is_sent_back_with_the_message(client, dossier):
    token = proof_for(dossier.code)
    response = client.post("/danh-gia/", {"t": token, "criterion_1": "2"})
    assert response.status_code == 422
    assert vi("Choose one of the three levels.") in response.content.decode()
    assert not Rating.objects.exists()


def test_a_second_rating_from_an_old_page_is_refused_in_the_form(client, dossier):
    token = proof_for(dossier.code)
    svc.rating_submit(dossier_code=dossier.code, verifier=PHONE_DIGITS, level="satisfied")
    response = client.post("/danh-gia/", survey_data(token))
    assert response.status_code == 409
    assert vi("This dossier has already been rated; a rating cannot be changed.") in (
        response.content.decode()
    )
    assert Rating.objects.get().level == "satisfied"


def test_a_forged_or_missing_token_opens_nothing(client, dossier):
    for token in ("", "abc", proof_for(dossier.code) + "x"):
        response = client.get("/danh-gia/", {"t": token})
        assert response.status_code == 403
        assert dossier.code not in response.content.decode()
    assert client.post("/danh-gia/", survey_data("forged")).status_code == 403
    assert not Rating.objects.exists()


def test_a_dossier_not_delivered_shows_why_it_cannot_be_rated_yet(client, people, clock):
    dossier = in_progress(people, clock)
    html = client.get("/danh-gia/", {"t": proof_for(dossier.code)}).content.decode()
    assert 'name="level"' not in html
    assert (
        raw("A dossier is rated once its result has been handed over; this one's has not.") in html
    )


# -- complaints ----------------------------------------------------------------------------------


def complaint_data(**changes):
    data = {"kind": "complaint", "subject": "Chờ lâu", "content": "Chờ hai giờ.", "site": "CN01",
            **SENDER, "dossier_code": "", "verifier": ""}  # fmt: skip
    data.update(changes)
    return data


def test_the_nav_links_to_the_complaint_form(client, people):
    html = client.get("/tra-cuu/").content.decode()
    assert 'href="/gop-y/"' in html


def test_a_complaint_is_sent_and_its_code_shown(client, people, clock):
    clock.set(2026, 3, 10, 9, 30)
    page = client.get("/gop-y/")
    assert page.status_code == 200 and 'name="sender_phone"' in page.content.decode()
    response = client.post("/gop-y/", complaint_data())
    assert response.status_code == 302
    sent = client.get(response["Location"])
    html = sent.content.decode()
    assert 'id="sent-code"' in html and "PAKN-260310-0001" in html
    assert "09:30 31/03/2026" in html  # the answer's deadline: 15 working days
    complaint = Complaint.objects.get()
    assert complaint.site.code == "CN01" and complaint.sender_phone == "0912 345 678"


def test_mistakes_are_shown_next_to_their_fields(client, people):
    response = client.post("/gop-y/", complaint_data(subject="", sender_phone="123"))
    assert response.status_code == 422
    html = response.content.decode()
    assert vi("Enter a Vietnamese phone number: 10 digits starting with 0, or +84…") in html
    assert 'id="f-subject"' in html and not Complaint.objects.exists()


def test_a_dossier_cannot_be_named_with_four_digits_alone(client, dossier):
    page = client.get("/gop-y/").content.decode()
    assert 'name="dossier_code"' not in page and 'name="verifier"' not in page
    assert 'id="about-dossier"' in page  # look it up and confirm with the code first
    made = client.post("/gop-y/", complaint_data(dossier_code=dossier.code, verifier=PHONE_DIGITS))
    assert made.status_code == 302 and Complaint.objects.get().dossier is None


def test_from_the_lookup_the_dossier_is_known_without_its_digits(client, dossier):
    token = token_of(look(client, dossier.code).content.decode(), "/gop-y/")
    page = client.get("/gop-y/", {"t": token}).content.decode()
    assert dossier.code in page and 'name="verifier"' not in page
    response = client.post("/gop-y/", complaint_data(t=token, site=""))
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.dossier == dossier and complaint.agency.code == "SO-TP"


def test_the_sender_follows_and_replies_to_a_request(client, people, clock):
    complaint = svc.complaint_submit(kind="suggestion", subject="Ghế chờ", content="Thêm ghế",
                                     site_code="CN01", **SENDER)  # fmt: skip
    svc.complaint_request_info(complaint=complaint, actor=people["officer_cn01"],
                               message="Ở tầng mấy?")  # fmt: skip
    wrong = client.post("/gop-y/theo-doi/", {"ma": complaint.code, "so": "0000"})
    assert wrong.status_code == 404
    found = client.post("/gop-y/theo-doi/", {"ma": complaint.code.lower(), "so": SENDER_DIGITS})
    html = found.content.decode()
    assert found.status_code == 200 and "Ở tầng mấy?" in html and 'id="info-form"' in html
    token = re.search(r'name="t" value="([^"]+)"', html).group(1)
    assert complaint_code_from(token) == complaint.code
    replied = client.post("/gop-y/theo-doi/", {"t": token, "content": "Tầng 1"})
    assert replied.status_code == 200 and 'id="info-form"' not in replied.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == "received"
    assert complaint.events.last().note == "Tầng 1"


def test_the_published_answers_page(client, people):
    officer = people["officer_cn01"]
    complaint = svc.complaint_submit(kind="complaint", subject="Máy lấy số hỏng", content="Hỏng",
                                     site_code="CN01", **SENDER)  # fmt: skip
    svc.complaint_accept(complaint=complaint, actor=officer)
    svc.complaint_answer(complaint=complaint, actor=officer, answer="Đã thay máy mới.")
    svc.complaint_publish(complaint=complaint, actor=officer)
    html = client.get("/gop-y/tra-loi/").content.decode()
    assert "Máy lấy số hỏng" in html and "Đã thay máy mới." in html
    assert "Máy lấy số hỏng" not in client.get("/gop-y/tra-loi/", {"q": "không"}).content.decode()


def test_the_sent_page_needs_its_token(client, people):
    assert client.get("/gop-y/da-gui/").status_code == 403
    assert client.get("/gop-y/da-gui/", {"t": proof_for("PAKN-260310-0001")}).status_code == 403


def test_public_posts_are_limited_per_client(client, people):
    from motcua.public.limits import limit

    for _ in range(limit("feedback_per_address")):
        assert client.post("/gop-y/", complaint_data()).status_code == 302
    blocked = client.post("/gop-y/", complaint_data())
    assert blocked.status_code == 429 and blocked["Retry-After"]
    assert Complaint.objects.count() == limit("feedback_per_address")
