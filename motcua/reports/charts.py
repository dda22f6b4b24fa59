"""Charts drawn on the server as SVG markup: no script, no library, no external resource.

Each function takes plain values and returns one ``<svg>`` element as a string. The chart is
named by a ``<title>`` and an ``aria-label``; a ``<desc>`` lists every value in words and each
mark carries its own ``<title>``, so a screen reader (or a pointer hovering) gets the figures,
not just the shape. Colours come from the workspace palette; text inherits the page's font.
Callers translate every text they pass in (titles, units, the "N/A" and "no data" labels) and
may pass ``value_format`` to write numbers the locale's way.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from html import escape

ACCENT = "#a4161a"
OK = "#1b6e3a"
WARN = "#8a5a00"
INFO = "#0b4f8a"
INK = "#1b1b1b"
MUTED = "#5a5a5a"
GRID = "#e4e4e4"
AXIS = "#8c8c8c"

#: Twelve colours that stay apart from one another (and from the page's red) for the branches.
SERIES_COLOURS = (
    "#a4161a",
    "#0b4f8a",
    "#1b6e3a",
    "#8a5a00",
    "#6a3d9a",
    "#00798c",
    "#d1495b",
    "#3d5a80",
    "#6b7f00",
    "#b5179e",
    "#6f4e37",
    "#e07000",
)

Number = int | float


def _plain(value: Number) -> str:
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}"


def _attr(value: object) -> str:
    return escape(str(value), quote=True)


def _num(value: float) -> str:
    """A coordinate, short: 12.5 rather than 12.500000001."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def nice_scale(top: float, *, ticks: int = 4) -> tuple[float, float]:
    """A round axis maximum at or above ``top`` and the step between its ticks.

    The step is 1, 2, 2.5 or 5 times a power of ten, so the tick labels read easily; an empty
    or all-zero chart gets the axis 0–1.
    """
    if not top or top <= 0 or math.isnan(top):
        return 1.0, 0.25 if ticks >= 4 else 0.5
    raw = top / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        step = m * magnitude
        if step * ticks >= top:
            break
    return step * math.ceil(top / step - 1e-9), step


def _integer_scale(top: float, *, ticks: int = 4) -> tuple[float, float]:
    """As :func:`nice_scale`, for counts: whole-number steps."""
    if top <= ticks:
        return float(max(1, math.ceil(top))), 1.0
    maximum, step = nice_scale(top, ticks=ticks)
    if not step.is_integer():
        step = math.ceil(step)
        maximum = step * math.ceil(top / step)
    return maximum, step


def _labelled(n: int, *, every: int) -> set[int]:
    """Which of ``n`` positions get an axis label: every ``every``-th, and always the last
    (today, on a series of days), which replaces its neighbour when the two would touch."""
    every = max(1, every)
    shown = list(range(0, n, every))
    if shown and shown[-1] != n - 1:
        if n - 1 - shown[-1] < every / 2:
            shown[-1] = n - 1
        else:
            shown.append(n - 1)
    return set(shown)


def _open(title: str, width: int, height: int, desc: str, css_class: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{_attr(css_class)}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="{_attr(title)}" font-size="12">',
        f"<title>{escape(title)}</title>",
        f"<desc>{escape(desc)}</desc>",
    ]


def _empty(title: str, width: int, height: int, empty_label: str, css_class: str) -> str:
    parts = _open(title, width, height, empty_label, css_class)
    parts.append(
        f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle" fill="{MUTED}">'
        f"{escape(empty_label)}</text>"
    )
    parts.append("</svg>")
    return "".join(parts)


def _mark_text(
    label: str, value: Number | None, *, unit: str, fmt, suffix: str, missing_label: str
) -> str:
    shown = missing_label if value is None else f"{fmt(value)}{suffix} {unit}".strip()
    return f"{label}: {shown}"


def bar_chart(
    items: Sequence[tuple[str, Number | None]],
    *,
    title: str,
    unit: str = "",
    horizontal: bool = False,
    max_value: Number | None = None,
    colour: str = ACCENT,
    colours: Sequence[str] | None = None,
    notes: Sequence[str] | None = None,
    value_format: Callable[[Number], str] = _plain,
    value_suffix: str = "",
    axis_label: str = "",
    missing_label: str = "N/A",
    empty_label: str = "No data",
    width: int = 720,
    height: int = 240,
) -> str:
    """One bar per ``(label, value)``; a ``None`` value is drawn as "N/A" with no bar.

    Vertical bars (columns) suit a series over days, horizontal bars a comparison of named
    things (branches). ``max_value`` fixes the axis (100 for percentages); otherwise it is a
    round number above the largest value. ``colours`` gives one colour per bar, ``notes`` one
    extra text per bar for its ``<title>`` (e.g. a branch's full name). ``value_suffix`` is
    written after the numbers on the bars and ticks ("%"); ``unit`` names what is counted in
    the titles and, with ``axis_label``, on the value axis.
    """
    if not items:
        return _empty(title, width, height, empty_label, "chart-bar")
    values = [v for _, v in items if v is not None]
    top = max(values, default=0)
    if max_value is not None:
        maximum, step = nice_scale(max_value)
        maximum = float(max_value)
    elif all(float(v).is_integer() for v in values):
        maximum, step = _integer_scale(top)
    else:
        maximum, step = nice_scale(top)
    titles = [
        _mark_text(
            label,
            value,
            unit=unit,
            fmt=value_format,
            suffix=value_suffix,
            missing_label=missing_label,
        )
        + (f" ({notes[i]})" if notes and notes[i] else "")
        for i, (label, value) in enumerate(items)
    ]
    desc = "; ".join(titles)
    fills = [colours[i % len(colours)] if colours else colour for i in range(len(items))]
    on_bar = [missing_label if v is None else f"{value_format(v)}{value_suffix}" for _, v in items]
    if horizontal:
        return _horizontal(
            items, titles, fills, on_bar, title=title, desc=desc, maximum=maximum, step=step,
            value_format=value_format, value_suffix=value_suffix,
            axis_label=axis_label or unit, width=width,
        )  # fmt: skip
    return _vertical(
        items, titles, fills, on_bar, title=title, desc=desc, maximum=maximum, step=step,
        value_format=value_format, value_suffix=value_suffix, axis_label=axis_label or unit,
        width=width, height=height,
    )  # fmt: skip


def _vertical(
    items, titles, fills, on_bar, *, title, desc, maximum, step, value_format, value_suffix,
    axis_label, width, height,
) -> str:  # fmt: skip
    n = len(items)
    left, right, top_margin, bottom = 44, 10, 26, 34
    plot_w, plot_h = width - left - right, height - top_margin - bottom
    base_y = top_margin + plot_h
    parts = _open(title, width, height, desc, "chart-bar")
    parts.append(
        f'<text x="{left - 36}" y="14" fill="{MUTED}" font-size="11">{escape(axis_label)}</text>'
    )
    tick = 0.0
    while tick <= maximum + 1e-9:
        y = base_y - tick / maximum * plot_h
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{_num(y)}" y2="{_num(y)}" '
            f'stroke="{GRID}"/>'
            f'<text x="{left - 6}" y="{_num(y + 4)}" text-anchor="end" fill="{MUTED}" '
            f'font-size="11">{escape(value_format(tick) + value_suffix)}</text>'
        )
        tick += step
    band = plot_w / n
    bar_w = max(1.0, band * 0.72)
    labelled = _labelled(n, every=math.ceil(n / 12))
    show_values = n <= 16
    for i, (label, value) in enumerate(items):
        x = left + i * band + (band - bar_w) / 2
        h = 0.0 if value is None else max(0.0, min(value, maximum)) / maximum * plot_h
        parts.append(
            f'<rect class="bar" x="{_num(x)}" y="{_num(base_y - h)}" width="{_num(bar_w)}" '
            f'height="{_num(h)}" fill="{fills[i]}"><title>{escape(titles[i])}</title></rect>'
        )
        centre = _num(x + bar_w / 2)
        if show_values:
            parts.append(
                f'<text x="{centre}" y="{_num(base_y - h - 4)}" text-anchor="middle" '
                f'fill="{INK}" font-size="11" aria-hidden="true">{escape(on_bar[i])}</text>'
            )
        if i in labelled:
            parts.append(
                f'<text x="{centre}" y="{_num(base_y + 16)}" text-anchor="middle" '
                f'fill="{MUTED}" font-size="11">{escape(label)}</text>'
            )
    parts.append(
        f'<line x1="{left}" x2="{width - right}" y1="{_num(base_y)}" y2="{_num(base_y)}" '
        f'stroke="{AXIS}"/></svg>'
    )
    return "".join(parts)


def _horizontal(
    items, titles, fills, on_bar, *, title, desc, maximum, step, value_format, value_suffix,
    axis_label, width,
) -> str:  # fmt: skip
    n = len(items)
    row = 26
    label_w = min(220, 12 + 7 * max(len(label) for label, _ in items))
    left, right, top_margin, bottom = label_w, 64, 8, 40
    plot_w = width - left - right
    height = top_margin + n * row + bottom
    base_y = top_margin + n * row
    parts = _open(title, width, height, desc, "chart-bar chart-hbar")
    tick = 0.0
    while tick <= maximum + 1e-9:
        x = left + tick / maximum * plot_w
        parts.append(
            f'<line x1="{_num(x)}" x2="{_num(x)}" y1="{top_margin}" y2="{_num(base_y)}" '
            f'stroke="{GRID}"/>'
            f'<text x="{_num(x)}" y="{_num(base_y + 15)}" text-anchor="middle" fill="{MUTED}" '
            f'font-size="11">{escape(value_format(tick) + value_suffix)}</text>'
        )
        tick += step
    for i, (label, value) in enumerate(items):
        y = top_margin + i * row
        w = 0.0 if value is None else max(0.0, min(value, maximum)) / maximum * plot_w
        parts.append(
            f'<text x="{left - 8}" y="{_num(y + row / 2 + 4)}" text-anchor="end" '
            f'fill="{INK}">{escape(label)}</text>'
            f'<rect class="bar" x="{left}" y="{_num(y + 4)}" width="{_num(w)}" '
            f'height="{row - 8}" fill="{fills[i]}"><title>{escape(titles[i])}</title></rect>'
            f'<text x="{_num(left + w + 6)}" y="{_num(y + row / 2 + 4)}" '
            f'fill="{MUTED if value is None else INK}" font-size="11" aria-hidden="true">'
            f"{escape(on_bar[i])}</text>"
        )
    parts.append(
        f'<line x1="{left}" x2="{left}" y1="{top_margin}" y2="{_num(base_y)}" stroke="{AXIS}"/>'
        f'<text x="{left + plot_w / 2}" y="{height - 6}" text-anchor="middle" fill="{MUTED}" '
        f'font-size="11">{escape(axis_label)}</text></svg>'
    )
    return "".join(parts)


def line_chart(
    series: Mapping[str, Sequence[tuple[date, Number]]],
    *,
    title: str,
    unit: str = "",
    colours: Mapping[str, str] | None = None,
    y_max: Number | None = None,
    date_format: str = "%d/%m",
    value_format: Callable[[Number], str] = _plain,
    empty_label: str = "No data",
    legend: bool | None = None,
    area: bool | None = None,
    width: int = 720,
    height: int = 240,
) -> str:
    """One line per named series of ``(date, value)`` points, over the dates they span.

    ``y_max`` fixes the value axis, so that small multiples (one chart per branch) share a
    scale. A single series is drawn with a light area under it unless ``area`` is false; more
    than one get a legend (``legend`` overrides).
    """
    dates = sorted({d for points in series.values() for d, _ in points})
    if not dates:
        return _empty(title, width, height, empty_label, "chart-line")
    colours = colours or {}
    names = list(series)
    legend = len(names) > 1 if legend is None else legend
    area = len(names) == 1 if area is None else area
    legend_h = 18 * math.ceil(len(names) / 4) + 6 if legend else 0
    small = width < 400
    left, right, top_margin, bottom = (32 if small else 44), 10, 22, 24 + legend_h
    plot_w, plot_h = width - left - right, height - top_margin - bottom
    base_y = top_margin + plot_h
    top = max((v for points in series.values() for _, v in points), default=0)
    maximum, step = _integer_scale(y_max if y_max is not None else top, ticks=3 if small else 4)
    first, span = dates[0].toordinal(), max(1, dates[-1].toordinal() - dates[0].toordinal())

    def x_of(day: date) -> float:
        return left + (day.toordinal() - first) / span * plot_w

    def y_of(value: Number) -> float:
        return base_y - max(0, min(value, maximum)) / maximum * plot_h

    lines = []
    for name in names:
        points = sorted(series[name])
        total = sum(v for _, v in points)
        lines.append(
            f"{name}: "
            + ", ".join(f"{d.strftime(date_format)} {value_format(v)}" for d, v in points)
            + f" ({value_format(total)} {unit})".rstrip()
        )
    parts = _open(title, width, height, "; ".join(lines), "chart-line")
    parts.append(f'<text x="2" y="12" fill="{MUTED}" font-size="11">{escape(unit)}</text>')
    tick = 0.0
    while tick <= maximum + 1e-9:
        y = y_of(tick)
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{_num(y)}" y2="{_num(y)}" '
            f'stroke="{GRID}"/>'
            f'<text x="{left - 5}" y="{_num(y + 4)}" text-anchor="end" fill="{MUTED}" '
            f'font-size="11">{escape(value_format(tick))}</text>'
        )
        tick += step
    labelled = _labelled(len(dates), every=7 if len(dates) > 10 else 1)
    for i, day in enumerate(dates):
        if i in labelled:
            last = i == len(dates) - 1
            anchor = "start" if i == 0 else "end" if last else "middle"
            parts.append(
                f'<text x="{_num(x_of(day))}" y="{_num(base_y + 15)}" text-anchor="{anchor}" '
                f'fill="{MUTED}" font-size="11">{escape(day.strftime(date_format))}</text>'
            )
    parts.append(
        f'<line x1="{left}" x2="{width - right}" y1="{_num(base_y)}" y2="{_num(base_y)}" '
        f'stroke="{AXIS}"/>'
    )
    for index, name in enumerate(names):
        colour = colours.get(name, SERIES_COLOURS[index % len(SERIES_COLOURS)])
        points = sorted(series[name])
        coords = " ".join(f"{_num(x_of(d))},{_num(y_of(v))}" for d, v in points)
        parts.append(f'<g class="series"><title>{escape(name)}</title>')
        if area and points:
            parts.append(
                f'<polygon points="{_num(x_of(points[0][0]))},{_num(base_y)} {coords} '
                f'{_num(x_of(points[-1][0]))},{_num(base_y)}" fill="{colour}" '
                f'fill-opacity="0.12" stroke="none"/>'
            )
        parts.append(
            f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2" '
            f'stroke-linejoin="round"/>'
        )
        for d, v in points:
            label = f"{name}, {d.strftime(date_format)}: {value_format(v)} {unit}".rstrip()
            parts.append(
                f'<circle class="point" cx="{_num(x_of(d))}" cy="{_num(y_of(v))}" r="2.5" '
                f'fill="{colour}"><title>{escape(label)}</title></circle>'
            )
        parts.append("</g>")
    if legend:
        for index, name in enumerate(names):
            colour = colours.get(name, SERIES_COLOURS[index % len(SERIES_COLOURS)])
            x = left + (index % 4) * (plot_w / 4)
            y = base_y + 30 + 18 * (index // 4)
            parts.append(
                f'<rect x="{_num(x)}" y="{_num(y - 9)}" width="10" height="10" '
                f'fill="{colour}"/><text x="{_num(x + 14)}" y="{_num(y)}" fill="{INK}" '
                f'font-size="11">{escape(name)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)
