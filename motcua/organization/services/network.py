"""Writes for the territory and the Center's network: loaders and guarded edits.

Loaders (``units_load``, ``agencies_load``, ``network_load``) read ``vietnam-provinces`` and the
data files of ``organization/data/``; they are idempotent and create what is missing. Edits
(``site_create``, ``site_update``, ``site_operating_period_add``, ``site_coverage_set``) refuse
a change that would break the rules of a network phase (see ``organization.validation``).
"""

from __future__ import annotations

import tomllib
from collections import Counter as Tally
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from vietnam_provinces import Province, ProvinceCode, Ward
from vietnam_provinces.legacy import District as LegacyDistrict
from vietnam_provinces.legacy import Province as LegacyProvince
from vietnam_provinces.legacy import ProvinceCode as LegacyProvinceCode
from vietnam_provinces.legacy import Ward as LegacyWard

from motcua.core.errors import Conflict, InvalidInput, NotFound
from motcua.core.refcache import reference_cache
from motcua.core.text import fold, normalize
from motcua.organization.choices import AgencyKind, SiteKind, UnitLevel
from motcua.organization.models import (
    AdministrativeUnit,
    Agency,
    Counter,
    NetworkPhase,
    Site,
    SiteCoverage,
    SiteOperatingPeriod,
    UnitSuccession,
)
from motcua.organization.models.network import unit_id_validator
from motcua.organization.selectors.network import network_edit_problems, network_state, site_state
from motcua.organization.validation import Period, SiteState, network_problems, problem_messages

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
LAST_LEGACY_DAY = date(2025, 6, 30)
REORGANIZED_ON = date(2025, 7, 1)
ONE_DAY = timedelta(days=1)
HANOI = 1


def read_data(name: str) -> dict[str, Any]:
    with (DATA_DIR / name).open("rb") as f:
        return tomllib.load(f)


# -- administrative units ----------------------------------------------------------------------


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def count(self, what: str, created: int = 0, updated: int = 0) -> None:
        self.created[what] = self.created.get(what, 0) + created
        self.updated[what] = self.updated.get(what, 0) + updated


class _UnitRows:
    """Upserts administrative units by (level, code, valid_from), in bulk."""

    fields = ("name", "name_folded", "division_type", "valid_to", "parent_id")

    def __init__(self, report: LoadReport) -> None:
        self.rows: dict[tuple[str, str, date | None], AdministrativeUnit] = {}
        self.new: list[AdministrativeUnit] = []
        self.changed: list[AdministrativeUnit] = []
        self.report = report

    def load(self, level: str, codes: Sequence[str]) -> None:
        for unit in AdministrativeUnit.objects.filter(level=level, code__in=codes):
            self.rows[(level, unit.code, unit.valid_from)] = unit

    def put(
        self,
        *,
        level: str,
        code: str,
        name: str,
        division_type: str,
        valid_from: date | None,
        valid_to: date | None,
        parent: AdministrativeUnit | None,
    ) -> AdministrativeUnit:
        name = normalize(name)
        values = {
            "name": name,
            "name_folded": fold(name),
            "division_type": division_type,
            "valid_to": valid_to,
            "parent_id": parent.pk if parent else None,
        }
        unit = self.rows.get((level, code, valid_from))
        if unit is None:
            unit = AdministrativeUnit(level=level, code=code, valid_from=valid_from, **values)
            self.rows[(level, code, valid_from)] = unit
            self.new.append(unit)
        elif any(getattr(unit, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(unit, k, v)
            self.changed.append(unit)
        return unit

    def flush(self) -> None:
        AdministrativeUnit.objects.bulk_create(self.new, batch_size=500)
        AdministrativeUnit.objects.bulk_update(self.changed, self.fields, batch_size=500)
        self.report.count("units", len(self.new), len(self.changed))
        self.new, self.changed = [], []


def _province_number(code: int | str) -> int:
    try:
        return int(str(code).strip())
    except ValueError:
        raise InvalidInput(
            _("A province code is a number, like 01 for Hà Nội; got %(code)s.") % {"code": code},
            field="province_code",
        ) from None


def _province_family(number: int) -> tuple[dict[int, Any], dict[int, Any]]:
    """The pre- and post-2025 provinces linked to ``number`` through the 2025 mergers."""
    legacy_all = {int(p.code): p for p in LegacyProvince.iter_all()}
    new_all = {int(p.code): p for p in Province.iter_all()}
    legacy = {number} & legacy_all.keys()
    new = {number} & new_all.keys()
    while True:
        grown_new = new | {int(m.province.code) for c in legacy for m in _merged_into(c)}
        grown_legacy = legacy | {int(p.code) for c in grown_new for p in _sources(new_all[c])}
        if grown_new == new and grown_legacy == legacy:
            break
        legacy, new = grown_legacy, grown_new
    return {c: legacy_all[c] for c in sorted(legacy)}, {c: new_all[c] for c in sorted(new)}


def _merged_into(legacy_code: int):
    return Province.search_from_legacy(code=legacy_code)


def _sources(province: Province):
    return province.get_legacy_sources()


def units_load(*, province_code: int | str) -> LoadReport:
    """Load a province's units before and after the 2025 reorganization, with successions.

    ``province_code`` is a GSO province code of either period (1 or "01" for Hà Nội). The
    provinces merged with it in 2025 come too, so that every succession has both ends. Running
    it again changes nothing. Raises ``NotFound`` for a code no province ever had.
    """
    number = _province_number(province_code)
    legacy, new = _province_family(number)
    if not legacy and not new:
        raise NotFound(
            _("No province has the GSO code %(code)s.") % {"code": f"{number:02d}"},
            field="province_code",
        )
    reorg = read_data("reorganization_2025.toml")
    report = LoadReport()
    with transaction.atomic():
        rows = _UnitRows(report)
        rows.load(UnitLevel.PROVINCE, [f"{c:02d}" for c in legacy.keys() | new.keys()])
        continuing = {c for c in new if c in legacy and legacy[c].name == new[c].name}
        legacy_rows: dict[int, AdministrativeUnit] = {}
        new_rows: dict[int, AdministrativeUnit] = {}
        for c, p in legacy.items():
            legacy_rows[c] = rows.put(
                level=UnitLevel.PROVINCE,
                code=f"{c:02d}",
                name=p.name,
                division_type=str(p.division_type),
                valid_from=None,
                valid_to=None if c in continuing else LAST_LEGACY_DAY,
                parent=None,
            )
        for c, p in new.items():
            if c in continuing:
                new_rows[c] = legacy_rows[c]
                continue
            new_rows[c] = rows.put(
                level=UnitLevel.PROVINCE,
                code=f"{c:02d}",
                name=p.name,
                division_type=str(p.division_type),
                valid_from=REORGANIZED_ON,
                valid_to=None,
                parent=None,
            )
        rows.flush()

        districts = [
            d for c in legacy for d in LegacyDistrict.iter_by_province(LegacyProvinceCode(c))
        ]
        district_codes = {int(d.code) for d in districts}
        old_wards = [w for w in LegacyWard.iter_all() if int(w.district_code) in district_codes]
        new_wards = [w for c in new for w in Ward.iter_by_province(ProvinceCode(c))]
        rows.load(UnitLevel.DISTRICT, [f"{int(d.code):03d}" for d in districts])
        rows.load(UnitLevel.WARD, [f"{int(w.code):05d}" for w in [*old_wards, *new_wards]])

        district_rows = {
            int(d.code): rows.put(
                level=UnitLevel.DISTRICT,
                code=f"{int(d.code):03d}",
                name=d.name,
                division_type=str(d.division_type),
                valid_from=None,
                valid_to=LAST_LEGACY_DAY,
                parent=legacy_rows[int(d.province_code)],
            )
            for d in districts
        }
        rows.flush()
        old_rows = {
            int(w.code): rows.put(
                level=UnitLevel.WARD,
                code=f"{int(w.code):05d}",
                name=w.name,
                division_type=str(w.division_type),
                valid_from=None,
                valid_to=LAST_LEGACY_DAY,
                parent=district_rows[int(w.district_code)],
            )
            for w in old_wards
        }
        new_ward_rows = {
            int(w.code): rows.put(
                level=UnitLevel.WARD,
                code=f"{int(w.code):05d}",
                name=w.name,
                division_type=str(w.division_type),
                valid_from=REORGANIZED_ON,
                valid_to=None,
                parent=new_rows[int(w.province_code)],
            )
            for w in new_wards
        }
        rows.flush()

        edges: dict[tuple[int, int], str] = {}
        default_basis = reorg["default_ward_legal_basis"]
        for w in new_wards:
            basis = reorg["ward_legal_basis"].get(f"{int(w.province_code):02d}", default_basis)
            for source in w.get_legacy_sources():
                if int(source.code) in old_rows:
                    pair = (old_rows[int(source.code)].pk, new_ward_rows[int(w.code)].pk)
                    edges[pair] = basis
        for c in legacy:
            for merged in _merged_into(c):
                target = new_rows.get(int(merged.province.code))
                if target is not None and target.pk != legacy_rows[c].pk:
                    edges[(legacy_rows[c].pk, target.pk)] = reorg["province_legal_basis"]
        successor_ids = {s for _p, s in edges}
        existing = set(
            UnitSuccession.objects.filter(successor_id__in=successor_ids).values_list(
                "predecessor_id", "successor_id"
            )
        )
        missing = [
            UnitSuccession(
                predecessor_id=p,
                successor_id=s,
                effective_on=REORGANIZED_ON,
                legal_basis=basis,
            )
            for (p, s), basis in edges.items()
            if (p, s) not in existing
        ]
        UnitSuccession.objects.bulk_create(missing, batch_size=500)
        report.count("successions", len(missing))
    reference_cache.clear()  # bulk writes send no signals
    return report


# -- agencies ----------------------------------------------------------------------------------


def _typed_lower(name: str, division_type: str) -> str:
    """'Phường Phúc Xá' -> 'phường Phúc Xá', for use after 'Ủy ban nhân dân'."""
    if division_type and name[: len(division_type)].lower() == division_type:
        return division_type + name[len(division_type) :]
    return name


def _untyped(name: str, division_type: str) -> str:
    """'Quận Thanh Xuân' -> 'Thanh Xuân'."""
    if division_type and name[: len(division_type)].lower() == division_type:
        return name[len(division_type) :].strip()
    return name


def _hanoi_units() -> tuple[AdministrativeUnit, list[AdministrativeUnit], list, list]:
    """Hanoi's province row, its districts, pre-2025 wards and post-2025 wards."""
    province = (
        AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE, code=f"{HANOI:02d}")
        .on(REORGANIZED_ON)
        .first()
    )
    if province is None:
        units_load(province_code=HANOI)
        return _hanoi_units()
    districts = list(
        AdministrativeUnit.objects.filter(level=UnitLevel.DISTRICT, parent__code=province.code)
        .on(LAST_LEGACY_DAY)
        .order_by("code")
    )
    old_wards = list(
        AdministrativeUnit.objects.filter(level=UnitLevel.WARD, parent__in=districts)
        .select_related("parent")
        .order_by("code")
    )
    new_wards = list(
        AdministrativeUnit.objects.filter(level=UnitLevel.WARD, parent=province)
        .on(REORGANIZED_ON)
        .order_by("code")
    )
    return province, districts, old_wards, new_wards


def agencies_load() -> LoadReport:
    """Create Hanoi's agencies that do not exist yet (``data/hanoi_agencies.toml``).

    Existing agencies, matched by code, are left as they are: after the first load they belong
    to the administrators. Loads Hanoi's units first if they are missing.
    """
    data = read_data("hanoi_agencies.toml")
    network = read_data("hanoi_network.toml")
    report = LoadReport()
    with transaction.atomic():
        province, districts, old_wards, new_wards = _hanoi_units()
        existing = {a.code: a for a in Agency.objects.all()}
        pending: list[Agency] = []

        def put(code: str, name: str, kind: str, territory, parent: str | None = None, **dates):
            if code in existing:
                return existing[code]
            name = normalize(name)
            agency = Agency(
                code=code,
                name=name,
                name_folded=fold(name),
                kind=kind,
                territory=territory,
                parent=existing.get(parent) if parent else None,
                **dates,
            )
            existing[code] = agency
            pending.append(agency)
            return agency

        def flush() -> None:
            Agency.objects.bulk_create(pending, batch_size=500)
            report.count("agencies", len(pending))
            pending.clear()

        city = data["city_committee"]
        put(city["code"], city["name"], AgencyKind.PROVINCE_COMMITTEE, province)
        flush()
        for d in data["departments"]:
            put(d["code"], d["name"], AgencyKind.CITY_DEPARTMENT, province, city["code"])
        for d in districts:
            put(
                f"UBND-D-{d.code}",
                f"Ủy ban nhân dân {_typed_lower(d.name, d.division_type)}",
                AgencyKind.DISTRICT_COMMITTEE,
                d,
                city["code"],
                valid_to=LAST_LEGACY_DAY,
            )
        for w in new_wards:
            put(
                f"UBND-X-{w.code}-2025",
                f"Ủy ban nhân dân {_typed_lower(w.name, w.division_type)}",
                AgencyKind.COMMUNE_COMMITTEE,
                w,
                city["code"],
                valid_from=REORGANIZED_ON,
            )
        flush()
        office = data["land_office"]
        put(
            office["code"],
            office["name"],
            AgencyKind.LAND_REGISTRATION_OFFICE,
            province,
            office["parent"],
        )
        for w in old_wards:
            put(
                f"UBND-X-{w.code}",
                f"Ủy ban nhân dân {_typed_lower(w.name, w.division_type)}",
                AgencyKind.COMMUNE_COMMITTEE,
                w,
                f"UBND-D-{w.parent.code}",
                valid_to=LAST_LEGACY_DAY,
            )
        flush()
        for d in districts:
            put(
                f"{office['code']}-CN-{d.code}",
                f"Chi nhánh Văn phòng Đăng ký đất đai {_typed_lower(d.name, d.division_type)}",
                AgencyKind.LAND_REGISTRATION_BRANCH,
                d,
                office["code"],
                valid_to=LAST_LEGACY_DAY,
            )
        regional = office["regional_branches"]
        for branch in network["branches"]:
            area = branch["name"].removeprefix("Chi nhánh ").strip()
            put(
                f"{office['code']}-CN-KV{branch['number']:02d}",
                regional["name"] % {"number": branch["number"], "area": area},
                AgencyKind.LAND_REGISTRATION_BRANCH,
                province,
                office["code"],
                valid_from=regional["valid_from"],
            )
        flush()
    reference_cache.clear()  # bulk writes send no signals
    return report


# -- the network -------------------------------------------------------------------------------


@dataclass
class _SiteSpec:
    code: str
    name: str
    kind: str
    unit_id: str
    number: int | None = None
    parent: str | None = None
    address: str = ""
    located_in: AdministrativeUnit | None = None
    periods: list[tuple[date | None, date | None, str]] = field(default_factory=list)
    coverage: list[tuple[AdministrativeUnit, date | None, date | None]] = field(
        default_factory=list
    )
    counters: int = 0


def _network_specs(
    data: dict[str, Any],
    province: AdministrativeUnit,
    districts: list[AdministrativeUnit],
    new_wards: list[AdministrativeUnit],
) -> list[_SiteSpec]:
    by_code = {d.code: d for d in districts}
    center = data["center"]
    counters = data["counters"]
    specs = [
        _SiteSpec(
            code=center["code"],
            name=center["name"],
            kind=SiteKind.CENTER,
            unit_id=center["unit_id"],
            address=center.get("address", ""),
            located_in=province,
            periods=[(center["operating_from"], None, "")],
        )
    ]
    branch_of_district: dict[str, int] = {}
    points: list[_SiteSpec] = []
    for b in data["branches"]:
        code = f"CN{b['number']:02d}"
        start = b["operating_from"]
        coverage = [(by_code[c], start, LAST_LEGACY_DAY) for c in b.get("pilot_districts", [])]
        phase2 = data["reception_points"]["operating_from"]
        coverage += [
            (by_code[c], phase2, LAST_LEGACY_DAY)
            for c in b["districts"]
            if c not in b.get("pilot_districts", [])
        ]
        coverage.append((province, REORGANIZED_ON, None))
        specs.append(
            _SiteSpec(
                code=code,
                name=b["name"],
                kind=SiteKind.BRANCH,
                unit_id=f"000.{b['number']:02d}.HC.H26",
                number=b["number"],
                parent=center["code"],
                address=b["address"],
                located_in=by_code[b["seat"]],
                periods=[(start, None, b.get("note", ""))],
                coverage=coverage,
                counters=counters["branch"],
            )
        )
        for c in b["districts"]:
            branch_of_district[c] = b["number"]
            if c == b["seat"]:
                continue
            d = by_code[c]
            points.append(
                _SiteSpec(
                    code=f"DTN-{c}",
                    name=f"Điểm tiếp nhận {_untyped(d.name, d.division_type)}",
                    kind=SiteKind.RECEPTION_POINT,
                    unit_id=f"{c}.{b['number']:02d}.HC.H26",
                    parent=code,
                    address=f"Bộ phận Một cửa cũ của UBND {_typed_lower(d.name, d.division_type)}",
                    located_in=d,
                    periods=[(phase2, None, "")],
                    coverage=[(d, phase2, LAST_LEGACY_DAY), (province, REORGANIZED_ON, None)],
                    counters=counters["reception_point"],
                )
            )
    specs += points

    start = data["commune_points"]["operating_from"]
    rank: Tally[int] = Tally()
    for w in new_wards:
        sources = Ward.from_code(int(w.code)).get_legacy_sources()
        votes = Tally(branch_of_district.get(f"{int(s.district_code):03d}") for s in sources)
        votes.pop(None, None)
        number = min(votes, key=lambda n: (-votes[n], n)) if votes else 1
        rank[number] += 1
        specs.append(
            _SiteSpec(
                code=f"DPV-{w.code}",
                name=f"Điểm phục vụ hành chính công {_typed_lower(w.name, w.division_type)}",
                kind=SiteKind.COMMUNE_POINT,
                unit_id=f"X{rank[number]:02d}.{number:02d}.HC.H26",
                parent=f"CN{number:02d}",
                address=f"Trụ sở {_typed_lower(w.name, w.division_type)}",
                located_in=w,
                periods=[(start, None, "")],
                coverage=[(province, start, None)],
                counters=counters["commune_point"],
            )
        )
    return specs


def network_load(*, verify: bool = False) -> LoadReport:
    """Load Hanoi's units, agencies, phases and sites from ``organization/data/``.

    Creates what is missing and leaves existing rows alone: a site that exists keeps its
    periods, coverage and counters as administrators left them. With ``verify``, the report
    lists the problems of the whole network after loading (empty when valid).
    """
    data = read_data("hanoi_network.toml")
    report = units_load(province_code=HANOI)
    agencies = agencies_load()
    report.count("agencies", agencies.created.get("agencies", 0))
    with transaction.atomic():
        province, districts, _old, new_wards = _hanoi_units()
        known_phases = set(NetworkPhase.objects.values_list("number", flat=True))
        phases = [
            NetworkPhase(
                number=p["number"],
                name=p["name"],
                coverage_rule=p["coverage_rule"],
                province=province,
                legal_basis=p.get("legal_basis", ""),
                valid_from=p.get("valid_from"),
                valid_to=p.get("valid_to"),
            )
            for p in data["phases"]
            if p["number"] not in known_phases
        ]
        NetworkPhase.objects.bulk_create(phases)
        report.count("phases", len(phases))

        specs = _network_specs(data, province, districts, new_wards)
        sites = {s.code: s for s in Site.objects.all()}
        fresh = [spec for spec in specs if spec.code not in sites]
        for kind in (
            SiteKind.CENTER,
            SiteKind.BRANCH,
            SiteKind.RECEPTION_POINT,
            SiteKind.COMMUNE_POINT,
        ):
            batch = []
            for spec in fresh:
                if spec.kind != kind:
                    continue
                unit_id_validator(spec.unit_id)
                name = normalize(spec.name)
                site = Site(
                    code=spec.code,
                    name=name,
                    name_folded=fold(name),
                    kind=spec.kind,
                    unit_id=spec.unit_id,
                    number=spec.number,
                    parent=sites.get(spec.parent) if spec.parent else None,
                    address=spec.address,
                    located_in=spec.located_in,
                )
                sites[spec.code] = site
                batch.append(site)
            Site.objects.bulk_create(batch)
        report.count("sites", len(fresh))

        periods, coverages, counters = [], [], []
        for spec in fresh:
            site = sites[spec.code]
            for start, end, note in spec.periods:
                periods.append(
                    SiteOperatingPeriod(site=site, valid_from=start, valid_to=end, note=note)
                )
            for unit, start, end in spec.coverage:
                coverages.append(SiteCoverage(site=site, unit=unit, valid_from=start, valid_to=end))
            for n in range(1, spec.counters + 1):
                counters.append(
                    Counter(site=site, number=n, label=f"Quầy {n}", valid_from=spec.periods[0][0])
                )
        SiteOperatingPeriod.objects.bulk_create(periods, batch_size=500)
        SiteCoverage.objects.bulk_create(coverages, batch_size=500)
        Counter.objects.bulk_create(counters, batch_size=500)
        report.count("operating periods", len(periods))
        report.count("coverages", len(coverages))
        report.count("counters", len(counters))
    if verify:
        report.problems = network_verify()
    reference_cache.clear()  # bulk writes send no signals
    return report


def network_verify(*, start: date | None = None, end: date | None = None) -> list[str]:
    """Messages naming what breaks the phase rules in ``[start, end]`` (default: all time)."""
    state = network_state()
    if start is None:
        starts = [p.period.start for p in state.phases if p.period.start is not None]
        if not starts:
            return []
        start = min(starts)
    return problem_messages(network_problems(state, start=start, end=end))


# -- guarded edits -----------------------------------------------------------------------------


def _refuse_if_it_breaks(proposed: SiteState, *, field_name: str | None = None) -> None:
    """Raise ``InvalidInput`` naming each rule ``proposed`` would newly break."""
    fresh = network_edit_problems(site=proposed)
    if fresh:
        raise InvalidInput(
            _("This change would break the network: %(problems)s") % {"problems": " ".join(fresh)},
            field=field_name,
            problems=fresh,
        )


def _clean(obj, *, exclude: Sequence[str] = ()) -> None:
    try:
        obj.full_clean(exclude=list(exclude))
    except ValidationError as exc:
        errors = exc.message_dict
        name, messages = next(iter(errors.items()))
        is_unique = any(
            e.code in {"unique", "unique_together"} for e in exc.error_dict.get(name, [])
        )
        error = Conflict if is_unique else InvalidInput
        raise error(messages[0], field=None if name == "__all__" else name) from None


def _check_period(valid_from: date | None, valid_to: date | None) -> None:
    if valid_from is not None and valid_to is not None and valid_to < valid_from:
        raise InvalidInput(_("The end date cannot be before the start date."), field="valid_to")


SITE_FIELDS = (
    "name",
    "kind",
    "unit_id",
    "number",
    "parent",
    "address",
    "located_in",
    "phone",
    "office_hours",
)


@transaction.atomic
def site_create(
    *,
    code: str,
    name: str,
    kind: str,
    unit_id: str,
    number: int | None = None,
    parent: Site | None = None,
    address: str = "",
    located_in: AdministrativeUnit | None = None,
    phone: str = "",
    office_hours: list[list[str]] | None = None,
) -> Site:
    """Create a site. It neither operates nor covers anything until periods are added."""
    site = Site(
        code=normalize(code),
        name=normalize(name),
        kind=kind,
        unit_id=unit_id.strip().upper(),
        number=number,
        parent=parent,
        address=normalize(address),
        located_in=located_in,
        phone=phone,
    )
    if office_hours is not None:
        site.office_hours = office_hours
    _clean(site, exclude=["name_folded"])
    site.save()
    return site


@transaction.atomic
def site_update(*, site: Site, **changes: Any) -> Site:
    """Change a site's own fields; a new kind or parent must keep the network valid."""
    unknown = set(changes) - set(SITE_FIELDS)
    if unknown:
        raise InvalidInput(
            _("These fields cannot be changed here: %(fields)s") % {"fields": ", ".join(unknown)}
        )
    site = Site.objects.select_for_update().get(pk=site.pk)
    for name, value in changes.items():
        setattr(site, name, value)
    _clean(site, exclude=["name_folded"])
    if "kind" in changes or "parent" in changes:
        current = site_state(site)
        _refuse_if_it_breaks(
            SiteState(
                key=site.pk,
                name=site.name,
                kind=site.kind,
                parent=site.parent_id,
                operating=current.operating,
                coverage=current.coverage,
            ),
            field_name="kind" if "kind" in changes else "parent",
        )
    site.save()
    return site


@transaction.atomic
def site_operating_period_add(
    *, site: Site, valid_from: date | None, valid_to: date | None = None, note: str = ""
) -> SiteOperatingPeriod:
    """Let ``site`` operate during ``[valid_from, valid_to]``.

    Raises ``Conflict`` if the site already operates on one of those days, ``InvalidInput``
    if the network would break a phase rule (a district covered twice, say).
    """
    _check_period(valid_from, valid_to)
    Site.objects.select_for_update().get(pk=site.pk)
    clash = site.operating_periods.overlapping(valid_from, valid_to).first()
    if clash is not None:
        raise Conflict(
            _("%(site)s already operates from %(start)s to %(end)s.")
            % {"site": site.name, "start": clash.valid_from or "…", "end": clash.valid_to or "…"},
            field="valid_from",
        )
    current = site_state(site)
    _refuse_if_it_breaks(
        SiteState(
            key=current.key,
            name=current.name,
            kind=current.kind,
            parent=current.parent,
            operating=(*current.operating, Period(valid_from, valid_to)),
            coverage=current.coverage,
        ),
        field_name="valid_from",
    )
    return SiteOperatingPeriod.objects.create(
        site=site, valid_from=valid_from, valid_to=valid_to, note=normalize(note)
    )


@transaction.atomic
def site_coverage_set(
    *,
    site: Site,
    units: Sequence[AdministrativeUnit],
    valid_from: date,
    valid_to: date | None = None,
) -> list[SiteCoverage]:
    """Make ``site`` cover exactly ``units`` from ``valid_from`` to ``valid_to`` (None: open).

    Coverage rows overlapping that range are cut back around it; the rest of the history stays.
    Raises ``InvalidInput`` naming the district if the result would break a phase rule.
    """
    _check_period(valid_from, valid_to)
    Site.objects.select_for_update().get(pk=site.pk)
    overlapping = list(site.coverages.overlapping(valid_from, valid_to))
    keep: list[tuple[int, Period]] = [
        (c.unit_id, Period(c.valid_from, c.valid_to))
        for c in site.coverages.exclude(pk__in=[c.pk for c in overlapping])
    ]
    cut_before: dict[int, date] = {}  # coverage pk -> its new last day
    cut_after: list[tuple[SiteCoverage, date]] = []  # coverage, new first day
    for c in overlapping:
        if c.valid_from is None or c.valid_from < valid_from:
            cut_before[c.pk] = valid_from - ONE_DAY
            keep.append((c.unit_id, Period(c.valid_from, valid_from - ONE_DAY)))
        if valid_to is not None and (c.valid_to is None or c.valid_to > valid_to):
            cut_after.append((c, valid_to + ONE_DAY))
            keep.append((c.unit_id, Period(valid_to + ONE_DAY, c.valid_to)))
    wanted = list(dict.fromkeys(units))
    keep += [(u.pk, Period(valid_from, valid_to)) for u in wanted]

    current = site_state(site)
    _refuse_if_it_breaks(
        SiteState(
            key=current.key,
            name=current.name,
            kind=current.kind,
            parent=current.parent,
            operating=current.operating,
            coverage=tuple(keep),
        ),
        field_name="units",
    )

    for c in overlapping:
        tail = next((start for row, start in cut_after if row.pk == c.pk), None)
        if c.pk in cut_before:
            SiteCoverage.objects.filter(pk=c.pk).update(valid_to=cut_before[c.pk])
            if tail is not None:
                SiteCoverage.objects.create(
                    site=site, unit_id=c.unit_id, valid_from=tail, valid_to=c.valid_to
                )
        elif tail is not None:
            SiteCoverage.objects.filter(pk=c.pk).update(valid_from=tail)
        else:
            c.delete()
    return SiteCoverage.objects.bulk_create(
        [SiteCoverage(site=site, unit=u, valid_from=valid_from, valid_to=valid_to) for u in wanted]
    )
