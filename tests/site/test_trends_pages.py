"""Trends and metrics page views, from the fixture's metrics report."""

from __future__ import annotations

import dataclasses
import re

from fmcat.site import charts, trends_pages
from fmcat.site.trends_pages import Table, TableCell, TableRow
from tests.site.catalogs import fixture_derived


def test_row_state_becomes_its_css_class() -> None:
    assert TableRow((TableCell("x"),), "missed").css_class == "fmcat-row--missed"
    assert TableRow((TableCell("x"),)).css_class == ""


def test_table_links_cells_relative_to_the_page() -> None:
    table = Table(["Failure mode", "Incidents"], caption="c")
    table.rows.append(TableRow((TableCell("FM-0001: T", "failure-modes/FM-0001/"),
                                TableCell("3")), "better"))
    html = trends_pages.render_table(table, "trends/")
    assert '<tr class="fmcat-row--better"><td><a href="../failure-modes/FM-0001/">' in html
    assert "<caption>c</caption>" in html


def test_figure_puts_the_data_table_beside_the_chart() -> None:
    data = charts.chart_data("T", "D", ["2026Q1", "2026Q2"],
                             [charts.ChartSeries("n", (1.0, None))],
                             x_label="Quarter", y_label="Incidents")
    html = trends_pages.figure("occurrences", data)
    assert '<div class="fmcat-figure" id="occurrences-figure">' in html
    assert f"<td>{charts.MISSING}</td>" in html
    assert "\n\n" not in html  # a raw HTML block must not contain a blank line


def test_pages_have_their_fixed_section_anchors() -> None:
    report = fixture_derived().metrics
    trends = trends_pages.trends_page(report)
    assert re.findall(r"\{#([a-z-]+)\}", trends) == [
        "occurrences", "by-category", "frequent", "time-to-detect", "time-to-mitigate",
        "severity", "data-change", "adoption-effects"]
    metrics = trends_pages.metrics_page(report)
    assert "No targets: add a metrics.yml." in metrics  # the fixture has none
    assert "{#recurrences}" in metrics


def test_sparkline_only_for_failure_modes_seen_in_the_log() -> None:
    derived = fixture_derived()
    spark = trends_pages.render_sparkline(derived.metrics, derived.sparklines, "FM-0001")
    assert spark.startswith('<svg xmlns="http://www.w3.org/2000/svg" class="fmcat-sparkline" '
                            'id="spark-fm-0001"')
    assert trends_pages.render_sparkline(derived.metrics, derived.sparklines, "FM-0003") == ""


def test_headline_needs_two_quarters_with_a_median() -> None:
    report = fixture_derived().metrics
    assert trends_pages.headline(report) == "<p>Not enough incidents yet to show a trend.</p>"
    stats = type(report.time_to_mitigate.per_quarter[0])
    trend = dataclasses.replace(report.time_to_mitigate, quarters=("2026Q1", "2026Q2", "2026Q3"),
                                per_quarter=(stats(4, 6.0, 9.0), stats(0, None, None),
                                             stats(2, 1.5, 2.0)))
    headline = trends_pages.headline(dataclasses.replace(report, time_to_mitigate=trend))
    assert headline.startswith("<p>Median time to mitigate, per quarter of detection, fell "
                               "from <strong>6.0 h</strong> in 2026Q1 (n = 4 incidents) to "
                               "<strong>1.5 h</strong> in 2026Q3 (n = 2)")
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="fmcat-chart fmcat-chart--line" ' \
        'id="headline"' in headline
