"""The home page's counts and lists (`extra.fmcat`, `fmcat.site.home`)."""

from __future__ import annotations

from pathlib import Path

from fmcat.core.load import load_catalog
from fmcat.site.build import catalog_root
from fmcat.site.derived import derive
from fmcat.site.home import home_summary
from tests.site.catalogs import fixture_catalog, fixture_derived


def _summary(root: Path) -> dict[str, object]:
    catalog = load_catalog(root)
    return home_summary(catalog, derive(catalog))


def test_counts_are_of_current_records() -> None:
    summary = home_summary(fixture_catalog(), fixture_derived())
    # FM-0003 is withdrawn and not counted.
    assert (summary["failure_modes"], summary["playbooks"], summary["case_studies"],
            summary["incidents"]) == (2, 3, 1, 2)


def test_counts_and_lists_follow_the_status_of_each_record(root: Path) -> None:
    path = root / "entries" / "FM-0002-prior-shift.md"
    path.write_text(path.read_text(encoding="utf-8").replace("status: active", "status: draft"),
                    encoding="utf-8")
    summary = _summary(root)
    # Drafts count (they are current); FM-0003 is withdrawn and does not.
    assert summary["failure_modes"] == 2
    assert (summary["playbooks"], summary["case_studies"], summary["incidents"]) == (3, 1, 2)
    # Only active failure modes are ranked; drafts and withdrawn ones are not.
    assert "FM-0001" in str(summary["most_severe"])
    assert "FM-0002" not in str(summary["most_severe"])
    assert "FM-0002" not in str(summary["most_frequent"])
    # Recent changes leave out withdrawn records, drafts included.
    assert "FM-0002" in str(summary["recent_changes"])
    assert "FM-0003" not in str(summary["recent_changes"])


def test_lists_are_escaped_html_with_root_relative_links() -> None:
    summary = home_summary(fixture_catalog(), fixture_derived())
    severe = summary["most_severe"]
    assert isinstance(severe, str)
    assert severe.startswith('<ul class="fmcat-home-list">')
    # high before medium, and never the withdrawn FM-0003
    assert severe.index("FM-0001") < severe.index("FM-0002")
    assert "FM-0003" not in severe
    assert '<a href="failure-modes/FM-0001/">FM-0001: Covariate shift in input features</a>' \
        in severe
    frequent = summary["most_frequent"]
    assert isinstance(frequent, str) and "FM-0001" in frequent


def test_counts_in_the_lists_read_as_english(root: Path) -> None:
    """One incident is "1 incident", not "1 incidents"."""
    summary = _summary(root)
    severe, frequent = str(summary["most_severe"]), str(summary["most_frequent"])
    assert "(high, 1 incident)" in severe
    assert "1 incidents" not in severe + frequent
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
