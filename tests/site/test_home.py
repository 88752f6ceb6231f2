"""The home page's counts and lists (`fmcat.site.home`)."""

from __future__ import annotations

from pathlib import Path

from fmcat.core.load import load_catalog
from fmcat.site.home import home_summary
from fmcat.site.plan import derive


def _summary(root: Path) -> dict[str, object]:
    catalog = load_catalog(root)
    return home_summary(catalog, derive(catalog))


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


def test_lists_are_escaped_html_ranked_by_severity_then_incidents(root: Path) -> None:
    summary = _summary(root)
    severe = str(summary["most_severe"])
    assert severe.startswith('<ul class="fmcat-home-list">')
    assert severe.index("FM-0001") < severe.index("FM-0002")  # high before medium
    assert "(high, 1 incidents)" in severe
