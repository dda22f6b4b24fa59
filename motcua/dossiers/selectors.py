"""Reads of dossiers, always through the acting person's scope (permissions.visible_q)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.files import File
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from motcua.core.errors import NotFound
from motcua.dossiers.files import EXTENSIONS
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.permissions import Actor, visible_q


def dossiers_visible(actor: Actor) -> QuerySet[Dossier]:
    """Every dossier ``actor`` may read."""
    q = visible_q(actor)
    qs = Dossier.objects.all()
    return qs if q is None else qs.filter(q)


def dossiers_returned(actor: Actor) -> QuerySet[Dossier]:
    """Dossiers an agency sent back as outside its competence, waiting for their site to
    re-route them (what a branch sees first), the oldest return first."""
    from motcua.dossiers.choices import Status

    return (
        dossiers_visible(actor)
        .filter(returned_from__isnull=False, status=Status.RECEIVED)
        .select_related("returned_from", "procedure", "receiving_site")
        .order_by("step_started_at", "pk")
    )


def dossier_get(*, actor: Actor, code: str) -> Dossier:
    """One dossier by code. A dossier outside the scope is "not found", as if absent."""
    # Six joins, not twelve: PostgreSQL spends more time planning a wide join than running it
    # (5 ms against 0.2 ms for this lookup), so the rarer relations load in one query each.
    dossier = (
        dossiers_visible(actor)
        .select_related(
            "regime",
            "procedure",
            "procedure_version",
            "receiving_site",
            "return_site",
            "competent_agency",
        )
        .filter(code=code.strip().upper())
        .order_by()
        .first()
    )
    if dossier is None:
        raise NotFound(_("There is no dossier with code %(code)s.") % {"code": code})
    _attach_relations(dossier)
    return dossier


def _attach_relations(dossier: Dossier) -> None:
    """Fill the optional relations from the rows already loaded or with one query each."""
    from django.contrib.auth import get_user_model

    from motcua.organization.models import AdministrativeUnit

    for site_field in ("custodian_site",):
        site_id = getattr(dossier, f"{site_field}_id")
        for known in (dossier.receiving_site, dossier.return_site):
            if known is not None and known.pk == site_id:
                setattr(dossier, site_field, known)
    if dossier.custodian_agency_id == dossier.competent_agency_id:
        dossier.custodian_agency = dossier.competent_agency
    people_ids = {pk for pk in (dossier.custodian_id, dossier.assignee_id) if pk}
    if people_ids:
        people = get_user_model().objects.select_related("staff_profile").in_bulk(people_ids)
        dossier.custodian = people.get(dossier.custodian_id)
        dossier.assignee = people.get(dossier.assignee_id)
    else:
        dossier.custodian = dossier.assignee = None
    unit_ids = {pk for pk in (dossier.applicant_unit_id, dossier.object_unit_id) if pk}
    if unit_ids:
        units = AdministrativeUnit.objects.in_bulk(unit_ids)
        dossier.applicant_unit = units.get(dossier.applicant_unit_id)
        dossier.object_unit = units.get(dossier.object_unit_id)
    else:
        dossier.applicant_unit = dossier.object_unit = None


@dataclass
class DossierFilters:
    status: str | None = None
    site: str | None = None
    agency: str | None = None
    procedure: str | None = None
    channel: str | None = None
    due_before: datetime | None = None
    due_after: datetime | None = None
    q: str | None = None
    #: "open" (being processed), "late" (open past its due time) or "due_soon" (open, due
    #: within one working day), judged at ``now``.
    state: str | None = None
    now: datetime | None = None


OPEN_STATUSES = (
    "received",
    "transferred",
    "in_progress",
    "awaiting_supplement",
    "awaiting_obligation",
)


def dossier_list(*, actor: Actor, filters: DossierFilters) -> QuerySet[Dossier]:
    """The dossiers in scope that match ``filters``, most recent first."""
    qs = dossiers_visible(actor).select_related(
        "procedure", "receiving_site", "return_site", "competent_agency"
    )
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.site:
        # A branch's code covers the reception points that belong to it.
        qs = qs.filter(
            Q(receiving_site__code=filters.site) | Q(receiving_site__parent__code=filters.site)
        )
    if filters.state in ("open", "late", "due_soon"):
        from motcua.core import clock

        now = filters.now or clock.now()
        qs = qs.filter(status__in=OPEN_STATUSES)
        if filters.state == "late":
            qs = qs.filter(due_at__lt=now)
        elif filters.state == "due_soon":
            from datetime import timedelta

            from motcua.worktime.rules import add_working_time
            from motcua.worktime.selectors import calendar_for

            horizon = add_working_time(now, timedelta(hours=8), calendar_for(None))
            qs = qs.filter(due_at__gte=now, due_at__lte=horizon, paused_at__isnull=True)
    if filters.agency:
        qs = qs.filter(competent_agency__code=filters.agency)
    if filters.procedure:
        qs = qs.filter(procedure__code=filters.procedure)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.due_before:
        qs = qs.filter(due_at__lt=filters.due_before)
    if filters.due_after:
        qs = qs.filter(due_at__gte=filters.due_after)
    if filters.q:
        from motcua.core.text import fold

        term = filters.q.strip()
        qs = qs.filter(code__icontains=term) | qs.filter(applicant_name_folded__contains=fold(term))
    return qs.order_by("-submitted_at", "-pk")


def events_of(*, actor: Actor, code: str) -> QuerySet[DossierEvent]:
    dossier = dossier_get(actor=actor, code=code)
    return dossier.events.select_related("site", "agency").order_by("seq")


@dataclass(frozen=True)
class StoredDownload:
    """A stored file of a dossier, opened for reading: the caller streams and closes it."""

    file: File
    content_type: str
    name: str
    dossier_id: int | None = None  # for the personal-data access log


def _opened(
    field_file, content_type: str, name: str, missing: str, dossier_id: int | None = None
) -> StoredDownload:
    if not field_file:
        raise NotFound(missing)
    try:
        opened = field_file.open("rb")
    except FileNotFoundError:
        raise NotFound(missing) from None
    return StoredDownload(opened, content_type, name, dossier_id)


def component_scan(*, actor: Actor, code: str, order: int) -> StoredDownload:
    """The scan of component ``order`` of a dossier in ``actor``'s scope."""
    dossier = dossier_get(actor=actor, code=code)
    component = dossier.components.filter(order=order).first()
    missing = _("Component %(order)s of dossier %(code)s has no stored scan.") % {
        "order": order,
        "code": dossier.code,
    }
    if component is None:
        raise NotFound(missing)
    extension = EXTENSIONS.get(component.content_type, "bin")
    name = f"{dossier.code}-{order:02d}.{extension}"
    return _opened(component.file, component.content_type, name, missing, dossier.pk)


def result_download(*, actor: Actor, code: str) -> StoredDownload:
    """The electronic result of a dossier in ``actor``'s scope."""
    dossier = dossier_get(actor=actor, code=code)
    missing = _("Dossier %(code)s has no electronic result.") % {"code": dossier.code}
    name = f"{dossier.code}-ket-qua.pdf"
    return _opened(dossier.result_file, "application/pdf", name, missing, dossier.pk)


def ledger_site(*, actor: Actor, code: str, start, end):
    """The site whose tracking ledger ``actor`` asks for, from ``start`` to ``end``.

    Raise :class:`NotFound` for an unknown site, :class:`PermissionDenied` when ``actor``
    neither works at it, heads it nor supervises the Center, and :class:`InvalidInput` for a
    period that ends before it starts or lasts more than a year.
    """
    from motcua.core.errors import InvalidInput, PermissionDenied
    from motcua.organization.models import Site

    site = Site.objects.filter(code=(code or "").strip().upper()).first()
    if site is None:
        raise NotFound(_("There is no site with code %(code)s.") % {"code": code})
    if not (actor.sees_all or site.pk in actor.site_ids or site.pk in actor.headed_sites):
        raise PermissionDenied(_("You may read the ledger only of the sites where you work."))
    if end < start or (end - start).days > 366:
        raise InvalidInput(
            _("Choose an end date on or after the start, at most one year later."), field="end"
        )
    return site


def ledger_sites(*, actor: Actor):
    """The sites whose ledger ``actor`` may read, in code order."""
    from motcua.organization.choices import SiteKind
    from motcua.organization.models import Site

    sites = Site.objects.exclude(kind=SiteKind.CENTER).order_by("code")
    if actor.sees_all:
        return sites
    return sites.filter(pk__in=actor.site_ids | set(actor.headed_sites))
