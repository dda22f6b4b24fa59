from decimal import Decimal

import pytest

from motcua.reports import indicators


def test_a_rate_is_a_percentage_rounded_half_up_to_two_decimals():
    assert indicators.rate(1, 3) == Decimal("33.33")
    assert indicators.rate(2, 3) == Decimal("66.67")
    assert indicators.rate(1, 8) == Decimal("12.50")
    assert indicators.rate(1, 16) == Decimal("6.25")
    assert indicators.rate(1, 800) == Decimal("0.13")  # 0.125 rounds up, not to even
    assert indicators.rate(0, 5) == Decimal("0.00")
    assert indicators.rate(7, 7) == Decimal("100.00")


def test_a_rate_over_nothing_is_none_not_an_error():
    assert indicators.rate(0, 0) is None
    assert indicators.on_time_rate(early=0, on_time=0, finished=0) is None
    assert indicators.average(0, 0) is None


@pytest.mark.parametrize(("part", "whole"), [(-1, 3), (1, -3), (4, 3)])
def test_impossible_counts_are_refused(part, whole):
    with pytest.raises(ValueError):
        indicators.rate(part, whole)


def test_the_on_time_rate_counts_early_and_on_time_among_the_finished():
    assert indicators.on_time_rate(early=3, on_time=4, finished=8) == Decimal("87.50")
    assert indicators.on_time_rate(early=0, on_time=0, finished=4) == Decimal("0.00")


def test_an_average_has_two_decimals():
    assert indicators.average(Decimal("8.0625"), 2) == Decimal("4.03")
    assert indicators.average(10, 4) == Decimal("2.50")
    assert indicators.average(1, 3) == Decimal("0.33")
    with pytest.raises(ValueError):
        indicators.average(1, -1)
