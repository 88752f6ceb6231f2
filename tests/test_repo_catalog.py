"""The catalog shipped in this repository: one test per data file, and a real build.

Overdue reviews (FMC063) are left out: they are a notice that grows with
the calendar, for the review queue and `fmcat review due --check`, not a
defect of the data (see test_dates.py).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from fmcat.analysis.discovery import dimensions_of, values_of
from fmcat.core.catalog import Catalog
from fmcat.core.load import load_catalog
from fmcat.core.model import INCIDENTS_FOLDER, KINDS, FailureMode
from tests.conftest import REPO, RepoBuild, broken_links, read_page

DATA_FILES = sorted(
    p.relative_to(REPO).as_posix()
    for folder in [*(k.folder for k in KINDS), INCIDENTS_FOLDER]
    for p in (REPO / folder).rglob("*")
    if p.is_file() and p.suffix in {".md", ".yml", ".yaml"}
)


@cache
def repo_catalog() -> Catalog:
    return load_catalog(REPO)


@pytest.mark.parametrize("path", DATA_FILES)
def test_data_file_is_clean(path: str) -> None:
    findings = [f for f in repo_catalog().findings if f.file == path and f.code != "FMC063"]
    assert findings == []


def test_nothing_is_dropped() -> None:
    catalog = repo_catalog()
    loaded = {e.path for e in catalog.entries.values()} | {
        i.doc.path for i in catalog.incidents.values()}
    assert loaded == set(DATA_FILES)


def test_taxonomy_loads() -> None:
    assert repo_catalog().taxonomy is not None


@pytest.fixture
def repo_site(repo_build: RepoBuild) -> tuple[Path, list[str]]:
    """The repository's catalog built once per session: the site and the warnings logged."""
    return repo_build


@pytest.mark.slow
def test_repo_site_builds(repo_site: tuple[Path, list[str]]) -> None:
    site, warnings = repo_site
    assert [w for w in warnings if "FMC063" not in w] == []
    catalog = repo_catalog()
    for entry in catalog.entries.values():
        page = read_page(site, entry.kind.url(entry.id))
        assert page.find("h1", class_="fmcat-title") is not None, entry.id
        assert (site / entry.id / "index.html").is_file()
    assert broken_links(site) == []


@pytest.mark.parametrize("vocabulary", ["categories", "stages", "causes", "data_domain",
                                        "model_family", "environment", "customer_segment"])
def test_every_taxonomy_value_is_used(vocabulary: str) -> None:
    catalog = repo_catalog()
    assert catalog.taxonomy is not None
    used: set[str] = set()
    by_vocabulary = {d.vocabulary: d for d in dimensions_of(catalog.taxonomy)}
    for entry in catalog.failure_modes:
        assert isinstance(entry.record, FailureMode)
        used.update(values_of(entry.record, by_vocabulary[vocabulary]))
    assert set(catalog.taxonomy.vocabulary(vocabulary)) - used == set()


def test_starter_catalog_counts() -> None:
    catalog = repo_catalog()
    assert len(catalog.failure_modes) >= 40
    assert len(catalog.playbooks) >= 15
    assert len(catalog.case_studies) >= 6
    assert len(catalog.incidents) >= 120


def test_divergences_are_not_shares() -> None:
    """PSI is unbounded and JS is measured in bits; neither is a "ratio"."""
    taxonomy = repo_catalog().taxonomy
    assert taxonomy is not None
    assert (taxonomy.signals["psi"].unit, taxonomy.signals["js_divergence"].unit) == (
        "nats", "bits")


def test_no_signal_keeps_an_unspecified_k_or_a_mixed_unit() -> None:
    """Signals that meant two things (recall at 5 or 10, per sentence or per
    answer) were split; their old names must not come back, because every
    exported rule for a name reads one metric."""
    taxonomy = repo_catalog().taxonomy
    assert taxonomy is not None
    assert {"retrieval_recall_at_k", "unsupported_claim_rate"} & set(taxonomy.signals) == set()
    metrics = [s.metric for s in taxonomy.signals.values()]
    assert len(metrics) == len(set(metrics))
