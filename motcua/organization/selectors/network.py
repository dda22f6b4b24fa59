"""Reads of the territory and the network. Everything here is public information."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db.models import Case, Exists, IntegerField, OuterRef, Prefetch, QuerySet, Value, When

from motcua.core.text import fold
from motcua.organization.choices import SiteKind, UnitLevel
from motcua.organization.models import (
    AdministrativeUnit,
    NetworkPhase,
    Site,
    SiteCoverage,
    SiteOperatingPeriod,
)
from motcua.organization.validation import (
    NetworkState,
    Period,
    Phase,
    SiteState,
    Unit,
    network_problems,
    new_problems,
    problem_messages,
)

DEFAULT_PROVINCE = "01"
SITE_KIND_ORDER = Case(
    When(kind=SiteKind.CENTER, then=Value(0)),
    When(kind=SiteKind.BRANCH, then=Value(1)),
    When(kind=SiteKind.RECEPTION_POINT, then=Value(2)),
    When(kind=SiteKind.COMMUNE_POINT, then=Value(3)),
    default=Value(9),
    output_field=IntegerField(),
)


def network_on(*, day: date) -> list[Site]:
    """The receiving sites that operate on ``day``, each with ``covers_on_day`` (units).

    The Center is left out: it coordinates and receives nothing. Branches come first by number,
    then reception points and commune service points by their branch's number and code. Two
    queries, however many sites.
    """
    operating = SiteOperatingPeriod.objects.on(day).filter(site=OuterRef("pk"))
    coverage = (
        SiteCoverage.objects.on(day).select_related("unit").order_by("unit__level", "unit__code")
    )
    return list(
        Site.objects.filter(Exists(operating))
        .exclude(kind=SiteKind.CENTER)
        .annotate(kind_order=SITE_KIND_ORDER)
        .order_by("kind_order", "number", "parent__number", "code")
        .prefetch_related(Prefetch("coverages", queryset=coverage, to_attr="covers_on_day"))
    )


def units_list(
    *,
    day: date | None = None,
    level: str | None = None,
    parent_code: str | None = None,
    q: str | None = None,
    limit: int = 200,
) -> QuerySet[AdministrativeUnit]:
    """Units, optionally in force on ``day``, of a level, under a parent code, matching ``q``.

    ``q`` ignores case and Vietnamese diacritics ("dong da" finds "Quận Đống Đa").
    """
    qs = AdministrativeUnit.objects.select_related("parent").order_by("level", "code", "valid_from")
    if day is not None:
        qs = qs.on(day)
    if level:
        qs = qs.filter(level=level)
    if parent_code:
        qs = qs.filter(parent__code=parent_code)
    if q:
        qs = qs.filter(name_folded__contains=fold(q))
    return qs[:limit]


def _period(row) -> Period:
    return Period(row.valid_from, row.valid_to)


def _unit(row: AdministrativeUnit) -> Unit:
    return Unit(row.pk, row.code, row.name, row.level, _period(row))


def network_state(*, province_code: str = DEFAULT_PROVINCE) -> NetworkState:
    """The whole network as plain values for ``organization.validation`` (five queries)."""
    provinces = list(
        AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE, code=province_code)
    )
    phases = NetworkPhase.objects.filter(province__code=province_code).order_by("number")
    districts = AdministrativeUnit.objects.filter(
        level=UnitLevel.DISTRICT, parent__code=province_code
    )
    periods: dict[int, list[Period]] = defaultdict(list)
    for row in SiteOperatingPeriod.objects.all():
        periods[row.site_id].append(_period(row))
    coverage: dict[int, list[tuple[int, Period]]] = defaultdict(list)
    units: dict[int, Unit] = {}
    for row in SiteCoverage.objects.select_related("unit"):
        coverage[row.site_id].append((row.unit_id, _period(row)))
        units[row.unit_id] = _unit(row.unit)
    district_units = tuple(_unit(d) for d in districts)
    units.update({d.key: d for d in district_units})
    province = (
        _unit(provinces[-1]) if provinces else Unit(0, province_code, province_code, "province")
    )
    # The open (latest) row of the province is the one sites cover after the reorganization.
    for p in provinces:
        if p.valid_to is None:
            province = _unit(p)
    units[province.key] = province
    sites = tuple(
        SiteState(
            key=s.pk,
            name=s.name,
            kind=s.kind,
            parent=s.parent_id,
            operating=tuple(periods[s.pk]),
            coverage=tuple(coverage[s.pk]),
        )
        for s in Site.objects.only("pk", "name", "kind", "parent_id")
    )
    return NetworkState(
        province=province,
        phases=tuple(Phase(p.number, p.name, p.coverage_rule, _period(p)) for p in phases),
        districts=district_units,
        units=units,
        sites=sites,
    )


def site_state(site: Site) -> SiteState:
    """One site as the validator sees it, from the database."""
    return SiteState(
        key=site.pk,
        name=site.name,
        kind=site.kind,
        parent=site.parent_id,
        operating=tuple(_period(p) for p in site.operating_periods.all()),
        coverage=tuple((c.unit_id, _period(c)) for c in site.coverages.all()),
    )


def network_edit_problems(
    *,
    site: SiteState | None = None,
    phase: Phase | None = None,
    replacing_phase: int | None = None,
) -> list[str]:
    """Messages for the rules an edit would newly break (empty: the edit is acceptable).

    ``site`` replaces the site with its key (or adds it); ``phase`` replaces the phase numbered
    ``replacing_phase`` (or adds it). Problems the network already had are not held against
    the edit, so that an invalid network can be repaired one step at a time.
    """
    state = network_state()
    proposed = state
    if site is not None:
        proposed = proposed.with_site(site)
    if phase is not None:
        proposed = proposed.with_phase(phase, replacing=replacing_phase)
    starts = [p.period.start for p in (*state.phases, *proposed.phases) if p.period.start]
    if not starts:
        return []
    start = min(starts)
    before = network_problems(state, start=start, end=None)
    after = network_problems(proposed, start=start, end=None)
    return problem_messages(new_problems(before, after))
