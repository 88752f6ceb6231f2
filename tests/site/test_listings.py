"""Listing views (catalog table, matrix, browse pages, index pages) without a build."""

from __future__ import annotations

from pathlib import Path

import pytest

from fmcat.analysis.discovery import dimension_by_field, dimensions_of, listed, reach_index
from fmcat.core.model import CASE_STUDY, PLAYBOOK, FailureMode
from fmcat.site import browse, listings, views
from tests.conftest import read_page
from tests.site.catalogs import fixture_catalog, fixture_derived, fixture_taxonomy


def test_severity_legend_comes_from_the_taxonomy_most_severe_first() -> None:
    taxonomy = fixture_taxonomy()
    legend = listings.severity_legend(taxonomy)
    assert [key.label for key in legend] == sorted(
        taxonomy.severities, key=lambda name: -taxonomy.severities[name].rank)
    assert legend[0].dot_class == f"fmcat-dot fmcat-dot--{legend[0].label}"
    trimmed = taxonomy.model_copy(update={"severities": {
        name: term for name, term in taxonomy.severities.items() if name != "critical"}})
    assert "critical" not in [key.label for key in listings.severity_legend(trimmed)]


def test_matrix_places_each_mode_once_per_stage_and_marks_empty_cells() -> None:
    catalog, taxonomy = fixture_catalog(), fixture_taxonomy()
    matrix = listings.matrix(listed(catalog), taxonomy)
    assert len(matrix.stages) == len(taxonomy.stages)
    assert len(matrix.rows) == len(taxonomy.categories)
    stage_index = list(taxonomy.stages).index("serving")
    [row] = [r for r in matrix.rows if r.category.url == "browse/category/distribution-shift/"]
    assert row.total == 2  # FM-0003 is withdrawn: not listed
    cell = row.cells[stage_index]
    assert [item.id for item in cell.items] == ["FM-0001"]
    assert cell.css_class == "fmcat-matrix__cell"
    assert cell.items[0].dot_class == "fmcat-dot fmcat-dot--high"
    assert matrix.rows[0].cells[0].css_class.endswith("fmcat-matrix__cell--empty")


def test_facets_take_vocabularies_from_the_dimensions() -> None:
    record = fixture_catalog().entries["FM-0001"].record
    assert isinstance(record, FailureMode)
    taxonomy = fixture_taxonomy()
    by_field = dimension_by_field(taxonomy)
    assert listings.facet_values(record, "stages", by_field) == ["serving", "monitoring"]
    assert listings.facet_values(record, "severity", by_field) == ["high"]
    for dimension in dimensions_of(taxonomy):
        values = [v for v, _ in listings.facet_options(dimension.field, taxonomy)]
        assert values == list(taxonomy.vocabulary(dimension.vocabulary))
    assert [v for v, _ in listings.facet_options("status", taxonomy)][:3] == [
        "draft", "active", "deprecated"]


def test_catalog_page_lists_listed_modes_with_facet_counts() -> None:
    catalog = fixture_catalog()
    text = listings.catalog_page(listed(catalog), fixture_taxonomy(),
                                 fixture_derived().observed)
    assert text.startswith('---\n{"title": "Catalog", "hide": ["navigation", "toc"]}\n---')
    assert 'data-id="FM-0001"' in text
    assert 'data-id="FM-0003"' not in text
    assert '<option value="active">active (2)</option>' in text
    assert '<span class="fmcat-severity fmcat-severity--high">high</span>' in text


def test_listing_row_and_browse_pages() -> None:
    catalog, taxonomy = fixture_catalog(), fixture_taxonomy()
    row = browse.listing_row(catalog.entries["FM-0002"], taxonomy)
    assert row.severity_class == "fmcat-severity fmcat-severity--medium"
    pages = listings.browse_pages(catalog, taxonomy, fixture_derived().tags)
    assert "browse/index.md" in pages
    serving = pages["browse/stage/serving/index.md"]
    assert '<a href="../../../failure-modes/FM-0001/">FM-0001: ' in serving


def test_index_rows_leave_out_withdrawn_records_and_join_facts() -> None:
    catalog = fixture_catalog()
    rows = listings.index_rows(PLAYBOOK, catalog)
    assert [r.link.url for r in rows] == ["playbooks/MP-0009/", "playbooks/MP-0011/",
                                          "playbooks/MP-0013/"]
    assert rows[0].facts == "@fmcat/sre · 1 hour"
    [case] = listings.index_rows(CASE_STUDY, catalog)
    assert case.facts == "FM-0001"
    page = listings.index_page(PLAYBOOK, catalog)
    assert '<table class="fmcat-index fmcat-index--playbook">' in page
    assert page.startswith('---\n{"title": "Mitigation playbooks"}\n---\n\n# Mitigation')


def test_reach_lists_playbooks_by_mitigation_and_case_studies_by_citation_or_context() -> None:
    catalog = fixture_catalog()
    reach = reach_index(catalog, fixture_derived().tags)
    serving = reach["stages"]["serving"]  # FM-0001 only
    assert serving.playbooks == {"MP-0009": ["FM-0001"], "MP-0013": ["FM-0001"]}
    assert serving.cases_citing == {"CS-0001": ["FM-0001"]}
    assert serving.cases_context == {}
    monitoring = reach["stages"]["monitoring"]  # FM-0001 and FM-0002; FM-0003 withdrawn
    assert list(monitoring.playbooks) == ["MP-0009", "MP-0011", "MP-0013"]
    # Case studies carry a data domain and a model family of their own.
    tabular = reach["data_domain"]["tabular"]
    assert tabular.cases_context == {"CS-0001": ["origin"]}
    assert tabular.cases_citing == {"CS-0001": ["FM-0001"]}
    series = reach["data_domain"]["time-series"]  # no failure mode has it
    assert series.playbooks == {}
    assert series.cases_context == {"CS-0001": ["reused in"]}


def test_browse_value_page_lists_playbooks_and_case_studies_with_why() -> None:
    catalog, taxonomy = fixture_catalog(), fixture_taxonomy()
    pages = listings.browse_pages(catalog, taxonomy, fixture_derived().tags)
    serving = pages["browse/stage/serving/index.md"]
    assert "## Playbooks {#playbooks}" in serving
    assert "## Case studies {#case-studies}" in serving
    assert '<a href="../../../playbooks/MP-0013/">MP-0013: ' in serving
    assert '<a href="../../../case-studies/CS-0001/">CS-0001: ' in serving
    assert "MP-0011" not in serving  # mitigates FM-0002, which is not at this stage
    series = pages["browse/data-domain/time-series/index.md"]
    assert "No playbook mitigates" in series
    assert '<a href="../../../case-studies/CS-0001/">CS-0001: ' in series
    index = pages["browse/index.md"]
    assert "playbooks" in index.split("## Lifecycle stage", 1)[0].lower()


def test_built_browse_pages_link_playbooks_and_case_studies(built_fixture: Path) -> None:
    soup = read_page(built_fixture, "browse/stage/monitoring/")
    assert [a.get_text() for a in soup.select(".fmcat-listing a")] == [
        "FM-0001: Covariate shift in input features",
        "FM-0002: Prior shift changes base rates"]
    playbooks = soup.select("#playbooks + table.fmcat-related tbody tr")
    assert [tr.find("a")["href"] for tr in playbooks] == [
        "../../../playbooks/MP-0009/", "../../../playbooks/MP-0011/",
        "../../../playbooks/MP-0013/"]
    mitigates = [a["href"] for a in playbooks[1].select("td:last-child a")]
    assert mitigates == ["../../../failure-modes/FM-0002/"]
    [case] = soup.select("#case-studies + table.fmcat-related tbody tr")
    assert case.find("a")["href"] == "../../../case-studies/CS-0001/"
    assert "FM-0001" in case.get_text()
    reused = read_page(built_fixture, "browse/model-family/forecasting/")
    [case] = reused.select("#case-studies + table.fmcat-related tbody tr")
    assert "reused in" in case.get_text()
    for href in [a["href"] for a in soup.select("table.fmcat-related a")]:
        target = built_fixture / "browse/stage/monitoring" / href / "index.html"
        assert target.resolve().is_file(), href


@pytest.mark.parametrize(("title", "short"), [
    ("Null-rate spike in a critical feature", "Null-rate spike in a critical…"),
    ("Prior shift changes base rates", "Prior shift changes base rates"),
    ("Image acquisition shift from a new camera or sensor", "Image acquisition shift from a new…"),
    ("Training on the test set", "Training on the test set"),
    ("Leakage of the label through a join on the outcome", "Leakage of the label through…"),
    ("Supercalifragilisticexpialidociousnessesses", "Supercalifragilisticexpialidociousn…"),
])
def test_short_title_cuts_at_a_word_and_never_on_a_little_word(title: str, short: str) -> None:
    assert views.short_title(title) == short
    assert len(views.short_title(title)) <= views.SHORT_TITLE


def test_matrix_cells_carry_their_stage_and_marks_and_the_stages_their_totals() -> None:
    catalog, taxonomy = fixture_catalog(), fixture_taxonomy()
    matrix = listings.matrix(listed(catalog), taxonomy)
    stage_index = list(taxonomy.stages).index("serving")
    assert matrix.rows[0].cells[stage_index].stage == "Serving"
    per_stage = [sum(len(row.cells[i].items) for row in matrix.rows)
                 for i in range(len(taxonomy.stages))]
    assert list(matrix.stage_totals) == per_stage
    lowest = matrix.legend[-1]
    assert (lowest.mark, lowest.mark_class) == ("L", "fmcat-mark fmcat-mark--low")
