"""Reads for the simulation: a day's reference data as the plain records the plan takes.

Everything here is public reference data (network, units, agencies, catalogue, regimes); no
user scoping applies.
"""

from __future__ import annotations

import functools
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, Q, prefetch_related_objects
from django.utils.translation import gettext as _

from motcua.catalog.choices import CompetenceRule, OnlineLevel, StepActor
from motcua.catalog.models import ProcedureVersion
from motcua.dossiers.models import Dossier, Regime
from motcua.organization.choices import AgencyKind, SiteKind, UnitLevel
from motcua.organization.models import (
    AdministrativeUnit,
    Agency,
    Site,
    SiteCoverage,
    StaffProfile,
    UnitSuccession,
)
from motcua.organization.selectors.network import DEFAULT_PROVINCE, network_on
from motcua.simulation import model
from motcua.simulation.plan import (
    ProcedureSpec,
    RegimeSpec,
    SiteSpec,
    SuccessionSpec,
    WardSpec,
)
from motcua.simulation.rows import (
    AgencyRef,
    Book,
    ProcessStepRef,
    SiteRef,
    StaffRef,
    SuccessionRef,
    VersionRef,
    payload_json,
)
from motcua.worktime.rules import DEFAULT_OFFICE_HOURS, HANOI, WorkCalendar, parse_office_hours


@dataclass(frozen=True)
class DayReference:
    """What :func:`motcua.simulation.plan.plan_day` needs to know about a day."""

    day: date
    sites: tuple[SiteSpec, ...]
    wards: tuple[WardSpec, ...]
    procedures: tuple[ProcedureSpec, ...]
    regime: RegimeSpec | None
    succession: SuccessionSpec | None = None


def simulation_missing() -> list[str]:
    """What reference data a simulation lacks (empty when it can run), as command hints."""
    missing = []
    if not AdministrativeUnit.objects.filter(level=UnitLevel.WARD).exists():
        missing.append("administrative units (motcua load_units)")
    if not Site.objects.exclude(kind=SiteKind.CENTER).exists():
        missing.append("the network (motcua load_network)")
    if not Regime.objects.exists():
        missing.append("the regimes (motcua load_regimes)")
    if not ProcedureVersion.objects.exists():
        missing.append("the procedure catalogue (motcua load_catalog)")
    return missing


def reference_on(*, day: date, province_code: str = DEFAULT_PROVINCE) -> DayReference:
    """The receiving sites, the province's wards, the procedures and the regime of ``day``.

    About a dozen queries, whatever the size of the network.
    """
    wards = list(
        AdministrativeUnit.objects.on(day)
        .filter(level=UnitLevel.WARD)
        .filter(
            Q(parent__level=UnitLevel.PROVINCE, parent__code=province_code)
            | Q(parent__level=UnitLevel.DISTRICT, parent__parent__code=province_code)
        )
        .select_related("parent")
    )
    sites = network_on(day=day)
    prefetch_related_objects(sites, "located_in", "parent")
    committees = dict(
        Agency.objects.on(day)
        .filter(kind=AgencyKind.COMMUNE_COMMITTEE, territory__level=UnitLevel.WARD)
        .values_list("territory_id", "code")
    )
    district_committees = dict(
        Agency.objects.on(day)
        .filter(kind=AgencyKind.DISTRICT_COMMITTEE)
        .values_list("territory_id", "code")
    )
    homes = _home_wards(sites, wards)
    site_specs = tuple(
        SiteSpec(
            code=site.code,
            kind=site.kind,
            branch=_branch_of(site),
            area=model.area_of(
                kind=site.kind,
                code=site.code,
                division_type=site.located_in.division_type if site.located_in else "",
            ),
            home_wards=tuple(sorted(homes[site.pk])),
            office_hours=parse_office_hours(site.office_hours),
        )
        for site in sites
    )
    routes = _online_routes(sites, wards)
    ward_specs = tuple(
        WardSpec(
            code=ward.code,
            name=ward.name,
            area=model.area_of(kind="ward", code=ward.code, division_type=ward.division_type),
            committee=committees.get(ward.pk),
            district_committee=district_committees.get(ward.parent_id),
            point_site=routes.get(ward.pk, (None, None))[0],
            branch_site=routes.get(ward.pk, (None, None))[1],
        )
        for ward in wards
    )
    procedures = _procedures_on(day, communes=bool(committees), districts=bool(district_committees))
    return DayReference(
        day=day,
        sites=site_specs,
        wards=ward_specs,
        procedures=procedures,
        regime=_regime_on(day),
        succession=succession_on(day, wards, procedures),
    )


def succession_on(day: date, wards, procedures) -> SuccessionSpec | None:
    """The next reorganization after ``day`` decided by territory, as the plan needs it to
    hand over the dossiers of ``day`` still in flight then (``None`` when there is none)."""
    from motcua.dossiers.models import Reorganization
    from motcua.dossiers.services.competence import (
        competence_on,
        reorganization_start,
        territory_on,
    )
    from motcua.dossiers.succession import TERRITORY

    decisions = list(
        Reorganization.objects.filter(effective_on__gt=day, rule=TERRITORY)
        .select_related("agency")
        .order_by("effective_on")
    )
    if not decisions:
        return None
    first = decisions[0].effective_on
    ward_ids: dict[str, int] = {}
    for ward in wards:
        ward_ids.setdefault(ward.code, ward.pk)
    return SuccessionSpec(
        at=reorganization_start(decisions[0]),
        ceasing=frozenset(d.agency.code for d in decisions if d.effective_on == first),
        competence=competence_on(first, [p.code for p in procedures]),
        territory=territory_on(first, ward_ids.values()),
        ward_ids=ward_ids,
    )


def _branch_of(site: Site) -> str:
    if site.kind == SiteKind.BRANCH or site.parent is None:
        return site.code
    return site.parent.code


def _home_wards(sites: list[Site], wards: list[AdministrativeUnit]) -> dict[int, set[str]]:
    """For each site, the wards where it is inside a commune or district agency's territory.

    As ``lifecycle._read_inside`` decides it: the ward it is located in; the wards of the
    districts it covers that day; the wards of the district it is located in, or, after the
    2025 reorganization, the new wards formed from that district's wards.
    """
    by_parent: dict[int, set[str]] = defaultdict(set)
    by_pk = {w.pk: w for w in wards}
    for ward in wards:
        by_parent[ward.parent_id].add(ward.code)
    located = {s.located_in_id for s in sites if s.located_in_id is not None}
    formed: dict[int, set[str]] = defaultdict(set)
    for district_id, successor_id in UnitSuccession.objects.filter(
        predecessor__parent_id__in=located
    ).values_list("predecessor__parent_id", "successor_id"):
        if successor_id in by_pk:
            formed[district_id].add(by_pk[successor_id].code)
    homes: dict[int, set[str]] = {}
    for site in sites:
        home: set[str] = set()
        unit = site.located_in
        if unit is not None and unit.level == UnitLevel.WARD and unit.pk in by_pk:
            home.add(unit.code)
        if unit is not None and unit.level == UnitLevel.DISTRICT:
            home |= by_parent.get(unit.pk, set()) | formed.get(unit.pk, set())
        for coverage in getattr(site, "covers_on_day", []):
            if coverage.unit.level == UnitLevel.DISTRICT:
                home |= by_parent.get(coverage.unit_id, set())
        homes[site.pk] = home
    return homes


def _online_routes(
    sites: list[Site], wards: list[AdministrativeUnit]
) -> dict[int, tuple[str, str]]:
    """Ward → (site for its commune and district procedures, branch for city procedures).

    A commune point serves its own ward; before it existed, the reception point covering the
    ward's district did, else the branch covering it.
    """
    rank = {SiteKind.COMMUNE_POINT: 0, SiteKind.RECEPTION_POINT: 1, SiteKind.BRANCH: 2}
    by_unit: dict[int, list[Site]] = defaultdict(list)
    for site in sites:
        if site.kind == SiteKind.COMMUNE_POINT and site.located_in_id is not None:
            by_unit[site.located_in_id].append(site)
        for coverage in getattr(site, "covers_on_day", []):
            if coverage.unit.level == UnitLevel.DISTRICT:
                by_unit[coverage.unit_id].append(site)
    operating = {s.code for s in sites}
    routes = {}
    for ward in wards:
        candidates = by_unit.get(ward.pk, []) + by_unit.get(ward.parent_id, [])
        if not candidates:
            continue
        point = min(candidates, key=lambda s: (rank.get(s.kind, 9), s.code))
        branch = _branch_of(point)
        routes[ward.pk] = (point.code, branch if branch in operating else point.code)
    return routes


def _procedures_on(day: date, *, communes: bool, districts: bool) -> tuple[ProcedureSpec, ...]:
    """The version of each procedure in force on ``day`` whose competence rule can be met."""
    latest: dict[int, ProcedureVersion] = {}
    versions = (
        ProcedureVersion.objects.on(day)
        .select_related("procedure__sector", "competent_agency")
        .prefetch_related("steps")
        .order_by("procedure_id", "valid_from")
    )
    for version in versions:
        latest[version.procedure_id] = version  # the latest start wins, as version_on decides
    specs = []
    for version in latest.values():
        rule = version.competence_rule
        if rule == CompetenceRule.FIXED and (
            version.competent_agency is None or not version.competent_agency.in_force_on(day)
        ):
            continue
        if (rule == CompetenceRule.COMMUNE_COMMITTEE and not communes) or (
            rule == CompetenceRule.DISTRICT_COMMITTEE and not districts
        ):
            continue
        if not version.boundary_free and rule != CompetenceRule.DISTRICT_COMMITTEE:
            continue  # the plan can keep only a district procedure inside its territory
        specs.append(
            ProcedureSpec(
                code=version.procedure.code,
                version=version.number,
                sector=version.procedure.sector.code,
                competence_rule=rule,
                agency=version.competent_agency.code if version.competent_agency else None,
                time_limit=version.time_limit,
                time_limit_unit=version.time_limit_unit,
                cutoff=version.cutoff,
                boundary_free=version.boundary_free,
                online=version.online_level != OnlineLevel.NONE,
                fee=version.fee,
                agency_roles=tuple(
                    s.role
                    for s in sorted(version.steps.all(), key=lambda s: s.order)
                    if s.actor == StepActor.AGENCY
                ),
            )
        )
    return tuple(sorted(specs, key=lambda p: p.code))


def _regime_on(day: date) -> RegimeSpec | None:
    regime = Regime.objects.on(day).first()  # as lifecycle._regime_on reads it
    if regime is None:
        return None
    return RegimeSpec(
        code=regime.code,
        cutoff=regime.default_cutoff,
        max_supplements=regime.max_supplements,
        max_extensions=regime.max_extensions,
        apology_lead_hours=regime.apology_lead_hours,
        online_check_hours=regime.online_check_hours,
        has_stop_notice=regime.has_stop_notice,
    )


# -- what the bulk writer points to -------------------------------------------------------------


def book_on(
    *,
    day: date,
    calendar: WorkCalendar,
    usernames: Iterable[str],
    calendars: dict[tuple, WorkCalendar] | None = None,
) -> Book | None:
    """The ids and names that the rows of ``day``'s dossiers point to (``None`` without a
    regime), read as the lifecycle services read them on that day.

    ``usernames``: the generator's staff accounts that act (they must exist). ``calendars``
    keeps the working calendar of each set of office hours from one day to the next.
    About ten queries.
    """
    regime = Regime.objects.on(day).first()  # as lifecycle._regime_on
    if regime is None:
        return None
    forms = {
        f.kind: {"number": f.number, "title": f.title, "template": f.template_name}
        for f in regime.forms.on(day)
    }
    sites, hours = {}, {}
    for row in Site.objects.values("id", "code", "unit_id", "name", "office_hours"):
        sites[row["code"]] = SiteRef(row["id"], row["code"], row["unit_id"], row["name"])
        hours[row["code"]] = (
            parse_office_hours(row["office_hours"]) if row["office_hours"] else DEFAULT_OFFICE_HOURS
        )
    agencies = {
        code: AgencyRef(pk, code, name)
        for pk, code, name in Agency.objects.values_list("id", "code", "name")
    }
    wards: dict[str, int] = {}
    for code, pk in (
        AdministrativeUnit.objects.on(day).filter(level=UnitLevel.WARD).values_list("code", "id")
    ):
        wards.setdefault(code, pk)  # in the model's order, as ``.first()`` picks
    staff = {
        username: StaffRef(user_id, username, full_name or username)
        for user_id, username, full_name in StaffProfile.objects.filter(
            user__username__in=list(usernames)
        ).values_list("user_id", "user__username", "full_name")
    }
    calendars = {} if calendars is None else calendars

    def calendar_of(site_code: str) -> WorkCalendar:
        key = hours[site_code]
        if key == calendar.office_hours:
            return calendar
        if (calendar, key) not in calendars:
            calendars[(calendar, key)] = replace(calendar, office_hours=key)
        return calendars[(calendar, key)]

    return Book(
        day=day,
        regime_id=regime.pk,
        forms=payload_json(forms),
        online_check_hours=regime.online_check_hours,
        sites=sites,
        agencies=agencies,
        wards=wards,
        versions=_versions_on(day, regime.default_cutoff),
        staff=staff,
        inside=_territory_reader(day),
        calendar=calendar_of,
        assignment=_("Assignment"),
        succession=functools.cache(lambda: _succession_ref(day)),
    )


def _succession_ref(day: date) -> SuccessionRef | None:
    """The decisions of the next reorganization after ``day`` and what its handover writes
    (:func:`motcua.dossiers.services.competence.dossier_succeed`)."""
    from motcua.dossiers.models import Reorganization

    decisions = list(
        Reorganization.objects.filter(effective_on__gt=day).order_by("effective_on", "pk")
    )
    if not decisions:
        return None
    first = decisions[0].effective_on
    return SuccessionRef(
        decisions={
            code: (pk, number, effective_on)
            for pk, code, number, effective_on in Reorganization.objects.filter(
                effective_on=first
            ).values_list("pk", "agency__code", "decision_number", "effective_on")
        },
        step_name=_("Handed over to the successor agency"),
        note=_("%(successor)s takes over under %(decision)s"),
        inside=_territory_reader(first),
    )


def _versions_on(day: date, default_cutoff: time) -> dict[str, VersionRef]:
    """Each procedure's version in force on ``day``, as ``catalog.selectors.version_on`` picks
    it (the latest start first, in the database's order of empty starts)."""
    result: dict[str, VersionRef] = {}
    versions = (
        ProcedureVersion.objects.on(day)
        .select_related("procedure")
        .prefetch_related("steps", "components")
        .order_by("procedure_id", "-valid_from")
    )
    for version in versions:
        code = version.procedure.code
        if code in result:
            continue
        steps = sorted(version.steps.all(), key=lambda s: s.order)
        result[code] = VersionRef(
            id=version.pk,
            procedure_id=version.procedure_id,
            request=version.procedure.name,
            time_limit=version.time_limit,
            time_limit_unit=version.time_limit_unit,
            fee=version.fee,
            cutoff=version.cutoff or default_cutoff,
            steps=tuple(
                ProcessStepRef(
                    s.order,
                    s.name,
                    s.actor,
                    timedelta(minutes=int(Decimal(s.allowance_hours) * 60)),
                )
                for s in steps
            ),
            components=tuple(
                (
                    c.order,
                    c.name,
                    c.quantity if c.copy_kind == "original" else 0,
                    c.quantity if c.copy_kind == "certified_copy" else 0,
                    c.quantity if c.copy_kind == "copy" else 0,
                    c.quantity if c.copy_kind == "shown" else 0,
                )
                for c in sorted(version.components.all(), key=lambda c: c.order)
            ),
        )
    return result


def _territory_reader(day: date) -> Callable[[int, int], bool]:
    """Whether a site lies in an agency's territory on ``day``: ``lifecycle._read_inside``
    over rows read once (units, coverages, successions) instead of queries per pair."""
    territory = dict(Agency.objects.values_list("id", "territory_id"))
    located = dict(Site.objects.values_list("id", "located_in_id"))
    parent, level = {}, {}
    for pk, parent_id, unit_level in AdministrativeUnit.objects.values_list(
        "id", "parent_id", "level"
    ):
        parent[pk], level[pk] = parent_id, unit_level
    covered: dict[int, set[int]] = defaultdict(set)
    for site_id, unit_id, unit_parent in SiteCoverage.objects.on(day).values_list(
        "site_id", "unit_id", "unit__parent_id"
    ):
        covered[site_id].update((unit_id, unit_parent))
    formed: dict[int, set[int]] = defaultdict(set)
    for successor, predecessor_parent in UnitSuccession.objects.values_list(
        "successor_id", "predecessor__parent_id"
    ):
        formed[successor].add(predecessor_parent)
    answers: dict[tuple[int, int], bool] = {}

    def inside(agency_id: int, site_id: int) -> bool:
        key = (agency_id, site_id)
        if key not in answers:
            answers[key] = _inside(territory[agency_id], located[site_id], site_id)
        return answers[key]

    def _inside(unit_of_agency: int | None, site_unit: int | None, site_id: int) -> bool:
        if unit_of_agency is None:
            return True
        unit, seen = site_unit, 0
        while unit is not None and seen < 5:
            if unit == unit_of_agency:
                return True
            unit, seen = parent.get(unit), seen + 1
        if unit_of_agency in covered.get(site_id, ()):
            return True
        if site_unit is not None and parent.get(unit_of_agency) == site_unit:
            return True
        if site_unit is not None and level.get(site_unit) == UnitLevel.DISTRICT:
            return site_unit in formed.get(unit_of_agency, ())
        return False

    return inside


@dataclass(frozen=True)
class Summary:
    """Counts of the dossiers submitted in a period, as a run's summary shows them."""

    total: int
    by_status: tuple[tuple[str, int], ...]
    by_channel: tuple[tuple[str, int], ...]
    by_site_kind: tuple[tuple[str, int], ...]
    by_timeliness: tuple[tuple[str, int], ...]
    outside: int

    @property
    def outside_share(self) -> float:
        return self.outside / self.total if self.total else 0.0

    def tables(self) -> list[tuple[str, tuple[tuple[str, int], ...]]]:
        return [
            ("total", (("dossiers", self.total),)),
            ("status", self.by_status),
            ("channel", self.by_channel),
            ("receiving site", self.by_site_kind),
            ("timeliness of the finished", self.by_timeliness),
        ]


def simulation_summary(*, start: date, end: date) -> Summary:
    """Every dossier submitted from ``start`` to ``end`` (Hanoi days), simulated or not.

    One scan of the period's dossiers, grouped by every field the summary shows at once (a
    few hundred groups), then added up by each field here: a year holds millions of dossiers.
    """
    fields = ("status", "channel", "receiving_site__kind", "timeliness", "outside_territory")
    groups = (
        Dossier.objects.filter(
            submitted_at__gte=datetime.combine(start, time(0), tzinfo=HANOI),
            submitted_at__lt=datetime.combine(end + timedelta(days=1), time(0), tzinfo=HANOI),
        )
        .order_by()
        .values_list(*fields)
        .annotate(n=Count("id"))
    )
    totals: list[Counter] = [Counter() for _ in fields]
    for *keys, n in groups:
        for counter, key in zip(totals, keys, strict=True):
            counter[key or "-"] += n

    def table(counter: Counter) -> tuple[tuple[str, int], ...]:
        return tuple(sorted(counter.items(), key=lambda r: (-r[1], r[0])))

    status, channel, site_kind, timeliness, outside = totals
    return Summary(
        total=sum(status.values()),
        by_status=table(status),
        by_channel=table(channel),
        by_site_kind=table(site_kind),
        by_timeliness=table(timeliness),
        outside=outside[True],
    )
