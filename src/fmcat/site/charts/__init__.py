"""Small SVG charts rendered at build time: bars, lines and sparklines.

Why our own renderer and not a chart library:

* The trends page must be readable without JavaScript, which
  rules out the browser chart libraries.
* The output must be byte-identical between builds (CI rebuilds committed
  outputs and fails on any diff). Matplotlib's SVG backend embeds random
  clip-path IDs, a creation date and its version unless configured around,
  and it would add a large compiled dependency to a docs build for three
  kinds of chart.
* The charts must follow Material's light and dark palettes. Text and axes
  here use `currentColor` and every mark carries a CSS class, so the site's
  stylesheet (`chart_css()`, shipped as `fmcat-charts.css`) colours them
  from Material's variables; a library that writes fixed colours would need
  post-processing.
* Accessibility is part of the output: `role="img"`, `<title>` and `<desc>`
  referenced by `aria-labelledby`, a tooltip `<title>` on each mark, series
  told apart by dash pattern and not only colour, and `data_table` giving
  the numbers behind every chart for a table beside it.

`data` holds what a chart shows, `svg` the shared building blocks, `draw`
the charts themselves.
"""

from fmcat.site.charts.data import (
    MISSING,
    ChartData,
    ChartSeries,
    DataTable,
    SeriesLike,
    chart_data,
    data_table,
    format_value,
)
from fmcat.site.charts.draw import bar_chart, line_chart, sparkline
from fmcat.site.charts.svg import chart_css, label_room

__all__ = [
    "MISSING",
    "ChartData",
    "ChartSeries",
    "DataTable",
    "SeriesLike",
    "bar_chart",
    "chart_css",
    "chart_data",
    "data_table",
    "format_value",
    "label_room",
    "line_chart",
    "sparkline",
]
