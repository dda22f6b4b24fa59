"""The Decision 766/QĐ-TTg (2022) indicators and group scores, over plain numbers.

Decision 766/QĐ-TTg of 23 June 2022 (the index for directing, operating and assessing the
quality of service to citizens and businesses in administrative procedures and public
services, in real time, in the electronic environment) scores a unit out of 100 in six
groups. one-stop-rules.md §7 gives the groups, their points and the thresholds of 3.1, 3.3, 4.2
and 5.4 [law]. How a group's points split among the indicators we compute, and every other
threshold, are [ours]: each :class:`Indicator` says which. The table is data with effective
dates (:data:`SCHEMES`): a later decision is a new :class:`Scheme`, not a code change.

Rates are percentages rounded half up to 2 decimals (:func:`motcua.reports.indicators.rate`).
A zero denominator gives ``None``, shown "N/A": the indicator's score is then ``None`` and so
is its group's, never 0 and never an error. Below the full-marks threshold a score is
``rate × points ÷ threshold``, rounded to 2 decimals; at or above it, the full points.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from motcua.reports.indicators import average, rate
from motcua.transparency.measures import DAY_MINUTES, Counts

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Indicator:
    """One indicator: its number in the decision, its points within its group and the rate
    at which it earns them all. ``points`` 0: shown, not scored. ``ours`` says that the points
    or the threshold are our reading, not the decision's text as we have it."""

    code: str
    points: Decimal
    threshold: Decimal = HUNDRED
    ours: bool = False
    unit: str = "percent"  # "percent", or "days" for 2.2


@dataclass(frozen=True)
class Group:
    number: int
    code: str
    points: Decimal
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True)
class Scheme:
    valid_from: date
    valid_to: date | None
    legal_basis: str
    groups: tuple[Group, ...]

    def covers(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    @property
    def points(self) -> Decimal:
        return sum((g.points for g in self.groups), Decimal(0))


D = Decimal
SCHEMES: tuple[Scheme, ...] = (
    Scheme(
        valid_from=date(2022, 6, 23),
        valid_to=None,
        legal_basis="Quyết định 766/QĐ-TTg ngày 23/6/2022 của Thủ tướng Chính phủ",
        groups=(
            Group(1, "publicity", D(18), (
                # [ours] half each; full marks only when every procedure and dossier qualifies.
                Indicator("1.1", D(9), ours=True),
                Indicator("1.2", D(9), ours=True),
            )),
            Group(2, "progress", D(20), (
                # [ours] all 20 points on 2.1, full marks at 100 %; 2.2 is shown, not scored.
                Indicator("2.1", D(20), ours=True),
                Indicator("2.2", D(0), ours=True, unit="days"),
            )),
            Group(3, "online", D(12), (
                Indicator("3.1", D(6), threshold=D(80)),  # threshold [law]; 6 + 6 [ours]
                Indicator("3.3", D(6), threshold=D(50)),
            )),
            Group(4, "payment", D(10), (
                Indicator("3.6", D(10), ours=True),  # full marks at 100 % [ours]
            )),
            Group(5, "satisfaction", D(18), (
                Indicator("5.4", D(18), threshold=D(90)),
            )),
            Group(6, "digitisation", D(22), (
                # 4.3 (reuse of digitised data) is not measured: all 22 points on 4.2 [ours].
                Indicator("4.2", D(22), threshold=D(80)),
            )),
        ),
    ),
)  # fmt: skip


def scheme_on(day: date) -> Scheme:
    """The scheme in force on ``day``; raise :class:`LookupError` if none is."""
    for scheme in SCHEMES:
        if scheme.covers(day):
            return scheme
    raise LookupError(f"No Decision 766 scheme covers {day.isoformat()}")


# -- values -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogueCounts:
    """The catalogue's side of the index: procedures in force, offered online (fully or
    partly), and published with every field the public needs (:func:`published_fully`)."""

    procedures: int = 0
    online: int = 0
    published: int = 0


def published_fully(
    *,
    components: int,
    result_kind: str,
    legal_basis: str,
    agency_named: bool,
    steps: int,
    fee_known: bool,
    verified: bool,
) -> bool:
    """Whether a procedure version is published with what a citizen needs to file it, complete
    and confirmed: its components, the result, the legal basis, the competent agency, the
    internal process and the fees' amount (the time limit is a required column, always there),
    all checked against the official announcement (``verified``). A catalogue compiled from
    secondary sources is not published in full, however complete it looks."""
    return bool(
        components > 0 and result_kind.strip() and legal_basis.strip() and agency_named
        and steps > 0 and fee_known and verified
    )  # fmt: skip


@dataclass(frozen=True)
class Value:
    """An indicator's value: ``numerator ÷ denominator`` as a percentage (or, for 2.2, an
    average in working days), ``None`` when the denominator is 0. 5.4 carries the two counts
    of its numerator in ``terms`` and the two rates it subtracts from 100 in ``parts``."""

    code: str
    numerator: int | Decimal
    denominator: int
    value: Decimal | None
    parts: tuple[Decimal | None, ...] = ()
    terms: tuple[int, ...] = ()


def satisfaction(*, late: int, flagged: int, finished: int) -> Value:
    """5.4 = 100 − (late ÷ finished + flagged ÷ finished), in %, never below 0."""
    late_rate, flagged_rate = rate(late, finished), rate(flagged, finished)
    parts, terms = (late_rate, flagged_rate), (late, flagged)
    if late_rate is None or flagged_rate is None:
        return Value("5.4", late + flagged, finished, None, parts, terms)
    result = max(Decimal(0), HUNDRED - (late_rate + flagged_rate))
    return Value("5.4", late + flagged, finished, _round(result), parts, terms)


def values(counts: Counts, catalogue: CatalogueCounts) -> dict[str, Value]:
    """Every indicator of the scheme, from a period's counts and the catalogue."""
    c = counts
    processing_days = Decimal(c.processing_minutes) / DAY_MINUTES
    return {
        "1.1": Value("1.1", catalogue.published, catalogue.procedures,
                     rate(catalogue.published, catalogue.procedures)),
        "1.2": Value("1.2", c.lookup_ready, c.received, rate(c.lookup_ready, c.received)),
        "2.1": Value("2.1", c.early + c.on_time, c.finished,
                     rate(c.early + c.on_time, c.finished)),
        "2.2": Value("2.2", _round(processing_days), c.finished,
                     average(processing_days, c.finished)),
        "3.1": Value("3.1", catalogue.online, catalogue.procedures,
                     rate(catalogue.online, catalogue.procedures)),
        "3.3": Value("3.3", c.received_online, c.received, rate(c.received_online, c.received)),
        "3.6": Value("3.6", c.paid_online, c.fee_bearing, rate(c.paid_online, c.fee_bearing)),
        "4.2": Value("4.2", c.digitised, c.finished, rate(c.digitised, c.finished)),
        "5.4": satisfaction(late=c.late, flagged=c.flagged, finished=c.finished),
    }  # fmt: skip


# -- scores -------------------------------------------------------------------------------------


def score(value: Decimal | None, indicator: Indicator) -> Decimal | None:
    """``value × points ÷ threshold`` rounded to 2 decimals, at most the points; ``None`` for
    a value that could not be measured."""
    if value is None:
        return None
    if value >= indicator.threshold:
        return indicator.points
    return min(indicator.points, _round(value * indicator.points / indicator.threshold))


@dataclass(frozen=True)
class Scored:
    indicator: Indicator
    value: Value
    score: Decimal | None  # None: N/A, or an indicator without points


@dataclass(frozen=True)
class GroupScore:
    group: Group
    items: tuple[Scored, ...]
    score: Decimal | None  # None when any scored indicator of the group is N/A


@dataclass(frozen=True)
class Scorecard:
    scheme: Scheme
    groups: tuple[GroupScore, ...]

    @property
    def total(self) -> Decimal:
        """The points earned in the groups that could be measured."""
        return sum((g.score for g in self.groups if g.score is not None), Decimal(0))

    @property
    def available(self) -> Decimal:
        """The points of the groups that could be measured (100 when all could)."""
        return sum((g.group.points for g in self.groups if g.score is not None), Decimal(0))

    @property
    def share(self) -> Decimal | None:
        """The total as a percentage of the points available: how units with different
        measurable groups compare. ``None`` when no group could be measured."""
        if not self.available:
            return None
        return _round(self.total * HUNDRED / self.available)

    def group(self, code: str) -> GroupScore:
        return next(g for g in self.groups if g.group.code == code)


def scorecard(counts: Counts, catalogue: CatalogueCounts, *, day: date) -> Scorecard:
    """The six group scores of a unit for a period ending on ``day``."""
    scheme = scheme_on(day)
    measured = values(counts, catalogue)
    groups = []
    for group in scheme.groups:
        items = []
        for indicator in group.indicators:
            value = measured[indicator.code]
            points = score(value.value, indicator) if indicator.points else None
            items.append(Scored(indicator, value, points))
        scored = [i for i in items if i.indicator.points]
        total = (
            None
            if any(i.score is None for i in scored)
            else sum((i.score for i in scored), Decimal(0))
        )
        groups.append(GroupScore(group, tuple(items), total))
    return Scorecard(scheme, tuple(groups))
