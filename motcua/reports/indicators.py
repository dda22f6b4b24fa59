"""Indicator arithmetic of Decision 766/QĐ-TTg (one-stop-rules.md §7), over plain numbers.

Rates are percentages rounded half up to 2 decimals. A zero denominator gives ``None``, which
pages show as "N/A": an indicator with nothing to measure is not 0% and must never raise.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def rate(part: int, whole: int) -> Decimal | None:
    """``part`` as a percentage of ``whole`` (2 decimals), or ``None`` when ``whole`` is 0.

    Raises :class:`ValueError` for a negative count or a part larger than the whole.
    """
    if part < 0 or whole < 0 or part > whole:
        raise ValueError(f"rate of {part} in {whole}")
    if whole == 0:
        return None
    return _round(Decimal(part) * 100 / Decimal(whole))


def on_time_rate(*, early: int, on_time: int, finished: int) -> Decimal | None:
    """Indicator 2.1: the share of finished dossiers that finished early or on time.

    A dossier asked to supplement more than once was already graded late when it finished.
    """
    return rate(early + on_time, finished)


def average(total: Decimal | int, count: int) -> Decimal | None:
    """``total`` spread over ``count`` items (2 decimals), or ``None`` when ``count`` is 0.

    Indicator 2.2 uses it for the average processing time, in working days.
    """
    if count < 0:
        raise ValueError(f"average over {count} items")
    if count == 0:
        return None
    return _round(Decimal(total) / Decimal(count))
