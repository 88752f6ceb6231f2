"""Small SVG charts rendered at build time: bars, lines and sparklines.

Why our own renderer and not a chart library:

* The trends page must be readable without JavaScript (DESIGN.md), which
  rules out the browser chart libraries.
* The output must be byte-identical between builds (CI rebuilds committed
  outputs and fails on any diff). Matplotlib's SVG backend embeds random
  clip-path IDs, a creation date and its version unless configured around,
  and it would add a large compiled dependency to a docs build for three
  kinds of chart.
* The charts must follow Material's light and dark palettes. Text and axes
  here use `currentColor` and every mark carries a CSS class, so the site's
  stylesheet (`CHART_CSS`) colours them from Material's variables; a library
  that writes fixed colours would need post-processing.
* Accessibility is part of the output: `role="img"`, `<title>` and `<desc>`
  referenced by `aria-labelledby`, a tooltip `<title>` on each mark, series
  told apart by dash pattern and not only colour, and `data_table` giving
  the numbers behind every chart for a table beside it.

All text is escaped. Coordinates are rounded to two decimals so that output
does not depend on floating-point noise.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

MISSING = "–"
"""Shown for a value that cannot be measured (e.g. no mitigated incident that quarter)."""

CHART_CSS = """\
.fmcat-chart, .fmcat-sparkline { color: var(--md-default-fg-color); max-width: 100%; height: auto; }
.fmcat-chart text { fill: currentColor; font-family: var(--md-text-font-family, sans-serif); }
.fmcat-chart__grid line { stroke: var(--md-default-fg-color--lightest); stroke-opacity: 1; }
.fmcat-chart__axis line { stroke: var(--md-default-fg-color--light); }
.fmcat-chart__series { --fmcat-series: currentColor; fill: var(--fmcat-series);
  stroke: var(--fmcat-series); fill-opacity: 1; }
rect.fmcat-chart__series { stroke: none; }
.fmcat-chart__line { fill: none; stroke-width: 2; }
.fmcat-chart__series--0 { --fmcat-series: var(--md-primary-fg-color); }
.fmcat-chart__series--1 { --fmcat-series: #e08a2e; }
.fmcat-chart__series--2 { --fmcat-series: #3f9e6e; }
.fmcat-chart__series--3 { --fmcat-series: #d1495b; }
.fmcat-chart__series--4 { --fmcat-series: #8c6bb1; }
.fmcat-chart__series--5 { --fmcat-series: #2e94b9; }
.fmcat-chart__series--6 { --fmcat-series: #b5935a; }
.fmcat-chart__series--7 { --fmcat-series: #c26dbc; }
.fmcat-chart__series--8 { --fmcat-series: #7f8c3a; }
.fmcat-chart__series--9 { --fmcat-series: #8a8f98; }
.fmcat-chart__series--10 { --fmcat-series: #5f6bd6; }
.fmcat-chart__series--11 { --fmcat-series: #a8553a; }
.fmcat-sparkline__line { fill: none; stroke: currentColor; }
"""
"""Styles for the site's stylesheet. Text and axes follow Material's
foreground variables, so they switch with the light and slate schemes; the
first series takes the primary colour and the others fixed mid-tones that
keep contrast on both backgrounds. Without this stylesheet charts still render
in the text colour, series told apart by opacity and dash pattern."""

_ID = re.compile(r"^[a-z][a-z0-9-]*$")
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_FONT = 12
_CHAR = 7.0  # average glyph width at 12px, for layout estimates
_OPACITY = (1.0, 0.6, 0.35, 0.8, 0.5, 0.25, 0.9, 0.45)
_DASH = ("", "6 3", "2 3", "8 3 2 3", "4 2", "1 2", "10 4", "3 3 1 3")
_MAX_LABEL = 24


class SeriesLike(Protocol):
    """Anything with a label and one value per category (e.g. `metrics.Series`)."""

    @property
    def label(self) -> str: ...

    @property
    def values(self) -> Sequence[float | None]: ...


@dataclass(frozen=True)
class ChartSeries:
    label: str
    values: tuple[float | None, ...]


@dataclass(frozen=True)
class ChartData:
    """What a chart shows: categories along x, one value per series and category."""

    title: str
    description: str
    categories: tuple[str, ...]
    series: tuple[ChartSeries, ...]
    x_label: str
    y_label: str

    def __post_init__(self) -> None:
        for item in self.series:
            if len(item.values) != len(self.categories):
                raise ValueError(f"series {item.label!r} has {len(item.values)} values for "
                                 f"{len(self.categories)} categories")


def chart_data(title: str, description: str, categories: Iterable[str],
               series: Iterable[SeriesLike], *, x_label: str, y_label: str) -> ChartData:
    """Build chart data from any series objects, e.g. `metrics.QuarterlySeries.series`."""
    return ChartData(title, description, tuple(categories),
                     tuple(ChartSeries(s.label, tuple(s.values)) for s in series),
                     x_label, y_label)


def format_value(value: float | None) -> str:
    """How a value reads in labels, tooltips and data tables: at most two decimals."""
    if value is None:
        return MISSING
    if float(value).is_integer():
        return str(int(value))
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


@dataclass(frozen=True)
class DataTable:
    """The numbers behind a chart: one row per category, one column per series."""

    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def data_table(data: ChartData) -> DataTable:
    """The chart's values as text, formatted exactly as the chart's tooltips show them."""
    columns = (data.x_label, *(s.label for s in data.series))
    rows = tuple((category, *(format_value(s.values[i]) for s in data.series))
                 for i, category in enumerate(data.categories))
    return DataTable(data.title, columns, rows)


# --- SVG helpers ------------------------------------------------------------------

def _esc(text: str) -> str:
    return html.escape(_NOT_XML.sub("", text), quote=True)


def _num(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _short(label: str) -> str:
    return label if len(label) <= _MAX_LABEL else label[: _MAX_LABEL - 1] + "…"


def _check_id(chart_id: str) -> None:
    if not _ID.match(chart_id):
        raise ValueError(f"chart_id must match {_ID.pattern}: {chart_id!r}")


def _open(kind: str, chart_id: str, *, width: float, height: float, title: str,
          desc: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{kind}" id="{chart_id}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" viewBox="0 0 {_num(width)} '
        f'{_num(height)}" width="{_num(width)}" height="{_num(height)}" '
        f'font-size="{_FONT}">',
        f'<title id="{chart_id}-title">{_esc(title)}</title>',
        f'<desc id="{chart_id}-desc">{_esc(desc)}</desc>',
    ]


def _values(data: ChartData) -> list[float]:
    return [v for s in data.series for v in s.values if v is not None]


def _summary(data: ChartData, kind: str, values: Sequence[float]) -> str:
    """A sentence describing the chart's shape, appended to the caller's description."""
    parts = [data.description.strip()] if data.description.strip() else []
    count = len(data.categories)
    if not count or not values:
        parts.append(f"{kind}: no data.")
        return " ".join(parts)
    span = (f"{data.categories[0]} to {data.categories[-1]}" if count > 1
            else data.categories[0])
    names = ", ".join(s.label for s in data.series)
    parts.append(f"{kind} of {data.y_label} by {data.x_label}, {span}; "
                 f"series: {names}; values from {format_value(min(values))} "
                 f"to {format_value(max(values))}.")
    return " ".join(parts)


def _ticks(low: float, high: float, *, integers: bool) -> list[float]:
    """Round axis ticks covering [low, high]: steps of 1, 2, 2.5 or 5 times a power of ten."""
    if high <= low:
        high = low + 1
    raw = (high - low) / 5
    if integers and raw <= 1:
        step = 1.0
    else:
        magnitude = 10 ** math.floor(math.log10(raw))
        # Counts get whole-number steps: 2.5 incidents is not a tick anyone wants.
        steps = [m * magnitude for m in (1, 2, 2.5, 5, 10)
                 if not integers or float(m * magnitude).is_integer()]
        step = next(s for s in steps if s >= raw)
    start = math.floor(low / step) * step
    end = math.ceil(high / step) * step
    return [round(start + i * step, 10) for i in range(round((end - start) / step) + 1)]


@dataclass(frozen=True)
class _Frame:
    """Plot area and scales shared by bar and line charts."""

    left: float
    top: float
    width: float
    height: float
    ticks: tuple[float, ...]
    slot: float

    def y(self, value: float) -> float:
        low, high = self.ticks[0], self.ticks[-1]
        return self.top + self.height * (high - value) / (high - low)

    def x(self, index: int) -> float:
        return self.left + self.slot * (index + 0.5)


def _legend(data: ChartData, width: float, *, line: bool) -> tuple[list[str], float]:
    """Legend items laid out in rows across the top; returns the SVG and its height."""
    if len(data.series) < 2:
        return [], 0.0
    out = ['<g class="fmcat-chart__legend">']
    x, y = 8.0, 8.0
    for index, item in enumerate(data.series):
        label = _short(item.label)
        needed = 18 + len(label) * _CHAR + 16
        if x + needed > width and x > 8:
            x, y = 8.0, y + 18
        out.append(_swatch(index, x, y, line=line))
        out.append(f'<text x="{_num(x + 18)}" y="{_num(y + 9)}">{_esc(label)}</text>')
        x += needed
    out.append("</g>")
    return out, y + 18


def _swatch(index: int, x: float, y: float, *, line: bool) -> str:
    css = f"fmcat-chart__series fmcat-chart__series--{index}"
    if line:
        dash = _DASH[index % len(_DASH)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        return (f'<line class="{css} fmcat-chart__line" x1="{_num(x)}" y1="{_num(y + 5)}" '
                f'x2="{_num(x + 14)}" y2="{_num(y + 5)}" stroke="currentColor" '
                f'stroke-width="2"{dash_attr}/>')
    return (f'<rect class="{css}" x="{_num(x)}" y="{_num(y)}" width="10" height="10" '
            f'fill="currentColor" fill-opacity="{_OPACITY[index % len(_OPACITY)]}"/>')


def _frame(data: ChartData, *, width: float, height: float, top: float, low: float,
           high: float) -> tuple[_Frame, list[str]]:
    """Axes, grid, tick labels and axis titles around the plot area."""
    integers = all(float(v).is_integer() for v in _values(data))
    ticks = _ticks(low, high, integers=integers)
    tick_width = max(len(format_value(t)) for t in ticks) * _CHAR
    left = 24 + tick_width + 8
    count = max(len(data.categories), 1)
    longest = max((len(_short(c)) for c in data.categories), default=0) * _CHAR
    plot_width = width - left - 16
    slot = plot_width / count
    rotate = longest > slot - 4
    label_height = longest * 0.7 + 8 if rotate else 18.0
    bottom = label_height + 26
    frame = _Frame(left, top + 8, plot_width, height - top - 8 - bottom, tuple(ticks), slot)
    out = ['<g class="fmcat-chart__grid">']
    for tick in ticks:
        y = _num(frame.y(tick))
        out.append(f'<line x1="{_num(left)}" y1="{y}" x2="{_num(left + plot_width)}" y2="{y}" '
                   f'stroke="currentColor" stroke-opacity="0.15"/>')
    out.append("</g>")
    out.append('<g class="fmcat-chart__axis fmcat-chart__axis--y" text-anchor="end">')
    for tick in ticks:
        out.append(f'<text x="{_num(left - 6)}" y="{_num(frame.y(tick) + 4)}">'
                   f"{format_value(tick)}</text>")
    out.append("</g>")
    base = _num(frame.y(max(ticks[0], min(0.0, ticks[-1]))))
    out.append(f'<g class="fmcat-chart__axis fmcat-chart__axis--x">'
               f'<line x1="{_num(left)}" y1="{base}" x2="{_num(left + plot_width)}" '
               f'y2="{base}" stroke="currentColor" stroke-opacity="0.6"/>')
    label_y = frame.top + frame.height + 16
    # Rotated labels need about a line height each; with more categories than
    # fit, every n-th is labelled (the data table lists them all).
    every = max(1, math.ceil((_FONT + 2) / slot)) if rotate else 1
    for index, category in enumerate(data.categories):
        if index % every:
            continue
        x = _num(frame.x(index))
        if rotate:
            out.append(f'<text x="{x}" y="{_num(label_y)}" text-anchor="end" '
                       f'transform="rotate(-45 {x} {_num(label_y)})">{_esc(_short(category))}'
                       "</text>")
        else:
            out.append(f'<text x="{x}" y="{_num(label_y)}" text-anchor="middle">'
                       f"{_esc(_short(category))}</text>")
    out.append("</g>")
    middle_x = _num(left + plot_width / 2)
    out.append(f'<text class="fmcat-chart__axis-title" x="{middle_x}" y="{_num(height - 6)}" '
               f'text-anchor="middle">{_esc(data.x_label)}</text>')
    middle_y = _num(frame.top + frame.height / 2)
    out.append(f'<text class="fmcat-chart__axis-title" x="14" y="{middle_y}" '
               f'text-anchor="middle" transform="rotate(-90 14 {middle_y})">'
               f"{_esc(data.y_label)}</text>")
    return frame, out


def _mark_title(data: ChartData, index: int, series: ChartSeries, value: float) -> str:
    name = f", {series.label}" if len(data.series) > 1 else ""
    return f"<title>{_esc(f'{data.categories[index]}{name}: {format_value(value)}')}</title>"


def _mark_data(data: ChartData, index: int, series: ChartSeries, value: float) -> str:
    return (f'data-category="{_esc(data.categories[index])}" data-series="{_esc(series.label)}" '
            f'data-value="{format_value(value)}"')


def _empty(out: list[str], width: float, height: float) -> str:
    out.append(f'<text x="{_num(width / 2)}" y="{_num(height / 2)}" text-anchor="middle">'
               "No data</text>")
    out.append("</svg>")
    return "\n".join(out)


# --- charts -----------------------------------------------------------------------

def bar_chart(data: ChartData, *, chart_id: str, stacked: bool = False, width: int = 640,
              height: int = 320) -> str:
    """Bars per category: side by side per series (grouped) or on top of each other.

    Stacked bars suit parts of a whole (incidents by severity); grouped bars
    suit values that do not add up (incidents by category, where one incident
    may count in two). Missing values draw no bar.
    """
    _check_id(chart_id)
    values = _values(data)
    kind = "Stacked bar chart" if stacked else "Bar chart"
    out = _open("fmcat-chart fmcat-chart--bar", chart_id, width=width, height=height,
                title=data.title, desc=_summary(data, kind, values))
    if not data.categories or not values:
        return _empty(out, width, height)
    legend, top = _legend(data, width, line=False)
    out.extend(legend)
    if stacked:
        totals = [sum(max(s.values[i] or 0, 0) for s in data.series)
                  for i in range(len(data.categories))]
        lows = [sum(min(s.values[i] or 0, 0) for s in data.series)
                for i in range(len(data.categories))]
        low, high = min(0.0, *lows), max(0.0, *totals)
    else:
        low, high = min(0.0, *values), max(0.0, *values)
    frame, axes = _frame(data, width=width, height=height, top=top, low=low, high=high)
    out.extend(axes)
    out.append('<g class="fmcat-chart__marks">')
    group = frame.slot * (0.6 if stacked else 0.8)
    bar = group if stacked else group / len(data.series)
    for index in range(len(data.categories)):
        start = frame.x(index) - group / 2
        up, down = 0.0, 0.0
        for number, series in enumerate(data.series):
            value = series.values[index]
            if value is None:
                continue
            if stacked:
                base = up if value >= 0 else down
                y0, y1 = frame.y(base), frame.y(base + value)
                if value >= 0:
                    up += value
                else:
                    down += value
                x = start
            else:
                y0, y1 = frame.y(0.0), frame.y(value)
                x = start + number * bar
            css = f"fmcat-chart__series fmcat-chart__series--{number}"
            out.append(
                f'<rect class="{css}" x="{_num(x)}" y="{_num(min(y0, y1))}" '
                f'width="{_num(max(bar - 1, 1))}" height="{_num(abs(y0 - y1))}" '
                f'fill="currentColor" fill-opacity="{_OPACITY[number % len(_OPACITY)]}" '
                f"{_mark_data(data, index, series, value)}>"
                f"{_mark_title(data, index, series, value)}</rect>")
    out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)


def line_chart(data: ChartData, *, chart_id: str, width: int = 640, height: int = 320) -> str:
    """One line per series; a missing value breaks the line rather than inventing a point."""
    _check_id(chart_id)
    values = _values(data)
    out = _open("fmcat-chart fmcat-chart--line", chart_id, width=width, height=height,
                title=data.title, desc=_summary(data, "Line chart", values))
    if not data.categories or not values:
        return _empty(out, width, height)
    legend, top = _legend(data, width, line=True)
    out.extend(legend)
    frame, axes = _frame(data, width=width, height=height, top=top, low=min(0.0, *values),
                         high=max(0.0, *values))
    out.extend(axes)
    out.append('<g class="fmcat-chart__marks">')
    for number, series in enumerate(data.series):
        css = f"fmcat-chart__series fmcat-chart__series--{number}"
        dash = _DASH[number % len(_DASH)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        for run in _runs(series.values):
            if len(run) < 2:
                continue
            points = " ".join(f"{_num(frame.x(i))},{_num(frame.y(v))}" for i, v in run)
            out.append(f'<polyline class="{css} fmcat-chart__line" points="{points}" '
                       f'fill="none" stroke="currentColor" stroke-width="2"{dash_attr}/>')
        for index, value in enumerate(series.values):
            if value is None:
                continue
            out.append(f'<circle class="{css}" cx="{_num(frame.x(index))}" '
                       f'cy="{_num(frame.y(value))}" r="3" fill="currentColor" '
                       f"{_mark_data(data, index, series, value)}>"
                       f"{_mark_title(data, index, series, value)}</circle>")
    out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)


def _runs(values: Sequence[float | None]) -> list[list[tuple[int, float]]]:
    """Consecutive present values, so that lines break at missing ones."""
    runs: list[list[tuple[int, float]]] = [[]]
    for index, value in enumerate(values):
        if value is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append((index, value))
    return [run for run in runs if run]


def sparkline(data: ChartData, *, chart_id: str, width: int = 120, height: int = 24) -> str:
    """A word-sized line of the first series, for entry pages and tables.

    It has no axes (there is no room for them); its `<desc>` lists every
    value, and `data_table` gives the same numbers for a table.
    """
    _check_id(chart_id)
    series = data.series[0] if data.series else ChartSeries("", ())
    present = [v for v in series.values if v is not None]
    listed = ", ".join(f"{c} {format_value(v)}" for c, v in zip(data.categories, series.values,
                                                                 strict=True))
    desc = " ".join(p for p in (data.description.strip(),
                                f"{data.y_label} by {data.x_label}: {listed}." if listed
                                else "No data.") if p)
    out = _open("fmcat-sparkline", chart_id, width=width, height=height, title=data.title,
                desc=desc)
    if not present:
        out.append("</svg>")
        return "\n".join(out)
    high = max(*present, 0.0)
    low = min(*present, 0.0)
    span = (high - low) or 1.0
    count = len(series.values)
    step = (width - 6) / max(count - 1, 1)

    def point(index: int, value: float) -> tuple[str, str]:
        return _num(3 + index * step), _num(3 + (height - 6) * (high - value) / span)

    for run in _runs(series.values):
        if len(run) > 1:
            points = " ".join(",".join(point(i, v)) for i, v in run)
            out.append(f'<polyline class="fmcat-sparkline__line" points="{points}" fill="none" '
                       'stroke="currentColor" stroke-width="1.5"/>')
    last = max(i for i, v in enumerate(series.values) if v is not None)
    value = series.values[last]
    assert value is not None
    x, y = point(last, value)
    out.append(f'<circle cx="{x}" cy="{y}" r="2" fill="currentColor">'
               f"<title>{_esc(f'{data.categories[last]}: {format_value(value)}')}</title>"
               "</circle>")
    out.append("</svg>")
    return "\n".join(out)
