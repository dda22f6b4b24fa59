"""rating_submit: after delivery only, once, within the window, with a valid survey."""

from __future__ import annotations

from datetime import timedelta

import pytest

from motcua.core.errors import InvalidInput, NotFound
from motcua.dossiers.choices import Status
from motcua.feedback import rules
from motcua.feedback.errors import AlreadyRated, NotDelivered, ProofExpired, RatingWindowClosed
from motcua.feedback.models import Rating
from motcua.feedback.proofs import proof_for
from motcua.feedback.services import rating_submit
from motcua.feedback.tests.helpers import ID_DIGITS, PHONE_DIGITS, SURVEY, delivered, in_progress
from motcua.public.selectors import NOT_FOUND_MESSAGE

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier(people, clock):
    return delivered(people, clock)


def rate(dossier, **changes):
    data = {"dossier_code": dossier.code, "verifier": PHONE_DIGITS, "level": "satisfied"}
    data.update(changes)
    return rating_submit(**data)


def test_the_applicant_rates_a_delivered_dossier_with_the_survey(dossier, clock):
    clock.set(2026, 3, 20, 10, 0)
    rating = rate(dossier, level="very_satisfied", criteria=SURVEY, comment="  Nhanh  chóng ")
    assert rating.dossier == dossier
    assert rating.level == "very_satisfied"
    assert rating.criteria == SURVEY
    assert rating.survey_points == sum(SURVEY) == 14
    assert rules.survey_band(rating.survey_points) == "good"
    assert rating.comment == "Nhanh chóng"
    assert rating.rated_at == clock.moment
    assert dossier.rating == rating


def test_the_id_digits_work_too_and_the_survey_is_optional(dossier):
    rating = rate(dossier, verifier=ID_DIGITS, level="not_satisfied")
    assert rating.level == "not_satisfied"
    assert rating.criteria == [None] * 9 and rating.survey_points is None


def test_a_partly_answered_survey_keeps_the_answers_without_a_total(dossier):
    rating = rate(dossier, criteria=[2, None, 1, None, None, None, None, None, 0])
    assert rating.criterion_1 == 2 and rating.criterion_3 == 1 and rating.criterion_9 == 0
    assert rating.survey_points is None


def test_a_second_rating_is_refused(dossier):
    rate(dossier)
    with pytest.raises(AlreadyRated) as caught:
        rate(dossier, level="not_satisfied")
    assert caught.value.status == 409
    assert Rating.objects.get().level == "satisfied"


def test_a_dossier_not_yet_delivered_cannot_be_rated(people, clock):
    dossier = in_progress(people, clock)
    with pytest.raises(NotDelivered) as caught:
        rate(dossier)
    assert caught.value.status == 409 and caught.value.code == "not_delivered"
    assert not Rating.objects.exists()


def test_a_rating_dated_before_the_delivery_is_refused(dossier):
    with pytest.raises(NotDelivered):
        rate(dossier, at=dossier.delivered_at - timedelta(minutes=1))


def test_the_window_closes_thirty_days_after_delivery(dossier):
    end = rules.rating_window_end(dossier.delivered_at)
    assert end - dossier.delivered_at == timedelta(days=rules.RATING_WINDOW_DAYS)
    with pytest.raises(RatingWindowClosed):
        rate(dossier, at=end + timedelta(seconds=1))
    assert rate(dossier, at=end).rated_at == end


@pytest.mark.parametrize("verifier", ["0000", "", "12345", "abcd"])
def test_wrong_digits_and_an_unknown_code_get_the_same_not_found(dossier, verifier):
    with pytest.raises(NotFound) as wrong:
        rate(dossier, verifier=verifier)
    with pytest.raises(NotFound) as unknown:
        rating_submit(dossier_code="000.01.HC.H26-260310-9999", verifier=PHONE_DIGITS,
                      level="satisfied")  # fmt: skip
    assert wrong.value.detail == unknown.value.detail == str(NOT_FOUND_MESSAGE)
    assert not Rating.objects.exists()


@pytest.mark.parametrize(
    ("criteria", "field"),
    [
        ([2, 2, 2, 2, 3, 2, 2, 2, 2], "criterion_5"),
        ([2] * 8, "criteria"),
        ([True] * 9, "criterion_1"),
    ],
)
def test_a_bad_survey_answer_is_refused_naming_it(dossier, criteria, field):
    with pytest.raises(InvalidInput) as caught:
        rate(dossier, criteria=criteria)
    assert caught.value.field == field
    assert not Rating.objects.exists()


def test_an_unknown_level_is_refused(dossier):
    with pytest.raises(InvalidInput) as caught:
        rate(dossier, level="delighted")
    assert caught.value.field == "level"


def test_a_long_comment_is_refused(dossier):
    with pytest.raises(InvalidInput) as caught:
        rate(dossier, comment="x" * 2001)
    assert caught.value.field == "comment"


def test_the_lookup_proof_replaces_the_digits(dossier):
    rating = rate(dossier, verifier="", proof=proof_for(dossier.code))
    assert rating.dossier_id == dossier.pk


def test_a_proof_for_another_dossier_or_a_forged_one_does_not_work(dossier):
    with pytest.raises(NotFound):
        rate(dossier, verifier="", proof=proof_for("000.01.HC.H26-260310-9999"))
    with pytest.raises(ProofExpired):
        rate(dossier, verifier="", proof=proof_for(dossier.code) + "x")


def test_an_expired_proof_does_not_work(dossier, monkeypatch):
    import time

    token = proof_for(dossier.code)
    later = time.time() + 3 * 3600
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)
    with pytest.raises(ProofExpired):
        rate(dossier, verifier="", proof=token)


def test_the_rating_leaves_the_dossier_as_it_was(dossier):
    version = dossier.version
    rate(dossier)
    dossier.refresh_from_db()
    assert dossier.version == version and dossier.status == Status.DELIVERED
