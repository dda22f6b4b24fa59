"""The open data API (mounted at /api/v1/): the portal's aggregates, no account.

Only aggregates: unit codes and names, counts, rates and scores. No dossier, applicant or
staff member appears in any answer.
"""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from motcua.core import clock
from motcua.core.api import PROBLEM_CONTENT_TYPE
from motcua.transparency import selectors
from motcua.transparency.services import figures_fold_if_due
from motcua.transparency.views import CACHE_SECONDS, open_data

router = Router(tags=["transparency"])

PROBLEM = {"content": {PROBLEM_CONTENT_TYPE: {}}}
DimensionName = Literal["city", "branch", "site", "agency", "procedure"]


class IndicatorsQuery(Schema):
    period: str | None = Field(
        None,
        description="A month (2026-10), a quarter (2026-Q4) or a year (2026); the current "
        "month when absent.",
    )
    dimension: DimensionName = Field("city", description="What each row is about.")


class IndicatorValueOut(Schema):
    numerator: float
    denominator: int
    value: float | None = Field(description="A percentage (2.2: working days); null for N/A.")
    score: float | None = Field(description="Points earned; null for N/A or no points.")


class IndicatorRuleOut(Schema):
    code: str
    points: float
    full_marks_at: float
    ours: bool = Field(description="The points or threshold are our reading, not the text's.")


class GroupRuleOut(Schema):
    number: int
    code: str
    points: float
    indicators: list[IndicatorRuleOut]


class SchemeOut(Schema):
    legal_basis: str
    valid_from: str
    groups: list[GroupRuleOut]


class RowOut(Schema):
    kind: DimensionName
    key: str = Field(description="Site, agency or procedure code; 'all' for the city.")
    name: str
    received: int
    received_online: int
    received_post: int
    received_in_person: int
    outside_territory: int
    lookup_ready: int
    fee_bearing: int
    paid_online: int
    opened: int
    closed: int
    in_progress: int
    finished: int
    early: int
    on_time: int
    late: int
    processing_minutes: int
    digitised: int
    flagged: int
    rated_very_satisfied: int
    rated_satisfied: int
    rated_not_satisfied: int
    surveys: int
    survey_points: int
    complaints: int
    suggestions: int
    procedures_in_force: int
    procedures_online: int
    procedures_published: int
    indicators: dict[str, IndicatorValueOut]
    scores: dict[str, float | None]
    score_total: float
    points_available: float
    score_share: float | None


class IndicatorsOut(Schema):
    period: str
    first_day: str
    last_day: str
    figures_until: str
    as_of: str | None
    dimension: DimensionName
    scheme: SchemeOut
    licence: str
    rows: list[RowOut]


@router.get(
    "/public/indicators",
    response={200: IndicatorsOut},
    auth=None,
    summary="Service figures and Decision 766 scores (public open data)",
    openapi_extra={
        "responses": {
            404: {"description": "The period has not begun", **PROBLEM},
            422: {"description": "A malformed period or dimension", **PROBLEM},
        }
    },
)
def public_indicators(request: HttpRequest, query: Query[IndicatorsQuery], response: HttpResponse):
    """Received, finished (early / on time / late), in progress, processing time, channels,
    digitisation, payments, ratings and complaints, and the Decision 766 indicators and group
    scores, per unit of `dimension` for `period`. The same document as
    `/minh-bach/du-lieu/{period}/{dimension}.json`; docs/open-data.md explains every field."""
    figures_fold_if_due()
    period = selectors.period_public(query.period, today=clock.today())
    response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    response["Access-Control-Allow-Origin"] = "*"
    return open_data(period=period, kind=query.dimension)
