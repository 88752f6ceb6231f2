"""One definition per figure, and every figure says what it is computed over.

"Median completeness" was an interpolated median over active and draft
records on the quality page and a nearest-rank one over active entries on
the metrics page; time-to-mitigate medians over different windows stood on
three pages without saying which.
"""

from __future__ import annotations

import re
import statistics
from datetime import date
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag

from fmcat.analysis import metrics
from fmcat.core import targets as targets_file
from fmcat.core.load import load_catalog, load_checked
from fmcat.exports.drill import drill_script
from tests.conftest import REPO, build_site, read_page

TODAY = date(2026, 11, 25)  # the suite's pinned build date


def _drop_references(root: Path, path: str) -> None:
    file = root / path
    text = file.read_text(encoding="utf-8")
    start = text.index("references:")
    end = text.index("\n", text.index("url:", start))
    assert "\n  - title:" not in text[start:end] or text[start:end].count("- title:") == 1
    file.write_text(text[:start] + "references: []" + text[end:], encoding="utf-8")


def _uneven_completeness(root: Path) -> Path:
    """Five active records scoring 67, 67, 89, 100, 100 % and one complete draft."""
    _drop_references(root, "entries/FM-0001-covariate-shift.md")  # 8 of 9 rules
    for playbook in sorted((root / "playbooks").glob("MP-00*.md"))[:2]:  # 2 of 3 rules
        _drop_references(root, playbook.relative_to(root).as_posix())
    case = next((root / "case-studies").glob("CS-0001*.md"))
    case.write_text(case.read_text(encoding="utf-8").replace("status: active", "status: draft",
                                                             1), encoding="utf-8")
    return root


def test_median_completeness_is_nearest_rank_over_active_entries(root: Path) -> None:
    summary = metrics.completeness_summary(load_checked(_uneven_completeness(root)))
    scores = sorted(round(e.score * 100) for e in summary.entries)
    assert scores == [67, 67, 89, 100, 100]  # the draft is not counted
    assert summary.median == pytest.approx(8 / 9)  # the 3rd of 5: an observed score
    assert summary.population().describe() == "active entries, n = 5"


def _sentence(page: BeautifulSoup, pattern: str) -> str:
    text = re.sub(r"\s+", " ", page.get_text(" "))
    match = re.search(r"[^.]*" + pattern + r"[^.]*(\.\d[^.]*)*", text)
    assert match is not None, pattern
    return match.group(0)


@pytest.mark.slow
def test_quality_and_metrics_pages_show_the_one_median_completeness(catalog_dir: Path) -> None:
    site = build_site(_uneven_completeness(catalog_dir))
    summary = metrics.completeness_summary(load_checked(catalog_dir))
    assert summary.median is not None
    expected = f"{summary.median:.0%}"
    quality = _sentence(read_page(site, "quality/"), "Median completeness")
    on_metrics = _sentence(read_page(site, "metrics/"), "median completeness")
    for shown in (quality, on_metrics):
        assert f"{expected} ({summary.population().describe()}" in shown


# --- time to mitigate, on the repository's catalog ----------------------------------


@pytest.fixture
def repo_site(built_repo: Path) -> Path:
    """The repository's catalog, built once per session."""
    return built_repo


@pytest.fixture(scope="module")
def report() -> metrics.MetricsReport:
    targets, _ = targets_file.load_targets(REPO)
    return metrics.compute_metrics(load_catalog(REPO, today=TODAY), TODAY, targets)


def _rows(table: Tag) -> dict[str, list[str]]:
    rows = {}
    for tr in table.find_all("tr"):
        cells = [c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])]
        if cells:
            rows[cells[0]] = cells[1:]
    return rows


def _data_table(page: BeautifulSoup, caption: str) -> dict[str, list[str]]:
    # The caption goes on with units and period: "… (hours; 2024Q3–2026Q3)".
    found = page.find("caption", string=re.compile("^" + re.escape(f"Data: {caption}")))
    assert isinstance(found, Tag), caption
    table = found.find_parent("table")
    assert isinstance(table, Tag)
    return _rows(table)


def test_the_whole_log_median_says_so(repo_site: Path, report: metrics.MetricsReport) -> None:
    trend = report.time_to_mitigate
    assert trend.overall.median is not None
    heading = read_page(repo_site, "trends/").find("h2", id="time-to-mitigate")
    assert isinstance(heading, Tag)
    paragraph = heading.find_next_sibling("p")
    assert isinstance(paragraph, Tag)
    shown = _sentence(BeautifulSoup(str(paragraph), "html.parser"), r"Over the whole log \(")
    assert shown.startswith(f" Over the whole log ({metrics.quarter_span(trend.quarters)}, "
                            f"n = {trend.overall.count} incidents): median "
                            f"{trend.overall.median:.1f} h")


def test_the_target_median_says_its_window(repo_site: Path,
                                           report: metrics.MetricsReport) -> None:
    [result] = [r for r in report.targets if r.metric == "median_time_to_mitigate_hours"]
    value, population = metrics.current_figures(
        load_catalog(REPO, today=TODAY), TODAY, 4)["median_time_to_mitigate_hours"]
    assert value is not None and result.value == value
    page = read_page(repo_site, "metrics/")
    caption = page.find("caption", string=re.compile("^Targets set in metrics.yml"))
    assert isinstance(caption, Tag)
    table = caption.find_parent("table")
    assert isinstance(table, Tag)
    header = [th.get_text(strip=True) for th in table.find_all("th")]
    row = _rows(table)["Median time to mitigate"]
    assert row[:2] == [f"{value:.1f} h", population.describe()]
    assert header[:3] == ["Metric", "Value", "Over"]
    quarters = metrics.quarter_span(metrics.window_quarters(TODAY, 4))
    assert population.describe().startswith(f"incidents detected {quarters} (the last 4 quarters)")


def test_the_home_headline_is_the_trends_per_quarter_median(
        repo_site: Path, report: metrics.MetricsReport) -> None:
    per_quarter = _data_table(read_page(repo_site, "trends/"), "Time to mitigate per quarter")
    stats = dict(zip(report.time_to_mitigate.quarters, report.time_to_mitigate.per_quarter,
                     strict=True))
    shown = _sentence(read_page(repo_site, ""), "Median time to mitigate, per quarter")
    found = re.findall(r"([\d.]+) h in (\d{4}Q\d) \(n = (\d+)", shown)
    assert len(found) == 2, shown
    for value, quarter, count in found:
        assert float(per_quarter[quarter][0]) == pytest.approx(float(value), abs=0.05)
        assert int(count) == stats[quarter].count


def test_a_playbook_page_and_the_metrics_page_agree(repo_site: Path,
                                                    report: metrics.MetricsReport) -> None:
    usage = next(u for u in report.playbook_usage if u.time_to_mitigate.median is not None)
    median = usage.time_to_mitigate.median
    assert median is not None
    page = read_page(repo_site, f"playbooks/{usage.playbook}/")
    shown = _sentence(page, "median time to mitigate")
    assert (f"median time to mitigate {median:.1f} h over the whole log "
            f"(n = {usage.time_to_mitigate.count})") in shown
    metrics_page = read_page(repo_site, "metrics/")
    caption = metrics_page.find("caption", string=re.compile("^Time to implement mitigations"))
    assert isinstance(caption, Tag)
    assert "over the whole log" in caption.get_text()
    table = caption.find_parent("table")
    assert isinstance(table, Tag)
    row = _rows(table)[f"{usage.playbook}: {usage.title}"]
    assert row[1] == f"{median:.1f} h"


def test_a_drill_uses_the_same_median() -> None:
    """A drill's baseline is the nearest-rank median too, never an interpolation."""
    catalog = load_catalog(REPO, today=TODAY)

    def hours(fm_id: str) -> list[float]:
        cited = [catalog.incidents[i].record for i in catalog.cited_by_incidents.get(fm_id, [])]
        return [t.total_seconds() / 3600 for t in (i.time_to_mitigate for i in cited) if t]

    # A failure mode whose interpolated and nearest-rank medians differ.
    mode = next(e.id for e in catalog.failure_modes
                if hours(e.id) and statistics.median(hours(e.id)) != metrics.median(hours(e.id)))
    nearest = metrics.median(hours(mode))
    assert nearest is not None
    script = drill_script(catalog, mode)
    shown = re.search(r"median time to mitigate ((\d+) d )?((\d+) h)? ?((\d+) min)?\.", script)
    assert shown is not None
    days, whole, minutes = (int(shown.group(i) or 0) for i in (2, 4, 6))
    assert days * 24 + whole + minutes / 60 == pytest.approx(nearest, abs=1 / 60)
