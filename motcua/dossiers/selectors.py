"""Reads of dossiers, always through the acting person's scope (permissions.visible_q)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from motcua.core.errors import NotFound
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.permissions import Actor, visible_q


def dossiers_visible(actor: Actor) -> QuerySet[Dossier]:
    """Every dossier ``actor`` may read."""
    q = visible_q(actor)
    qs = Dossier.objects.all()
    return qs if q is None else qs.filter(q)


def dossier_get(*, actor: Actor, code: str) -> Dossier:
    """One dossier by code. A dossier outside the scope is "not found", as if absent."""
    dossier = (
        dossiers_visible(actor)
        .select_related(
            "regime",
            "procedure",
            "procedure_version",
            "receiving_site",
            "return_site",
            "competent_agency",
            "custodian_site",
            "custodian_agency",
            "custodian__staff_profile",
            "assignee__staff_profile",
            "applicant_unit",
            "object_unit",
        )
        .prefetch_related("components")
        .filter(code=code.strip().upper())
        .first()
    )
    if dossier is None:
        raise NotFound(_("There is no dossier with code %(code)s.") % {"code": code})
    return dossier


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


def dossier_list(*, actor: Actor, filters: DossierFilters) -> QuerySet[Dossier]:
    """The dossiers in scope that match ``filters``, most recent first."""
    qs = dossiers_visible(actor).select_related(
        "procedure", "receiving_site", "return_site", "competent_agency"
    )
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.site:
        qs = qs.filter(receiving_site__code=filters.site)
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
