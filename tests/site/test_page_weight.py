"""What a record page costs to load: one site stylesheet, and entry pages
inside a byte budget (issue #14: an on-call engineer opens them from alerts,
often on a phone). Speed stays in benchmarks/; sizes are checked here."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup


def _stylesheets(page: Path) -> list[str]:
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    return [str(link["href"]) for link in soup.find_all("link", rel="stylesheet")
            if "assets/fmcat" in str(link["href"])]


def test_pages_load_one_site_stylesheet_besides_the_charts(built_repo: Path) -> None:
    """The catalog's own styles are one file, one request; the charts' styles
    ship with the package for any catalog and stay their own file."""
    for url in ("failure-modes/FM-0001/index.html", "matrix/index.html", "index.html"):
        sheets = _stylesheets(built_repo / url)
        names = [href.rsplit("/", 1)[-1] for href in sheets]
        assert names == ["fmcat.css", "fmcat-charts.css"], f"{url}: {sheets}"
        for href in sheets:
            assert (built_repo / url).parent.joinpath(href).resolve().is_file(), href


LARGEST_ENTRY_PAGE = 52_000
"""Bytes of the largest failure-mode page of the repository (FM-0013, with three
playbooks and fourteen incidents, was 55,661 before #14's size work)."""
MEDIAN_ENTRY_PAGE = 46_000
"""Bytes of the median one (50,879 before). The benchmark's entry page (FM-0001
at N = 1,000) must stay within 40 KB; it is measured in benchmarks/run.py."""


def test_entry_pages_stay_within_their_byte_budget(built_repo: Path) -> None:
    """An alert's link opens a failure-mode page, often on a phone: markup,
    indentation and repeated playbook text must not outgrow what it says."""
    sizes = sorted((path.stat().st_size, path.parent.name)
                   for path in (built_repo / "failure-modes").glob("FM-*/index.html"))
    assert len(sizes) >= 30
    assert sizes[-1][0] <= LARGEST_ENTRY_PAGE, sizes[-1]
    median = sizes[len(sizes) // 2]
    assert median[0] <= MEDIAN_ENTRY_PAGE, median
