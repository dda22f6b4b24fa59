"""The fold's watermark and gaps (pure)."""

from motcua.transparency.watermark import Gap, advance, folded


def test_ids_read_in_order_move_the_watermark_and_leave_no_gap():
    assert advance(watermark=10, gaps=[], seen_ids=[11, 12, 13], now=100.0) == (13, [])


def test_an_id_not_seen_below_the_largest_becomes_a_gap():
    # 12 and 14–15 were taken by transactions that had not committed.
    mark, gaps = advance(watermark=10, gaps=[], seen_ids=[11, 13, 16], now=100.0)
    assert mark == 16
    assert gaps == [Gap(12, 12, 100.0), Gap(14, 15, 100.0)]
    assert not folded(12, watermark=mark, gaps=gaps)
    assert folded(13, watermark=mark, gaps=gaps)
    assert not folded(17, watermark=mark, gaps=gaps)


def test_a_gap_id_seen_later_leaves_its_gap_which_keeps_its_age():
    mark, gaps = advance(watermark=16, gaps=[Gap(12, 12, 100.0), Gap(14, 15, 100.0)],
                         seen_ids=[14, 17], now=160.0)  # fmt: skip
    assert mark == 17
    assert gaps == [Gap(12, 12, 100.0), Gap(15, 15, 100.0)]


def test_a_gap_is_forgotten_after_ten_minutes():
    gaps = [Gap(12, 12, 100.0)]
    assert advance(watermark=16, gaps=gaps, seen_ids=[], now=699.0)[1] == gaps
    assert advance(watermark=16, gaps=gaps, seen_ids=[], now=700.0)[1] == []


def test_nothing_read_changes_nothing():
    assert advance(watermark=0, gaps=[], seen_ids=[], now=1.0) == (0, [])


def test_gaps_round_trip_through_json():
    gap = Gap(5, 9, 123.5)
    assert Gap.of(gap.as_json()) == gap
