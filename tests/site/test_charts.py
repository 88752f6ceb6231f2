"""The SVG charts: valid XML, accessible text, escaping, determinism, and data
tables that hold exactly the numbers the marks are drawn from."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import replace

import pytest

from fmcat.analysis import metrics
from fmcat.core.load import load_catalog
from fmcat.site import charts
from fmcat.site.charts import MISSING, ChartData, ChartSeries, svg
from tests.analysis.test_metrics import FIXTURE, TODAY

SVG = "{http://www.w3.org/2000/svg}"

DATA = ChartData(
    title="Incidents by category",
    description="Illustrative data.",
    categories=("2025Q1", "2025Q2", "2025Q3"),
    series=(ChartSeries("Data quality", (2, 0, 3)),
            ChartSeries("Infrastructure", (1, None, 2.5))),
    x_label="Quarter",
    y_label="Incidents",
)

Renderer = Callable[[ChartData], str]
RENDERERS: dict[str, Renderer] = {
    "grouped": lambda d: charts.bar_chart(d, chart_id="c"),
    "stacked": lambda d: charts.bar_chart(d, chart_id="c", stacked=True),
    "line": lambda d: charts.line_chart(d, chart_id="c"),
}


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def marks(root: ET.Element) -> list[ET.Element]:
    return [e for e in root.iter() if "data-value" in e.attrib]


@pytest.mark.parametrize("kind", [*RENDERERS, "sparkline"])
def test_chart_is_valid_xml_with_accessible_text(kind: str) -> None:
    svg = (charts.sparkline(DATA, chart_id="c") if kind == "sparkline"
           else RENDERERS[kind](DATA))
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c-title c-desc"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and title.get("id") == "c-title"
    assert title.text == "Incidents by category"
    assert desc is not None and desc.get("id") == "c-desc"
    assert desc.text is not None and desc.text.startswith("Illustrative data.")


@pytest.mark.parametrize("kind", RENDERERS)
def test_axis_labels_and_legend(kind: str) -> None:
    root = parse(RENDERERS[kind](DATA))
    titles = [t.text for t in root.iter(f"{SVG}text")
              if t.get("class") == "fmcat-chart__axis-title"]
    assert titles == ["Quarter", "Incidents"]
    texts = {t.text for t in root.iter(f"{SVG}text")}
    assert {"2025Q1", "2025Q2", "2025Q3", "Data quality", "Infrastructure"} <= texts


@pytest.mark.parametrize("kind", RENDERERS)
def test_data_table_matches_the_marks(kind: str) -> None:
    table = charts.data_table(DATA)
    assert table.columns == ("Quarter", "Data quality", "Infrastructure")
    assert table.rows == (("2025Q1", "2", "1"), ("2025Q2", "0", MISSING),
                          ("2025Q3", "3", "2.5"))
    drawn = {(m.get("data-category"), m.get("data-series")): m.get("data-value")
             for m in marks(parse(RENDERERS[kind](DATA)))}
    expected = {(row[0], column): cell for row in table.rows
                for column, cell in zip(table.columns[1:], row[1:], strict=True)
                if cell != MISSING}
    assert drawn == expected
    assert len(marks(parse(RENDERERS[kind](DATA)))) == len(expected)


@pytest.mark.parametrize("kind", RENDERERS)
def test_mark_tooltips_state_the_value(kind: str) -> None:
    root = parse(RENDERERS[kind](DATA))
    tips = {m.findtext(f"{SVG}title") for m in marks(root)}
    assert "2025Q3, Infrastructure: 2.5" in tips


def test_bar_heights_are_proportional_to_values() -> None:
    for kind in ("grouped", "stacked"):
        bars = [m for m in marks(parse(RENDERERS[kind](DATA))) if float(m.get("data-value", 0))]
        ratios = {round(float(b.get("height", 0)) / float(b.get("data-value", 1)), 1)
                  for b in bars}
        assert len(ratios) == 1, kind


def test_stacked_bars_sit_on_each_other() -> None:
    bars = [m for m in marks(parse(RENDERERS["stacked"](DATA)))
            if m.get("data-category") == "2025Q3"]
    lower, upper = sorted(bars, key=lambda b: -float(b.get("y", 0)))
    assert float(upper.get("y", 0)) + float(upper.get("height", 0)) == pytest.approx(
        float(lower.get("y", 0)), abs=0.02)


def test_line_breaks_at_missing_values() -> None:
    data = ChartData("T", "", ("a", "b", "c", "d", "e"),
                     (ChartSeries("s", (1, 2, None, 3, 4)),), "x", "y")
    root = parse(charts.line_chart(data, chart_id="gap"))
    lines = list(root.iter(f"{SVG}polyline"))
    assert [len(p.get("points", "").split()) for p in lines] == [2, 2]
    assert len(marks(root)) == 4


def test_series_differ_by_dash_pattern_not_only_colour() -> None:
    data = ChartData("T", "", ("a", "b"), (ChartSeries("s", (1, 2)), ChartSeries("t", (2, 1))),
                     "x", "y")
    root = parse(charts.line_chart(data, chart_id="dash"))
    dashes = {p.get("stroke-dasharray") for p in root.iter(f"{SVG}polyline")}
    assert len(dashes) == 2


def test_no_hard_coded_text_colour() -> None:
    for render in RENDERERS.values():
        svg = render(DATA)
        assert "#000" not in svg and "black" not in svg
        for element in parse(svg).iter():
            for attribute in ("fill", "stroke"):
                value = element.get(attribute)
                assert value in (None, "currentColor", "none") or re.fullmatch(
                    r"url\(#c-pattern-\d+\)", value or ""), value
        for text in parse(svg).iter(f"{SVG}text"):
            assert text.get("fill") is None   # inherits currentColor via CSS


def test_text_is_escaped() -> None:
    hostile = ChartData('<script>alert("x")</script> & co', 'Desc with <b>tags</b> & "quotes"',
                        ("<q1>", "a&b"), (ChartSeries('s"1', (1, 2)),), "x<", "y>")
    for render in RENDERERS.values():
        svg = render(hostile)
        assert "<script>" not in svg and "<b>" not in svg and "<q1>" not in svg
        root = parse(svg)
        assert root.findtext(f"{SVG}title") == '<script>alert("x")</script> & co'
        assert {m.get("data-category") for m in marks(root)} == {"<q1>", "a&b"}


def test_control_characters_are_dropped_to_keep_xml_valid() -> None:
    data = ChartData("bell\x07", "", ("a\x00",), (ChartSeries("s", (1,)),), "x", "y")
    assert parse(charts.bar_chart(data, chart_id="c")).findtext(f"{SVG}title") == "bell"


@pytest.mark.parametrize("kind", [*RENDERERS, "sparkline"])
def test_output_is_deterministic(kind: str) -> None:
    def render() -> str:
        copy = ChartData(DATA.title, DATA.description, tuple(DATA.categories),
                         tuple(ChartSeries(s.label, tuple(s.values)) for s in DATA.series),
                         DATA.x_label, DATA.y_label)
        return (charts.sparkline(copy, chart_id="c") if kind == "sparkline"
                else RENDERERS[kind](copy))

    assert render().encode() == render().encode()


@pytest.mark.parametrize("kind", [*RENDERERS, "sparkline"])
def test_empty_chart_says_no_data(kind: str) -> None:
    empty = ChartData("Nothing yet", "", (), (), "Quarter", "Incidents")
    svg = (charts.sparkline(empty, chart_id="c") if kind == "sparkline"
           else RENDERERS[kind](empty))
    root = parse(svg)
    assert root.findtext(f"{SVG}title") == "Nothing yet"
    assert "no data" in (root.findtext(f"{SVG}desc") or "").lower()
    assert charts.data_table(empty).rows == ()


def test_sparkline_desc_lists_every_value() -> None:
    data = ChartData("FM-0001", "Incidents citing FM-0001.", ("2025Q1", "2025Q2", "2025Q3"),
                     (ChartSeries("Incidents", (2, 0, 2)),), "Quarter", "Incidents")
    root = parse(charts.sparkline(data, chart_id="spark-fm-0001"))
    assert root.findtext(f"{SVG}desc") == ("Incidents citing FM-0001. Incidents by Quarter: "
                                           "2025Q1 2, 2025Q2 0, 2025Q3 2.")
    [line] = root.iter(f"{SVG}polyline")
    assert len(line.get("points", "").split()) == 3


def test_many_categories_thin_out_their_labels_but_keep_every_mark() -> None:
    categories = tuple(f"release-2026.{i:02d}" for i in range(60))
    data = ChartData("Share by release", "", categories,
                     (ChartSeries("share", tuple(i / 60 for i in range(60))),), "Release",
                     "Share")
    root = parse(charts.bar_chart(data, chart_id="rel"))
    labels = [t for t in root.iter(f"{SVG}text") if t.get("transform", "").startswith("rotate")
              and t.get("class") is None]
    assert 0 < len(labels) < 60
    assert len(marks(root)) == 60


@pytest.mark.parametrize(("low", "high", "integers", "expected"), [
    (0, 3, True, [0, 1, 2, 3]),
    (0, 12, True, [0, 5, 10, 15]),
    (0, 1, False, [0, 0.2, 0.4, 0.6, 0.8, 1]),
    (0, 0, True, [0, 1]),
    (-2, 3, True, [-2, -1, 0, 1, 2, 3]),
])
def test_axis_ticks_are_round(low: float, high: float, integers: bool,
                              expected: list[float]) -> None:
    assert svg.axis_ticks(low, high, integers=integers) == expected


def test_invalid_input_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="chart_id"):
        charts.bar_chart(DATA, chart_id="Not an id")
    with pytest.raises(ValueError, match="2 values for 3 categories"):
        ChartData("t", "", ("a", "b", "c"), (ChartSeries("s", (1, 2)),), "x", "y")


@pytest.mark.parametrize(("value", "text"), [(None, MISSING), (3, "3"), (3.0, "3"),
                                             (2.5, "2.5"), (1 / 3, "0.33"), (-0.004, "0")])
def test_format_value(value: float | None, text: str) -> None:
    assert charts.format_value(value) == text


def test_charts_from_metrics() -> None:
    """The page's path: metrics series → chart data → SVG and table with the same numbers."""
    catalog = load_catalog(FIXTURE, today=TODAY)
    mix = metrics.severity_mix(catalog)
    data = charts.chart_data("Incidents by severity", "Per quarter.", mix.quarters, mix.series,
                             x_label="Quarter", y_label="Incidents")
    root = parse(charts.bar_chart(data, chart_id="severity", stacked=True))
    totals: dict[str, float] = {}
    for mark in marks(root):
        category = mark.get("data-category", "")
        totals[category] = totals.get(category, 0) + float(mark.get("data-value", 0))
    occurrences = metrics.occurrences(catalog).series[0].values
    assert [totals[q] for q in mix.quarters] == list(occurrences)
    ttm = metrics.time_to_mitigate_trend(catalog).as_series()
    table = charts.data_table(charts.chart_data("Time to mitigate", "", ttm.quarters, ttm.series,
                                                x_label="Quarter", y_label="Hours"))
    assert table.rows[1] == ("2025Q2", MISSING, MISSING)
    assert table.rows[0] == ("2025Q1", "8", "10")


def test_css_colours_series_with_material_variables() -> None:
    css = charts.chart_css()
    assert "--md-primary-fg-color" in css
    assert re.search(r"\.fmcat-chart text \{ fill: currentColor", css)


def test_css_ships_as_package_data_with_a_class_for_every_palette_colour() -> None:
    css = charts.chart_css()
    assert css.endswith("}\n")
    # The stylesheet colours the first twelve series (indices 0-11).
    for index in range(12):
        assert f".fmcat-chart__series--{index} {{" in css


def test_caption_states_title_units_and_period() -> None:
    """Units read as a phrase ("hours", "incidents per quarter"), stated once: not
    "(in incidents; …)", and not again when the title already says them."""
    data = charts.chart_data("Severity mix", "", ["2025Q1", "2025Q2"],
                             [ChartSeries("n", (1, 2))], x_label="Quarter", y_label="Incidents",
                             unit="incidents per quarter", period="2025Q1–2025Q2")
    assert data.caption == "Severity mix (incidents per quarter; 2025Q1–2025Q2)"
    assert charts.data_table(data).caption == data.caption
    assert replace(data, title="Incidents per quarter").caption == (
        "Incidents per quarter (2025Q1–2025Q2)")
    assert replace(data, title="Time to detect", unit="hours").caption == (
        "Time to detect (hours; 2025Q1–2025Q2)")
    assert DATA.caption == "Incidents by category"


def test_line_chart_labels_each_series_at_its_last_value() -> None:
    """Direct labels: a line is named where it ends, so no colour is needed to read it."""
    root = parse(charts.line_chart(DATA, chart_id="direct"))
    labels = [t.text for t in root.iter(f"{SVG}text")
              if "fmcat-chart__label" in (t.get("class") or "").split()]
    assert labels == ["Data quality 3", "Infrastructure 2.5"]


def test_direct_labels_do_not_overlap() -> None:
    data = ChartData("T", "", ("a", "b"), (ChartSeries("s", (1, 10)),
                                           ChartSeries("t", (2, 10))), "x", "y")
    root = parse(charts.line_chart(data, chart_id="close"))
    ys = sorted(float(t.get("y", 0)) for t in root.iter(f"{SVG}text")
                if "fmcat-chart__label" in (t.get("class") or "").split())
    assert ys[1] - ys[0] >= svg.FONT


@pytest.mark.parametrize("stacked", [False, True])
def test_bar_series_after_the_first_carry_a_pattern(stacked: bool) -> None:
    """Bars are told apart by pattern, not only colour or opacity, in bars and legend."""
    root = parse(charts.bar_chart(DATA, chart_id="pat", stacked=stacked))
    patterns = [p.get("id") for p in root.iter(f"{SVG}pattern")]
    assert patterns == ["pat-pattern-1"]
    hatched = [r for r in root.iter(f"{SVG}rect") if r.get("fill") == "url(#pat-pattern-1)"]
    drawn = [m for m in marks(root) if m.get("data-series") == "Infrastructure"]
    assert len(hatched) == len(drawn) + 1  # every bar of the series, and its legend swatch


def test_fixed_decimals_read_alike_in_table_labels_and_tooltips() -> None:
    """Hours are stated to one decimal everywhere on the site ("10.0 h"), so a chart
    of hours must not print the same median as "10" (before: it did)."""
    data = ChartData("Time", "", ("2025Q1", "2025Q2"), (ChartSeries("Median", (9.9, 10.0)),),
                     "Quarter", "Hours", decimals=1)
    assert charts.data_table(data).rows == (("2025Q1", "9.9"), ("2025Q2", "10.0"))
    root = parse(charts.line_chart(data, chart_id="hours"))
    assert [t.text for t in root.iter(f"{SVG}text")
            if "fmcat-chart__label" in (t.get("class") or "").split()] == ["Median 10.0"]
    assert [m.get("data-value") for m in marks(root)] == ["9.9", "10.0"]
    assert {m.findtext(f"{SVG}title") for m in marks(root)} == {"2025Q1: 9.9", "2025Q2: 10.0"}
    assert "values from 9.9 to 10.0" in (root.findtext(f"{SVG}desc") or "")
