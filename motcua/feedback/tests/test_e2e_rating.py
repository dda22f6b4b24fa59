"""In a real browser (Debian's Chromium): a citizen looks a delivered dossier up on a phone,
rates the service with the survey, watches the total's band, and sees the rating given."""

from __future__ import annotations

import re

import pytest

from motcua.feedback.models import Rating
from motcua.feedback.tests.helpers import PHONE_DIGITS, delivered
from motcua.public.tests.helpers import sent_code  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def clock(monkeypatch):
    from motcua.dossiers.tests.conftest import Clock

    return Clock(monkeypatch, django_too=False)


def test_a_citizen_rates_a_delivered_dossier_from_the_lookup(open_session, people, clock):
    dossier = delivered(people, clock)
    clock.set(2026, 3, 11, 10, 0)
    citizen = open_session(width=390, height=844)
    page = citizen.go(f"/tra-cuu/?ma={dossier.code}")
    page.fill("#id_so", PHONE_DIGITS)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    # Acting as the applicant: a one-time code, sent by SMS, confirms it is them.
    page.locator("#send-code").click()
    page.wait_for_load_state("networkidle")
    page.fill("#id_otp", sent_code())
    page.locator("form.pform button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    page.locator("#rate-link").click()
    page.wait_for_url(re.compile(r"/danh-gia/\?t="))
    assert PHONE_DIGITS not in page.url

    page.locator("label.level-btn.lv-satisfied").click()
    answers = [2, 2, 1, 2, 2, 2, 1, 2, 1]  # 15: excellent
    for number, score in enumerate(answers[:8], start=1):
        page.locator(f"label[for=id_criterion_{number}_{score}]").click()
    assert "8/9" in page.locator("#total-points").inner_text()
    assert page.locator("#total-band").is_hidden()
    page.locator(f"label[for=id_criterion_9_{answers[8]}]").click()
    assert page.locator("#total-points").inner_text().startswith("15")
    assert page.locator("#total-band").get_attribute("class") == "band band-excellent"
    page.fill("#id_comment", "Cán bộ hướng dẫn tận tình")
    page.locator("form.rate-form button[type=submit]").dblclick()  # one rating, even so
    page.wait_for_load_state("networkidle")

    page.locator(".given-rating").wait_for()
    assert "15/18" in page.locator(".given-points").inner_text()
    rating = Rating.objects.get()
    assert (rating.level, rating.criteria, rating.survey_points) == ("satisfied", answers, 15)
    assert rating.comment == "Cán bộ hướng dẫn tận tình"

    # Back on the lookup, the rating shows instead of the invitation.
    page = citizen.go(f"/tra-cuu/?ma={dossier.code}")
    page.fill("#id_so", PHONE_DIGITS)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#rate-link").count() == 0
    assert page.locator("#feedback .given-rating.lv-satisfied").count() == 1
