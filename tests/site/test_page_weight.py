"""What a record page costs to load: one site stylesheet, and entry pages
inside a byte budget (issue #14: an on-call engineer opens them from alerts,
often on a phone). Speed stays in benchmarks/; sizes are checked here."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup

from tests.conftest import REPO


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


LARGEST_OVERHEAD = 52_000
"""Bytes a failure-mode page adds to its own source file (front matter and
body): Material's header and nav, the card, the detector table, playbook
cards, highlighted code. The largest, FM-0067 with five highlighted scripts,
adds 49,574; before #14's size work (indentation, full playbook steps) every
page carried about 6,000 more."""
MEDIAN_OVERHEAD = 40_000
"""The median page adds 36,979 bytes (about 43,000 before the size work). The
benchmark's entry page (FM-0001 at N = 1,000) must stay within 40 KB; it is
measured in benchmarks/run.py."""


def test_entry_pages_stay_within_their_byte_budget(built_repo: Path) -> None:
    """An alert's link opens a failure-mode page, often on a phone: markup,
    indentation and repeated playbook text must not outgrow what it says.

    The budget is on what the page adds to its source, not on its size: a
    longer entry is more knowledge, a heavier wrapper is waste."""
    overheads = []
    for path in (built_repo / "failure-modes").glob("FM-*/index.html"):
        sources = list((REPO / "entries").glob(f"{path.parent.name}-*.md"))
        assert len(sources) == 1, path
        overheads.append((path.stat().st_size - sources[0].stat().st_size, path.parent.name))
    overheads.sort()
    assert len(overheads) >= 30
    assert overheads[-1][0] <= LARGEST_OVERHEAD, overheads[-1]
    median = overheads[len(overheads) // 2]
    assert median[0] <= MEDIAN_OVERHEAD, median
