"""Metrics against values computed by hand from `tests/fixtures/metrics`.

The fixture log (eight incidents; see the comment at the top of each file):

incident      | detected (UTC)   | quarter | modes    | team        | TTD | TTM | severity | data
------------- | ---------------- | ------- | -------- | ----------- | --- | --- | -------- | ----
INC-2025-0001 | 2025-01-10 10:00 | 2025Q1  | 1        | credit-risk | 6   | 10  | high     | yes
INC-2025-0002 | 2025-02-20 08:00 | 2025Q1  | 1        | credit-risk | 2   | 8   | medium   | no
(none)        |                  | 2025Q2  |          |             |     |     |          |
INC-2025-0003 | 2025-08-05 12:00 | 2025Q3  | 1        | credit-risk | 1   | 3   | high     | yes
INC-2025-0004 | 2025-09-01 00:00 | 2025Q3  | 1, 4     | fraud-ml    | –   | 2   | critical | no
INC-2025-0005 | 2025-09-30 23:00 | 2025Q3  | 4        | fraud-ml    | 12  | –   | low      | yes
(none)        |                  | 2025Q4  |          |             |     |     |          |
INC-2026-0001 | 2026-01-15 04:00 | 2026Q1  | 99 (→ 2) | support-ml  | 4   | 5   | medium   | no
INC-2026-0002 | 2026-02-10 03:00 | 2026Q1  | 1        | credit-risk | 3   | 4   | high     | yes
INC-2026-0003 | 2026-04-02 11:00 | 2026Q2  | 1        | credit-risk | 1   | 1   | medium   | yes

Modes are FM numbers; TTD and TTM are hours; "data" is whether a data
change preceded the incident.
"""

from __future__ import annotations

import shutil
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

from fmcat.analysis import metrics
from fmcat.analysis.metrics import DurationStats, Series
from fmcat.analysis.metrics import health as health_module
from fmcat.analysis.metrics import incidents as incidents_module
from fmcat.analysis.metrics import report as report_module
from fmcat.core import targets as targets_file
from fmcat.core.catalog import Catalog, IncidentEntry
from fmcat.core.findings import has_errors
from fmcat.core.frontmatter import Document
from fmcat.core.load import load_catalog
from fmcat.core.model import DataChange, Incident
from tests.conftest import REPO

FIXTURE = REPO / "tests" / "fixtures" / "metrics"
TODAY = date(2026, 11, 25)
QUARTERS = ("2025Q1", "2025Q2", "2025Q3", "2025Q4", "2026Q1", "2026Q2")


@cache
def fixture() -> Catalog:
    return load_catalog(FIXTURE, today=TODAY)


def test_fixture_is_valid() -> None:
    catalog = fixture()
    assert not has_errors(catalog.findings)
    assert len(catalog.incidents) == 8


def test_quarters_include_the_empty_ones() -> None:
    incidents = [i.record for i in fixture().incidents.values()]
    assert metrics.quarters_spanned(incidents) == QUARTERS
    assert metrics.quarters_spanned([]) == ()


# --- occurrences ---------------------------------------------------------------

def test_occurrences_per_quarter() -> None:
    result = metrics.occurrences(fixture())
    assert result.quarters == QUARTERS
    assert result.series == (Series("all", "Incidents", (2, 0, 3, 0, 2, 1)),)


def test_occurrences_by_category_count_an_incident_once_per_category() -> None:
    result = metrics.occurrences_by_category(fixture())
    # INC-2025-0004 cites FM-0001 (distribution shift) and FM-0004
    # (infrastructure) and counts in both; INC-2026-0001 cites the alias FM-0099.
    assert result.series == (
        Series("distribution-shift", "Distribution shift", (2, 0, 2, 0, 2, 1)),
        Series("infrastructure", "Infrastructure", (0, 0, 2, 0, 0, 0)),
    )


def test_most_frequent_failure_modes() -> None:
    result = metrics.most_frequent_failure_modes(fixture())
    assert [(m.failure_mode, m.count) for m in result] == [
        ("FM-0001", 6), ("FM-0004", 2), ("FM-0002", 1)]
    assert result[0].title == "Covariate shift in input features"
    assert len(metrics.most_frequent_failure_modes(fixture(), limit=1)) == 1


def test_severity_mix_in_rank_order() -> None:
    result = metrics.severity_mix(fixture())
    assert result.by_key() == {
        "low": Series("low", "low", (0, 0, 1, 0, 0, 0)),
        "medium": Series("medium", "medium", (1, 0, 0, 0, 1, 1)),
        "high": Series("high", "high", (1, 0, 1, 0, 1, 0)),
        "critical": Series("critical", "critical", (0, 0, 1, 0, 0, 0)),
    }
    assert [s.key for s in result.series] == ["low", "medium", "high", "critical"]


# --- recurrence -------------------------------------------------------------------

def test_recurrences_inside_the_window_only() -> None:
    # credit-risk FM-0001: 01-10, 02-20 (41 days: recurs), 08-05 (166: no),
    # 2026-02-10 (189: no), 2026-04-02 (51: recurs); fraud-ml FM-0004:
    # 09-01, 09-30 (30 days: recurs).
    assert metrics.recurrences(fixture()) == {
        "INC-2025-0002": ("FM-0001",),
        "INC-2025-0005": ("FM-0004",),
        "INC-2026-0003": ("FM-0001",),
    }


def test_most_recurrent_failure_modes() -> None:
    result = metrics.most_recurrent_failure_modes(fixture())
    assert [(r.failure_mode, r.occurrences, r.recurrences, r.teams) for r in result] == [
        ("FM-0001", 6, 2, ("credit-risk",)),
        ("FM-0004", 2, 1, ("fraud-ml",)),
    ]


def test_recurrences_per_quarter() -> None:
    assert metrics.recurrences_per_quarter(fixture()).series[0].values == (1, 0, 1, 0, 0, 1)


def _incident(number: int, detected: datetime, *, team: str = "a-team",
              modes: tuple[str, ...] = ("FM-0001",), **fields: object) -> IncidentEntry:
    record = Incident.model_validate({
        "id": f"INC-{detected.year}-{number:04d}", "title": f"Incident {number}",
        "detected": detected, "failure_modes": list(modes), "severity": "medium",
        "team": team, "project": "p", "dimensions": {"model_family": "llm", "environment": "batch"},
        "data_change": DataChange(preceded=False), **fields,
    })
    return IncidentEntry(record, Document(path=f"incidents/{record.id}.yml"))


def _with_incidents(*items: IncidentEntry) -> Catalog:
    return replace(fixture(), incidents={i.record.id: i for i in items})


def test_recurrence_window_boundary_is_inclusive() -> None:
    start = datetime(2026, 1, 1, 12, tzinfo=UTC)
    window = timedelta(days=metrics.RECURRENCE_WINDOW_DAYS)
    catalog = _with_incidents(
        _incident(1, start),
        _incident(2, start + window),                                   # exactly 90 days
        _incident(3, start + window + window + timedelta(seconds=1)),   # 90 days + 1 s
        _incident(4, start + window, team="other-team"),                 # another team
    )
    assert metrics.recurrences(catalog) == {"INC-2026-0002": ("FM-0001",)}


def test_recurrence_follows_detection_order_not_id_order() -> None:
    start = datetime(2026, 3, 1, tzinfo=UTC)
    catalog = _with_incidents(_incident(1, start + timedelta(days=10)), _incident(2, start))
    assert metrics.recurrences(catalog) == {"INC-2026-0001": ("FM-0001",)}


# --- durations ---------------------------------------------------------------------

def test_time_to_detect_per_quarter() -> None:
    trend = metrics.time_to_detect_trend(fixture())
    assert trend.quarters == QUARTERS
    assert trend.per_quarter == (
        DurationStats(2, 2.0, 6.0),      # [2, 6]
        DurationStats(0, None, None),
        DurationStats(2, 1.0, 12.0),     # [1, 12]; INC-2025-0004 has no start
        DurationStats(0, None, None),
        DurationStats(2, 3.0, 4.0),      # [3, 4]
        DurationStats(1, 1.0, 1.0),      # a single incident
    )
    assert trend.overall == DurationStats(7, 3.0, 12.0)   # [1, 1, 2, 3, 4, 6, 12]


def test_time_to_mitigate_per_quarter_excludes_unmitigated() -> None:
    trend = metrics.time_to_mitigate_trend(fixture())
    assert trend.per_quarter == (
        DurationStats(2, 8.0, 10.0),     # [8, 10]
        DurationStats(0, None, None),
        DurationStats(2, 2.0, 3.0),      # [2, 3]; INC-2025-0005 never mitigated
        DurationStats(0, None, None),
        DurationStats(2, 4.0, 5.0),
        DurationStats(1, 1.0, 1.0),
    )
    assert trend.overall == DurationStats(7, 4.0, 10.0)   # [1, 2, 3, 4, 5, 8, 10]
    series = trend.as_series().by_key()
    assert series["median"].values == (8.0, None, 2.0, None, 4.0, 1.0)
    assert series["p90"].values == (10.0, None, 3.0, None, 5.0, 1.0)


def test_unresolved_incidents_still_count_as_occurrences() -> None:
    catalog = fixture()
    open_ones = [i.record.id for i in catalog.incidents.values() if i.record.resolved is None]
    assert open_ones == ["INC-2025-0004", "INC-2025-0005"]
    assert sum(v or 0 for v in metrics.occurrences(catalog).series[0].values) == 8


def test_out_of_order_timestamps_give_no_duration() -> None:
    detected = datetime(2026, 1, 1, 12, tzinfo=UTC)
    item = _incident(1, detected, started=detected + timedelta(hours=1),
                     mitigated=detected - timedelta(hours=1))
    assert metrics.time_to_detect(item.record) is None
    assert metrics.time_to_mitigate(item.record) is None


# --- data changes ---------------------------------------------------------------------

def test_data_change_shares() -> None:
    result = metrics.data_change_shares(fixture())
    assert (result.overall.count, result.overall.total, result.overall.share) == (5, 8, 0.625)
    assert [(s.key, s.count, s.total) for s in result.by_failure_mode] == [
        ("FM-0001", 4, 6), ("FM-0002", 0, 1), ("FM-0004", 1, 2)]
    assert result.by_failure_mode[0].share == pytest.approx(4 / 6)


# --- playbooks --------------------------------------------------------------------------

def test_adoption_effect_before_and_after_first_use() -> None:
    effects = {e.playbook: e for e in metrics.adoption_effects(fixture())}
    assert list(effects) == ["MP-0009", "MP-0011", "MP-0013"]
    # MP-0009 mitigates FM-0001 and FM-0004; first used by INC-2025-0003.
    # Before: 10, 8. After: 3, 2, 4, 1 (INC-2025-0005 never mitigated).
    mp9 = effects["MP-0009"]
    assert (mp9.adopted_on, mp9.adopted_by) == (date(2025, 8, 5), "INC-2025-0003")
    assert mp9.failure_modes == ("FM-0001", "FM-0004")
    assert mp9.before == DurationStats(2, 8.0, 10.0)
    assert mp9.after == DurationStats(4, 2.0, 4.0)
    assert mp9.change_hours == -6.0
    # MP-0013 mitigates FM-0001; first used by INC-2026-0002.
    # Before: 10, 8, 3, 2 → median 3. After: 4, 1 → median 1.
    mp13 = effects["MP-0013"]
    assert (mp13.adopted_on, mp13.adopted_by) == (date(2026, 2, 10), "INC-2026-0002")
    assert mp13.before == DurationStats(4, 3.0, 10.0)
    assert mp13.after == DurationStats(2, 1.0, 4.0)
    assert mp13.change_hours == -2.0
    # MP-0011 mitigates FM-0002, whose only incident is the adopting one.
    mp11 = effects["MP-0011"]
    assert mp11.before == DurationStats(0, None, None)
    assert mp11.after == DurationStats(1, 5.0, 5.0)
    assert mp11.change_hours is None


def test_playbook_usage() -> None:
    usage = metrics.playbook_usage(fixture())
    assert [(u.playbook, u.uses, u.time_to_mitigate) for u in usage] == [
        ("MP-0009", 4, DurationStats(4, 2.0, 4.0)),   # 3, 2, 4, 1
        ("MP-0011", 1, DurationStats(1, 5.0, 5.0)),
        ("MP-0013", 1, DurationStats(1, 4.0, 4.0)),
    ]


# --- catalog metrics --------------------------------------------------------------------

def test_adoption_and_onboarding() -> None:
    result = metrics.adoption(fixture())
    assert result.quarters == QUARTERS
    assert result.teams == (1, 0, 2, 0, 2, 1)
    assert result.projects == (1, 0, 2, 0, 2, 1)
    assert result.new_teams == (("credit-risk",), (), ("fraud-ml",), (), ("support-ml",), ())
    assert result.as_series().by_key()["new-teams"].values == (1, 0, 1, 0, 1, 0)


def test_adoption_ignores_incidents_citing_nothing_in_the_catalog() -> None:
    day = datetime(2026, 5, 1, tzinfo=UTC)
    catalog = _with_incidents(_incident(1, day, modes=("FM-0777",)),
                              _incident(2, day, team="b-team"))
    result = metrics.adoption(catalog)
    assert (result.teams, result.new_teams) == ((1,), (("b-team",),))


def test_severity_by_release_in_order_of_first_detection() -> None:
    result = metrics.severity_by_release(fixture())
    assert [(r.release, r.first_detected, r.incidents, r.severe, r.share) for r in result] == [
        ("2025.01.1", date(2025, 1, 10), 2, 1, 0.5),
        ("2025.08.1", date(2025, 8, 5), 2, 2, 1.0),
        ("2026.01.1", date(2026, 1, 15), 1, 0, 0.0),
        ("2026.02.1", date(2026, 2, 10), 2, 1, 0.5),
    ]   # INC-2025-0005 has no release


def test_review_freshness() -> None:
    result = metrics.review_freshness(fixture(), TODAY)
    # Active: FM-0001, FM-0002, FM-0004, MP-0009, MP-0011, MP-0013, CS-0001.
    # FM-0002 reviews every 30 days (due 2026-10-01); FM-0004 every 180 (due 2026-07-09).
    assert (result.active, result.on_time) == (7, 5)
    assert result.share == pytest.approx(5 / 7)
    assert [(o.id, o.due, o.days_overdue) for o in result.overdue] == [
        ("FM-0004", date(2026, 7, 9), 139), ("FM-0002", date(2026, 10, 1), 55)]


def test_review_freshness_agrees_with_the_check() -> None:
    catalog = fixture()
    flagged = {f.file for f in catalog.findings if f.code == "FMC063"}
    overdue = {catalog.entries[o.id].path for o in metrics.review_freshness(catalog, TODAY).overdue}
    assert overdue == flagged


def test_review_freshness_depends_on_today_only() -> None:
    assert metrics.review_freshness(fixture(), date(2026, 7, 1)).overdue == ()


def test_completeness_summary() -> None:
    result = metrics.completeness_summary(fixture())
    # FM-0004 lacks a detector and an artifact: 7 of 9 rules; the six others pass.
    assert result.entries[0].id == "FM-0004"
    assert result.entries[0].score == pytest.approx(7 / 9)
    assert result.entries[0].missing == ("FMC101", "FMC103")
    assert len(result.entries) == 7
    assert result.median == 1.0
    assert result.mean == pytest.approx((6 + 7 / 9) / 7)


def test_failure_mode_sparklines() -> None:
    result = metrics.failure_mode_sparklines(fixture())
    assert result.quarters == QUARTERS
    assert {k: s.values for k, s in result.by_key().items()} == {
        "FM-0001": (2, 0, 2, 0, 1, 1),
        "FM-0002": (0, 0, 0, 0, 1, 0),
        "FM-0003": (0, 0, 0, 0, 0, 0),
        "FM-0004": (0, 0, 2, 0, 0, 0),
    }


def test_an_empty_log_gives_empty_series() -> None:
    catalog = _with_incidents()
    assert metrics.occurrences(catalog).quarters == ()
    assert metrics.time_to_mitigate_trend(catalog).overall == DurationStats(0, None, None)
    assert metrics.adoption_effects(catalog) == ()
    assert metrics.data_change_shares(catalog).overall.share is None


# --- targets -----------------------------------------------------------------------------

def test_current_values_over_the_window() -> None:
    # Window 2026Q1–2026Q4: INC-2026-0001..0003. TTD 4, 3, 1; TTM 5, 4, 1.
    values = metrics.current_values(fixture(), TODAY, 4)
    assert values == pytest.approx({
        "median_time_to_detect_hours": 3.0,
        "median_time_to_mitigate_hours": 4.0,
        "p90_time_to_mitigate_hours": 5.0,
        "high_critical_share": 1 / 3,
        "recurrence_share": 1 / 3,
        "data_change_share": 2 / 3,
        "share_reviewed_on_time": 5 / 7,
        "median_completeness": 1.0,
    })


def test_targets_compared_with_gaps() -> None:
    targets, findings = targets_file.load_targets(FIXTURE)
    assert findings == []
    assert targets is not None
    report = metrics.compute_metrics(fixture(), TODAY, targets)
    results = {r.metric: r for r in report.targets}
    assert list(results) == ["median_time_to_mitigate_hours", "high_critical_share",
                             "share_reviewed_on_time", "median_completeness"]
    ttm = results["median_time_to_mitigate_hours"]
    assert (ttm.value, ttm.bound, ttm.target, ttm.met, ttm.gap) == (4.0, "at_most", 4.0, True, 0)
    severe = results["high_critical_share"]
    assert severe.met is False
    assert severe.gap == pytest.approx(1 / 3 - 0.3)
    fresh = results["share_reviewed_on_time"]
    assert fresh.met is False
    assert fresh.gap == pytest.approx(5 / 7 - 0.9)
    assert results["median_completeness"].met is True


def test_targets_without_data_are_not_judged() -> None:
    targets = targets_file.TargetsFile.model_validate(
        {"window_quarters": 1, "targets": {"median_time_to_mitigate_hours": {"at_most": 4}}})
    [result] = metrics.compare_with_targets(targets, metrics.current_values(fixture(), TODAY, 1))
    assert (result.value, result.met, result.gap) == (None, None, None)


def test_missing_metrics_file_means_no_targets(tmp_path: Path) -> None:
    assert targets_file.load_targets(tmp_path) == (None, [])
    assert metrics.compare_with_targets(None, {"median_completeness": 0.5}) == ()


@pytest.mark.parametrize(("text", "code", "field"), [
    ("targets:\n  median_time_to_mitigate: {at_most: 4}\n", "FMC010",
     "targets.median_time_to_mitigate"),
    ("targets:\n  median_completeness: {at_least: 0.9, at_most: 1}\n", "FMC012",
     "targets.median_completeness"),
    ("targets:\n  median_completeness: {at_least: '0.9'}\n", "FMC012",
     "targets.median_completeness.at_least"),
    ("window_quarters: 0\n", "FMC012", "window_quarters"),
    ("targets: [\n", "FMC005", ""),
])
def test_invalid_metrics_file_gives_findings(tmp_path: Path, text: str, code: str,
                                             field: str) -> None:
    (tmp_path / "metrics.yml").write_text(text, encoding="utf-8")
    targets, findings = targets_file.load_targets(tmp_path)
    assert targets is None
    assert [(f.code, f.field, f.file) for f in findings][:1] == [(code, field, "metrics.yml")]


def test_unknown_target_suggests_the_name(tmp_path: Path) -> None:
    (tmp_path / "metrics.yml").write_text(
        "targets:\n  median_time_to_mitigate: {at_most: 4}\n", encoding="utf-8")
    _, [finding] = targets_file.load_targets(tmp_path)
    assert finding.line == 2
    assert "median_time_to_mitigate_hours" in finding.hint


def test_repo_metrics_file_is_valid() -> None:
    targets, findings = targets_file.load_targets(REPO)
    assert findings == []
    assert targets is not None
    assert targets.targets.median_time_to_mitigate_hours is not None


def test_compute_metrics_is_deterministic_and_independent_of_the_copy(tmp_path: Path) -> None:
    copy = tmp_path / "catalog"
    shutil.copytree(FIXTURE, copy)
    first = metrics.compute_metrics(fixture(), TODAY)
    second = metrics.compute_metrics(load_catalog(copy, today=TODAY), TODAY)
    assert first == second
    assert first.quarters == QUARTERS
    assert first.targets == ()


def test_compute_metrics_finds_each_shared_intermediate_once(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Recurrences, review freshness and completeness serve several figures each.

    Each used to be recomputed by every figure that needed it (recurrences
    three times per build). A spy on every module that can call them counts
    the calls of one `compute_metrics`.
    """
    calls: Counter[str] = Counter()

    def spy(name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def counted(*args: Any, **kwargs: Any) -> Any:
            calls[name] += 1
            return real(*args, **kwargs)
        return counted

    real = {"recurrences": incidents_module.recurrences,
            "review_freshness": health_module.review_freshness,
            "completeness_summary": health_module.completeness_summary}
    for module in (incidents_module, health_module, report_module):
        for name, function in real.items():
            if hasattr(module, name):
                monkeypatch.setattr(module, name, spy(name, function))
    targets, _ = targets_file.load_targets(FIXTURE)
    report = metrics.compute_metrics(fixture(), TODAY, targets)
    assert calls == {"recurrences": 1, "review_freshness": 1, "completeness_summary": 1}
    monkeypatch.undo()
    assert report == metrics.compute_metrics(fixture(), TODAY, targets)


def test_current_figures_use_what_they_are_given() -> None:
    catalog = fixture()
    recurring = {"INC-2026-0001": ("FM-0002",), "INC-2026-0002": ("FM-0001",)}
    given = metrics.current_figures(catalog, TODAY, 4, recurring=recurring)
    assert given["recurrence_share"][0] == pytest.approx(2 / 3)
    assert metrics.current_figures(catalog, TODAY, 4)["recurrence_share"][0] == \
        pytest.approx(1 / 3)


def test_most_recurrent_and_per_quarter_use_the_recurrences_given() -> None:
    catalog = fixture()
    recurring = {"INC-2025-0001": ("FM-0001",)}
    [only] = metrics.most_recurrent_failure_modes(catalog, recurring=recurring)
    assert (only.failure_mode, only.recurrences, only.teams) == ("FM-0001", 1, ("credit-risk",))
    assert metrics.recurrences_per_quarter(catalog, recurring=recurring).series[0].values == \
        (1, 0, 0, 0, 0, 0)


def test_metrics_scale_linearly() -> None:
    """Ten times the incidents must not take anywhere near a hundred times the work.

    Work is counted, not timed: the number of Python lines executed is the
    same on every run and every machine, while wall time on a shared CI
    machine is not (the timed version of this test failed under load). The
    benchmark (`benchmarks/run.py`) measures the time.
    """
    base = datetime(2020, 1, 1, tzinfo=UTC)

    def catalog_of(count: int) -> Catalog:
        return _with_incidents(*(
            _incident(i % 9999 + 1, base + timedelta(hours=7 * i), team=f"team-{i % 13}",
                      modes=(("FM-0001", "FM-0004", "FM-0099")[i % 3],))
            for i in range(count)))

    def lines_run(catalog: Catalog) -> int:
        count = 0

        def trace(frame: FrameType, event: str, arg: object) -> object:
            nonlocal count
            count += event == "line"
            return trace

        sys.settrace(trace)
        try:
            metrics.compute_metrics(catalog, TODAY)
        finally:
            sys.settrace(None)
        return count

    small, large = lines_run(catalog_of(400)), lines_run(catalog_of(4000))
    assert large < 15 * small, (small, large)


def test_the_severe_share_is_labelled_with_the_levels_that_page() -> None:
    targets = targets_file.TargetsFile.model_validate(
        {"window_quarters": 1, "targets": {"high_critical_share": {"at_most": 0.3}}})
    [result] = metrics.compare_with_targets(targets, {"high_critical_share": 0.5},
                                            severe=("severe", "critical", "catastrophic"))
    assert result.label == "Share of severe, critical and catastrophic incidents"
    [default] = metrics.compare_with_targets(targets, {"high_critical_share": 0.5})
    assert default.label == "Share of high and critical incidents"
