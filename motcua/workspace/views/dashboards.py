"""The branch and Center dashboards: figures from :mod:`motcua.reports`, charts drawn as SVG.

A branch director or deputy sees their branch with its points; a receiving officer, their own
site; the Center's director, inspectors and administrators, any branch (``?site=CN07``) and
the Center dashboard. Everyone else is refused.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.core import clock
from motcua.dossiers.continuity import stranded_count, stranded_dossiers
from motcua.dossiers.permissions import BRANCH_HEADS, site_by_code
from motcua.organization.choices import Role, SiteKind
from motcua.organization.models import Site
from motcua.organization.selectors.staff import roles_of
from motcua.reports import charts, selectors
from motcua.reports.periods import PERIOD_DAYS, Period, period_for
from motcua.workspace.desk import staff_view
from motcua.worktime.selectors import overrides_missing_for

#: Who keeps the working calendar: reminded on the dashboard to enter next year's decisions.
CALENDAR_KEEPERS = {Role.CENTER_DIRECTOR, Role.ADMINISTRATOR}

PERIOD_LABELS = {
    "today": gettext_lazy("Today"),
    "7d": gettext_lazy("Last 7 days"),
    "30d": gettext_lazy("Last 30 days"),
}


def _number(value: float | Decimal) -> str:
    return number_format(value, 0 if float(value).is_integer() else 2)


def _chart_texts() -> dict[str, object]:
    return {"missing_label": _("N/A"), "empty_label": _("No data"), "value_format": _number}


def _forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "workspace/dashboards/forbidden.html", {"message": message}, status=403)


def _periods(request: HttpRequest, current: Period) -> list[dict]:
    """The period selector's links, keeping the other parameters of the page."""
    links = []
    for key in PERIOD_DAYS:
        query = request.GET.copy()
        query["period"] = key
        links.append(
            {"label": PERIOD_LABELS[key], "url": f"?{query.urlencode()}",
             "current": key == current.key}
        )  # fmt: skip
    return links


def _branch_site(request: HttpRequest) -> tuple[Site, bool] | None:
    """The site whose dashboard the person asked for or may see, and whether its points count
    with it; ``None`` when they may see none. An unknown ``?site=`` is a 404."""
    actor = request.desk.actor
    code = request.GET.get("site", "").strip().upper()
    if code:
        site = site_by_code(code)
        if site is None or site.kind == SiteKind.CENTER:
            raise Http404(_("There is no site with code %(code)s.") % {"code": code})
        if actor.sees_all or site.pk in actor.headed_sites:
            return site, True
        if Role.RECEIVING_OFFICER in actor.roles_at_site(site.pk):
            return site, False
        return None
    headed = [s for s in request.desk.sites if actor.roles_at_site(s.pk) & BRANCH_HEADS]
    if headed:
        headed.sort(key=lambda s: s.kind != SiteKind.BRANCH)
        return headed[0], True
    if request.desk.is_officer:
        return request.desk.site, False
    if actor.sees_all:
        first = next(iter(selectors.branches()), None)
        if first is not None:
            return site_by_code(first.code), True
    return None


@staff_view
def branch(request: HttpRequest) -> HttpResponse:
    """Today's work and the period's at one branch (with its points) or one officer's site."""
    chosen = _branch_site(request)
    if chosen is None:
        return _forbidden(
            request,
            _(
                "The branch dashboard is for the branch's director and deputies, its "
                "receiving officers and the Center's supervisors."
            ),
        )
    site, with_points = chosen
    now = clock.now()
    period = period_for(request.GET.get("period"), now=now, default="today")
    month = period_for("30d", now=now)
    site_ids = selectors.sites_of(site, with_points=with_points)
    window = {"start": period.start, "end": period.end, "now": now}
    figures = selectors.branch_summary(site=site, with_points=with_points, **window)
    intake = selectors.intake_by_day(
        groups={"site": site_ids}, first_day=month.first_day, last_day=month.last_day
    )["site"]
    intake_chart = charts.bar_chart(
        [(day.strftime("%d/%m"), n) for day, n in intake],
        title=_("Dossiers received per day, last 30 days"),
        unit=_("dossiers"),
        colour=charts.INFO,
        width=900,
        height=210,
        **_chart_texts(),
    )
    context = {
        "nav": "branch",
        "site": site,
        "with_points": with_points,
        "points": len(site_ids) - 1,
        "now": now,
        "period": period,
        "period_label": PERIOD_LABELS[period.key],
        "periods": _periods(request, period),
        "figures": figures,
        "procedures": selectors.procedure_breakdown(site_ids=site_ids, **window),
        "officers": selectors.officer_breakdown(site_ids=site_ids, **window),
        "intake": intake,
        "intake_total": sum(n for _, n in intake),
        "intake_chart": intake_chart,
        "list_url": _list_url(site),
        "branch_choices": selectors.branches() if request.desk.sees_all else [],
    }
    return render(request, "workspace/dashboards/branch.html", context)


def _list_url(site: Site) -> str:
    """The dossier list of ``site``; the template adds the filter (``&state=late``…)."""
    return f"{reverse('workspace:dossiers')}?{urlencode({'site': site.code})}"


@staff_view
def center(request: HttpRequest) -> HttpResponse:
    """All branches side by side over the period, with the Center's totals and charts."""
    if not request.desk.sees_all:
        return _forbidden(
            request,
            _("The Center dashboard is for the Center's director, inspectors and administrators."),
        )
    now = clock.now()
    period = period_for(request.GET.get("period"), now=now, default="30d")
    month = period_for("30d", now=now)
    summary = selectors.center_summary(start=period.start, end=period.end, now=now)
    colours = {
        row.branch.code: charts.SERIES_COLOURS[i % len(charts.SERIES_COLOURS)]
        for i, row in enumerate(summary.rows)
    }
    intake = selectors.intake_by_day(
        groups={row.branch.code: row.branch.site_ids for row in summary.rows},
        first_day=month.first_day,
        last_day=month.last_day,
    )
    busiest = max((n for points in intake.values() for _, n in points), default=0)
    multiples = [
        {
            "branch": row.branch,
            "colour": colours[row.branch.code],
            "total": sum(n for _, n in intake[row.branch.code]),
            "chart": charts.line_chart(
                {row.branch.code: intake[row.branch.code]},
                title=_("%(branch)s: dossiers received per day, last 30 days")
                % {"branch": row.branch.name},
                unit=_("dossiers"),
                colours=colours,
                y_max=busiest,
                width=320,
                height=130,
                empty_label=_("No data"),
                value_format=_number,
            ),
        }
        for row in summary.rows
    ]
    today = clock.today()
    missing_year = overrides_missing_for(today=today)  # no query outside December
    if missing_year and not (
        request.user.is_superuser or roles_of(request.user, today) & CALENDAR_KEEPERS
    ):
        missing_year = None
    names = [row.branch.name for row in summary.rows]
    bar_colours = [colours[row.branch.code] for row in summary.rows]

    def branch_bars(values: list[Decimal | None], **options) -> str:
        return charts.bar_chart(
            [(row.branch.code, None if v is None else float(v))
             for row, v in zip(summary.rows, values, strict=True)],
            horizontal=True, colours=bar_colours, notes=names, value_suffix="%", width=600,
            **_chart_texts(), **options,
        )  # fmt: skip

    context = {
        "nav": "center",
        "now": now,
        "period": period,
        "period_label": PERIOD_LABELS[period.key],
        "periods": _periods(request, period),
        "summary": summary,
        "branch_rows": [
            {"branch": r.branch, "figures": r.figures, "colour": colours[r.branch.code]}
            for r in summary.rows
        ],
        "multiples": multiples,
        "stranded": stranded_count(on=today),
        "calendar_year_missing": missing_year,
        "on_time_chart": branch_bars(
            [row.figures.on_time_rate for row in summary.rows],
            title=_("On-time rate per branch (%(period)s)") % {"period": PERIOD_LABELS[period.key]},
            max_value=100,
            axis_label=_("dossiers finished early or on time, percent of those finished"),
        ),
        "outside_chart": branch_bars(
            [row.figures.outside_territory_share for row in summary.rows],
            title=_("Dossiers received outside the competent agency's territory (%(period)s)")
            % {"period": PERIOD_LABELS[period.key]},
            axis_label=_("percent of dossiers received"),
        ),
    }
    return render(request, "workspace/dashboards/center.html", context)


@staff_view
def continuity(request: HttpRequest) -> HttpResponse:
    """The open dossiers nobody can act on today (or on ``?on=YYYY-MM-DD``): what ``motcua
    check-continuity`` lists, for the Center's supervisors."""
    if not request.desk.sees_all:
        return _forbidden(
            request,
            _("The Center dashboard is for the Center's director, inspectors and administrators."),
        )
    on = clock.today()
    try:
        on = date.fromisoformat(request.GET.get("on", "")) if request.GET.get("on") else on
    except ValueError:
        raise Http404(_("Give the date as YYYY-MM-DD.")) from None
    context = {"nav": "center", "on": on, "rows": stranded_dossiers(on=on)}
    return render(request, "workspace/dashboards/continuity.html", context)
