"""The portal's tables print their counts grouped by thousands, as its headline cards do."""

from __future__ import annotations

from types import SimpleNamespace

from django.template.loader import render_to_string
from django.utils import translation

COUNTS = {
    "received": 536050, "finished": 531130, "in_progress": 12345, "outside_territory": 70512,
    "surveys": 1500, "complaints": 2100, "suggestions": 1001,
}  # fmt: skip


def test_the_ranking_trend_and_breakdown_group_their_counts_by_thousands():
    row = SimpleNamespace(counts=COUNTS, rank=1, label="11/2026", rate=None,
                          unit=SimpleNamespace(key="CN07", name="Chi nhánh Hà Đông"))  # fmt: skip
    with translation.override("vi"):
        ranking = render_to_string(
            "transparency/_ranking.html",
            {"rows": [row], "slug": "chi-nhanh", "period": {"key": "2026"}},
        )
        trend = render_to_string("transparency/_trend.html", {"trend": {"rows": [row]}})
        breakdown = render_to_string("transparency/_breakdown.html", {"breakdown": {
            "counts": COUNTS, "channels": [("Trực tuyến", 3261475)],
            "grades": [("Đúng hạn", 2450513)], "ratings": [("Rất hài lòng", 787686)],
        }})  # fmt: skip
    assert "536.050" in ranking and "531.130" in ranking
    assert "536.050" in trend and "12.345" in trend
    assert all(text in breakdown for text in ("70.512", "12.345", "1.500", "2.100", "1.001"))
    # The channels', results' and ratings' rows too (they printed 3261475).
    assert all(text in breakdown for text in ("3.261.475", "2.450.513", "787.686"))
