"""The Decision 766 arithmetic against a hand-computed month (pure).

The month: 1 000 dossiers received, 430 of them online; 905 finished: 500 early, 312 on time,
93 late, 20 of them flagged by a complaint or a "not satisfied" rating, 760 fully digitised;
1 303 200 working minutes of processing; 990 received with a verifier; no fee-bearing
dossier. The catalogue: 51 procedures in force, all published fully, 40 offered online.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from motcua.transparency import indicators
from motcua.transparency.indicators import CatalogueCounts, Indicator
from motcua.transparency.measures import Counts

DAY = date(2026, 10, 31)
MONTH = Counts(
    received=1000, received_online=430, lookup_ready=990, finished=905, early=500, on_time=312,
    late=93, flagged=20, digitised=760, processing_minutes=1_303_200,
)  # fmt: skip
CATALOGUE = CatalogueCounts(procedures=51, online=40, published=51)


@pytest.fixture
def card():
    return indicators.scorecard(MONTH, CATALOGUE, day=DAY)


def scored(card, code):
    return next(i for g in card.groups for i in g.items if i.indicator.code == code)


def test_the_on_time_rate_and_its_score(card):
    item = scored(card, "2.1")
    # (500 + 312) ÷ 905 = 0.897237… → 89.72 %; 89.72 × 20 ÷ 100 = 17.944 → 17.94.
    assert (item.value.numerator, item.value.denominator) == (812, 905)
    assert item.value.value == D("89.72")
    assert item.score == D("17.94")
    assert card.group("progress").score == D("17.94")


def test_the_average_processing_time_is_shown_not_scored(card):
    item = scored(card, "2.2")
    # 1 303 200 ÷ 480 = 2 715 working days over 905 dossiers = 3.00.
    assert item.value.value == D("3.00")
    assert item.score is None


def test_the_online_group_adds_its_two_indicators(card):
    # 3.3: 430 ÷ 1000 = 43.00 %, below 50 %: 43 × 6 ÷ 50 = 5.16.
    assert scored(card, "3.3").score == D("5.16")
    # 3.1: 40 ÷ 51 = 0.784313… → 78.43 %, below 80 %: 78.43 × 6 ÷ 80 = 5.88225 → 5.88.
    assert scored(card, "3.1").value.value == D("78.43")
    assert scored(card, "3.1").score == D("5.88")
    assert card.group("online").score == D("11.04")


def test_satisfaction_subtracts_the_late_and_flagged_rates_from_100(card):
    item = scored(card, "5.4")
    # late 93 ÷ 905 = 10.276… → 10.28 %; flagged 20 ÷ 905 = 2.209… → 2.21 %;
    # 100 − (10.28 + 2.21) = 87.51 %, below 90 %: 87.51 × 18 ÷ 90 = 17.502 → 17.50.
    assert item.value.parts == (D("10.28"), D("2.21"))
    assert item.value.value == D("87.51")
    assert item.score == D("17.50")


def test_a_rate_above_the_threshold_gets_the_full_points_and_no_more(card):
    # 4.2: 760 ÷ 905 = 83.98 % ≥ 80 %: all 22 points, not 83.98 × 22 ÷ 80 = 23.09.
    assert scored(card, "4.2").value.value == D("83.98")
    assert scored(card, "4.2").score == D("22")
    assert indicators.score(D("100.00"), Indicator("x", D(6), threshold=D(50))) == D(6)
    assert indicators.score(D("49.99"), Indicator("x", D(6), threshold=D(50))) == D("6.00")
    assert indicators.score(D("12.50"), Indicator("x", D(6), threshold=D(50))) == D("1.50")


def test_publicity_adds_the_catalogue_and_the_lookup(card):
    # 1.1: 51 ÷ 51 = 100 % → 9; 1.2: 990 ÷ 1000 = 99 % → 99 × 9 ÷ 100 = 8.91.
    assert card.group("publicity").score == D("17.91")


def test_a_group_with_nothing_to_measure_is_not_applicable_never_zero(card):
    # No fee-bearing dossier: 3.6 is 0 ÷ 0.
    payment = card.group("payment")
    assert payment.items[0].value.value is None
    assert payment.score is None
    # The total is of the measured groups: 17.91 + 17.94 + 11.04 + 17.50 + 22 = 86.39 of 90.
    assert card.total == D("86.39")
    assert card.available == D("90")
    assert card.share == D("95.99")  # 86.39 ÷ 90 = 0.959888…


def test_an_empty_month_is_not_applicable_everywhere():
    card = indicators.scorecard(Counts(), CatalogueCounts(), day=DAY)
    assert all(g.score is None for g in card.groups)
    assert (card.total, card.available, card.share) == (D(0), D(0), None)


def test_satisfaction_never_goes_below_zero():
    value = indicators.satisfaction(late=3, flagged=3, finished=4)
    # 75 % late + 75 % flagged: 100 − 150 would be −50; it is 0.
    assert value.value == D("0.00")
    assert indicators.satisfaction(late=0, flagged=0, finished=0).value is None


def test_the_scheme_is_the_decision_s_six_groups_of_100_points():
    scheme = indicators.scheme_on(date(2024, 12, 31))
    assert scheme.points == D(100)
    assert [(g.code, g.points) for g in scheme.groups] == [
        ("publicity", 18), ("progress", 20), ("online", 12), ("payment", 10),
        ("satisfaction", 18), ("digitisation", 22),
    ]  # fmt: skip
    for group in scheme.groups:
        assert sum(i.points for i in group.indicators) == group.points
    with pytest.raises(LookupError):
        indicators.scheme_on(date(2022, 6, 22))  # before the decision


def test_a_procedure_is_published_fully_with_every_part():
    full = {"components": 2, "result_kind": "Giấy", "legal_basis": "Luật", "agency_named": True,
            "steps": 3, "fee_known": True, "verified": True}  # fmt: skip
    assert indicators.published_fully(**full)
    for missing in (
        {"components": 0}, {"result_kind": " "}, {"legal_basis": ""}, {"agency_named": False},
        {"steps": 0}, {"fee_known": False}, {"verified": False},
    ):  # fmt: skip
        assert not indicators.published_fully(**(full | missing))
