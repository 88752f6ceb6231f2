"""The home page's counts and lists (`extra.fmcat`), from the fixture catalog."""

from __future__ import annotations

from pathlib import Path

from fmcat.site.home import catalog_root, home_summary
from tests.site.catalogs import fixture_catalog, fixture_derived


def test_counts_are_of_current_records() -> None:
    summary = home_summary(fixture_catalog(), fixture_derived())
    # FM-0003 is withdrawn and not counted.
    assert (summary["failure_modes"], summary["playbooks"], summary["case_studies"],
            summary["incidents"]) == (2, 3, 1, 2)


def test_lists_are_escaped_html_with_root_relative_links() -> None:
    summary = home_summary(fixture_catalog(), fixture_derived())
    severe = summary["most_severe"]
    assert isinstance(severe, str)
    # high before medium, and never the withdrawn FM-0003
    assert severe.index("FM-0001") < severe.index("FM-0002")
    assert "FM-0003" not in severe
    assert '<a href="failure-modes/FM-0001/">FM-0001: Covariate shift in input features</a>' \
        in severe
    frequent = summary["most_frequent"]
    assert isinstance(frequent, str) and "FM-0001" in frequent
    recent = summary["recent_changes"]
    assert isinstance(recent, str) and "FM-0003" not in recent


def test_limit_cuts_every_list() -> None:
    summary = home_summary(fixture_catalog(), fixture_derived(), limit=1)
    for key in ("most_severe", "most_frequent", "recent_changes"):
        text = summary[key]
        assert isinstance(text, str) and text.count("<li>") == 1


def test_catalog_root_is_beside_mkdocs_yml(tmp_path: Path) -> None:
    assert catalog_root(str(tmp_path / "mkdocs.yml")) == tmp_path.resolve()
    assert catalog_root(None) == Path.cwd()
