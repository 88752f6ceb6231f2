"""Trends and metrics page views, from the fixture's metrics report."""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag

from fmcat.site import charts, trends_pages
from fmcat.site.trends_pages import Table, TableCell, TableRow
from tests.conftest import TODAY_FIXTURE, read_page, serve_site
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
    assert f'<td class="fmcat-num">{charts.MISSING}</td>' in html
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


def _with_trend(report: trends_pages.MetricsReport) -> trends_pages.MetricsReport:
    """The fixture's report with a time to mitigate whose p90 dwarfs its median."""
    stats = type(report.time_to_mitigate.per_quarter[0])
    trend = dataclasses.replace(report.time_to_mitigate, quarters=("2024Q3", "2024Q4", "2025Q1"),
                                per_quarter=(stats(12, 9.92, 53.67), stats(0, None, None),
                                             stats(17, 2.08, 79.75)))
    return dataclasses.replace(report, time_to_mitigate=trend)


def test_median_and_p90_are_drawn_in_separate_panels_each_on_its_own_scale() -> None:
    report = _with_trend(fixture_derived().metrics)
    soup = BeautifulSoup(trends_pages.trends_page(report), "html.parser")
    figure = soup.find(id="time-to-mitigate-figure")
    assert figure is not None
    panels = figure.find_all("svg")
    assert [p["id"] for p in panels] == ["time-to-mitigate-median", "time-to-mitigate-p90"]
    tops = []
    for panel in panels:
        ticks = [float(t.text) for t in panel.select(".fmcat-chart__axis--y text")]
        tops.append(max(ticks))
    assert tops[0] <= 10 < 80 <= tops[1]  # the median is not squashed under the p90's scale
    # Values in hours are shown to one decimal, as the sentences on the site state them.
    labels = [t.text for t in figure.select(".fmcat-chart__label")]
    assert labels == ["Median 2.1", "90th percentile 79.8"]
    assert [c.text for c in figure.select("tbody tr")[0].find_all(["th", "td"])] == [
        "2024Q3", "9.9", "53.7"]


def test_every_figure_has_a_caption_with_title_units_and_period() -> None:
    report = _with_trend(fixture_derived().metrics)
    for html in (trends_pages.trends_page(report), trends_pages.metrics_page(report)):
        soup = BeautifulSoup(html, "html.parser")
        figures = soup.select(".fmcat-figure")
        assert figures
        for figure in figures:
            caption = figure.find("figcaption")
            assert caption is not None, figure.get("id")
            text = caption.get_text(" ", strip=True)
            # Units read naturally ("hours", "incidents per quarter"), in the title or
            # before the period; before: "(in incidents; 2024Q3–2026Q3)".
            assert re.fullmatch(r"[A-Z][^()]+ \(([a-z ]+; )?\d{4}Q\d(–\d{4}Q\d)?\)", text), text
            assert re.search(r"\bhours\b|\bper quarter\b", text, re.IGNORECASE), text
            assert "(in " not in text, text
            assert figure.find("table").caption.get_text().startswith("Data: ")


def test_numeric_cells_are_marked_for_right_alignment() -> None:
    table = Table(["Failure mode", "Incidents"])
    table.rows.append(TableRow((TableCell("FM-0001: T", "failure-modes/FM-0001/"),
                                TableCell("3", numeric=True))))
    html = trends_pages.render_table(table, "trends/")
    assert '<td class="fmcat-num">3</td>' in html
    assert "<td><a href" in html


def test_severity_by_release_has_a_chart_and_a_summary_before_the_full_table() -> None:
    report = fixture_derived().metrics
    soup = BeautifulSoup(trends_pages.metrics_page(report), "html.parser")
    figure = soup.find(id="releases-figure")
    assert figure is not None and figure.find("svg") is not None
    details = soup.find("details", class_="fmcat-releases")
    assert details is not None and details.find("table") is not None
    releases = len(report.severity_by_release)
    assert f"All {releases} releases" in details.summary.get_text()


GENERATED_TABLES = ("fmcat-table", "fmcat-figure__data", "fmcat-quality",
                    "fmcat-quality-distribution")


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize("url", ["trends/", "metrics/", "quality/"])
def test_generated_tables_are_padded_with_numbers_right_aligned(
        built_repo: Path, browser: object, url: str) -> None:
    """The cells of every generated table have padding and numbers line up on the right
    (before: Material pads only class-less tables, so "2024.05.22024-07-081" ran together)."""
    page = read_page(built_repo, url)
    tables = [t for t in page.select("article table") if set(t.get("class", []))
              & set(GENERATED_TABLES)]
    numeric = [td for table in tables for td in table.select("td.fmcat-num")]
    assert tables and numeric
    for table in tables:
        numeric = table.select("td.fmcat-num")
        assert all(re.fullmatch(r"[≤≥+\-–]?\s?[\d.,]*\s?(h|%)?|–", td.get_text())
                   for td in numeric), [td.get_text() for td in numeric][:5]
    server, site_url = serve_site(built_repo)
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    try:
        tab = context.new_page()
        tab.goto(site_url + url)
        styles = tab.evaluate("""(classes) => classes.flatMap(c =>
            [...document.querySelectorAll('article table.' + c)]
            .filter(t => t.querySelector('tbody td.fmcat-num')).map(t => {
              const td = t.querySelector('tbody td.fmcat-num');
              const first = t.querySelector('tbody tr > :first-child');
              const s = getComputedStyle(td), f = getComputedStyle(first);
              return {table: c, left: parseFloat(s.paddingLeft), right: parseFloat(s.paddingRight),
                      align: s.textAlign, firstAlign: f.textAlign,
                      firstPad: parseFloat(f.paddingLeft) + parseFloat(f.paddingRight)};
            }))""", list(GENERATED_TABLES))
    finally:
        context.close()
        server.shutdown()
        server.server_close()
    assert styles
    for style in styles:
        assert style["left"] >= 4 and style["right"] >= 4, style
        assert style["align"] == "right" and style["firstAlign"] == "left", style
        assert style["firstPad"] >= 8, style


def _cells(table: Tag) -> list[list[str]]:
    return [[c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])]
            for tr in table.select("tbody tr")]


@pytest.mark.slow
def test_a_figure_shown_on_two_pages_has_one_value(built_repo: Path) -> None:
    """Home, trends, metrics, quality and playbook pages agree wherever they show one figure."""
    home = read_page(built_repo, "")
    trends = read_page(built_repo, "trends/")
    metrics = read_page(built_repo, "metrics/")
    quality = read_page(built_repo, "quality/")
    # The home headline's first and last quarterly medians are the trends chart's.
    sentence = home.find(string=re.compile("Median time to mitigate, per quarter")).parent
    found = re.findall(r"(\d+\.\d) h in (\d{4}Q\d)", sentence.get_text(" ", strip=True))
    assert len(found) == 2
    medians = {row[0]: row[1] for row in _cells(
        trends.find(id="time-to-mitigate-figure").find("table"))}
    for value, quarter in found:
        assert medians[quarter] == value
    headline = {t.get_text() for t in home.select("#headline .fmcat-chart__label")}
    assert headline == {f"Median {medians[max(medians)]}"}
    # The metrics page's per-playbook medians are the playbook pages' own.
    usage = metrics.find("h2", id="playbooks").find_next("table")
    checked = 0
    for row, tr in zip(_cells(usage), usage.select("tbody tr"), strict=True):
        href = tr.find("a")["href"]
        card = read_page(built_repo, href.removeprefix("../")).select_one(".fmcat-usage")
        if row[2] != "–":
            assert f"median time to mitigate {row[2]} over the whole log" in card.get_text()
            checked += 1
    assert checked > 5
    # One median completeness, on the quality report and the metrics page.
    on_quality = re.search(r"Median completeness: (\d+%)", quality.get_text()).group(1)
    assert f"median completeness {on_quality}" in metrics.get_text()


def test_a_table_without_rows_says_so_instead_of_showing_bare_headings() -> None:
    table = Table(["Failure mode", "Recurrences"], caption="Most recurrent failure modes",
                  empty="No failure mode recurred in the log.")
    soup = BeautifulSoup(trends_pages.render_table(table, "trends/"), "html.parser")
    assert soup.find("table") is None
    assert soup.get_text(strip=True) == ("Most recurrent failure modes: No failure mode "
                                         "recurred in the log.")


def test_by_category_is_small_multiples_read_without_colour() -> None:
    """Eleven categories stacked in one bar, told apart by colour, hatch and a
    legend, cannot be read without colour: one small panel per category, named
    in visible text, all on one scale so that heights compare across panels."""
    report = fixture_derived().metrics
    one = report.occurrences_by_category
    series = type(one.series[0])
    by_category = dataclasses.replace(one, series=(
        series("data-quality", "Data quality", tuple(1.0 for _ in one.quarters)),
        series("training", "Training", tuple(12.0 for _ in one.quarters)),
        series("labels", "Labels", tuple(0.0 for _ in one.quarters))))
    report = dataclasses.replace(report, occurrences_by_category=by_category)
    soup = BeautifulSoup(trends_pages.trends_page(report), "html.parser")
    figure = soup.find(id="by-category-figure")
    assert figure is not None
    categories = ["Data quality", "Training", "Labels"]
    panels = figure.find_all("svg")
    assert [p.select_one(".fmcat-chart__panel-title").get_text() for p in panels] == categories
    assert all(p.title.get_text() == c for p, c in zip(panels, categories, strict=True))
    assert not figure.select(".fmcat-chart__legend, pattern")
    scales = {tuple(t.get_text() for t in p.select(".fmcat-chart__axis--y text"))
              for p in panels}
    assert len(scales) == 1
    assert "fmcat-figure--wide" in figure["class"]
    table = figure.find("table")
    assert [th.get_text() for th in table.select("thead th")] == ["Quarter", *categories]


def test_metrics_page_lists_the_catalogs_detection_gaps() -> None:
    # The metrics fixture has one active failure mode without detectors.
    from fmcat.analysis.metrics import compute_metrics  # noqa: PLC0415
    from fmcat.core.load import load_catalog  # noqa: PLC0415
    from tests.conftest import REPO  # noqa: PLC0415

    catalog = load_catalog(REPO / "tests" / "fixtures" / "metrics")
    report = compute_metrics(catalog, date.fromisoformat(TODAY_FIXTURE))
    assert [g.failure_mode for g in report.detection_gaps.gaps] == ["FM-0004"]
    html = trends_pages.metrics_page(report)
    section = html.split("{#detection-gaps}", 1)[1]
    assert "1 of 3 current failure modes has no detector a project could wire" in section
    soup = BeautifulSoup(section, "html.parser")
    cells = [[td.get_text() for td in tr.find_all("td")] for tr in soup.find_all("tr")[1:]]
    assert cells == [["FM-0004: Scoring job starved of compute", "high", "no detector"]]
    link = soup.find("a")
    assert isinstance(link, Tag) and link["href"] == "../failure-modes/FM-0004/"


def test_metrics_page_says_when_the_catalog_has_no_detection_gap() -> None:
    report = fixture_derived().metrics
    assert not report.detection_gaps.gaps
    section = trends_pages.metrics_page(report).split("{#detection-gaps}", 1)[1]
    considered = report.detection_gaps.considered
    assert f"Every one of the {considered} current failure modes has a detector" in section
    assert "<table" not in section.split("\n## ", 1)[0]
