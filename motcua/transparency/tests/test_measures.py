"""What each event, rating and complaint adds to the counters (pure, hand-computed)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from motcua.transparency import measures
from motcua.transparency.measures import Counts, DossierFacts, EventFacts
from motcua.worktime.rules import HANOI, WorkCalendar

CALENDAR = WorkCalendar()  # Monday–Friday, 08:00–12:00 and 13:00–17:00, no holiday


def at(*args) -> datetime:
    return datetime(*args, tzinfo=HANOI)


RECEIVED = DossierFacts(
    channel="online", deemed_received_at=at(2026, 2, 27, 10, 0), outside_territory=True,
    has_verifier=True, fee_due=50_000, fee_paid=50_000, payment_method="online",
)  # fmt: skip


def test_a_receipt_counts_on_the_deemed_day_and_opens_on_the_day_it_happens():
    # Filed online on Friday 27 February, accepted on Monday 2 March.
    deltas = measures.event_deltas(EventFacts("receive", at(2026, 3, 2, 8, 30)), RECEIVED)
    assert deltas == [
        (date(2026, 2, 27), {"received": 1, "received_online": 1, "outside_territory": 1,
                             "lookup_ready": 1, "fee_bearing": 1}),
        (date(2026, 3, 2), {"opened": 1}),
    ]  # fmt: skip


def test_a_receipt_on_its_deemed_day_is_one_row():
    facts = replace(RECEIVED, channel="post", deemed_received_at=at(2026, 3, 2, 9, 0))
    [(day, deltas)] = measures.event_deltas(EventFacts("receive", at(2026, 3, 2, 9, 0)), facts)
    assert day == date(2026, 3, 2)
    assert deltas["received_post"] == deltas["opened"] == deltas["received"] == 1
    assert "received_online" not in deltas


def test_the_hanoi_day_is_not_the_utc_day():
    # 00:30 in Hanoi on 3 March is 17:30 UTC on 2 March.
    moment = at(2026, 3, 3, 0, 30).astimezone(UTC)
    assert moment.date() == date(2026, 3, 2)
    assert measures.hanoi_day(moment) == date(2026, 3, 3)


def finished(**fields) -> DossierFacts:
    base = {
        "channel": "in_person", "deemed_received_at": at(2026, 3, 2, 9, 0),
        "finished_at": at(2026, 3, 4, 10, 0), "timeliness": "early",
    }  # fmt: skip
    return DossierFacts(**(base | fields))


def test_a_completion_grades_and_measures_working_time():
    # Mon 09:00–12:00 (180) + 13:00–17:00 (240) + Tue 480 + Wed 08:00–10:00 (120) = 1020.
    [(day, deltas)] = measures.event_deltas(
        EventFacts("complete", at(2026, 3, 4, 10, 0)), finished(), CALENDAR
    )
    assert day == date(2026, 3, 4)
    assert deltas == {"finished": 1, "early": 1, "on_time": 0, "late": 0,
                      "processing_minutes": 1020, "digitised": 0, "closed": 1}  # fmt: skip


def test_pauses_are_taken_out_of_the_processing_time():
    # 1020 working minutes, of which 480 waiting for a supplement: 540.
    facts = finished(paused_minutes=480)
    assert measures.processing_minutes(facts, CALENDAR) == 540


def test_seconds_are_dropped_and_a_weekend_counts_nothing():
    # Fri 16:59:59 → Mon 08:00:30: to the minute, Fri 16:59–17:00 is 1 working minute.
    facts = finished(deemed_received_at=at(2026, 3, 6, 16, 59, 59),
                     finished_at=at(2026, 3, 9, 8, 0, 30))  # fmt: skip
    assert measures.processing_minutes(facts, CALENDAR) == 1


def test_a_result_before_the_deemed_receipt_counts_negative_time():
    # Filed on Monday at 16:00 (after the 15:00 cut-off): deemed received on Tuesday at
    # 08:00. A result the same Monday at 16:30 comes 30 working minutes (16:30–17:00) before.
    facts = finished(deemed_received_at=at(2026, 3, 3, 8, 0), finished_at=at(2026, 3, 2, 16, 30))
    assert measures.processing_minutes(facts, CALENDAR) == -30


@pytest.mark.parametrize("timeliness", ["early", "on_time", "late"])
def test_a_dossier_asked_to_supplement_twice_is_late(timeliness):
    [(_, deltas)] = measures.event_deltas(
        EventFacts("complete", at(2026, 3, 4, 10, 0)),
        finished(timeliness=timeliness, supplement_count=2),
        CALENDAR,
    )
    assert (deltas["early"], deltas["on_time"], deltas["late"]) == (0, 0, 1)


def test_one_supplement_request_keeps_the_clock_s_grade():
    assert measures.grade("early", 1) == "early"
    assert measures.grade("on_time", 0) == "on_time"


def test_digitised_needs_every_received_component_scanned_and_an_electronic_result():
    assert measures.digitised(finished(electronic_result=True, components_received=2,
                                       components_digitised=2))  # fmt: skip
    assert not measures.digitised(finished(electronic_result=True, components_received=2,
                                           components_digitised=1))  # fmt: skip
    assert not measures.digitised(finished(electronic_result=False, components_received=2,
                                           components_digitised=2))  # fmt: skip


@pytest.mark.parametrize(
    ("from_status", "closed"),
    [("received", 1), ("in_progress", 1), ("awaiting_supplement", 1),
     ("submitted", 0), ("guided", 0)],
)  # fmt: skip
def test_a_withdrawal_closes_only_a_dossier_in_processing(from_status, closed):
    deltas = measures.event_deltas(
        EventFacts("withdraw", at(2026, 3, 4, 9, 0), from_status), RECEIVED
    )
    assert deltas == ([(date(2026, 3, 4), {"closed": 1})] if closed else [])


def test_other_events_add_nothing():
    for action in ("transfer", "accept", "assign", "request_supplement", "attach", "deliver"):
        assert measures.event_deltas(EventFacts(action, at(2026, 3, 4, 9, 0)), RECEIVED) == []


def test_paid_online_is_the_method_of_the_last_payment_of_a_fee_bearing_dossier():
    assert measures.paid_online(RECEIVED)
    assert not measures.paid_online(replace(RECEIVED, payment_method="cash"))
    assert not measures.paid_online(replace(RECEIVED, fee_paid=0))
    assert not measures.paid_online(replace(RECEIVED, fee_due=0))
    assert measures.mark_delta(counted=False, now=True) == 1
    assert measures.mark_delta(counted=True, now=False) == -1
    assert measures.mark_delta(counted=True, now=True) == 0


def test_ratings_and_complaints_count_on_their_own_day():
    assert measures.rating_deltas(
        level="not_satisfied", survey_points=9, rated_at=at(2026, 3, 6, 9, 0)
    ) == (date(2026, 3, 6), {"rated_not_satisfied": 1, "surveys": 1, "survey_points": 9})
    assert measures.rating_deltas(
        level="very_satisfied", survey_points=None, rated_at=at(2026, 3, 6, 9, 0)
    ) == (date(2026, 3, 6), {"rated_very_satisfied": 1})
    assert measures.complaint_deltas(kind="suggestion", received_at=at(2026, 3, 4, 9, 0)) == (
        date(2026, 3, 4), {"suggestions": 1},
    )  # fmt: skip
    assert measures.flags(rating_level="not_satisfied")
    assert measures.flags(complaint_kind="complaint")
    assert not measures.flags(rating_level="satisfied", complaint_kind="suggestion")


def test_a_point_counts_for_its_branch_and_everything_for_the_city():
    assert measures.units(site="X01", branch="CN01", agency="SO-TP", procedure="1.0") == [
        ("city", "all"), ("site", "X01"), ("branch", "CN01"), ("agency", "SO-TP"),
        ("procedure", "1.0"),
    ]  # fmt: skip
    assert measures.units(site=None, branch=None, agency=None, procedure=None) == [("city", "all")]


def test_counts_know_the_in_person_share_and_add_up():
    a = Counts(received=10, received_online=4, received_post=1, in_progress=3)
    a.add(Counts(received=2, received_online=2, in_progress=1))
    assert (a.received, a.received_in_person, a.in_progress) == (12, 5, 4)


def test_the_counters_are_the_model_s_columns():
    from motcua.transparency.models import Figure

    columns = [
        f.name for f in Figure._meta.get_fields() if f.name not in ("id", "day", "kind", "key")
    ]
    assert tuple(columns) == measures.COUNTERS
