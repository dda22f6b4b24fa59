"""How the portal writes its figures: names, formulas in words and in numbers, open data rows.

The page, the CSV, the JSON file and the API take their values from the same
:class:`~motcua.transparency.selectors.UnitFigures` through this module, so that they cannot
disagree. Numbers on the page follow the reader's language (``89,72`` in Vietnamese); open
data uses plain numbers (``89.72``), and ``null`` (JSON) or an empty cell (CSV) for N/A.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.transparency.indicators import GroupScore, Scored
from motcua.transparency.measures import COUNTERS
from motcua.transparency.selectors import UnitFigures

GROUP_NAMES = {
    "publicity": gettext_lazy("Publicity and transparency"),
    "progress": gettext_lazy("Processing progress"),
    "online": gettext_lazy("Online public service"),
    "payment": gettext_lazy("Online payment"),
    "satisfaction": gettext_lazy("Satisfaction"),
    "digitisation": gettext_lazy("Digitisation"),
}

#: Column headings of the ranking tables.
GROUP_SHORT = {
    "publicity": gettext_lazy("Publicity"),
    "progress": gettext_lazy("Progress"),
    "online": gettext_lazy("Online"),
    "payment": gettext_lazy("Payment"),
    "satisfaction": gettext_lazy("Satisfaction"),
    "digitisation": gettext_lazy("Digitisation"),
}

INDICATOR_NAMES = {
    "1.1": gettext_lazy("Procedures published in full"),
    "1.2": gettext_lazy("Dossiers the applicant can follow online"),
    "2.1": gettext_lazy("On-time rate"),
    "2.2": gettext_lazy("Average processing time"),
    "3.1": gettext_lazy("Procedures offered online"),
    "3.3": gettext_lazy("Dossiers filed online"),
    "3.6": gettext_lazy("Fees paid online"),
    "4.2": gettext_lazy("Digitised dossiers"),
    "5.4": gettext_lazy("Satisfaction"),
}

#: The formula of each indicator in words: numerator ÷ denominator.
INDICATOR_WORDS = {
    "1.1": (
        gettext_lazy("procedures published with every part"),
        gettext_lazy("procedures in force"),
    ),
    "1.2": (
        gettext_lazy("dossiers received with a phone or ID number to look them up"),
        gettext_lazy("dossiers received"),
    ),
    "2.1": (gettext_lazy("(early + on time)"), gettext_lazy("finished")),
    "2.2": (gettext_lazy("working days of processing, pauses excluded"), gettext_lazy("finished")),
    "3.1": (gettext_lazy("procedures offered online"), gettext_lazy("procedures in force")),
    "3.3": (gettext_lazy("received online"), gettext_lazy("received")),
    "3.6": (gettext_lazy("fees paid online"), gettext_lazy("dossiers with fees")),
    "4.2": (
        gettext_lazy("finished with every component digitised and an electronic result"),
        gettext_lazy("finished"),
    ),
    "5.4": (gettext_lazy("late + flagged"), gettext_lazy("finished")),
}

#: Why an indicator could not be measured (its denominator is 0).
NOTHING_TO_MEASURE = {
    "1.1": gettext_lazy("no procedure in force"),
    "1.2": gettext_lazy("no dossier received in the period"),
    "2.1": gettext_lazy("no dossier finished in the period"),
    "2.2": gettext_lazy("no dossier finished in the period"),
    "3.1": gettext_lazy("no procedure in force"),
    "3.3": gettext_lazy("no dossier received in the period"),
    "3.6": gettext_lazy("no dossier with fees received in the period"),
    "4.2": gettext_lazy("no dossier finished in the period"),
    "5.4": gettext_lazy("no dossier finished in the period"),
}


def number(value: Decimal | int | float | None, places: int = 2) -> str:
    """A number the reader's way (``89,72`` in Vietnamese), or "N/A"."""
    if value is None:
        return _("N/A")
    if isinstance(value, int) and places == 2:
        places = 0
    return number_format(value, places, force_grouping=True)


def points(value: Decimal | None) -> str:
    """Points: whole ones without decimals (``18``), others with two (``17,94``)."""
    if value is not None and value == value.to_integral_value():
        return number(value, 0)
    return number(value)


def percent(value: Decimal | None) -> str:
    return _("N/A") if value is None else f"{number(value)} %"


@dataclass(frozen=True)
class Formula:
    code: str
    name: str
    words: str  # "2.1 = (early + on time) ÷ finished"
    numbers: str  # "= 812 ÷ 905 = 89.72 %", or why it is N/A
    score: str  # "score = 89.72 × 20 ÷ 100 = 17.94 of 20", or ""
    value: str  # "89.72 %"
    measured: bool


def formula(item: Scored) -> Formula:
    """An indicator's formula in words and in numbers, and how its score follows."""
    value, indicator = item.value, item.indicator
    code = indicator.code
    top, bottom = INDICATOR_WORDS[code]
    if code == "5.4":
        words = _("%(code)s = 100 − (late ÷ finished + flagged ÷ finished)") % {"code": code}
    else:
        words = f"{code} = {top} ÷ {bottom}"
    unit_days = indicator.unit == "days"
    shown = (
        _("N/A")
        if value.value is None
        else (_("%(n)s working days") % {"n": number(value.value)})
        if unit_days
        else percent(value.value)
    )
    if value.value is None:
        numbers = _("= %(n)s ÷ 0: N/A (%(why)s)") % {
            "n": number(value.numerator),
            "why": NOTHING_TO_MEASURE[code],
        }
    elif code == "5.4":
        late, flagged = value.parts
        late_n, flagged_n = value.terms
        numbers = _(
            "= 100 − (%(late_n)s ÷ %(d)s + %(flag_n)s ÷ %(d)s) = 100 − (%(late)s + %(flag)s) "
            "= %(value)s"
        ) % {
            "late_n": number(late_n),
            "flag_n": number(flagged_n),
            "d": number(value.denominator),
            "late": number(late),
            "flag": number(flagged),
            "value": shown,
        }
    else:
        numbers = f"= {number(value.numerator)} ÷ {number(value.denominator)} = {shown}"
    score = ""
    if indicator.points:
        points_text = points(indicator.points)
        if item.score is None:
            score = _("score: N/A")
        elif value.value >= indicator.threshold:
            score = _("%(value)s ≥ %(threshold)s: full marks, %(points)s of %(points)s") % {
                "value": number(value.value),
                "threshold": number(indicator.threshold, 0),
                "points": points_text,
            }
        else:
            score = _(
                "score = %(value)s × %(points)s ÷ %(threshold)s = %(score)s of %(points)s"
            ) % {
                "value": number(value.value),
                "points": points_text,
                "threshold": number(indicator.threshold, 0),
                "score": points(item.score),
            }
    return Formula(
        code=code,
        name=str(INDICATOR_NAMES[code]),
        words=words,
        numbers=numbers,
        score=score,
        value=shown,
        measured=value.value is not None,
    )


def group_text(group: GroupScore) -> dict:
    return {
        "code": group.group.code,
        "number": group.group.number,
        "name": str(GROUP_NAMES[group.group.code]),
        "points": points(group.group.points),
        "points_value": group.group.points,
        "score": group.score,
        "score_text": points(group.score),
        "formulas": [formula(i) for i in group.items],
    }


# -- open data ------------------------------------------------------------------------------------

INDICATOR_CODES = ("1.1", "1.2", "2.1", "2.2", "3.1", "3.3", "3.6", "4.2", "5.4")
GROUP_CODES = tuple(GROUP_NAMES)


def _plain(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def data_row(figures: UnitFigures) -> dict:
    """One unit's figures as open data (JSON types; ``None`` for N/A)."""
    c, card = figures.counts, figures.card
    items = {i.indicator.code: i for g in card.groups for i in g.items}
    return {
        "kind": figures.unit.kind,
        "key": figures.unit.key,
        "name": figures.unit.name,
        **{name: getattr(c, name) for name in COUNTERS},
        "received_in_person": c.received_in_person,
        "in_progress": c.in_progress,
        "procedures_in_force": items["3.1"].value.denominator,
        "procedures_online": int(items["3.1"].value.numerator),
        "procedures_published": int(items["1.1"].value.numerator),
        "indicators": {
            code: {
                "numerator": _plain(Decimal(items[code].value.numerator)),
                "denominator": items[code].value.denominator,
                "value": _plain(items[code].value.value),
                "score": _plain(items[code].score),
            }
            for code in INDICATOR_CODES
        },
        "scores": {g.group.code: _plain(g.score) for g in card.groups},
        "score_total": _plain(card.total),
        "points_available": _plain(card.available),
        "score_share": _plain(card.share),
    }


def csv_header() -> list[str]:
    return [
        "period", "kind", "key", "name", *COUNTERS, "received_in_person", "in_progress",
        "procedures_in_force", "procedures_online", "procedures_published",
        *(f"indicator_{c.replace('.', '_')}" for c in INDICATOR_CODES),
        *(f"score_{g}" for g in GROUP_CODES),
        "score_total", "points_available", "score_share",
    ]  # fmt: skip


def csv_row(period: str, row: dict) -> list:
    def cell(value):
        return "" if value is None else value

    return [
        period, row["kind"], row["key"], row["name"], *(row[n] for n in COUNTERS),
        row["received_in_person"], row["in_progress"], row["procedures_in_force"],
        row["procedures_online"], row["procedures_published"],
        *(cell(row["indicators"][c]["value"]) for c in INDICATOR_CODES),
        *(cell(row["scores"][g]) for g in GROUP_CODES),
        cell(row["score_total"]), cell(row["points_available"]), cell(row["score_share"]),
    ]  # fmt: skip
