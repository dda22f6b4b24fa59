"""Is the network well formed? Plain functions over plain values: no ORM, no clock.

The rules come from the phases of plan 29/KH-UBND (``NetworkPhase.coverage_rule``):

- ``pilot``: an operating branch covers some districts; no district is covered by two branches;
  districts nobody covers are allowed (they keep their own one-stop shop).
- ``districts_exactly_once``: every district in force is covered by exactly one operating branch.
- ``province_wide``: every operating site (branch, reception point, commune service point)
  receives for the whole province.

Under the two district rules only *branches* count: a reception point is part of its branch's
network, so it may only cover districts its parent branch covers on the same day. Covering the
province counts as covering each of its districts. Whatever the rule, a site may not cover a
unit that does not exist on that day (a district after 2025-06-30, say). Days outside every
phase are not checked. The Center itself (kind ``center``) receives nothing and is ignored.

Checking walks the *segments* between the dates where anything changes rather than each day,
so a check over years costs as much as one over a week.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from django.utils.translation import gettext as _

from motcua.organization.choices import CoverageRule, SiteKind, UnitLevel

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Period:
    """Both ends inclusive; ``None`` is open."""

    start: date | None = None
    end: date | None = None

    def contains(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class Unit:
    key: int
    code: str
    name: str
    level: str
    period: Period = Period()

    @property
    def label(self) -> str:
        return f"{self.name} ({self.code})"


@dataclass(frozen=True)
class Phase:
    number: int
    name: str
    rule: str
    period: Period


@dataclass(frozen=True)
class SiteState:
    key: int
    name: str
    kind: str
    parent: int | None = None
    operating: tuple[Period, ...] = ()
    coverage: tuple[tuple[int, Period], ...] = ()  # (unit key, period)

    def operates_on(self, day: date) -> bool:
        return any(p.contains(day) for p in self.operating)

    def covers_on(self, day: date) -> set[int]:
        return {unit for unit, period in self.coverage if period.contains(day)}


@dataclass(frozen=True)
class NetworkState:
    """Everything the rules look at, for one province."""

    province: Unit
    phases: tuple[Phase, ...]
    districts: tuple[Unit, ...]
    units: dict[int, Unit]
    sites: tuple[SiteState, ...]

    def with_site(self, site: SiteState) -> NetworkState:
        """The same network with ``site`` added, or replacing the site with its key."""
        others = tuple(s for s in self.sites if s.key != site.key)
        return replace(self, sites=(*others, site))

    def with_phase(self, phase: Phase, *, replacing: int | None = None) -> NetworkState:
        """The same network with ``phase`` added, or replacing the phase numbered ``replacing``."""
        others = tuple(p for p in self.phases if p.number not in {replacing, phase.number})
        return replace(self, phases=tuple(sorted((*others, phase), key=lambda p: p.number)))


@dataclass(frozen=True)
class Problem:
    """One breach of the rules, on one or more ranges of consecutive days."""

    key: tuple
    text: str
    ranges: tuple[Period, ...] = field(default=())

    @property
    def message(self) -> str:
        when = ", ".join(_describe(r) for r in self.ranges)
        return f"{self.text} {when}."


def network_problems(state: NetworkState, *, start: date, end: date | None) -> list[Problem]:
    """Return what breaks the phase rules between ``start`` and ``end`` (inclusive, None = open).

    The list is empty when the network is valid. Problems are ordered by first day, then text.
    """
    found: dict[tuple, list[Period]] = defaultdict(list)
    texts: dict[tuple, str] = {}
    for segment in _segments(state, start, end):
        for key, text in _problems_on(state, segment.start):
            found[key].append(segment)
            texts[key] = text
    problems = [Problem(key, texts[key], _merge(found[key])) for key in found]
    return sorted(problems, key=lambda p: (p.ranges[0].start, p.text))


def problem_messages(problems: Iterable[Problem]) -> list[str]:
    return [p.message for p in problems]


def new_problems(before: list[Problem], after: list[Problem]) -> list[Problem]:
    """The problems of ``after`` that ``before`` did not already have on the same days.

    Edits are refused only for what they break, so that an administrator can repair an invalid
    network one step at a time.
    """
    old = {p.key: p.ranges for p in before}
    fresh = []
    for problem in after:
        known = old.get(problem.key, ())
        if not all(any(_within(r, k) for k in known) for r in problem.ranges):
            fresh.append(problem)
    return fresh


# -- internals ---------------------------------------------------------------------------------


def _problems_on(state: NetworkState, day: date) -> list[tuple[tuple, str]]:
    phase = next((p for p in state.phases if p.period.contains(day)), None)
    if phase is None:
        return []
    sites = [s for s in state.sites if s.kind != SiteKind.CENTER and s.operates_on(day)]
    covered = {s.key: s.covers_on(day) for s in sites}
    out: list[tuple[tuple, str]] = []

    for site in sites:
        for unit_key in sorted(covered[site.key]):
            unit = state.units.get(unit_key)
            if unit is not None and not unit.period.contains(day):
                out.append(
                    (
                        ("unit_gone", site.key, unit_key),
                        _("%(site)s covers %(unit)s, which does not exist")
                        % {"site": site.name, "unit": unit.label},
                    )
                )

    if phase.rule == CoverageRule.PROVINCE_WIDE:
        for site in sites:
            if state.province.key not in covered[site.key]:
                out.append(
                    (
                        ("not_province_wide", site.key),
                        _("%(site)s does not receive for the whole of %(province)s")
                        % {"site": site.name, "province": state.province.label},
                    )
                )
        return out

    districts = [d for d in state.districts if d.period.contains(day)]
    district_keys = {d.key for d in districts}

    def districts_of(site: SiteState) -> set[int]:
        keys = covered[site.key]
        if state.province.key in keys:
            return set(district_keys)
        return keys & district_keys

    branches_of: dict[int, list[SiteState]] = defaultdict(list)
    for site in sites:
        if site.kind == SiteKind.BRANCH:
            for key in districts_of(site):
                branches_of[key].append(site)
        for unit_key in sorted(covered[site.key] - district_keys - {state.province.key}):
            unit = state.units.get(unit_key)
            if unit is not None and unit.level != UnitLevel.DISTRICT and unit.period.contains(day):
                out.append(
                    (
                        ("not_a_district", site.key, unit_key),
                        _("%(site)s covers %(unit)s, but this phase assigns whole districts")
                        % {"site": site.name, "unit": unit.label},
                    )
                )

    for district in districts:
        branches = sorted(branches_of.get(district.key, []), key=lambda s: s.name)
        if len(branches) > 1:
            names = ", ".join(s.name for s in branches)
            out.append(
                (
                    ("twice", district.key, tuple(s.key for s in branches)),
                    _("%(unit)s is covered by %(count)d branches (%(sites)s)")
                    % {"unit": district.label, "count": len(branches), "sites": names},
                )
            )
        elif not branches and phase.rule == CoverageRule.DISTRICTS_EXACTLY_ONCE:
            out.append(
                (
                    ("uncovered", district.key),
                    _("%(unit)s is covered by no branch") % {"unit": district.label},
                )
            )

    by_key = {s.key: s for s in sites}
    for site in sites:
        if site.kind != SiteKind.RECEPTION_POINT:
            continue
        parent = by_key.get(site.parent) if site.parent is not None else None
        allowed = districts_of(parent) if parent is not None else set()
        for key in sorted(districts_of(site) - allowed):
            out.append(
                (
                    ("outside_branch", site.key, key),
                    _("%(site)s covers %(unit)s, which its branch does not cover")
                    % {"site": site.name, "unit": state.units[key].label},
                )
            )
    return out


def _segments(state: NetworkState, start: date, end: date | None) -> list[Period]:
    """Split ``[start, end]`` where any phase, unit, period or coverage begins or ends."""
    cuts: set[date] = {start}
    periods: list[Period] = [p.period for p in state.phases]
    periods += [u.period for u in state.units.values()]
    periods += [d.period for d in state.districts]
    for site in state.sites:
        periods += site.operating
        periods += [p for _unit, p in site.coverage]
    for p in periods:
        if p.start is not None:
            cuts.add(p.start)
        if p.end is not None:
            cuts.add(p.end + ONE_DAY)
    ordered = sorted(c for c in cuts if c >= start and (end is None or c <= end))
    segments = []
    for i, first in enumerate(ordered):
        last = ordered[i + 1] - ONE_DAY if i + 1 < len(ordered) else end
        segments.append(Period(first, last))
    return segments


def _merge(ranges: list[Period]) -> tuple[Period, ...]:
    merged: list[Period] = []
    for r in sorted(ranges, key=lambda p: p.start):
        if merged and merged[-1].end is not None and merged[-1].end + ONE_DAY == r.start:
            merged[-1] = Period(merged[-1].start, r.end)
        else:
            merged.append(r)
    return tuple(merged)


def _within(inner: Period, outer: Period) -> bool:
    starts_after = outer.start is None or (inner.start is not None and outer.start <= inner.start)
    ends_before = outer.end is None or (inner.end is not None and inner.end <= outer.end)
    return starts_after and ends_before


def _day(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def _describe(r: Period) -> str:
    if r.end is None:
        return _("from %(start)s onwards") % {"start": _day(r.start)}
    if r.start == r.end:
        return _("on %(day)s") % {"day": _day(r.start)}
    return _("from %(start)s to %(end)s") % {"start": _day(r.start), "end": _day(r.end)}
