"""The charts: bars, lines and word-sized sparklines, as SVG text."""

from __future__ import annotations

from fmcat.site.charts import svg
from fmcat.site.charts.data import ChartData, ChartSeries


def bar_chart(data: ChartData, *, chart_id: str, stacked: bool = False, width: int = 640,
              height: int = 320, scale: tuple[float, float] | None = None,
              heading: bool = False) -> str:
    """Bars per category: side by side per series (grouped) or on top of each other.

    Stacked bars suit parts of a whole (incidents by severity); grouped bars
    suit values that do not add up (incidents by category, where one incident
    may count in two). Missing values draw no bar. Small multiples pass one
    `scale` (low, high) to every panel, so that equal heights mean equal
    values, and `heading` to name each panel in visible text.
    """
    svg.check_id(chart_id)
    values = svg.plotted(data)
    kind = "Stacked bar chart" if stacked else "Bar chart"
    out = svg.open_svg("fmcat-chart fmcat-chart--bar", chart_id, width=width, height=height,
                title=data.title, desc=svg.summary(data, kind, values))
    if not data.categories or not values:
        return svg.empty(out, width, height)
    out.extend(svg.patterns(data, chart_id))
    legend, top = svg.legend(data, width, line=False, chart_id=chart_id)
    out.extend(legend)
    if heading:
        out.append(svg.heading(data, top))
        top += svg.FONT + 8
    if scale is not None:
        low, high = scale
    elif stacked:
        totals = [sum(max(s.values[i] or 0, 0) for s in data.series)
                  for i in range(len(data.categories))]
        lows = [sum(min(s.values[i] or 0, 0) for s in data.series)
                for i in range(len(data.categories))]
        low, high = min(0.0, *lows), max(0.0, *totals)
    else:
        low, high = min(0.0, *values), max(0.0, *values)
    frame, axes = svg.frame(data, width=width, height=height, top=top, low=low, high=high)
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
            box = (svg.number(x), svg.number(min(y0, y1)), svg.number(max(bar - 1, 1)),
                   svg.number(abs(y0 - y1)))
            out.append(
                f'<rect class="{css}" x="{box[0]}" y="{box[1]}" width="{box[2]}" '
                f'height="{box[3]}" '
                f'fill="currentColor" fill-opacity="{svg.OPACITY[number % len(svg.OPACITY)]}" '
                f"{svg.mark_data(data, index, series, value)}>"
                f"{svg.mark_title(data, index, series, value)}</rect>")
            if number:
                out.append(svg.hatch(chart_id, number, box))
    out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)


def line_chart(data: ChartData, *, chart_id: str, width: int = 640, height: int = 320,
               label_room: float | None = None) -> str:
    """One line per series; a missing value breaks the line rather than inventing a point.

    Each line is named with its last value where it ends (a direct label), so
    the chart reads without telling colours or dash patterns apart. Charts
    drawn one above the other pass the same `label_room` so that their
    categories line up.
    """
    svg.check_id(chart_id)
    values = svg.plotted(data)
    out = svg.open_svg("fmcat-chart fmcat-chart--line", chart_id, width=width, height=height,
                title=data.title, desc=svg.summary(data, "Line chart", values))
    if not data.categories or not values:
        return svg.empty(out, width, height)
    legend, top = svg.legend(data, width, line=True)
    out.extend(legend)
    frame, axes = svg.frame(data, width=width, height=height, top=top, low=min(0.0, *values),
                            high=max(0.0, *values),
                            right=label_room or svg.label_room(data))
    out.extend(axes)
    out.append('<g class="fmcat-chart__marks">')
    for number, series in enumerate(data.series):
        css = f"fmcat-chart__series fmcat-chart__series--{number}"
        dash = svg.DASH[number % len(svg.DASH)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        for run in svg.runs(series.values):
            if len(run) < 2:
                continue
            points = " ".join(f"{svg.number(frame.x(i))},{svg.number(frame.y(v))}" for i, v in run)
            out.append(f'<polyline class="{css} fmcat-chart__line" points="{points}" '
                       f'fill="none" stroke="currentColor" stroke-width="2"{dash_attr}/>')
        for index, value in enumerate(series.values):
            if value is None:
                continue
            out.append(f'<circle class="{css}" cx="{svg.number(frame.x(index))}" '
                       f'cy="{svg.number(frame.y(value))}" r="3" fill="currentColor" '
                       f"{svg.mark_data(data, index, series, value)}>"
                       f"{svg.mark_title(data, index, series, value)}</circle>")
    out.append("</g>")
    out.extend(svg.direct_labels(data, frame))
    out.append("</svg>")
    return "\n".join(out)


def sparkline(data: ChartData, *, chart_id: str, width: int = 120, height: int = 24) -> str:
    """A word-sized line of the first series, for entry pages and tables.

    It has no axes (there is no room for them); its `<desc>` lists every
    value, and `data_table` gives the same numbers for a table.
    """
    svg.check_id(chart_id)
    series = data.series[0] if data.series else ChartSeries("", ())
    present = [v for v in series.values if v is not None]
    listed = ", ".join(f"{c} {data.text(v)}" for c, v in zip(data.categories, series.values,
                                                                 strict=True))
    desc = " ".join(p for p in (data.description.strip(),
                                f"{data.y_label} by {data.x_label}: {listed}." if listed
                                else "No data.") if p)
    out = svg.open_svg("fmcat-sparkline", chart_id, width=width, height=height, title=data.title,
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
        return svg.number(3 + index * step), svg.number(3 + (height - 6) * (high - value) / span)

    for run in svg.runs(series.values):
        if len(run) > 1:
            points = " ".join(",".join(point(i, v)) for i, v in run)
            out.append(f'<polyline class="fmcat-sparkline__line" points="{points}" fill="none" '
                       'stroke="currentColor" stroke-width="1.5"/>')
    last = max(i for i, v in enumerate(series.values) if v is not None)
    value = series.values[last]
    assert value is not None
    x, y = point(last, value)
    out.append(f'<circle cx="{x}" cy="{y}" r="2" fill="currentColor">'
               f"<title>{svg.escape(f'{data.categories[last]}: {data.text(value)}')}</title>"
               "</circle>")
    out.append("</svg>")
    return "\n".join(out)
