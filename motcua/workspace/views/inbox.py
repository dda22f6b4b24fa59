"""The agency inbox: the dossiers an agency must work on, most urgent first (issue 4 §4).

Urgency is measured in working time, as the dossier page's "time left" badge measures it:
late (past the due time), due today, due within one working day, and the rest (including the
dossiers whose clock is paused while the applicant supplements or pays).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from motcua.core import clock
from motcua.core.errors import DomainError, NotFound
from motcua.dossiers.choices import Status
from motcua.dossiers.selectors import DossierFilters, dossier_get, dossier_list
from motcua.dossiers.services import lifecycle as svc
from motcua.organization.choices import Role
from motcua.organization.models import Agency, Assignment, Site
from motcua.workspace.desk import staff_view
from motcua.workspace.forms_actions import WORK_STATUSES, InboxFilterForm
from motcua.workspace.views.dossier import PAGE_SIZE, person_name, procedure_choices
from motcua.worktime.rules import HANOI, add_working_time
from motcua.worktime.selectors import calendar_for

LATE, TODAY, SOON, REST = 1, 2, 3, 4
GROUPS = {
    LATE: ("late", gettext_lazy("Late")),
    TODAY: ("today", gettext_lazy("Due today")),
    SOON: ("soon", gettext_lazy("Due within one working day")),
    REST: ("ok", gettext_lazy("Later, or clock paused")),
}
GROUP_BY_NAME = {name: number for number, (name, _label) in GROUPS.items()}
#: The most dossiers one bulk assignment touches (a page of the inbox, with room to spare).
BULK_LIMIT = 100
FILTERS = ("q", "procedure", "site", "status", "assignee")


def urgency(now: datetime) -> Case:
    """The urgency group of a dossier as an SQL expression, from two instants computed once.

    ``today`` ends at midnight, Hanoi time; "within one working day" ends after 8 working
    hours from now, counted on the working calendar (as the time-left badge counts).
    """
    calendar = calendar_for(None)
    local = calendar.local(now)
    midnight = datetime.combine(local.date() + timedelta(days=1), time(0), HANOI)
    one_day = add_working_time(now, timedelta(hours=8), calendar)
    return Case(
        When(paused_at__isnull=False, then=Value(REST)),
        When(due_at__isnull=True, then=Value(REST)),
        When(due_at__lt=now, then=Value(LATE)),
        When(due_at__lt=midnight, then=Value(TODAY)),
        When(due_at__lte=one_day, then=Value(SOON)),
        default=Value(REST),
        output_field=IntegerField(),
    )


def _leader_agencies(actor) -> set[int]:
    return {aid for aid, roles in actor.roles_in_agencies.items() if Role.AGENCY_LEADER in roles}


def _people_of(agency_ids, roles) -> list:
    """The active people holding ``roles`` in ``agency_ids`` today, once each, by name."""
    rows = (
        Assignment.objects.filter(agency_id__in=agency_ids, role__in=roles)
        .on(clock.today())
        .filter(user__is_active=True)
        .select_related("user__staff_profile", "agency")
        .order_by("agency__name", "user__staff_profile__full_name", "user__username")
    )
    seen, people = set(), []
    for row in rows:
        if (row.agency_id, row.user_id) not in seen:
            seen.add((row.agency_id, row.user_id))
            people.append(row)
    return people


def _specialist_choices(agency_ids) -> list[tuple[str, list[tuple[str, str]]]]:
    """The specialists a leader may give dossiers to, by agency: ``[(agency, [(u, name)])]``."""
    grouped: dict[str, list[tuple[str, str]]] = {}
    for row in _people_of(agency_ids, [Role.AGENCY_SPECIALIST]):
        grouped.setdefault(row.agency.name, []).append(
            (row.user.get_username(), person_name(row.user))
        )
    return list(grouped.items())


@require_GET
@staff_view
def inbox(request: HttpRequest) -> HttpResponse:
    desk = request.desk
    if not desk.is_agency:
        return redirect("workspace:dossiers")
    actor = desk.actor
    agency_ids = sorted(actor.roles_in_agencies)
    now = clock.now()
    work = dossier_list(actor=actor, filters=DossierFilters()).filter(
        competent_agency_id__in=agency_ids, status__in=WORK_STATUSES
    )
    members = _people_of(agency_ids, [Role.AGENCY_SPECIALIST, Role.AGENCY_LEADER])
    form = InboxFilterForm(
        request.GET,
        procedures=procedure_choices(work),
        people=list(dict.fromkeys((m.user.get_username(), person_name(m.user)) for m in members)),
        sites=list(
            Site.objects.filter(Exists(work.filter(receiving_site=OuterRef("pk"))))
            .order_by("kind", "number", "code")
            .values_list("code", "name")
        ),
        groups=[(name, label) for name, label in GROUPS.values()],
    )
    form.is_valid()
    values = getattr(form, "cleaned_data", {})
    qs = dossier_list(
        actor=actor,
        filters=DossierFilters(
            q=values.get("q") or None,
            procedure=values.get("procedure") or None,
            site=values.get("site") or None,
            status=values.get("status") or None,
        ),
    ).filter(competent_agency_id__in=agency_ids, status__in=WORK_STATUSES)
    assignee = values.get("assignee") or ""
    if assignee == "mine":
        qs = qs.filter(assignee=request.user)
    elif assignee == "unassigned":
        qs = qs.filter(assignee__isnull=True)
    elif assignee:
        qs = qs.filter(assignee__username=assignee)
    qs = qs.annotate(urgency=urgency(now))
    counts = qs.aggregate(
        total=Count("pk"),
        **{name: Count("pk", filter=Q(urgency=n)) for n, (name, _l) in GROUPS.items()},
    )
    group = GROUP_BY_NAME.get(values.get("group") or "")
    if group is not None:
        qs = qs.filter(urgency=group)
    qs = qs.select_related(
        "assignee__staff_profile", "custodian__staff_profile", "custodian_agency", "custodian_site"
    ).order_by("urgency", F("paused_at").asc(nulls_first=True), "due_at", "pk")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    leads = _leader_agencies(actor)
    rows = [
        {
            "d": d,
            "group": GROUPS[d.urgency][0],
            "group_label": GROUPS[d.urgency][1],
            "assignee": person_name(d.assignee),
            "holder": person_name(d.custodian)
            or (d.custodian_agency.name if d.custodian_agency else "")
            or (d.custodian_site.name if d.custodian_site else ""),
            "assignable": d.competent_agency_id in leads
            and d.status in (Status.TRANSFERRED, Status.IN_PROGRESS),
        }
        for d in page
    ]
    keep = request.GET.copy()
    keep.pop("page", None)
    kpis = [
        {"name": name, "label": label, "n": counts[name], "active": group == n}
        for n, (name, label) in GROUPS.items()
    ]
    return render(
        request,
        "workspace/inbox/inbox.html",
        {
            "nav": "inbox",
            "form": form,
            "page": page,
            "rows": rows,
            "kpis": kpis,
            "total": counts["total"],
            "query": keep.urlencode(),
            "filtered": any(values.get(k) for k in FILTERS),
            "kpi_query": _without(keep, "group"),
            "leader": bool(leads),
            "specialists": _specialist_choices(sorted(leads)) if leads else [],
            "agencies": list(Agency.objects.filter(pk__in=agency_ids).order_by("name")),
            "now": now,
        },
    )


def _without(query, key: str) -> str:
    query = query.copy()
    query.pop(key, None)
    return query.urlencode()


@require_POST
@staff_view
def bulk_assign(request: HttpRequest) -> HttpResponse:
    """Give the ticked dossiers to one specialist: accept each first if it is still only
    transferred. Each dossier is all or nothing; the others go on when one is refused."""
    desk = request.desk
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        target = reverse("workspace:inbox")
    leads = _leader_agencies(desk.actor)
    if not leads:
        # Assigning a batch is the leader's dispatch; a specialist takes one dossier at a time
        # from its own page.
        return render(
            request,
            "workspace/no_post.html",
            {"message": _("Only an agency leader assigns dossiers in bulk.")},
            status=403,
        )
    codes = list(dict.fromkeys(c.strip() for c in request.POST.getlist("codes") if c.strip()))
    assignee = request.POST.get("assignee", "").strip()
    if not codes:
        messages.warning(request, _("Tick the dossiers to assign first."))
        return redirect(target)
    if not assignee:
        messages.warning(request, _("Choose the specialist to assign the dossiers to."))
        return redirect(target)
    if len(codes) > BULK_LIMIT:
        messages.warning(request, _("Assign at most %(n)s dossiers at a time.") % {"n": BULK_LIMIT})
        return redirect(target)
    done, who = [], assignee
    for code in codes:
        try:
            dossier = dossier_get(actor=desk.actor, code=code)
            if dossier.competent_agency_id not in leads:
                raise NotFound(_("You do not lead the agency of this dossier."))
            version = _version(request.POST.get(f"v-{code}"))
            with transaction.atomic():
                if dossier.status == Status.TRANSFERRED:
                    version = svc.dossier_accept(
                        actor=desk.actor, code=dossier.code, expected_version=version
                    ).version
                assigned = svc.dossier_assign(
                    actor=desk.actor,
                    code=dossier.code,
                    assignee=assignee,
                    expected_version=version,
                )
        except DomainError as exc:
            messages.error(
                request,
                _("%(code)s was not assigned: %(reason)s") % {"code": code, "reason": exc.detail},
            )
        else:
            done.append(assigned.code)
            who = person_name(assigned.assignee)
    if done:
        messages.success(
            request,
            ngettext(
                "%(n)d dossier assigned to %(person)s: %(codes)s.",
                "%(n)d dossiers assigned to %(person)s: %(codes)s.",
                len(done),
            )
            % {"n": len(done), "person": who, "codes": ", ".join(done)},
        )
    return redirect(target)


def _version(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None
