"""Ways in: tag indexes, observed frequency, similar entries, listing pages."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest

from fmcat.analysis import discovery
from fmcat.analysis.discovery import (
    dimensions_of,
    observed_frequency,
    similar_entries,
    tag_index,
)
from fmcat.core.catalog import Catalog, Entry
from fmcat.core.load import load_catalog
from fmcat.core.model import FailureMode
from tests.conftest import FIXTURE, REPO, build_site, read_page

sys.path.insert(0, str(REPO / "benchmarks"))
from generate import generate


def test_tag_index_lists_each_value_and_leaves_out_withdrawn() -> None:
    index = tag_index(load_catalog(FIXTURE))
    assert index["category"] == {"distribution-shift": ["FM-0001", "FM-0002"]}
    assert index["causes"]["label-shift"] == ["FM-0002"]  # FM-0003 is withdrawn
    assert index["customer_segment"] == {"consumer": ["FM-0001"], "enterprise": ["FM-0002"]}


def test_observed_frequency_counts_incidents_per_failure_mode() -> None:
    observed = observed_frequency(load_catalog(FIXTURE))
    assert observed["FM-0001"] == discovery.Observed(1, date(2026, 3, 11), ("credit-risk",))
    assert observed["FM-0002"].count == 1
    assert "FM-0003" not in observed


def _all_pairs_similar(catalog: Catalog) -> dict[str, list[str]]:
    """The quadratic definition the inverted index must agree with."""
    dimensions = discovery.dimension_by_field(catalog.taxonomy)
    weights = {field: d.weight for field, d in dimensions.items()}
    entries = discovery.listed(catalog)

    def features(entry: Entry) -> set[tuple[str, str]]:
        record = entry.record
        assert isinstance(record, FailureMode)
        return {(f, v) for f in weights
                for v in discovery.values_of(record, dimensions[f])}

    result = {}
    for a in entries:
        excluded = {a.id, *catalog.related.get(a.id, [])}
        scores = {b.id: sum(weights[f] for f, _ in features(a) & features(b))
                  for b in entries if b.id not in excluded}
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        result[a.id] = [i for i, score in ranked[:5] if score >= 3.0]
    return result


def test_similar_entries_match_the_all_pairs_definition() -> None:
    catalog = load_catalog(REPO)
    similar = similar_entries(catalog)
    assert similar == _all_pairs_similar(catalog)
    assert sum(map(len, similar.values())) > len(similar)  # not trivially empty
    for entry, ids in similar.items():
        assert entry not in ids
        assert not set(ids) & set(catalog.related.get(entry, []))


def test_a_posting_list_that_fits_the_window_is_scored_whole(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The window holds CANDIDATES_PER_FEATURE IDs wherever the entry sits.

    Centred on the entry and cut at the ends of the list, it used to hold only
    about half of them for entries near either end, so similar entries
    diverged from the all-pairs definition as soon as a tag was on more than
    half a window of entries, long before the window was full.
    """
    catalog = load_catalog(REPO)
    longest = max(len(ids) for values in tag_index(catalog).values()
                  for ids in values.values())
    monkeypatch.setattr(discovery, "CANDIDATES_PER_FEATURE", longest)
    assert similar_entries(catalog) == _all_pairs_similar(catalog)


def test_similarity_scores_only_a_bounded_window(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    catalog = load_catalog(generate(tmp_path / "synthetic", 300))
    window = 4
    max_features = max(
        sum(len(discovery.values_of(e.record, d))
            for d in discovery.dimensions_of(catalog.taxonomy))
        for e in discovery.listed(catalog) if isinstance(e.record, FailureMode))
    scored: list[int] = []
    real_sorted = sorted

    def counting_sorted(items, **kwargs):  # type: ignore[no-untyped-def]
        items = list(items)
        scored.append(len(items))
        return real_sorted(items, **kwargs)

    monkeypatch.setattr(discovery, "CANDIDATES_PER_FEATURE", window)
    monkeypatch.setattr(discovery, "sorted", counting_sorted, raising=False)
    similar_entries(catalog)
    # Each entry scores at most window + 1 candidates per feature it has, far fewer
    # than the 299 other entries an all-pairs comparison would score.
    assert len(scored) == 300
    assert max(scored) <= (window + 1) * max_features < 299


def test_every_taxonomy_value_has_a_page_and_chips_link_to_them(built_fixture: Path) -> None:
    catalog = load_catalog(FIXTURE)
    assert catalog.taxonomy is not None
    for dimension in dimensions_of(catalog.taxonomy):
        assert (built_fixture / dimension.url() / "index.html").is_file()
        for value in catalog.taxonomy.vocabulary(dimension.vocabulary):
            page = read_page(built_fixture, dimension.value_url(value))
            assert page.find("h1") is not None, value
    card = read_page(built_fixture, "failure-modes/FM-0002/").find("section", id="summary")
    chips = {a.get_text(): a["href"] for a in card.select("a.fmcat-chip")}
    assert chips["Label (prior) shift"] == "../../browse/cause/label-shift/"
    assert chips["Transformer encoders and classifiers"] == \
        "../../browse/model-family/transformers/"
    listing = read_page(built_fixture, "browse/model-family/transformers/")
    assert [a["href"] for a in listing.select(".fmcat-listing a")] == [
        "../../../failure-modes/FM-0002/"]


def test_catalog_rows_carry_every_facet(built_fixture: Path) -> None:
    page = read_page(built_fixture, "failure-modes/")
    row = page.select_one('table.fmcat-catalog tr[data-id="FM-0001"]')
    assert row["data-severity"] == "high"
    assert row["data-stages"] == "serving monitoring"
    assert row["data-data-domain"] == "tabular"
    assert row["data-status"] == "active"
    cells = [td.get_text(strip=True) for td in row.find_all("td")]
    assert cells[:5] == ["FM-0001", "Covariate shift in input features", "high", "1",
                         "frequent"]
    selects = {s["name"] for s in page.select("#fmcat-filters select")}
    assert selects == {"severity", "category", "stages", "causes", "data-domain",
                       "model-family", "environment", "customer-segment", "status"}


def test_matrix_places_entries_by_category_and_stage(built_fixture: Path) -> None:
    page = read_page(built_fixture, "matrix/")
    stages = [th.get_text(strip=True) for th in page.select(".fmcat-matrix thead th")][1:]
    assert stages[:3] == ["Data collection", "Labelling", "Feature engineering"]
    row = next(tr for tr in page.select(".fmcat-matrix tbody tr")
               if tr.th.get_text(" ", strip=True).startswith("Distribution shift"))
    cells = row.find_all("td")
    monitoring = cells[stages.index("Monitoring")]
    assert monitoring["data-count"] == "2"
    assert [a["href"] for a in monitoring.select("a")] == ["../failure-modes/FM-0001/",
                                                         "../failure-modes/FM-0002/"]


def test_home_page_shows_counts_and_lists(built_repo: Path) -> None:
    site = built_repo  # built without warnings: test_repo_catalog.test_repo_site_builds
    article = read_page(site, "").select_one("article")
    catalog = load_catalog(REPO)
    assert f"{len(catalog.failure_modes)} failure modes" in article.get_text()
    frequent = article.find(id="most-frequent-in-the-incident-log").find_next("ul")
    top = frequent.find("a")["href"]
    observed = observed_frequency(catalog)
    best = max(observed.values(), key=lambda o: o.count)
    assert observed[top.split("/")[-2]].count == best.count


@pytest.mark.slow
def test_entry_page_size_does_not_grow_with_the_catalog(tmp_path: Path) -> None:
    sizes = {}
    for n in (60, 360):
        site = build_site(generate(tmp_path / f"n{n}", n))
        sizes[n] = (site / "failure-modes" / "FM-0001" / "index.html").stat().st_size
        nav = read_page(site, "failure-modes/FM-0001/").select(".md-nav--primary a")
        assert len(nav) < 20  # entries stay out of the sidebar
    assert sizes[360] <= sizes[60] * 1.1, sizes
