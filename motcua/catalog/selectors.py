"""Reads of the procedure catalogue. The catalogue is public information: no user scoping."""

from __future__ import annotations

from datetime import date

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from motcua.catalog.choices import CompetenceRule
from motcua.catalog.models import Procedure, ProcedureVersion
from motcua.catalog.rules import Period, Process, Step
from motcua.core.dates import format_day
from motcua.core.errors import InvalidInput, NotFound
from motcua.core.refcache import reference_cache
from motcua.core.text import fold, normalize
from motcua.organization.choices import AgencyKind, UnitLevel
from motcua.organization.models import AdministrativeUnit, Agency


def procedures_search(
    *, query: str = "", sector: str | None = None, day: date
) -> QuerySet[Procedure]:
    """Procedures with a version in force on ``day``, by sector order then code.

    Every word of ``query`` must appear in the code or the name; case and Vietnamese
    diacritics are ignored ("dang ky dat dai" finds "Đăng ký đất đai…"). ``sector`` is a
    sector code. Each procedure carries ``versions_on_day`` (a list of at most one version,
    with its competent agency), so listing a page costs two queries.
    """
    in_force = ProcedureVersion.objects.on(day)
    procedures = Procedure.objects.filter(
        Exists(in_force.filter(procedure=OuterRef("pk")))
    ).select_related("sector")
    for word in fold(query).split():
        procedures = procedures.filter(Q(name_folded__contains=word) | Q(code__contains=word))
    if sector:
        procedures = procedures.filter(sector__code=sector)
    return procedures.order_by("sector__order", "sector__code", "code").prefetch_related(
        Prefetch(
            "versions",
            queryset=in_force.select_related("competent_agency"),
            to_attr="versions_on_day",
        )
    )


def procedure_get(*, code: str) -> Procedure:
    """The procedure with the national ``code``; raise ``NotFound`` if there is none."""
    code = normalize(code)
    procedure = Procedure.objects.select_related("sector").filter(code=code).first()
    if procedure is None:
        raise NotFound(_("No procedure has the code %(code)s.") % {"code": code}, field="code")
    return procedure


def version_on(*, procedure: Procedure, day: date) -> ProcedureVersion:
    """The version of ``procedure`` in force on ``day``, with its agency, components and steps.

    Raise ``InvalidInput`` if none is (before the procedure existed, or after it ended).
    """
    version = (
        procedure.versions.on(day)
        .select_related("procedure__sector", "competent_agency")
        .prefetch_related("components", "steps")
        .order_by("-valid_from")
        .first()
    )
    if version is None:
        raise InvalidInput(
            _("Procedure %(code)s has no version in force on %(day)s.")
            % {"code": procedure.code, "day": format_day(day)}
        )
    return version


def version_in_force(*, procedure_code: str, day: date) -> ProcedureVersion:
    """:func:`version_on` by the procedure's code, kept in the reference cache (intake)."""
    return reference_cache.get_or_set(
        ("version", procedure_code, day),
        lambda: version_on(procedure=procedure_get(code=procedure_code), day=day),
    )


def versions_of(*, procedure: Procedure) -> list[ProcedureVersion]:
    """Every version of ``procedure``, oldest first (an open start sorts first)."""
    versions = list(procedure.versions.all())
    return sorted(versions, key=lambda v: (v.valid_from or date.min, v.number))


def version_periods(
    *, procedure: Procedure, exclude_pk: int | None = None
) -> list[tuple[int, Period]]:
    """(number, period) of the saved versions of ``procedure``, except the one ``exclude_pk``."""
    rows = ProcedureVersion.objects.filter(procedure=procedure)
    if exclude_pk is not None:
        rows = rows.exclude(pk=exclude_pk)
    return [
        (number, Period(start, end))
        for number, start, end in rows.values_list("number", "valid_from", "valid_to")
    ]


def process_of(version: ProcedureVersion) -> Process:
    """A saved version's limit and steps as plain values, for ``rules.process_problems``."""
    return Process(
        time_limit=version.time_limit,
        time_limit_unit=version.time_limit_unit,
        steps=tuple(
            Step(
                order=s.order,
                name=s.name,
                actor=s.actor,
                role=s.role,
                allowance_hours=s.allowance_hours,
            )
            for s in version.steps.all()
        ),
    )


def competent_agency_for(
    *, version: ProcedureVersion, unit: AdministrativeUnit | None, day: date
) -> Agency:
    """The agency competent for a dossier of ``version`` about ``unit``, on ``day``.

    - a fixed agency: the version's agency, which must be in force on ``day``;
    - ``commune_committee``: the People's Committee whose territory is ``unit``, a commune or
      ward (the applicant's, or where the land or building is);
    - ``district_committee``: the People's Committee of ``unit`` if it is a district, else of
      the district ``unit`` belongs to.

    Raise ``InvalidInput`` (field ``object_unit``) when ``unit`` is missing or of the wrong
    level, or when no such committee is in force on ``day`` (a pre-2025 ward after 30/06/2025,
    say). One query, none for a fixed agency already loaded with the version.
    """
    if version.competence_rule == CompetenceRule.FIXED:
        agency = version.competent_agency
        if agency is None or not agency.in_force_on(day):
            raise InvalidInput(
                _("The competent agency of procedure %(code)s is not in force on %(day)s.")
                % {"code": version.procedure.code, "day": format_day(day)},
                field="competent_agency",
            )
        return agency

    if unit is None:
        raise InvalidInput(
            _("Choose the commune or ward of the applicant or of the object (land, building)."),
            field="object_unit",
        )
    committees = Agency.objects.on(day).select_related("territory")
    if version.competence_rule == CompetenceRule.COMMUNE_COMMITTEE:
        if unit.level != UnitLevel.WARD:
            raise InvalidInput(
                _("%(unit)s is not a commune or ward.") % {"unit": unit.name},
                field="object_unit",
            )
        agency = committees.filter(kind=AgencyKind.COMMUNE_COMMITTEE, territory=unit).first()
    elif version.competence_rule == CompetenceRule.DISTRICT_COMMITTEE:
        if unit.level == UnitLevel.DISTRICT:
            district = Q(territory=unit)
        elif unit.level == UnitLevel.WARD:
            district = Q(territory_id=unit.parent_id, territory__level=UnitLevel.DISTRICT)
        else:
            raise InvalidInput(
                _("%(unit)s is neither a district nor a commune or ward.") % {"unit": unit.name},
                field="object_unit",
            )
        agency = committees.filter(district, kind=AgencyKind.DISTRICT_COMMITTEE).first()
    else:
        raise InvalidInput(
            _("Unknown competence rule %(rule)s.") % {"rule": version.competence_rule}
        )
    if agency is None:
        raise InvalidInput(
            _("No People's Committee is competent for %(unit)s on %(day)s.")
            % {"unit": unit.name, "day": format_day(day)},
            field="object_unit",
        )
    return agency
