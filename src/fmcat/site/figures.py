"""Figures: one or more SVG charts under one caption, with the table of their numbers.

The chart renderers (`charts`) draw one SVG each; a figure decides how many
panels show one `ChartData` (one chart, one panel per series on its own
scale, or small multiples on a shared scale) and puts its data table beside
or below them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from markupsafe import Markup

from fmcat.site import charts
from fmcat.site.render import render_block

__all__ = ["figure", "multiples_figure", "panels_figure"]


def figure(anchor: str, data: charts.ChartData, *, kind: str = "bar",
           stacked: bool = False) -> str:
    """One chart, its visible caption (title, units, period) and its data table."""
    if kind == "line":
        svg = charts.line_chart(data, chart_id=f"{anchor}-chart")
    else:
        svg = charts.bar_chart(data, chart_id=f"{anchor}-chart", stacked=stacked)
    return _figure(anchor, data, [svg])


def panels_figure(anchor: str, data: charts.ChartData, keys: Sequence[str]) -> str:
    """One line chart per series, one above the other, each on its own scale from zero.

    For a median and a 90th percentile: on one axis the p90 (tens of hours)
    flattens the median (a few hours) into a line along the bottom. Separate
    panels rather than a log axis, because readers compare hours, and a log
    axis makes equal distances mean equal ratios, which few read correctly
    at a glance. Both panels start at zero so that neither exaggerates a change.
    """
    alone = [replace(data, title=f"{data.title}: {series.label}", series=(series,),
                     y_label=f"{series.label}, {data.y_label.lower()}") for series in data.series]
    room = max(charts.label_room(one) for one in alone)
    panels = [charts.line_chart(one, chart_id=f"{anchor}-{key}", width=640, height=240,
                                label_room=room) for key, one in zip(keys, alone, strict=True)]
    return _figure(anchor, data, panels)


def multiples_figure(anchor: str, data: charts.ChartData) -> str:
    """One small bar chart per series, named in visible text, all on one scale.

    For many series (eleven cause categories): stacked in one bar they are
    told apart only by colour, hatch and a legend, and a thin segment by none
    of them. Small multiples rather than direct labels or more patterns: each
    panel reads by its name alone, without colour, and one scale for all keeps
    heights comparable. The data table goes below, full width.
    """
    values = [v for s in data.series for v in s.values if v is not None]
    scale = (min(0.0, *values), max(0.0, *values)) if values else None
    panels = [charts.bar_chart(replace(data, title=series.label, series=(series,),
                                       description=f"{data.title}: {series.label}."),
                               chart_id=f"{anchor}-{number}", width=320, height=200,
                               scale=scale, heading=True)
              for number, series in enumerate(data.series)]
    return _figure(anchor, data, panels, multiples=True)


def _figure(anchor: str, data: charts.ChartData, panels: Sequence[str], *,
            multiples: bool = False) -> str:
    return render_block("fragments/chart.html",
                        panels=[Markup(p) for p in panels],  # noqa: S704 - our escaped SVG
                        caption=data.caption, table=charts.data_table(data),
                        anchor=f"{anchor}-figure",
                        figure_class="fmcat-figure fmcat-figure--wide" if multiples
                        else "fmcat-figure",
                        panels_class="fmcat-figure__panels fmcat-figure__panels--multiples"
                        if multiples else "fmcat-figure__panels")
