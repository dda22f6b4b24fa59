"""Reads: whose complaints and ratings each person sees, the desk's order, the public views."""

from __future__ import annotations

from datetime import timedelta

import pytest

from motcua.dossiers.tests.helpers import actor
from motcua.feedback import selectors as sel
from motcua.feedback import services as svc
from motcua.feedback.choices import SURVEY_CRITERIA
from motcua.feedback.proofs import dossier_code_from
from motcua.feedback.tests.helpers import PHONE_DIGITS, SURVEY, delivered, in_progress, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def complaints(people, clock):
    """One complaint about CN01, one about CN07, one about a dossier of the Department of
    Justice received at CN01, one about the Center as a whole."""
    dossier = delivered(people, clock)
    return {
        "cn01": submit(site_code="CN01", subject="Tây Hồ"),
        "cn07": submit(site_code="CN07", subject="Hà Đông"),
        "dossier": submit(dossier_code=dossier.code, verifier=PHONE_DIGITS, subject="Hồ sơ"),
        "center": submit(subject="Trung tâm"),
    }


def seen_by(people, who) -> set[str]:
    codes = sel.complaints_visible(actor(people[who])).values_list("subject", flat=True)
    return set(codes)


def test_each_person_sees_the_complaints_of_their_site_or_agency(people, complaints):
    assert seen_by(people, "officer_cn01") == {"Tây Hồ", "Hồ sơ"}
    assert seen_by(people, "director_cn01") == {"Tây Hồ", "Hồ sơ"}
    assert seen_by(people, "officer_cn07") == {"Hà Đông"}
    assert seen_by(people, "specialist_tp") == {"Hồ sơ"}
    assert seen_by(people, "specialist") == set()  # Ba Vì's committee
    everything = {"Tây Hồ", "Hà Đông", "Hồ sơ", "Trung tâm"}
    assert seen_by(people, "center_director") == seen_by(people, "inspector") == everything


def test_one_complaint_outside_the_scope_is_not_found(people, complaints):
    from motcua.core.errors import NotFound

    with pytest.raises(NotFound):
        sel.complaint_get(actor=actor(people["officer_cn07"]), code=complaints["cn01"].code)
    detail = sel.complaint_detail(actor=actor(people["officer_cn01"]), code=complaints["cn01"].code)
    assert detail["can_handle"] and detail["actions"] == ["accept", "request_info", "refuse"]
    read_only = sel.complaint_detail(actor=actor(people["inspector"]), code=complaints["cn01"].code)
    assert not read_only["can_handle"] and read_only["actions"] == []


def test_the_desk_puts_the_most_urgent_first_and_closed_last(people, clock):
    clock.set(2026, 3, 10, 9, 0)
    officer = people["officer_cn01"]
    closed = submit(site_code="CN01", subject="closed")
    svc.complaint_refuse(complaint=closed, actor=officer, reason="Trùng")
    clock.set(2026, 3, 11, 9, 0)
    waiting = submit(site_code="CN01", subject="waiting")
    svc.complaint_request_info(complaint=waiting, actor=officer, message="?")
    handling = submit(site_code="CN01", subject="handling")  # answer due 01/04
    svc.complaint_accept(complaint=handling, actor=officer)
    clock.set(2026, 3, 12, 9, 0)
    submit(site_code="CN01", subject="fresh")  # refuse by 16/03, ask by 19/03 09:00
    clock.set(2026, 3, 13, 9, 0)
    submit(site_code="CN01", subject="older")  # refuse by 17/03 09:00, ask by 20/03
    clock.set(2026, 3, 17, 10, 0)  # both past the refusal, within the request for information
    now = clock.moment
    listed = sel.complaint_list(actor=actor(officer), filters=sel.ComplaintFilters(), now=now)
    assert [c.subject for c in listed] == ["fresh", "older", "handling", "waiting", "closed"]
    rows = sel.desk_rows(listed, now=now)
    current = {r.complaint.subject: r.current for r in rows}
    assert current["fresh"].name == "info" and current["fresh"].left.state == "ok"  # 15 h left
    assert current["older"].name == "info"
    assert current["handling"].name == "answer" and current["handling"].left.state == "ok"
    assert current["closed"] is None
    refused = next(r for r in rows if r.complaint.subject == "closed")
    assert {d.name: d.met for d in refused.deadlines}["refuse"] is True


def test_overdue_means_past_the_current_deadline(people, clock):
    clock.set(2026, 3, 10, 9, 0)
    officer = people["officer_cn01"]
    late = submit(site_code="CN01", subject="late")
    svc.complaint_accept(complaint=late, actor=officer)
    svc.complaint_answer(complaint=late, actor=officer, answer="Đã xử lý")  # publish by 12/03
    submit(site_code="CN01", subject="fresh")
    clock.set(2026, 3, 12, 17, 30)  # after closing: late by no working time, still late
    now = clock.moment
    only = sel.ComplaintFilters(state="overdue")
    overdue = sel.complaint_list(actor=actor(officer), filters=only, now=now)
    assert [c.subject for c in overdue] == ["late"]
    (row,) = sel.desk_rows(overdue, now=now)
    assert row.current.name == "publish" and row.current.left.state == "late"
    counts = sel.complaint_counts(actor=actor(officer), now=now)
    assert counts == {"open": 2, "overdue": 1, "today": 0, "waiting": 0}


def test_filters_by_kind_status_and_text(people, complaints):
    officer = actor(people["officer_cn01"])

    def by(**filters):
        found = sel.complaint_list(actor=officer, filters=sel.ComplaintFilters(**filters))
        return {c.subject for c in found}

    assert by(q="tây") == {"Tây Hồ"}
    assert by(q=complaints["dossier"].dossier.code) == {"Hồ sơ"}
    assert by(kind="suggestion") == set()
    assert by(state="received") == by(state="open") == {"Tây Hồ", "Hồ sơ"}
    assert by(state="closed") == set()


# -- ratings -------------------------------------------------------------------------------------


def test_the_ratings_summary_counts_levels_and_averages_the_surveys(people, clock):
    levels = ["very_satisfied", "satisfied", "satisfied", "not_satisfied"]
    surveys = [[2] * 9, SURVEY, None, [0, 1, 0, 1, 0, 1, 0, 1, 0]]
    for level, survey in zip(levels, surveys, strict=True):
        dossier = delivered(people, clock)
        svc.rating_submit(dossier_code=dossier.code, verifier=PHONE_DIGITS, level=level,
                          criteria=survey)  # fmt: skip
    summary = sel.ratings_summary(actor=actor(people["officer_cn01"]))
    assert summary.total == 4
    assert {lv.level: (lv.count, lv.share) for lv in summary.levels} == {
        "very_satisfied": (1, 25.0), "satisfied": (2, 50.0), "not_satisfied": (1, 25.0),
    }  # fmt: skip
    assert summary.surveyed == 3
    assert summary.average_points == round((18 + 14 + 4) / 3, 2) == 12.0
    assert summary.average_band == "good"
    assert {b.level: b.count for b in summary.bands} == {
        "excellent": 1, "good": 1, "fair": 0, "average": 0, "weak": 1,
    }  # fmt: skip
    label, first = summary.criteria[0]  # the criteria in the order of §7
    assert str(label) == str(SURVEY_CRITERIA[0])
    assert first == round((2 + 2 + 0) / 3, 2)


def test_ratings_follow_the_dossier_scope(people, clock):
    dossier = delivered(people, clock)
    svc.rating_submit(dossier_code=dossier.code, verifier=PHONE_DIGITS, level="satisfied")
    assert sel.ratings_summary(actor=actor(people["specialist_tp"])).total == 1
    assert sel.ratings_summary(actor=actor(people["officer_cn07"])).total == 0
    assert sel.ratings_summary(actor=actor(people["inspector"])).total == 1
    empty = sel.ratings_summary(actor=actor(people["officer_cn07"]))
    assert empty.average_points is None and all(lv.share is None for lv in empty.levels)


def test_the_summary_takes_a_period_in_hanoi_days(people, clock):
    dossier = delivered(people, clock)  # 10/03
    svc.rating_submit(dossier_code=dossier.code, verifier=PHONE_DIGITS, level="satisfied")
    day = clock.moment.date()
    who = actor(people["inspector"])
    assert sel.ratings_summary(actor=who, start=day, end=day).total == 1
    assert sel.ratings_summary(actor=who, start=day + timedelta(days=1)).total == 0


# -- public reads --------------------------------------------------------------------------------


def test_the_lookup_offers_the_rating_only_after_delivery_and_within_the_window(people, clock):
    waiting = in_progress(people, clock)
    offer = sel.lookup_feedback(dossier=waiting)
    assert not offer.can_rate and offer.rating is None and not offer.window_closed
    assert dossier_code_from(offer.proof) == waiting.code  # a complaint may still be filed

    dossier = delivered(people, clock)
    offer = sel.lookup_feedback(dossier=dossier)
    assert offer.can_rate and offer.rate_until == dossier.delivered_at + timedelta(days=30)
    late = sel.lookup_feedback(dossier=dossier, now=dossier.delivered_at + timedelta(days=31))
    assert not late.can_rate and late.window_closed

    svc.rating_submit(dossier_code=dossier.code, verifier=PHONE_DIGITS, level="satisfied",
                      criteria=SURVEY, comment="riêng tư")  # fmt: skip
    rated = sel.lookup_feedback(dossier=dossier)
    assert not rated.can_rate and rated.rating.level == "satisfied"
    assert rated.rating.survey_points == 14 and rated.rating.band == "good"
    assert "riêng tư" not in repr(rated)


def test_only_published_answers_are_public(people, clock):
    officer = people["officer_cn01"]
    answered = submit(site_code="CN01", subject="Chỉ trả lời")
    published = submit(site_code="CN01", subject="Đã công khai")
    for complaint in (answered, published):
        svc.complaint_accept(complaint=complaint, actor=officer)
        svc.complaint_answer(complaint=complaint, actor=officer, answer="Đã khắc phục.")
    svc.complaint_publish(complaint=published, actor=officer, public_subject="Về thời gian chờ")
    rows = [sel.published_answer(c) for c in sel.published_answers()]
    assert [(r.subject, r.answer) for r in rows] == [("Về thời gian chờ", "Đã khắc phục.")]
    assert rows[0].concerns == "Chi nhánh Tây Hồ"
    assert [c.public_subject for c in sel.published_answers(q="khắc phục")] == ["Về thời gian chờ"]
    assert not sel.published_answers(q="không có")


def test_the_sender_follows_with_the_phone_digits(people, clock):
    from motcua.core.errors import NotFound
    from motcua.feedback.tests.helpers import SENDER_DIGITS

    complaint = submit(site_code="CN01")
    found = sel.complaint_follow(code=complaint.code.lower(), verifier=SENDER_DIGITS)
    assert found.code == complaint.code and found.status == "received"
    assert len(found.steps) == 1 and found.steps[0].note == ""
    with pytest.raises(NotFound) as wrong:
        sel.complaint_follow(code=complaint.code, verifier="0000")
    with pytest.raises(NotFound) as unknown:
        sel.complaint_follow(code="PAKN-260310-9999", verifier=SENDER_DIGITS)
    assert wrong.value.detail == unknown.value.detail
