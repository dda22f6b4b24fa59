"""Writes of the procedure catalogue: the loader and guarded edits of versions and processes.

Every write checks the same rules before touching the database (:func:`version_problems`):
the fields are valid, the period does not overlap another version of the procedure, a fixed
competent agency is in force for the whole period, and the internal process fits the
statutory limit (``catalog.rules.process_problems``). The admin calls the same function.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from motcua.catalog.choices import CompetenceRule, CopyKind, OnlineLevel
from motcua.catalog.models import (
    Procedure,
    ProcedureComponent,
    ProcedureVersion,
    ProcessStep,
    Sector,
)
from motcua.catalog.rules import Period, Process, Step, overlaps, process_problems
from motcua.catalog.selectors import version_periods
from motcua.core.dates import period_text
from motcua.core.errors import Conflict, InvalidInput
from motcua.core.refcache import reference_cache
from motcua.core.text import fold, normalize
from motcua.organization.models import Agency
from motcua.organization.services.network import LoadReport

DATA_DIR = Path(__file__).resolve().parent / "data"

# The fields of a version that are plain values (no relation, no period).
VERSION_FIELDS = (
    "level",
    "competence_rule",
    "competent_title",
    "time_limit",
    "time_limit_unit",
    "time_limit_note",
    "cutoff",
    "fee",
    "fee_note",
    "result_kind",
    "online_level",
    "boundary_free",
    "legal_basis",
    "source",
    "fee_known",
    "verified",
    "maintainer_note",
    "object_label",
)
TEXT_FIELDS = {
    "competent_title",
    "time_limit_note",
    "fee_note",
    "result_kind",
    "legal_basis",
    "source",
    "maintainer_note",
    "object_label",
}


@dataclass(frozen=True)
class Component:
    """A document the applicant submits, as plain values."""

    order: int
    name: str
    copy_kind: str = CopyKind.ORIGINAL
    quantity: int = 1
    required: bool = True
    note: str = ""


def read_data(name: str) -> dict[str, Any]:
    with (DATA_DIR / name).open("rb") as f:
        return tomllib.load(f)


# -- the rules, for services and the admin ------------------------------------------------------


def _field_problems(obj, *, exclude: Iterable[str]) -> list[str]:
    try:
        obj.clean_fields(exclude=list(exclude))
    except ValidationError as exc:
        return [
            f"{obj._meta.get_field(name).verbose_name}: {message}"
            for name, messages in exc.message_dict.items()
            for message in messages
        ]
    return []


def version_problems(
    *,
    version: ProcedureVersion,
    steps: Sequence[Step],
    components: Sequence[Component] = (),
    others: Sequence[tuple[int, Period]] = (),
) -> list[str]:
    """Return what stops ``version`` (saved or not) from being saved with these parts.

    ``others`` are the (number, period) of the procedure's other versions; ``steps`` and
    ``components`` are the proposed internal process and dossier components. Messages are
    translated sentences; an empty list means the version may be saved.
    """
    problems = _field_problems(version, exclude=["procedure", "competent_agency"])
    period = Period(version.valid_from, version.valid_to)
    if period.start is not None and period.end is not None and period.end < period.start:
        problems.append(_("The end date cannot be before the start date."))
    for number, other in others:
        if number != version.number and overlaps([(0, period), (1, other)]):
            problems.append(
                _("The period overlaps version %(number)d (%(period)s).")
                % {"number": number, "period": period_text(other.start, other.end)}
            )
    agency = version.competent_agency
    if version.competence_rule == CompetenceRule.FIXED:
        if agency is None:
            problems.append(_("A fixed competent agency must be chosen."))
        elif not Period(agency.valid_from, agency.valid_to).contains(period):
            problems.append(
                _("%(agency)s exists only %(agency_period)s, not for the whole version.")
                % {
                    "agency": agency.name,
                    "agency_period": period_text(agency.valid_from, agency.valid_to),
                }
            )
    elif agency is not None:
        problems.append(
            _(
                "The competent agency is found from the commune or district; leave the fixed "
                "agency empty."
            )
        )
    for component in components:
        problems += [
            f"{component.name[:60]}: {p}"
            for p in _field_problems(_component_row(version, component), exclude=["version"])
        ]
    orders = [c.order for c in components]
    if len(set(orders)) != len(orders):
        problems.append(_("Two dossier components have the same order."))
    if version.time_limit is not None and version.time_limit_unit:
        problems += process_problems(
            Process(version.time_limit, version.time_limit_unit, tuple(steps))
        )
    for step in steps:
        problems += [
            f"{step.order}. {p}"
            for p in _field_problems(
                _step_row(version, step), exclude=["version", "allowance_hours"]
            )
        ]
    return problems


def _component_row(version: ProcedureVersion, c: Component) -> ProcedureComponent:
    return ProcedureComponent(
        version=version,
        order=c.order,
        name=normalize(c.name),
        copy_kind=c.copy_kind,
        quantity=c.quantity,
        required=c.required,
        note=normalize(c.note),
    )


def _step_row(version: ProcedureVersion, s: Step) -> ProcessStep:
    return ProcessStep(
        version=version,
        order=s.order,
        name=normalize(s.name),
        actor=s.actor,
        role=s.role,
        allowance_hours=Decimal(s.allowance_hours),
    )


def _refuse(problems: list[str], *, field_name: str | None = None) -> None:
    if problems:
        raise InvalidInput(
            _("This procedure version cannot be saved: %(problems)s")
            % {"problems": " ".join(problems)},
            field=field_name,
            problems=problems,
        )


def _has_dossiers(version: ProcedureVersion) -> bool:
    dossiers = getattr(version, "dossiers", None)  # the reverse relation of dossiers.Dossier
    return dossiers is not None and dossiers.exists()


# -- guarded edits ------------------------------------------------------------------------------


@transaction.atomic
def procedure_version_create(
    *,
    procedure: Procedure,
    valid_from: date | None,
    valid_to: date | None = None,
    level: str,
    competence_rule: str,
    competent_agency: Agency | None = None,
    time_limit: int,
    time_limit_unit: str,
    result_kind: str,
    legal_basis: str,
    steps: Sequence[Step],
    components: Sequence[Component] = (),
    number: int | None = None,
    competent_title: str = "",
    time_limit_note: str = "",
    cutoff: time | None = None,
    fee: int = 0,
    fee_note: str = "",
    online_level: str = OnlineLevel.NONE,
    boundary_free: bool = True,
    source: str = "",
    fee_known: bool = True,
    verified: bool = False,
    maintainer_note: str = "",
    object_label: str = "",
) -> ProcedureVersion:
    """Add a version of ``procedure`` with its components and internal process.

    ``number`` defaults to the next one. Raises ``InvalidInput`` listing every problem
    (a process that does not fit the limit, a period overlapping another version…), and
    ``Conflict`` if the number is taken.
    """
    Procedure.objects.select_for_update().get(pk=procedure.pk)  # one version edit at a time
    if number is None:
        number = (procedure.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    elif procedure.versions.filter(number=number).exists():
        raise Conflict(
            _("Procedure %(code)s already has a version %(number)d.")
            % {"code": procedure.code, "number": number},
            field="number",
        )
    values = {
        "level": level,
        "competence_rule": competence_rule,
        "competent_title": competent_title,
        "time_limit": time_limit,
        "time_limit_unit": time_limit_unit,
        "time_limit_note": time_limit_note,
        "cutoff": cutoff,
        "fee": fee,
        "fee_note": fee_note,
        "result_kind": result_kind,
        "online_level": online_level,
        "boundary_free": boundary_free,
        "legal_basis": legal_basis,
        "source": source,
        "fee_known": fee_known,
        "verified": verified,
        "maintainer_note": maintainer_note,
        "object_label": object_label,
    }
    version = ProcedureVersion(
        procedure=procedure,
        number=number,
        valid_from=valid_from,
        valid_to=valid_to,
        competent_agency=competent_agency,
        **_normalized(values),
    )
    _refuse(
        version_problems(
            version=version,
            steps=steps,
            components=components,
            others=version_periods(procedure=procedure),
        )
    )
    version.save()
    ProcedureComponent.objects.bulk_create([_component_row(version, c) for c in components])
    ProcessStep.objects.bulk_create([_step_row(version, s) for s in steps])
    reference_cache.clear()  # bulk writes send no signals
    return version


@transaction.atomic
def procedure_version_update(
    *,
    version: ProcedureVersion,
    steps: Sequence[Step] | None = None,
    components: Sequence[Component] | None = None,
    **changes: Any,
) -> ProcedureVersion:
    """Change a version's fields, period, agency, and (when given) components and process.

    The whole proposed version is checked as :func:`procedure_version_create` does. Once a
    dossier has been received under the version, its components and process stay as they
    were (a new version is the way to change them) and ``Conflict`` is raised.
    """
    allowed = {*VERSION_FIELDS, "valid_from", "valid_to", "competent_agency"}
    unknown = set(changes) - allowed
    if unknown:
        raise InvalidInput(
            _("These fields cannot be changed here: %(fields)s")
            % {"fields": ", ".join(sorted(unknown))}
        )
    Procedure.objects.select_for_update().get(pk=version.procedure_id)  # as in create
    version = ProcedureVersion.objects.select_related("procedure").get(pk=version.pk)
    for name, value in _normalized(changes).items():
        setattr(version, name, value)
    current_steps = _steps_of(version)
    current_components = _components_of(version)
    new_steps = current_steps if steps is None else _clean_steps(steps)
    new_components = current_components if components is None else _clean_components(components)
    _refuse(
        version_problems(
            version=version,
            steps=new_steps,
            components=new_components,
            others=version_periods(procedure=version.procedure, exclude_pk=version.pk),
        )
    )
    changed_parts = new_steps != current_steps or new_components != current_components
    if changed_parts and _has_dossiers(version):
        raise Conflict(_dossiers_received_message(version))
    version.save()
    if new_components != current_components:
        version.components.all().delete()
        ProcedureComponent.objects.bulk_create([_component_row(version, c) for c in new_components])
    if new_steps != current_steps:
        version.steps.all().delete()
        ProcessStep.objects.bulk_create([_step_row(version, s) for s in new_steps])
        reference_cache.clear()  # bulk writes send no signals
    return version


@transaction.atomic
def process_set(*, version: ProcedureVersion, steps: Sequence[Step]) -> list[ProcessStep]:
    """Replace the internal process of ``version`` with ``steps``.

    Raises ``InvalidInput`` if the steps do not fit the version's statutory limit (or are
    misnumbered…), and ``Conflict`` if dossiers were received under the version.
    """
    version = ProcedureVersion.objects.select_for_update().get(pk=version.pk)
    steps = _clean_steps(steps)
    _refuse(
        process_problems(Process(version.time_limit, version.time_limit_unit, steps)),
        field_name="steps",
    )
    if steps == _steps_of(version):
        return list(version.steps.all())
    if _has_dossiers(version):
        raise Conflict(_dossiers_received_message(version))
    version.steps.all().delete()
    made = ProcessStep.objects.bulk_create([_step_row(version, s) for s in steps])
    reference_cache.clear()  # bulk writes send no signals
    return made


def _dossiers_received_message(version: ProcedureVersion) -> str:
    return _(
        "Dossiers were received under version %(number)d of %(code)s; end it and add a new "
        "version instead of changing its components or process."
    ) % {"number": version.number, "code": version.procedure.code}


def _clean_steps(steps: Iterable[Step]) -> tuple[Step, ...]:
    return tuple(
        replace(s, name=normalize(s.name), allowance_hours=Decimal(s.allowance_hours))
        for s in steps
    )


def _clean_components(components: Iterable[Component]) -> tuple[Component, ...]:
    return tuple(replace(c, name=normalize(c.name), note=normalize(c.note)) for c in components)


def _steps_of(version: ProcedureVersion) -> tuple[Step, ...]:
    return tuple(
        Step(
            order=s.order,
            name=s.name,
            actor=s.actor,
            role=s.role,
            allowance_hours=Decimal(s.allowance_hours),
        )
        for s in version.steps.order_by("order")
    )


def _components_of(version: ProcedureVersion) -> tuple[Component, ...]:
    return tuple(
        Component(
            order=c.order,
            name=c.name,
            copy_kind=c.copy_kind,
            quantity=c.quantity,
            required=c.required,
            note=c.note,
        )
        for c in version.components.order_by("order")
    )


def _normalized(values: dict[str, Any]) -> dict[str, Any]:
    return {
        k: normalize(v) if k in TEXT_FIELDS and isinstance(v, str) else v for k, v in values.items()
    }


# -- the loader ---------------------------------------------------------------------------------

VERSION_KEYS = {
    *VERSION_FIELDS,
    "valid_from",
    "valid_to",
    "number",
    "competent_agency",
    "process",
    "steps",
    "components",
}
NOT_INHERITED = {"valid_from", "valid_to", "number"}


@dataclass
class _VersionSpec:
    label: str
    number: int
    values: dict[str, Any]
    agency_code: str | None
    components: tuple[Component, ...]
    steps: tuple[Step, ...]


@dataclass
class _ProcedureSpec:
    code: str
    name: str
    sector: str
    versions: list[_VersionSpec] = field(default_factory=list)


class _Problems(list):
    def add(self, label: str, message: str) -> None:
        self.append(f"{label}: {message}")


def _steps_from(rows: list[dict[str, Any]], label: str, problems: _Problems) -> tuple[Step, ...]:
    steps = []
    for order, row in enumerate(rows, start=1):
        try:
            hours = Decimal(str(row.get("hours")))
        except InvalidOperation:
            problems.add(label, _("step %(order)d has no valid hours.") % {"order": order})
            continue
        steps.append(
            Step(
                order=order,
                name=normalize(str(row.get("name", ""))),
                actor=str(row.get("actor", "")),
                role=str(row.get("role", "")),
                allowance_hours=hours,
            )
        )
    return tuple(steps)


def _components_from(rows: list[dict[str, Any]]) -> tuple[Component, ...]:
    return tuple(
        Component(
            order=order,
            name=normalize(str(row.get("name", ""))),
            copy_kind=str(row.get("copy_kind", CopyKind.ORIGINAL)),
            quantity=int(row.get("quantity", 1)),
            required=bool(row.get("required", True)),
            note=normalize(str(row.get("note", ""))),
        )
        for order, row in enumerate(rows, start=1)
    )


def _parse(data: dict[str, Any], problems: _Problems) -> tuple[list[dict], list[_ProcedureSpec]]:
    """Turn the data file into specs; a version repeats the one before unless it says otherwise."""
    templates = {
        name: _steps_from(t.get("steps", []), f"[processes.{name}]", problems)
        for name, t in data.get("processes", {}).items()
    }
    specs: list[_ProcedureSpec] = []
    seen: set[str] = set()
    for p in data.get("procedures", []):
        code = normalize(str(p.get("code", "")))
        if code in seen:
            problems.add(code, _("the code appears twice in the data."))
        seen.add(code)
        spec = _ProcedureSpec(code=code, name=normalize(p.get("name", "")), sector=p.get("sector"))
        inherited: dict[str, Any] = {}
        for position, raw in enumerate(p.get("versions", []), start=1):
            number = int(raw.get("number", position))
            label = f"{code} v{number}"
            unknown = set(raw) - VERSION_KEYS
            if unknown:
                problems.add(
                    label,
                    _("unknown keys %(keys)s.") % {"keys": ", ".join(sorted(unknown))},
                )
            if "steps" in raw or "process" in raw:
                inherited.pop("steps", None)
                inherited.pop("process", None)
            merged = {**inherited, **raw}
            inherited = {k: v for k, v in merged.items() if k not in NOT_INHERITED}
            if "steps" in merged:
                steps = _steps_from(merged["steps"], label, problems)
            elif merged.get("process") in templates:
                steps = templates[merged["process"]]
            else:
                problems.add(
                    label,
                    _("no internal process: name a [processes.*] template or give steps."),
                )
                steps = ()
            values = {k: merged.get(k) for k in VERSION_FIELDS if k in merged}
            values.update(valid_from=merged.get("valid_from"), valid_to=merged.get("valid_to"))
            spec.versions.append(
                _VersionSpec(
                    label=label,
                    number=number,
                    values=_normalized(values),
                    agency_code=merged.get("competent_agency"),
                    components=_components_from(merged.get("components", [])),
                    steps=steps,
                )
            )
        if not spec.versions:
            problems.add(code, _("the procedure has no version."))
        specs.append(spec)
    return data.get("sectors", []), specs


def catalog_load(*, data: dict[str, Any] | None = None) -> LoadReport:
    """Create the sectors, procedures and versions of ``data/procedures.toml`` that are missing.

    Procedures are matched by code, versions by (procedure code, number): existing ones, with
    their components and process, are left as administrators left them. Everything is checked
    before anything is written, in one transaction; ``InvalidInput`` lists every problem, each
    naming its procedure and version ("1.013978 v1: …"). The agencies named by fixed versions
    must exist: load the network first (``motcua load_network``). ``data`` replaces the file
    (tests).
    """
    data = read_data("procedures.toml") if data is None else data
    problems = _Problems()
    sector_rows, specs = _parse(data, problems)
    report = LoadReport()
    with transaction.atomic():
        sectors = {s.code: s for s in Sector.objects.all()}
        new_sectors = []
        for row in sector_rows:
            code = row.get("code", "")
            if code not in sectors:
                sector = Sector(
                    code=code, name=normalize(row.get("name", "")), order=row.get("order", 0)
                )
                problems += [f"{code}: {p}" for p in _field_problems(sector, exclude=[])]
                sectors[code] = sector
                new_sectors.append(sector)

        codes = {v.agency_code for s in specs for v in s.versions if v.agency_code}
        agencies = {a.code: a for a in Agency.objects.filter(code__in=codes)}
        existing = {p.code: p for p in Procedure.objects.filter(code__in=[s.code for s in specs])}
        saved = {
            (code, number): (start, end)
            for code, number, start, end in ProcedureVersion.objects.filter(
                procedure__code__in=existing
            ).values_list("procedure__code", "number", "valid_from", "valid_to")
        }

        pending: list[tuple[Procedure, _VersionSpec, ProcedureVersion]] = []
        new_procedures: list[Procedure] = []
        for spec in specs:
            if spec.sector not in sectors:
                problems.add(spec.code, _("unknown sector %(sector)s.") % {"sector": spec.sector})
                continue
            procedure = existing.get(spec.code)
            if procedure is None:
                procedure = Procedure(
                    code=spec.code,
                    name=spec.name,
                    name_folded=fold(spec.name),
                    sector=sectors[spec.sector],
                )
                problems += [
                    f"{spec.code}: {p}"
                    for p in _field_problems(procedure, exclude=["sector", "name_folded"])
                ]
                new_procedures.append(procedure)
            # Saved versions the data does not name (added by administrators) count too.
            periods = {
                n: Period(*period) for (code, n), period in saved.items() if code == spec.code
            }
            periods.update(
                {
                    v.number: Period(v.values["valid_from"], v.values["valid_to"])
                    for v in spec.versions
                }
            )
            for v in spec.versions:
                agency = None
                if v.agency_code:
                    agency = agencies.get(v.agency_code)
                    if agency is None:
                        problems.add(
                            v.label,
                            _("no agency has the code %(code)s.") % {"code": v.agency_code},
                        )
                version = ProcedureVersion(
                    procedure=procedure, number=v.number, competent_agency=agency, **v.values
                )
                if v.agency_code and agency is None:
                    # Already reported; a stand-in keeps "choose a fixed agency" from repeating it.
                    version.competent_agency = Agency(code=v.agency_code, name=v.agency_code)
                others = [(n, p) for n, p in periods.items() if n != v.number]
                problems += [
                    f"{v.label}: {p}"
                    for p in version_problems(
                        version=version, steps=v.steps, components=v.components, others=others
                    )
                ]
                if (spec.code, v.number) not in saved:
                    pending.append((procedure, v, version))

        if problems:
            if not Agency.objects.exists():
                problems.append(_("No agency exists yet: load the network first."))
            raise InvalidInput(
                _("The catalogue data cannot be loaded: %(problems)s")
                % {"problems": " ".join(problems)},
                problems=list(problems),
            )

        Sector.objects.bulk_create(new_sectors)
        for procedure in new_procedures:
            procedure.sector = sectors[procedure.sector.code]
        Procedure.objects.bulk_create(new_procedures)
        versions = []
        for procedure, _spec, version in pending:
            version.procedure = procedure
            versions.append(version)
        ProcedureVersion.objects.bulk_create(versions)
        components = [
            _component_row(version, c) for _p, spec, version in pending for c in spec.components
        ]
        steps = [_step_row(version, s) for _p, spec, version in pending for s in spec.steps]
        ProcedureComponent.objects.bulk_create(components, batch_size=500)
        ProcessStep.objects.bulk_create(steps, batch_size=500)
        report.count("sectors", len(new_sectors))
        report.count("procedures", len(new_procedures))
        report.count("versions", len(versions))
        report.count("components", len(components))
        report.count("process steps", len(steps))
    reference_cache.clear()  # bulk writes send no signals
    return report
