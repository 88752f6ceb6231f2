"""SVG building blocks shared by the charts: escaping, the frame, axes and legend.

All text is escaped. Coordinates are rounded to two decimals so that output
does not depend on floating-point noise.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.resources import files

from fmcat.site.charts.data import ChartData, ChartSeries, format_value

ID = re.compile(r"^[a-z][a-z0-9-]*$")
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
FONT = 12
CHAR = 7.0  # average glyph width at 12px, for layout estimates
OPACITY = (1.0, 0.6, 0.35, 0.8, 0.5, 0.25, 0.9, 0.45)
DASH = ("", "6 3", "2 3", "8 3 2 3", "4 2", "1 2", "10 4", "3 3 1 3")
MAX_LABEL = 24
PATTERNS = ("M-1,1 l2,-2 M0,8 l8,-8 M7,9 l2,-2", "M0,4 h8", "M4,0 v8",
            "M0,0 l8,8 M0,8 l8,-8", "M-1,7 l2,2 M0,0 l8,8 M7,-1 l2,2", "M2,2 h1 M6,6 h1")
"""Hatches (8 px tiles) that tell bar series apart without colour; series 0 stays solid."""


def chart_css() -> str:
    """Styles for the site's stylesheet, shipped as package data (`fmcat-charts.css`).

    Text and axes follow Material's foreground variables, so they switch with
    the light and slate schemes; the first series takes the primary colour and
    the others fixed mid-tones that keep contrast on both backgrounds. Without
    this stylesheet charts still render in the text colour, series told apart
    by opacity and dash pattern.
    """
    return files("fmcat.site").joinpath("templates/fmcat-charts.css").read_text(encoding="utf-8")


def escape(text: str) -> str:
    return html.escape(NOT_XML.sub("", text), quote=True)


def number(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def check_id(chart_id: str) -> None:
    if not ID.match(chart_id):
        raise ValueError(f"chart_id must match {ID.pattern}: {chart_id!r}")


def open_svg(kind: str, chart_id: str, *, width: float, height: float, title: str,
          desc: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{kind}" id="{chart_id}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" viewBox="0 0 {number(width)} '
        f'{number(height)}" width="{number(width)}" height="{number(height)}" '
        f'font-size="{FONT}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
    ]


def plotted(data: ChartData) -> list[float]:
    return [v for s in data.series for v in s.values if v is not None]


def summary(data: ChartData, kind: str, values: Sequence[float]) -> str:
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
                 f"series: {names}; values from {data.text(min(values))} "
                 f"to {data.text(max(values))}.")
    return " ".join(parts)


def axis_ticks(low: float, high: float, *, integers: bool) -> list[float]:
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
class Frame:
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


def legend(data: ChartData, width: float, *, line: bool,
           chart_id: str = "") -> tuple[list[str], float]:
    """Legend items laid out in rows across the top; returns the SVG and its height."""
    if len(data.series) < 2:
        return [], 0.0
    out = ['<g class="fmcat-chart__legend">']
    x, y = 8.0, 8.0
    for index, item in enumerate(data.series):
        label = short(item.label)
        needed = 18 + len(label) * CHAR + 16
        if x + needed > width and x > 8:
            x, y = 8.0, y + 18
        out.append(swatch(index, x, y, line=line, chart_id=chart_id))
        out.append(f'<text x="{number(x + 18)}" y="{number(y + 9)}">{escape(label)}</text>')
        x += needed
    out.append("</g>")
    return out, y + 18


def heading(data: ChartData, top: float) -> str:
    """The chart's title as visible text at its top left: a small multiple's name."""
    return (f'<text class="fmcat-chart__panel-title" x="8" y="{number(top + FONT + 2)}">'
            f"{escape(data.title)}</text>")


def pattern_id(chart_id: str, index: int) -> str:
    return f"{chart_id}-pattern-{index}"


def patterns(data: ChartData, chart_id: str) -> list[str]:
    """`<defs>` with one hatch per bar series after the first.

    The hatch is drawn over the bar in `currentColor`; the stylesheet turns it
    into the page background, so it reads as gaps in the bar in both palettes.
    """
    if len(data.series) < 2:
        return []
    out = ["<defs>"]
    for index in range(1, len(data.series)):
        path = PATTERNS[(index - 1) % len(PATTERNS)]
        out.append(f'<pattern id="{pattern_id(chart_id, index)}" width="8" height="8" '
                   f'patternUnits="userSpaceOnUse"><path class="fmcat-chart__hatch" d="{path}" '
                   'stroke="currentColor" stroke-width="1.5" stroke-linecap="square"/></pattern>')
    out.append("</defs>")
    return out


def hatch(chart_id: str, index: int, box: tuple[str, str, str, str]) -> str:
    """The pattern laid over a bar or legend swatch (x, y, width, height) of series `index`.

    Empty for series 0, which stays solid.
    """
    if not index:
        return ""
    x, y, width, height = box
    return (f'<rect class="fmcat-chart__pattern" x="{x}" y="{y}" width="{width}" '
            f'height="{height}" fill="url(#{pattern_id(chart_id, index)})" aria-hidden="true"/>')


def direct_labels(data: ChartData, frame: Frame) -> list[str]:
    """Each line's name and last value, right of the plot, moved apart to stay legible."""
    placed = sorted((frame.y(v), n, label_text(data, n, v)) for n, _, v in last_values(data))
    out = ['<g class="fmcat-chart__labels">']
    floor = -math.inf
    x = frame.left + frame.width + 6
    for at, number_, text in placed:
        floor = max(at, floor + FONT + 2)
        out.append(f'<text class="fmcat-chart__label fmcat-chart__label--{number_}" '
                   f'x="{number(x)}" y="{number(floor + 4)}">{escape(text)}</text>')
    out.append("</g>")
    return out


def last_values(data: ChartData) -> list[tuple[int, int, float]]:
    """(series number, category index, value) of each series' last present value."""
    out = []
    for number_, series in enumerate(data.series):
        present = [(i, v) for i, v in enumerate(series.values) if v is not None]
        if present:
            out.append((number_, *present[-1]))
    return out


def label_text(data: ChartData, number_: int, value: float) -> str:
    return f"{short(data.series[number_].label)} {data.text(value)}"


def label_room(data: ChartData) -> float:
    """Width right of the plot that the direct labels need."""
    longest = max((len(label_text(data, n, v)) for n, _, v in last_values(data)), default=0)
    return longest * CHAR + 12


def swatch(index: int, x: float, y: float, *, line: bool, chart_id: str = "") -> str:
    css = f"fmcat-chart__series fmcat-chart__series--{index}"
    if line:
        dash = DASH[index % len(DASH)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        return (f'<line class="{css} fmcat-chart__line" x1="{number(x)}" y1="{number(y + 5)}" '
                f'x2="{number(x + 14)}" y2="{number(y + 5)}" stroke="currentColor" '
                f'stroke-width="2"{dash_attr}/>')
    box = (f'<rect class="{css}" x="{number(x)}" y="{number(y)}" width="10" height="10" '
           f'fill="currentColor" fill-opacity="{OPACITY[index % len(OPACITY)]}"/>')
    return box + (hatch(chart_id, index, (number(x), number(y), "10", "10")) if chart_id else "")


def frame(data: ChartData, *, width: float, height: float, top: float, low: float,
          high: float, right: float = 16) -> tuple[Frame, list[str]]:
    """Axes, grid, tick labels and axis titles around the plot area."""
    integers = all(float(v).is_integer() for v in plotted(data))
    ticks = axis_ticks(low, high, integers=integers)
    tick_width = max(len(format_value(t)) for t in ticks) * CHAR
    left = 24 + tick_width + 8
    count = max(len(data.categories), 1)
    longest = max((len(short(c)) for c in data.categories), default=0) * CHAR
    plot_width = width - left - right
    slot = plot_width / count
    rotate = longest > slot - 4
    label_height = longest * 0.7 + 8 if rotate else 18.0
    bottom = label_height + 26
    frame = Frame(left, top + 8, plot_width, height - top - 8 - bottom, tuple(ticks), slot)
    out = ['<g class="fmcat-chart__grid">']
    for tick in ticks:
        y = number(frame.y(tick))
        out.append(f'<line x1="{number(left)}" y1="{y}" x2="{number(left + plot_width)}" y2="{y}" '
                   f'stroke="currentColor" stroke-opacity="0.15"/>')
    out.append("</g>")
    out.append('<g class="fmcat-chart__axis fmcat-chart__axis--y" text-anchor="end">')
    for tick in ticks:
        out.append(f'<text x="{number(left - 6)}" y="{number(frame.y(tick) + 4)}">'
                   f"{format_value(tick)}</text>")
    out.append("</g>")
    base = number(frame.y(max(ticks[0], min(0.0, ticks[-1]))))
    out.append(f'<g class="fmcat-chart__axis fmcat-chart__axis--x">'
               f'<line x1="{number(left)}" y1="{base}" x2="{number(left + plot_width)}" '
               f'y2="{base}" stroke="currentColor" stroke-opacity="0.6"/>')
    label_y = frame.top + frame.height + 16
    # Rotated labels need about a line height each; with more categories than
    # fit, every n-th is labelled (the data table lists them all).
    every = max(1, math.ceil((FONT + 2) / slot)) if rotate else 1
    for index, category in enumerate(data.categories):
        if index % every:
            continue
        x = number(frame.x(index))
        if rotate:
            out.append(f'<text x="{x}" y="{number(label_y)}" text-anchor="end" '
                       f'transform="rotate(-45 {x} {number(label_y)})">{escape(short(category))}'
                       "</text>")
        else:
            out.append(f'<text x="{x}" y="{number(label_y)}" text-anchor="middle">'
                       f"{escape(short(category))}</text>")
    out.append("</g>")
    middle_x = number(left + plot_width / 2)
    out.append(f'<text class="fmcat-chart__axis-title" x="{middle_x}" y="{number(height - 6)}" '
               f'text-anchor="middle">{escape(data.x_label)}</text>')
    middle_y = number(frame.top + frame.height / 2)
    out.append(f'<text class="fmcat-chart__axis-title" x="14" y="{middle_y}" '
               f'text-anchor="middle" transform="rotate(-90 14 {middle_y})">'
               f"{escape(data.y_label)}</text>")
    return frame, out


def mark_title(data: ChartData, index: int, series: ChartSeries, value: float) -> str:
    name = f", {series.label}" if len(data.series) > 1 else ""
    return f"<title>{escape(f'{data.categories[index]}{name}: {data.text(value)}')}</title>"


def mark_data(data: ChartData, index: int, series: ChartSeries, value: float) -> str:
    return (f'data-category="{escape(data.categories[index])}" '
            f'data-series="{escape(series.label)}" data-value="{data.text(value)}"')


def empty(out: list[str], width: float, height: float) -> str:
    out.append(f'<text x="{number(width / 2)}" y="{number(height / 2)}" text-anchor="middle">'
               "No data</text>")
    out.append("</svg>")
    return "\n".join(out)


def runs(values: Sequence[float | None]) -> list[list[tuple[int, float]]]:
    """Consecutive present values, so that lines break at missing ones."""
    runs: list[list[tuple[int, float]]] = [[]]
    for index, value in enumerate(values):
        if value is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append((index, value))
    return [run for run in runs if run]
