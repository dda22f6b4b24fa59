"""The survey's arithmetic and the PAKN deadlines, over plain values (no database)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from motcua.feedback import rules
from motcua.feedback.choices import ComplaintStatus, SurveyBand
from motcua.worktime.rules import WorkCalendar

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def hanoi(*args) -> datetime:
    return datetime(*args, tzinfo=HANOI)


# 30 April and 1 May 2026 (Thursday, Friday) are public holidays.
CALENDAR = WorkCalendar(days_off={date(2026, 4, 30), date(2026, 5, 1)}, years=(2026, 2027))


# -- the survey ----------------------------------------------------------------------------------


def test_no_survey_is_nine_blank_answers_and_no_total():
    assert rules.survey_answers(None) == (None,) * 9
    assert rules.survey_points(None) is None


def test_the_total_needs_all_nine_answers():
    assert rules.survey_points([2] * 9) == 18
    assert rules.survey_points([0] * 9) == 0
    assert rules.survey_points([2, 1, 0, 2, 1, 0, 2, 1, 0]) == 9
    assert rules.survey_points([2] * 8 + [None]) is None


@pytest.mark.parametrize(
    "criteria", [[2] * 8, [2] * 10, "222222222", [3] + [2] * 8, [-1] + [2] * 8, [True] + [2] * 8,
                 [1.0] + [2] * 8, ["2"] + [2] * 8],
)  # fmt: skip
def test_anything_but_nine_scores_of_0_1_2_is_refused(criteria):
    with pytest.raises(rules.SurveyError):
        rules.survey_answers(criteria)


def test_the_refusal_names_the_wrong_criterion():
    with pytest.raises(rules.SurveyError) as caught:
        rules.survey_answers([2, 2, 2, 2, 5, 2, 2, 2, 2])
    assert caught.value.index == 4


@pytest.mark.parametrize(
    ("points", "band"),
    [
        (18, SurveyBand.EXCELLENT), (15, SurveyBand.EXCELLENT),
        (14.99, SurveyBand.GOOD), (14, SurveyBand.GOOD), (12, SurveyBand.GOOD),
        (11, SurveyBand.FAIR), (9, SurveyBand.FAIR),
        (8.5, SurveyBand.AVERAGE), (6, SurveyBand.AVERAGE),
        (5.99, SurveyBand.WEAK), (0, SurveyBand.WEAK),
    ],
)  # fmt: skip
def test_bands_at_their_boundaries(points, band):
    assert rules.survey_band(points) == band


def test_every_total_has_exactly_one_band():
    bands = [rules.survey_band(total) for total in range(0, 19)]
    assert bands.count(SurveyBand.EXCELLENT) == 4  # 15–18
    assert bands.count(SurveyBand.GOOD) == 3  # 12–14
    assert bands.count(SurveyBand.FAIR) == 3
    assert bands.count(SurveyBand.AVERAGE) == 3
    assert bands.count(SurveyBand.WEAK) == 6  # 0–5
    assert rules.survey_band(None) is None
    with pytest.raises(rules.SurveyError):
        rules.survey_band(19)


# -- deadlines -----------------------------------------------------------------------------------


def test_deadlines_count_working_days_from_receipt():
    received = hanoi(2026, 3, 10, 9, 30)  # Tuesday
    d = rules.complaint_deadlines(received, CALENDAR)
    assert d.refuse_due_at == hanoi(2026, 3, 12, 9, 30)  # Thursday
    assert d.info_due_at == hanoi(2026, 3, 17, 9, 30)  # next Tuesday
    assert d.answer_due_at == hanoi(2026, 3, 31, 9, 30)  # three weeks on


def test_a_friday_complaint_skips_the_weekend():
    d = rules.complaint_deadlines(hanoi(2026, 3, 13, 10, 0), CALENDAR)  # Friday
    assert d.refuse_due_at == hanoi(2026, 3, 17, 10, 0)  # Tuesday, not Sunday


def test_holidays_are_skipped_too():
    # Wednesday 29 April: Thursday and Friday are holidays, then the weekend.
    d = rules.complaint_deadlines(hanoi(2026, 4, 29, 14, 0), CALENDAR)
    assert d.refuse_due_at == hanoi(2026, 5, 5, 14, 0)  # Tuesday 5 May


def test_a_complaint_sent_at_night_or_on_sunday_counts_from_the_next_opening():
    night = rules.complaint_deadlines(hanoi(2026, 3, 10, 21, 0), CALENDAR)
    assert night.refuse_due_at == hanoi(2026, 3, 12, 17, 0)  # from Wed 08:00: 16 h
    sunday = rules.complaint_deadlines(hanoi(2026, 3, 15, 10, 0), CALENDAR)
    assert sunday.refuse_due_at == hanoi(2026, 3, 17, 17, 0)  # from Mon 08:00


def test_no_afternoon_cut_off_for_complaints():
    # At 16:00 a dossier counts from the next morning; a complaint counts at once.
    d = rules.complaint_deadlines(hanoi(2026, 3, 10, 16, 0), CALENDAR)
    assert d.refuse_due_at == hanoi(2026, 3, 12, 16, 0)


def test_publication_is_due_two_working_days_after_the_answer():
    assert rules.publish_due(hanoi(2026, 3, 13, 15, 0), CALENDAR) == hanoi(2026, 3, 17, 15, 0)


def test_a_wait_for_information_moves_the_answer_by_the_working_time_waited():
    due = hanoi(2026, 3, 31, 9, 30)
    # Asked Wednesday 11:00, answered Monday 11:00: three working days passed.
    moved = rules.answer_due_after_pause(
        due, hanoi(2026, 3, 11, 11), hanoi(2026, 3, 16, 11), CALENDAR
    )
    assert moved == hanoi(2026, 4, 3, 9, 30)
    assert (
        rules.answer_due_after_pause(due, hanoi(2026, 3, 11), hanoi(2026, 3, 11), CALENDAR) == due
    )


def test_the_current_deadline_follows_the_status_and_the_time():
    dates = {
        "refuse_due_at": hanoi(2026, 3, 12, 9),
        "info_due_at": hanoi(2026, 3, 17, 9),
        "answer_due_at": hanoi(2026, 3, 31, 9),
        "publish_due_at": None,
    }
    received = ComplaintStatus.RECEIVED
    assert rules.current_deadline(status=received, now=hanoi(2026, 3, 11), **dates)[0] == "refuse"
    assert rules.current_deadline(status=received, now=hanoi(2026, 3, 13), **dates)[0] == "info"
    assert rules.current_deadline(status=received, now=hanoi(2026, 3, 18), **dates)[0] == "answer"
    handling = ComplaintStatus.IN_HANDLING
    assert rules.current_deadline(status=handling, now=hanoi(2026, 3, 11), **dates)[0] == "answer"
    answered = {**dates, "publish_due_at": hanoi(2026, 4, 2)}
    now = hanoi(2026, 3, 11)
    assert rules.current_deadline(status="answered", now=now, **answered)[0] == "publish"
    for closed in (ComplaintStatus.REFUSED, ComplaintStatus.PUBLISHED):
        assert rules.current_deadline(status=closed, now=hanoi(2026, 3, 11), **dates) is None


def test_which_actions_each_status_allows():
    assert rules.actions_allowed("received") == ["accept", "request_info", "refuse"]
    assert rules.actions_allowed("info_requested") == ["accept", "refuse"]
    assert rules.actions_allowed("in_handling") == ["answer"]
    assert rules.actions_allowed("answered") == ["publish"]
    assert rules.actions_allowed("refused") == rules.actions_allowed("published") == []
    assert "add_info" in rules.actions_allowed("info_requested", staff_only=False)
