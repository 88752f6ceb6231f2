"""The benchmark's synthetic catalog (conftest's `built_synthetic`): what the
repository's 42 entries never show. Its incident log cites no playbook and
repeats no failure mode, so the trends and metrics pages must say "none"
where the repository's pages show rows; its medians can land on whole hours.
(Layout and axe-core run on it in test_layout.py and test_a11y.py.)"""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import read_page
from tests.site.test_trends_pages import _cells

# Entries past the repository's 42 repeat a source's body under a new ID, and
# the short permalinks only redirect: skipping them keeps the test to seconds.
SOURCES = 42
COPY = re.compile(r"/failure-modes/FM-(\d+)/|/fm-\d+/")


def _is_copy(path: Path) -> bool:
    match = COPY.search(path.as_posix())
    return match is not None and (match.group(1) is None or int(match.group(1)) > SOURCES)



def test_no_generated_page_shows_a_table_without_rows(built_synthetic: Path) -> None:
    """Before: the trends page showed "Most recurrent failure modes" and "Time to
    mitigate before and after a playbook" as bare header rows."""
    empty = []
    for path in sorted(built_synthetic.rglob("index.html")):
        if _is_copy(path):
            continue
        article = read_page(built_synthetic, path.relative_to(built_synthetic).as_posix()
                            ).find("article")
        for table in article.find_all("table") if article else ():
            if not table.select("tbody tr"):
                caption = table.caption.get_text() if table.caption else table.get("class")
                empty.append(f"{path.relative_to(built_synthetic)}: {caption}")
    assert empty == []


def test_home_headline_states_the_trends_medians_as_they_read_there(
        built_synthetic: Path) -> None:
    """The home page's "from 9.9 h … to 10.0 h" and the trends table and chart label
    read the same figures (before: the table and the label said "10")."""
    home = read_page(built_synthetic, "")
    trends = read_page(built_synthetic, "trends/")
    sentence = home.find(string=re.compile("Median time to mitigate, per quarter")).parent
    found = re.findall(r"(\d+\.\d) h in (\d{4}Q\d)", sentence.get_text(" ", strip=True))
    assert len(found) == 2
    medians = {row[0]: row[1] for row in _cells(
        trends.find(id="time-to-mitigate-figure").find("table"))}
    for value, quarter in found:
        assert medians[quarter] == value, (quarter, value, medians)
    labels = {t.get_text() for t in home.select("#headline .fmcat-chart__label")}
    assert labels == {f"Median {found[-1][0]}"}
