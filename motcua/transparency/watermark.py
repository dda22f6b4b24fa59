"""How far the fold has read an append-only table: a watermark and the gaps below it.

Pure arithmetic over ids (no ORM, no clock). On PostgreSQL an id is taken from its sequence
when a row is inserted, but the row becomes visible when its transaction commits: a slow
transaction can commit id 41 after the fold has read id 42 and moved its watermark past 41.
So the fold remembers the ids it did not see below its watermark (gaps, as ranges) and reads
them again at every run until they are ``max_age`` seconds old; by then the transaction that
took them has committed (and its rows were folded) or rolled back (and they never will be).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

#: [ours] How long an unseen id may still commit: far longer than any transaction of the
#: services (a simulated day at full scale commits within two minutes).
GAP_SECONDS = 600
#: At most this many gap ranges are kept; beyond, the oldest are forgotten first.
MAX_GAPS = 10_000


@dataclass(frozen=True, order=True)
class Gap:
    first: int
    last: int
    seen: float  # when the fold first passed these ids (Unix seconds)

    def as_json(self) -> list:
        return [self.first, self.last, self.seen]

    @classmethod
    def of(cls, value) -> Gap:
        first, last, seen = value
        return cls(int(first), int(last), float(seen))


def _missing(first: int, last: int, seen: list[int]) -> list[tuple[int, int]]:
    """The ranges of ``first``–``last`` (inclusive) not in the sorted ``seen``."""
    out, start = [], first
    for i in seen[bisect_left(seen, first) : bisect_right(seen, last)]:
        if i > start:
            out.append((start, i - 1))
        start = i + 1
    if start <= last:
        out.append((start, last))
    return out


def advance(
    *,
    watermark: int,
    gaps: Iterable[Gap],
    seen_ids: Iterable[int],
    now: float,
    max_age: float = GAP_SECONDS,
) -> tuple[int, list[Gap]]:
    """The watermark and gaps after a read that returned ``seen_ids``: every id above the old
    watermark up to the largest one read, and any of the old gaps.

    The read must have returned, in id order, every visible id above ``watermark`` up to the
    largest it returned (a ``LIMIT`` is fine: it stops at some id). Ids in between that it did
    not return become a gap; ids of old gaps that it returned leave their gap; gaps older than
    ``max_age`` are dropped.
    """
    seen = sorted(set(seen_ids))
    new_watermark = max([watermark, *seen[-1:]])
    kept: list[Gap] = []
    for gap in gaps:
        if now - gap.seen >= max_age:
            continue
        kept.extend(Gap(a, b, gap.seen) for a, b in _missing(gap.first, gap.last, seen))
    if new_watermark > watermark:
        kept.extend(Gap(a, b, now) for a, b in _missing(watermark + 1, new_watermark, seen))
    kept.sort(key=lambda g: (g.seen, g.first))
    return new_watermark, sorted(kept[-MAX_GAPS:])


def folded(identifier: int, *, watermark: int, gaps: Iterable[Gap]) -> bool:
    """Whether the row ``identifier`` has been folded: at or below the watermark, in no gap."""
    if identifier > watermark:
        return False
    return not any(g.first <= identifier <= g.last for g in gaps)
