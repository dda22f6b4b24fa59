"""Reads of the transparency portal: sums of :class:`Figure` rows, never a dossier.

Everything here is public and aggregate: unit names and codes, counts and rates. A period's
figures are the sums of its days up to its last day, or up to today while it runs; dossiers in
progress are those opened minus those closed up to that day. The catalogue's indicators (1.1,
3.1) are read from the catalogue in force on that day: the city's catalogue for the city,
branches, sites and agencies (it is published once for all of them), the procedure's own
version for a procedure.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from motcua.catalog.choices import CompetenceRule, OnlineLevel
from motcua.catalog.models import Procedure, ProcedureVersion
from motcua.core.errors import InvalidInput, NotFound
from motcua.core.refcache import reference_cache
from motcua.organization.choices import SiteKind
from motcua.organization.models import Agency, Site
from motcua.transparency import indicators
from motcua.transparency.choices import CITY_KEY, Dimension, FoldSource
from motcua.transparency.indicators import CatalogueCounts, Scorecard
from motcua.transparency.measures import COUNTERS, Counts
from motcua.transparency.models import Figure, FoldState
from motcua.transparency.periods import Period, parse_period, parse_period_of

SUMS = {name: Sum(name, default=0) for name in COUNTERS}


@dataclass(frozen=True)
class Unit:
    """Something the figures are about: the city, a branch, a site, an agency, a procedure."""

    kind: str
    key: str
    name: str
    parent: str = ""  # a site's branch code


@dataclass(frozen=True)
class UnitFigures:
    unit: Unit
    counts: Counts
    card: Scorecard


def period_public(text: str | None, *, today: date) -> Period:
    """The period named ``text`` (``2026-10``, ``2026-Q4``, ``2026``), or the current month.

    Raise :class:`InvalidInput` for a malformed period and :class:`NotFound` for one that has
    not begun.
    """
    if not text:
        return parse_period_of("month", today)
    try:
        period = parse_period(text)
    except ValueError as exc:
        raise InvalidInput(
            _("Give the period as a month (2026-10), a quarter (2026-Q4) or a year (2026)."),
            field="period",
        ) from exc
    if period.first_day > today:
        raise NotFound(_("The period %(period)s has not begun.") % {"period": period.key})
    return period


def figures_as_of() -> datetime | None:
    """When the figures were last brought up to date."""
    return (
        FoldState.objects.filter(source=FoldSource.EVENTS)
        .values_list("folded_at", flat=True)
        .first()
    )


# -- the units ------------------------------------------------------------------------------------


def units_of(kind: str) -> dict[str, Unit]:
    """Every unit of ``kind`` by key: branches in their order, sites by kind and number,
    agencies and procedures by code (cached)."""

    if kind == Dimension.CITY:  # translated on every call, so never cached
        return {CITY_KEY: Unit(kind, CITY_KEY, _("Hanoi (whole city)"))}

    def read() -> dict[str, Unit]:
        if kind == Dimension.BRANCH:
            rows = Site.objects.filter(kind=SiteKind.BRANCH).order_by("number", "code")
            return {s.code: Unit(kind, s.code, s.name) for s in rows}
        if kind == Dimension.SITE:
            rows = (
                Site.objects.exclude(kind=SiteKind.CENTER)
                .select_related("parent")
                .order_by("kind", "number", "code")
            )
            return {
                s.code: Unit(kind, s.code, s.name, s.parent.code if s.parent_id else "")
                for s in rows
            }
        if kind == Dimension.AGENCY:
            rows = Agency.objects.order_by("code").values_list("code", "name")
            return {code: Unit(kind, code, name) for code, name in rows}
        if kind == Dimension.PROCEDURE:
            rows = Procedure.objects.order_by("code").values_list("code", "name")
            return {code: Unit(kind, code, name) for code, name in rows}
        raise ValueError(f"Unknown dimension {kind!r}")

    return reference_cache.get_or_set(("transparency", "units", kind), read)


def unit_get(kind: str, key: str) -> Unit:
    """The unit ``key`` of ``kind``; raise :class:`NotFound` when there is none."""
    unit = units_of(kind).get(key)
    if unit is None:
        raise NotFound(_("There is no unit %(key)s here.") % {"key": key})
    return unit


# -- the catalogue ----------------------------------------------------------------------------


def catalogue_counts(*, day: date) -> tuple[CatalogueCounts, dict[str, CatalogueCounts]]:
    """Indicators 1.1 and 3.1's counts on ``day``: for the whole catalogue, and per procedure
    (1 or 0 each). Cached per day."""

    def read():
        versions = ProcedureVersion.objects.on(day).annotate(
            n_components=Count("components", distinct=True),
            n_steps=Count("steps", distinct=True),
        )
        per: dict[str, CatalogueCounts] = {}
        rows = versions.values_list(
            "procedure__code", "online_level", "result_kind", "legal_basis", "competence_rule",
            "competent_agency_id", "competent_title", "n_components", "n_steps", "fee_known",
            "verified",
        )  # fmt: skip
        for row in rows:
            code, online, result, basis, rule, agency_id, title, components, steps = row[:9]
            fee_known, verified = row[9:]
            named = bool(agency_id or title) if rule == CompetenceRule.FIXED else True
            per[code] = CatalogueCounts(
                procedures=1,
                online=int(online in (OnlineLevel.FULL, OnlineLevel.PARTIAL)),
                published=int(
                    indicators.published_fully(
                        components=components,
                        result_kind=result,
                        legal_basis=basis,
                        agency_named=named,
                        steps=steps,
                        fee_known=fee_known,
                        verified=verified,
                    )
                ),  # fmt: skip
            )
        total = CatalogueCounts(
            procedures=len(per),
            online=sum(c.online for c in per.values()),
            published=sum(c.published for c in per.values()),
        )
        return total, per

    return reference_cache.get_or_set(("transparency", "catalogue", day), read)


def _catalogue_for(kind: str, key: str, day: date) -> CatalogueCounts:
    total, per = catalogue_counts(day=day)
    if kind == Dimension.PROCEDURE:
        return per.get(key, CatalogueCounts())
    return total


# -- the figures ------------------------------------------------------------------------------


def _in_progress(kind: str, end: date, keys: list[str] | None = None) -> dict[str, int]:
    rows = Figure.objects.filter(kind=kind, day__lte=end)
    if keys is not None:
        rows = rows.filter(key__in=keys)
    totals = rows.values("key").annotate(o=Sum("opened"), c=Sum("closed")).order_by()
    return {r["key"]: (r["o"] or 0) - (r["c"] or 0) for r in totals}


def figures_by_unit(
    *, kind: str, period: Period, today: date, keys: list[str] | None = None
) -> list[UnitFigures]:
    """The units of ``kind`` (``keys``, or every unit with figures in ``period`` and every
    branch), with their counts and Decision 766 scorecards, in the units' order. Two queries
    on :class:`Figure`."""
    end = period.end_on(today)
    rows = Figure.objects.filter(kind=kind, day__gte=period.first_day, day__lte=end)
    if keys is not None:
        rows = rows.filter(key__in=keys)
    sums = {r.pop("key"): r for r in rows.values("key").annotate(**SUMS).order_by()}
    open_now = _in_progress(kind, end, keys)
    known = units_of(kind)
    if keys is not None:
        wanted = set(keys)
    else:
        wanted = set(sums) | {k for k, n in open_now.items() if n}
        if kind in (Dimension.BRANCH, Dimension.CITY):
            wanted |= set(known)
    out = []
    for key in wanted:
        unit = known.get(key) or Unit(kind, key, key)
        counts = Counts.of(sums.get(key, {}), in_progress=open_now.get(key, 0))
        card = indicators.scorecard(counts, _catalogue_for(kind, key, end), day=end)
        out.append(UnitFigures(unit, counts, card))
    order = {key: i for i, key in enumerate(keys if keys is not None else known)}
    out.sort(key=lambda u: (order.get(u.unit.key, len(order)), u.unit.key))
    return out


def unit_figures(*, kind: str, key: str, period: Period, today: date) -> UnitFigures:
    """One unit's figures for ``period``. Raise :class:`NotFound` for an unknown unit."""
    unit = unit_get(kind, key)
    end = period.end_on(today)
    row = Figure.objects.filter(
        kind=kind, key=key, day__gte=period.first_day, day__lte=end
    ).aggregate(**SUMS)
    counts = Counts.of(row, in_progress=_in_progress(kind, end, [key]).get(key, 0))
    card = indicators.scorecard(counts, _catalogue_for(kind, key, end), day=end)
    return UnitFigures(unit, counts, card)


def monthly(
    *, kind: str, months: list[Period], today: date, keys: list[str] | None = None
) -> dict[str, list[tuple[Period, Counts]]]:
    """Each month's counts per unit of ``kind`` (``keys``, or all), months without figures
    included, with the dossiers in progress at each month's end. Two queries."""
    first, last = months[0].first_day, months[-1].end_on(today)
    rows = Figure.objects.filter(kind=kind, day__lte=last)
    if keys is not None:
        rows = rows.filter(key__in=keys)
    sums = (
        rows.filter(day__gte=first)
        .values("key", month=TruncMonth("day"))
        .annotate(**SUMS)
        .order_by()
    )
    by_key: dict[str, dict[date, dict]] = defaultdict(dict)
    for r in sums:
        month_start = r.pop("month")
        if isinstance(month_start, datetime):
            month_start = month_start.date()
        by_key[r.pop("key")][month_start] = r
    opened_before = {
        r["key"]: (r["o"] or 0) - (r["c"] or 0)
        for r in rows.filter(day__lt=first).values("key").annotate(
            o=Sum("opened"), c=Sum("closed")
        ).order_by()
    }  # fmt: skip
    out = {}
    for key in set(by_key) | set(opened_before) | set(keys or ()):
        running = opened_before.get(key, 0)
        series = []
        for month in months:
            row = by_key.get(key, {}).get(month.first_day, {})
            running += (row.get("opened") or 0) - (row.get("closed") or 0)
            series.append((month, Counts.of(row, in_progress=running)))
        out[key] = series
    return out


def daily(*, kind: str, key: str, period: Period, today: date) -> list[tuple[date, Counts]]:
    """One unit's counts for each day of ``period`` up to today (days without figures too).
    One query. ``in_progress`` is not computed per day."""
    end = period.end_on(today)
    rows = {
        r.pop("day"): r
        for r in Figure.objects.filter(
            kind=kind, key=key, day__gte=period.first_day, day__lte=end
        ).values("day", *COUNTERS)
    }
    out, day = [], period.first_day
    while day <= end:
        out.append((day, Counts.of(rows.get(day, {}))))
        day += timedelta(days=1)
    return out


def sites_of_branch(branch: str) -> list[str]:
    """The codes of the sites that count for ``branch``: itself, then its points."""
    return [u.key for u in units_of(Dimension.SITE).values() if branch in (u.key, u.parent)]
