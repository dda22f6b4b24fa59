"""The SVG charts are well-formed, accessible and draw one mark per value."""

import math
from datetime import date, timedelta
from xml.etree import ElementTree

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.reports import charts

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ElementTree.Element:
    root = ElementTree.fromstring(markup)  # noqa: S314 (our own output, not untrusted)
    assert root.tag == f"{SVG}svg"
    return root


def bars(root):
    return [r for r in root.iter(f"{SVG}rect") if r.get("class") == "bar"]


def test_a_bar_chart_is_titled_and_has_one_bar_per_item():
    items = [("02/03", 4), ("03/03", 0), ("04/03", 11)]
    root = parse(charts.bar_chart(items, title="Nhận mỗi ngày", unit="hồ sơ"))
    assert root.get("role") == "img"
    assert root.get("aria-label") == "Nhận mỗi ngày"
    assert root.find(f"{SVG}title").text == "Nhận mỗi ngày"
    assert root.find(f"{SVG}desc").text == "02/03: 4 hồ sơ; 03/03: 0 hồ sơ; 04/03: 11 hồ sơ"
    marks = bars(root)
    assert len(marks) == 3
    assert [m.find(f"{SVG}title").text for m in marks] == [
        "02/03: 4 hồ sơ", "03/03: 0 hồ sơ", "04/03: 11 hồ sơ"
    ]  # fmt: skip
    heights = [float(m.get("height")) for m in marks]
    assert heights[1] == 0 and heights[2] > heights[0] > 0
    assert "http" not in markup_without_namespace(charts.bar_chart(items, title="x"))


def markup_without_namespace(markup: str) -> str:
    return markup.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_an_empty_chart_says_so_and_draws_nothing():
    for markup in (
        charts.bar_chart([], title="Trống", empty_label="Không có số liệu"),
        charts.line_chart({}, title="Trống", empty_label="Không có số liệu"),
        charts.line_chart({"CN01": []}, title="Trống", empty_label="Không có số liệu"),
    ):
        root = parse(markup)
        assert root.find(f"{SVG}title").text == "Trống"
        assert not bars(root)
        assert "Không có số liệu" in "".join(root.itertext())


def test_all_zero_values_still_give_a_valid_axis():
    root = parse(charts.bar_chart([("a", 0), ("b", 0)], title="Zero"))
    assert len(bars(root)) == 2
    assert all(float(b.get("height")) == 0 for b in bars(root))


def test_a_missing_value_shows_the_missing_label_and_no_bar():
    items = [("CN01", 87.5), ("CN02", None)]
    root = parse(
        charts.bar_chart(
            items, title="Tỷ lệ đúng hạn", horizontal=True, max_value=100, value_suffix="%",
            missing_label="N/A", notes=["Tây Hồ", "Cầu Giấy"],
        )
    )  # fmt: skip
    marks = bars(root)
    assert len(marks) == 2
    assert marks[0].find(f"{SVG}title").text == "CN01: 87.50% (Tây Hồ)"
    assert marks[1].find(f"{SVG}title").text == "CN02: N/A (Cầu Giấy)"
    assert float(marks[1].get("width")) == 0
    assert "N/A" in "".join(root.itertext())


def test_horizontal_bars_are_proportional_to_the_fixed_maximum():
    root = parse(charts.bar_chart([("a", 50), ("b", 100)], title="x", horizontal=True,
                                  max_value=100))  # fmt: skip
    a, b = (float(m.get("width")) for m in bars(root))
    assert b == pytest.approx(2 * a)


def test_text_is_escaped():
    root = parse(charts.bar_chart([("<b>&", 1)], title='A "quoted" <title>', unit="&"))
    assert root.get("aria-label") == 'A "quoted" <title>'
    assert bars(root)[0].find(f"{SVG}title").text == "<b>&: 1 &"


def test_a_long_series_labels_only_some_days_but_always_the_last():
    days = [date(2026, 2, 9) + timedelta(days=i) for i in range(30)]
    root = parse(charts.bar_chart([(d.strftime("%d/%m"), i) for i, d in enumerate(days)],
                                  title="30 days"))  # fmt: skip
    labels = [t.text for t in root.iter(f"{SVG}text") if t.text and "/" in t.text]
    assert 4 <= len(labels) <= 13
    assert labels[0] == "09/02" and labels[-1] == "10/03"
    assert len(bars(root)) == 30


def test_a_line_chart_has_one_line_and_one_point_per_value_for_each_series():
    first = date(2026, 3, 1)
    series = {
        "CN01": [(first + timedelta(days=i), i) for i in range(10)],
        "CN07": [(first + timedelta(days=i), 10 - i) for i in range(10)],
    }
    root = parse(charts.line_chart(series, title="Theo ngày", unit="hồ sơ"))
    assert root.find(f"{SVG}title").text == "Theo ngày"
    groups = [g for g in root.iter(f"{SVG}g") if g.get("class") == "series"]
    assert [g.find(f"{SVG}title").text for g in groups] == ["CN01", "CN07"]
    for g in groups:
        assert len(list(g.iter(f"{SVG}polyline"))) == 1
        assert len(list(g.iter(f"{SVG}circle"))) == 10
    point = next(groups[0].iter(f"{SVG}circle"))
    assert point.find(f"{SVG}title").text == "CN01, 01/03: 0 hồ sơ"
    assert "CN07" in "".join(root.itertext())  # the legend


def test_small_multiples_share_the_scale_given():
    day = date(2026, 3, 1)
    low = parse(charts.line_chart({"a": [(day, 5)]}, title="a", y_max=20, width=320, height=130))
    high = parse(charts.line_chart({"b": [(day, 20)]}, title="b", y_max=20, width=320, height=130))
    (p,), (q,) = list(low.iter(f"{SVG}circle")), list(high.iter(f"{SVG}circle"))
    base = 130 - 24
    assert float(q.get("cy")) < float(p.get("cy")) < base


@pytest.mark.parametrize(("top", "expected"), [(0, 1.0), (7, 8.0), (99, 100.0), (101, 150.0)])
def test_the_axis_maximum_is_a_round_number_at_or_above_the_top(top, expected):
    assert charts.nice_scale(top)[0] == pytest.approx(expected)


@given(st.floats(min_value=1e-3, max_value=1e7, allow_nan=False))
def test_the_axis_covers_the_top_in_at_most_four_round_steps(top):
    maximum, step = charts.nice_scale(top)
    assert maximum >= top * (1 - 1e-9)
    ticks = maximum / step
    assert round(ticks) == pytest.approx(ticks) and 1 <= round(ticks) <= 4
    mantissa = step / 10 ** math.floor(math.log10(step) + 1e-12)
    assert any(mantissa == pytest.approx(m) for m in (1, 2, 2.5, 5))
