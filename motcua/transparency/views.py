"""The public transparency portal (/minh-bach/…) and its open data files. No account.

Views stay thin: each brings the figures up to date if a fold is due (a small batch, at most
every half minute), reads them through :mod:`motcua.transparency.selectors`, and writes them
through :mod:`motcua.transparency.presenters`, which the CSV, JSON and API share.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from decimal import Decimal
from functools import wraps

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from motcua.core import clock
from motcua.core.errors import InvalidInput, NotFound
from motcua.reports import charts
from motcua.transparency import presenters, selectors
from motcua.transparency.choices import (
    CITY_KEY,
    DIMENSION_PLURALS,
    DIMENSION_SLUGS,
    SLUG_DIMENSIONS,
    Dimension,
)
from motcua.transparency.indicators import SCHEMES
from motcua.transparency.periods import MONTH, QUARTER, YEAR, Period, last_months, parse_period_of
from motcua.transparency.services import figures_fold_if_due

TREND_MONTHS = 12
CACHE_SECONDS = 60


def public_figures(view: Callable) -> Callable:
    """Fold if due, turn a bad or future period into 404, and let caches keep the page a
    minute (the figures are as of the last fold anyway)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        figures_fold_if_due()
        try:
            response = view(request, *args, **kwargs)
        except (InvalidInput, NotFound) as exc:
            raise Http404(exc.detail) from exc
        response.setdefault("Cache-Control", f"public, max-age={CACHE_SECONDS}")
        return response

    return require_GET(wrapped)


def _period(request: HttpRequest) -> Period:
    return selectors.period_public(request.GET.get("ky"), today=clock.today())


def _chart_texts() -> dict:
    return {
        "missing_label": _("N/A"),
        "empty_label": _("No data"),
        "value_format": _chart_number,
    }


def _chart_number(value: float) -> str:
    return presenters.number(Decimal(str(value)), 0 if float(value).is_integer() else 2)


def _period_links(request: HttpRequest, period: Period) -> dict:
    """The period selector: the same day's month, quarter and year, and the neighbours."""
    today = clock.today()
    anchor = min(period.last_day, today)

    def link(p: Period) -> dict:
        query = request.GET.copy()
        query["ky"] = p.key
        return {"key": p.key, "url": f"?{query.urlencode()}", "label": _period_label(p)}

    kinds = [
        {**link(parse_period_of(kind, anchor)), "kind_label": label, "current": kind == period.kind}
        for kind, label in ((MONTH, _("Month")), (QUARTER, _("Quarter")), (YEAR, _("Year")))
    ]
    following = period.next()
    return {
        "kinds": kinds,
        "previous": link(period.previous()),
        "next": link(following) if following.first_day <= today else None,
    }


def _period_label(period: Period) -> str:
    if period.kind == MONTH:
        return _("Month %(month)s/%(year)s") % {
            "month": f"{period.first_day.month:02d}",
            "year": period.year,
        }
    if period.kind == QUARTER:
        return _("Quarter %(quarter)s/%(year)s") % {
            "quarter": (period.first_day.month - 1) // 3 + 1,
            "year": period.year,
        }
    return _("Year %(year)s") % {"year": period.year}


def _common(request: HttpRequest, period: Period) -> dict:
    today = clock.today()
    return {
        "nav": "transparency",
        "period": period,
        "period_label": _period_label(period),
        "periods": _period_links(request, period),
        "until": period.end_on(today),
        "running": period.last_day > today,
        "as_of": selectors.figures_as_of(),
        "scheme": SCHEMES[-1],
        "card_groups": [
            {
                "number": g.number,
                "name": presenters.GROUP_NAMES[g.code],
                "short": presenters.GROUP_SHORT[g.code],
                "points": presenters.number(g.points, 0),
            }
            for g in SCHEMES[-1].groups
        ],
        "dimensions": [
            {"slug": slug, "label": DIMENSION_PLURALS[d], "kind": d}
            for d, slug in DIMENSION_SLUGS.items()
        ],
    }


def _kpis(figures: selectors.UnitFigures) -> list[dict]:
    c = figures.card
    values = {i.indicator.code: i.value for g in c.groups for i in g.items}
    n = figures.counts
    return [
        {"label": _("Received"), "value": presenters.number(n.received)},
        {"label": _("Finished"), "value": presenters.number(n.finished)},
        {"label": _("On time (2.1)"), "value": presenters.percent(values["2.1"].value)},
        {"label": _("In progress at the end"), "value": presenters.number(n.in_progress)},
        {
            "label": _("Average processing time (2.2)"),
            "value": presenters.number(values["2.2"].value),
            "unit": _("working days"),
        },
        {"label": _("Filed online (3.3)"), "value": presenters.percent(values["3.3"].value)},
        {"label": _("Digitised (4.2)"), "value": presenters.percent(values["4.2"].value)},
        {"label": _("Fees paid online (3.6)"), "value": presenters.percent(values["3.6"].value)},
        {"label": _("Satisfaction (5.4)"), "value": presenters.percent(values["5.4"].value)},
        {
            "label": _("Received outside the agency's territory"),
            "value": presenters.number(n.outside_territory),
        },
    ]


def _card(figures: selectors.UnitFigures) -> dict:
    card = figures.card
    return {
        "groups": [presenters.group_text(g) for g in card.groups],
        "total": presenters.number(card.total),
        "available": presenters.number(card.available, 0),
        "share": presenters.number(card.share),
        "complete": card.available == card.scheme.points,
        "missing": [
            str(presenters.GROUP_NAMES[g.group.code]) for g in card.groups if g.score is None
        ],
    }


def _breakdown(figures: selectors.UnitFigures) -> dict:
    n = figures.counts
    return {
        "channels": [
            (_("In person"), n.received_in_person),
            (_("Online"), n.received_online),
            (_("Public postal service"), n.received_post),
        ],
        "grades": [(_("Early"), n.early), (_("On time"), n.on_time), (_("Late"), n.late)],
        "ratings": [
            (_("Very satisfied"), n.rated_very_satisfied),
            (_("Satisfied"), n.rated_satisfied),
            (_("Not satisfied"), n.rated_not_satisfied),
        ],
        "survey_average": (
            presenters.number(Decimal(n.survey_points) / n.surveys) if n.surveys else _("N/A")
        ),
        "counts": n,
    }


def _trend(kind: str, key: str, period: Period) -> dict:
    """The last twelve months, month by month; while fewer than two months have figures,
    the period's days instead (a line needs two points)."""
    today = clock.today()
    months = last_months(period.end_on(today), TREND_MONTHS)
    series = selectors.monthly(kind=kind, months=months, today=today, keys=[key])[key]
    while len(series) > 1 and _empty(series[0][1]):
        series = series[1:]  # months before the first figures: nothing to draw
    by_day = len(series) < 2
    if by_day:
        points = selectors.daily(kind=kind, key=key, period=period, today=today)
        date_format, title_volume, title_rate = (
            "%d/%m",
            _("Dossiers received and finished per day"),
            _("On-time rate per day"),
        )
    else:
        points = [(m.first_day, c) for m, c in series]
        date_format, title_volume, title_rate = (
            "%m/%Y",
            _("Dossiers received and finished per month"),
            _("On-time rate per month"),
        )
    on_time = [
        (d, float(Decimal((c.early + c.on_time) * 100) / c.finished))
        for d, c in points
        if c.finished
    ]
    texts = _chart_texts()
    options = {"date_format": date_format, "width": 560, "height": 230,
               "empty_label": texts["empty_label"], "value_format": _chart_number}  # fmt: skip
    return {
        "by_day": by_day,
        "volume": charts.line_chart(
            {
                _("Received"): [(d, c.received) for d, c in points],
                _("Finished"): [(d, c.finished) for d, c in points],
            },
            title=title_volume,
            unit=_("dossiers"),
            **options,
        ),  # fmt: skip
        "on_time": charts.line_chart(
            {_("On time (2.1)"): on_time}, title=title_rate, unit="%", y_max=100, **options
        ),
        "rows": [
            {
                "label": d.strftime(date_format),
                "counts": c,
                "rate": next((v for day, v in on_time if day == d), None),
            }
            for d, c in points
        ],
    }


def _empty(counts) -> bool:
    return not (counts.received or counts.finished or counts.in_progress or counts.opened)


def _ranking(rows: list[selectors.UnitFigures]) -> list[dict]:
    """Units measured in every group, best total first, each with its rank; then the others
    (a group with nothing to measure), by the share of their measurable points, unranked: a
    unit should not rank first because it had nothing to be judged on."""

    def key(u: selectors.UnitFigures):
        complete = u.card.available == u.card.scheme.points
        return (not complete, u.card.share is None, -(u.card.share or 0), u.unit.key)

    out = []
    for rank, u in enumerate(sorted(rows, key=key), start=1):
        complete = u.card.available == u.card.scheme.points
        out.append(
            {
                "rank": rank if complete else None,
                "unit": u.unit,
                "counts": u.counts,
                "on_time": presenters.percent(
                    next(i.value.value for g in u.card.groups for i in g.items
                         if i.indicator.code == "2.1")
                ),
                "groups": [presenters.number(g.score) for g in u.card.groups],
                "total": presenters.number(u.card.total if u.card.available else None),
                "available": presenters.number(u.card.available, 0),
                "share": presenters.number(u.card.share),
                "complete": complete,
                "measured": bool(u.card.available),
            }
        )  # fmt: skip
    return out


def _on_time_chart(rows: list[selectors.UnitFigures], title: str) -> str:
    items, notes = [], []
    for u in rows:
        value = next(
            i.value.value for g in u.card.groups for i in g.items if i.indicator.code == "2.1"
        )
        items.append((u.unit.key, None if value is None else float(value)))
        notes.append(u.unit.name)
    return charts.bar_chart(
        items, title=title, horizontal=True, max_value=100, value_suffix="%", notes=notes,
        colour=charts.OK, width=640, axis_label=_("early or on time, share of finished"),
        **_chart_texts(),
    )  # fmt: skip


def _score_chart(rows: list[selectors.UnitFigures], title: str) -> str:
    items = [(u.unit.key, None if u.card.share is None else float(u.card.share)) for u in rows]
    return charts.bar_chart(
        items, title=title, horizontal=True, max_value=100, value_suffix="%",
        notes=[u.unit.name for u in rows], colour=charts.INFO, width=640,
        axis_label=_("points earned, share of the points that could be measured"),
        **_chart_texts(),
    )  # fmt: skip


def _unit_url(kind: str, key: str, period: Period) -> str:
    if kind == Dimension.CITY:
        return f"{reverse('transparency:overview')}?ky={period.key}"
    url = reverse("transparency:unit", args=[DIMENSION_SLUGS[kind], key])
    return f"{url}?ky={period.key}"


def _data_links(period: Period, kind: str) -> dict:
    return {
        fmt: reverse("transparency:data_file", args=[period.key, kind, fmt])
        for fmt in ("csv", "json")
    } | {"api": f"/api/v1/public/indicators?period={period.key}&dimension={kind}"}


# -- pages ---------------------------------------------------------------------------------------


@public_figures
def overview(request: HttpRequest) -> HttpResponse:
    """The whole city: figures, the six group scores with their formulas, the branches ranked,
    charts; links to each dimension and to the open data."""
    period = _period(request)
    today = clock.today()
    city = selectors.unit_figures(kind=Dimension.CITY, key=CITY_KEY, period=period, today=today)
    branches = selectors.figures_by_unit(kind=Dimension.BRANCH, period=period, today=today)
    context = _common(request, period) | {
        "figures": city,
        "kpis": _kpis(city),
        "card": _card(city),
        "breakdown": _breakdown(city),
        "trend": _trend(Dimension.CITY, CITY_KEY, period),
        "ranking": _ranking(branches),
        "ranking_slug": DIMENSION_SLUGS[Dimension.BRANCH],
        "on_time_chart": _on_time_chart(branches, _("On-time rate (2.1) per branch")),
        "score_chart": _score_chart(branches, _("Decision 766 score per branch")),
        "data": _data_links(period, Dimension.BRANCH),
        "city_data": _data_links(period, Dimension.CITY),
    }
    return render(request, "transparency/overview.html", context)


@public_figures
def dimension(request: HttpRequest, slug: str) -> HttpResponse:
    """Every branch, site, agency or procedure with figures in the period, ranked."""
    kind = SLUG_DIMENSIONS.get(slug)
    if kind is None:
        raise Http404(_("There is no such list."))
    period = _period(request)
    rows = selectors.figures_by_unit(kind=kind, period=period, today=clock.today())
    context = _common(request, period) | {
        "kind": kind,
        "slug": slug,
        "title": DIMENSION_PLURALS[kind],
        "unit_label": Dimension(kind).label,
        "ranking": _ranking(rows),
        "on_time_chart": (
            _on_time_chart(rows, _("On-time rate (2.1) per branch"))
            if kind == Dimension.BRANCH
            else ""
        ),
        "data": _data_links(period, kind),
    }
    return render(request, "transparency/dimension.html", context)


@public_figures
def unit(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    """One branch, site, agency or procedure: why it scored what it scored."""
    kind = SLUG_DIMENSIONS.get(slug)
    if kind is None:
        raise Http404(_("There is no such list."))
    period = _period(request)
    today = clock.today()
    figures = selectors.unit_figures(kind=kind, key=key, period=period, today=today)
    sites = []
    if kind == Dimension.BRANCH:
        keys = selectors.sites_of_branch(key)
        sites = _ranking(
            selectors.figures_by_unit(kind=Dimension.SITE, period=period, today=today, keys=keys)
        )
    context = _common(request, period) | {
        "kind": kind,
        "slug": slug,
        "eyebrow": f"{Dimension(kind).label} {key}",
        "list_label": DIMENSION_PLURALS[kind],
        "figures": figures,
        "kpis": _kpis(figures),
        "card": _card(figures),
        "breakdown": _breakdown(figures),
        "trend": _trend(kind, key, period),
        "sites": sites,
        "site_slug": DIMENSION_SLUGS[Dimension.SITE],
        "catalogue_note": kind != Dimension.PROCEDURE,
    }
    return render(request, "transparency/unit.html", context)


@public_figures
def data_index(request: HttpRequest) -> HttpResponse:
    """The open data: what is published, where, and how to read it."""
    period = _period(request)
    context = _common(request, period) | {
        "files": [
            {"kind": d, "label": DIMENSION_PLURALS[d], **_data_links(period, d)}
            for d in (Dimension.CITY, *DIMENSION_SLUGS)
        ],
        "columns": presenters.csv_header(),
    }
    return render(request, "transparency/data.html", context)


def open_data(*, period: Period, kind: str) -> dict:
    """The JSON document of one period and dimension (the file and the API share it)."""
    today = clock.today()
    rows = selectors.figures_by_unit(kind=kind, period=period, today=today)
    scheme = SCHEMES[-1]
    as_of = selectors.figures_as_of()
    return {
        "period": period.key,
        "first_day": period.first_day.isoformat(),
        "last_day": period.last_day.isoformat(),
        "figures_until": period.end_on(today).isoformat(),
        "as_of": as_of.isoformat() if as_of else None,
        "dimension": kind,
        "scheme": {
            "legal_basis": scheme.legal_basis,
            "valid_from": scheme.valid_from.isoformat(),
            "groups": [
                {
                    "number": g.number,
                    "code": g.code,
                    "points": float(g.points),
                    "indicators": [
                        {
                            "code": i.code,
                            "points": float(i.points),
                            "full_marks_at": float(i.threshold),
                            "ours": i.ours,
                        }
                        for i in g.indicators
                    ],
                }  # fmt: skip
                for g in scheme.groups
            ],
        },
        "licence": "CC BY 4.0",
        "rows": [presenters.data_row(r) for r in rows],
    }


@public_figures
def data_file(request: HttpRequest, period: str, kind: str, fmt: str) -> HttpResponse:
    """``/minh-bach/du-lieu/2026-10/branch.csv`` (or ``.json``)."""
    if kind not in Dimension.values or fmt not in ("csv", "json"):
        raise Http404(_("There is no such file."))
    chosen = selectors.period_public(period, today=clock.today())
    document = open_data(period=chosen, kind=kind)
    filename = f"motcua-{chosen.key}-{kind}.{fmt}"
    if fmt == "json":
        response = HttpResponse(
            json.dumps(document, ensure_ascii=False, indent=1),
            content_type="application/json; charset=utf-8",
        )
    else:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(presenters.csv_header())
        for row in document["rows"]:
            writer.writerow(presenters.csv_row(chosen.key, row))
        # The byte order mark lets spreadsheet programs read Vietnamese as UTF-8.
        response = HttpResponse(
            "\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8"
        )
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response
