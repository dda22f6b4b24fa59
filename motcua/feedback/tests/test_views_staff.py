"""The staff desk /workspace/feedback/: scope, urgency, the actions, the ratings page."""

from __future__ import annotations

import pytest

from motcua.feedback import services as svc
from motcua.feedback.tests.helpers import PHONE_DIGITS, SENDER, delivered, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def complaint(people, clock):
    clock.set(2026, 3, 10, 9, 30)
    return submit(site_code="CN01", subject="Chờ lâu ở Tây Hồ")


def test_the_desk_needs_a_sign_in(client, complaint):
    response = client.get("/workspace/feedback/")
    assert response.status_code == 302 and "/workspace/login/" in response["Location"]


def test_the_desk_lists_the_scope_with_deadlines_and_the_nav_links_to_it(client, people, complaint):
    submit(site_code="CN07", subject="Chờ lâu ở Hà Đông")
    client.force_login(people["officer_cn01"])
    response = client.get("/workspace/feedback/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="/workspace/feedback/"' in html and 'aria-current="page"' in html
    assert "Chờ lâu ở Tây Hồ" in html and "Hà Đông" not in html
    assert "09:30 12/03/2026" in html  # refuse by
    assert SENDER["sender_name"] not in html  # the list shows no sender


def test_an_overdue_complaint_is_marked(client, people, complaint, clock):
    clock.set(2026, 3, 12, 10, 0)
    client.force_login(people["officer_cn01"])
    html = client.get("/workspace/feedback/").content.decode()
    assert '<tr class="overdue">' not in html  # past the refusal, still within the request
    clock.set(2026, 4, 2, 10, 0)  # past the answer's deadline
    client.force_login(people["officer_cn01"])  # the session aged three weeks too
    html = client.get("/workspace/feedback/?state=overdue").content.decode()
    assert '<tr class="overdue">' in html and "Chờ lâu ở Tây Hồ" in html


def test_the_detail_shows_the_sender_and_the_actions(client, people, complaint):
    client.force_login(people["officer_cn01"])
    html = client.get(f"/workspace/feedback/{complaint.code}/").content.decode()
    assert SENDER["sender_name"] in html and SENDER["sender_phone"] in html
    for action in ("accept", "request_info", "refuse"):
        assert f'action="/workspace/feedback/{complaint.code}/{action}/"' in html
    assert "/answer/" not in html


def test_an_action_goes_through_the_service_and_comes_back(client, people, complaint):
    client.force_login(people["officer_cn01"])
    url = f"/workspace/feedback/{complaint.code}/"
    response = client.post(url + "accept/", {"accept-note": "Đã liên hệ"})
    assert response.status_code == 302 and response["Location"] == url
    complaint.refresh_from_db()
    assert complaint.status == "in_handling" and complaint.handled_by == people["officer_cn01"]
    html = client.get(url).content.decode()
    assert f'action="{url}answer/"' in html and "Đã liên hệ" in html


def test_a_refused_action_shows_its_message_in_its_form(client, people, complaint):
    client.force_login(people["officer_cn01"])
    missing = client.post(f"/workspace/feedback/{complaint.code}/refuse/", {"refuse-reason": ""})
    assert missing.status_code == 422
    assert 'id="act-refuse"' in missing.content.decode()
    wrong_state = client.post(f"/workspace/feedback/{complaint.code}/publish/", {})
    assert wrong_state.status_code == 409
    complaint.refresh_from_db()
    assert complaint.status == "received"


def test_the_inspector_reads_without_actions(client, people, complaint):
    client.force_login(people["inspector"])
    html = client.get(f"/workspace/feedback/{complaint.code}/").content.decode()
    assert SENDER["sender_name"] in html and "/accept/" not in html
    assert client.post(f"/workspace/feedback/{complaint.code}/accept/").status_code == 403


def test_another_site_gets_a_404(client, people, complaint):
    client.force_login(people["officer_cn07"])
    assert client.get(f"/workspace/feedback/{complaint.code}/").status_code == 404
    assert client.post(f"/workspace/feedback/{complaint.code}/accept/").status_code == 404


def test_the_ratings_page_counts_the_scope(client, people, clock):
    dossier = delivered(people, clock)
    svc.rating_submit(dossier_code=dossier.code, verifier=PHONE_DIGITS, level="not_satisfied",
                      criteria=[1] * 9, comment="Phải đi lại hai lần")  # fmt: skip
    client.force_login(people["director_cn01"])
    html = client.get("/workspace/feedback/ratings/").content.decode()
    assert '<span class="n" id="ratings-total">1</span>' in html
    assert '<span class="n" id="average-points">9,00</span>' in html
    assert "Phải đi lại hai lần" in html and dossier.code in html
    client.force_login(people["officer_cn07"])
    html = client.get("/workspace/feedback/ratings/").content.decode()
    assert '<span class="n" id="ratings-total">0</span>' in html
