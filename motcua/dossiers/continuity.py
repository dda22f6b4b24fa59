"""Nothing stranded (issue 17 §3): the open dossiers whose holder has nobody able to act.

A dossier is *held* by whoever must take its next step (permissions.ACTION_ROLES):

- the receiving site (or the return site) while it awaits the check of an online filing, the
  transfer to the agency or the applicant's supplement: a receiving officer there, assigned
  or seconded;
- the site where the result is collected once it is ready: a receiving officer there (for a
  result returned at a site, the return site; otherwise the receiving or return site);
- the competent agency while it is processed or awaits a financial obligation: a specialist
  or a leader of the agency, which must itself be in force (a ceased agency acts no more).

A dossier assigned to a person who left is not stranded while their agency has someone who
can reassign it. Everything is judged on one date, from the effective-dated assignments and
secondments of active accounts, for the dossiers open now that were filed by the end of that
date: run ahead of a reorganization (``--on 2025-07-01`` in June), it shows what would strand.
One query per kind of holder; the command ``motcua check-continuity`` and the Center's
dashboard both read :func:`stranded_dossiers`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from motcua.dossiers.choices import ReturnMethod, Status
from motcua.dossiers.models import Dossier
from motcua.organization.choices import AGENCY_ROLES, Role
from motcua.organization.models import Agency, Assignment, Secondment
from motcua.worktime.rules import HANOI

#: Statuses in which the site must act: check, transfer, supplement, delivery.
AT_SITE = (Status.SUBMITTED, Status.RECEIVED, Status.AWAITING_SUPPLEMENT, Status.RESULT_READY)
#: Statuses in which the competent agency must act.
AT_AGENCY = (Status.TRANSFERRED, Status.IN_PROGRESS, Status.AWAITING_OBLIGATION)
OPEN = AT_SITE + AT_AGENCY


@dataclass(frozen=True)
class Stranded:
    dossier: Dossier
    holder: str  # the site's or the agency's name
    reason: str


def _officer_sites(on: date) -> tuple[QuerySet, QuerySet]:
    assigned = Assignment.objects.on(on).filter(
        role=Role.RECEIVING_OFFICER, site__isnull=False, user__is_active=True
    )
    seconded = Secondment.objects.on(on).filter(user__is_active=True)
    return assigned.values("site_id"), seconded.values("to_site_id")


def _staffed_agencies(on: date) -> QuerySet:
    return (
        Assignment.objects.on(on)
        .filter(role__in=AGENCY_ROLES, agency__isnull=False, user__is_active=True)
        .filter(agency__in=Agency.objects.on(on))
        .values("agency_id")
    )


def stranded_q(on: date) -> Q:
    """The open dossiers that nobody can act on, on ``on``, as a filter."""
    assigned, seconded = _officer_sites(on)

    def staffed(field: str) -> Q:
        return Q(**{f"{field}__in": assigned}) | Q(**{f"{field}__in": seconded})

    either_site = staffed("receiving_site_id") | staffed("return_site_id")
    collects_at_site = Q(status=Status.RESULT_READY, return_method=ReturnMethod.SITE)
    site_ok = Q(status__in=AT_SITE) & ~collects_at_site & either_site | collects_at_site & staffed(
        "return_site_id"
    )
    agency_ok = Q(status__in=AT_AGENCY, competent_agency_id__in=_staffed_agencies(on))
    return open_q(on) & ~(site_ok | agency_ok)


def open_q(on: date) -> Q:
    """The dossiers open now that already existed on ``on`` (a dossier filed later is judged
    on the posts of its own days, not on those of ``on``)."""
    end = datetime.combine(on + timedelta(days=1), time(0), tzinfo=HANOI)
    return Q(status__in=OPEN, submitted_at__lt=end)


def stranded_count(*, on: date) -> int:
    """How many open dossiers nobody can act on, on ``on`` (one query)."""
    return Dossier.objects.filter(stranded_q(on)).count()


def stranded_dossiers(*, on: date) -> list[Stranded]:
    """The open dossiers nobody can act on, on ``on``, oldest first, each with its holder and
    why nobody can act."""
    qs = (
        Dossier.objects.filter(stranded_q(on))
        .select_related("receiving_site", "return_site", "competent_agency", "procedure")
        .order_by("submitted_at", "pk")
    )
    ceased = set(
        Agency.objects.exclude(pk__in=Agency.objects.on(on).values("pk")).values_list(
            "pk", flat=True
        )
    )
    out = []
    for dossier in qs:
        if dossier.status in AT_AGENCY:
            agency = dossier.competent_agency
            if agency.pk in ceased:
                reason = _("The agency is not in force on this date.")
            else:
                reason = _("Nobody holds a specialist's or a leader's post in the agency.")
            out.append(Stranded(dossier, agency.name, reason))
            continue
        if dossier.status == Status.RESULT_READY and dossier.return_method == ReturnMethod.SITE:
            site = dossier.return_site or dossier.receiving_site
        else:
            site = dossier.receiving_site
        reason = _("No receiving officer works at the site.")
        out.append(Stranded(dossier, site.name, reason))
    return out
