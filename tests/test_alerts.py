"""Prometheus rules: parsed back and checked against every detector they come from."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from fmcat.alerts import alert_name, alert_rules, promql_number, render_prometheus
from fmcat.catalog import Catalog, load_catalog
from fmcat.model import Detector, FailureMode

from .conftest import FIXTURE, REPO

BASE = "https://catalog.example.com/"


def _rules(text: str) -> list[dict[str, Any]]:
    data = yaml.safe_load(text)
    assert set(data) == {"groups"}
    return [rule for group in data["groups"] for rule in group["rules"]]


def _detectors(catalog: Catalog, *, include_log: bool) -> list[tuple[FailureMode, Detector]]:
    found: list[tuple[FailureMode, Detector]] = []
    for entry in catalog.failure_modes:
        record = entry.record
        assert isinstance(record, FailureMode)
        if record.status == "withdrawn":
            continue
        found.extend((record, d) for d in record.detectors
                     if include_log or d.action != "log")
    return found


@pytest.fixture(scope="module")
def repo() -> Catalog:
    catalog = load_catalog(REPO)
    assert catalog.ok
    return catalog


@pytest.mark.parametrize("include_log", [False, True], ids=["default", "include-log"])
def test_one_rule_per_detector_matching_it(repo: Catalog, include_log: bool) -> None:
    rules = _rules(render_prometheus(repo, BASE, include_log=include_log))
    detectors = _detectors(repo, include_log=include_log)
    assert len(rules) == len(detectors)
    taxonomy = repo.taxonomy
    assert taxonomy is not None
    by_mode: dict[str, list[dict[str, Any]]] = {}
    for rule in rules:
        by_mode.setdefault(rule["labels"]["failure_mode"], []).append(rule)
    for record, detector in detectors:
        metric = taxonomy.signals[detector.signal].metric
        expected_expr = f"{metric} {detector.op} {promql_number(detector.threshold)}"
        candidates = [r for r in by_mode[record.id] if r["expr"] == expected_expr
                      and r["for"] == detector.window
                      and r["labels"]["severity"] == detector.severity]
        assert candidates, (record.id, detector)
        rule = candidates[0]
        assert rule["labels"]["failure_mode"] == record.id
        assert rule["labels"]["action"] == detector.action
        assert rule["labels"]["signal"] == detector.signal
        assert rule["annotations"]["runbook_url"] == \
            f"{BASE}failure-modes/{record.id}/#detection"
        assert rule["annotations"]["mitigation_url"] == \
            f"{BASE}failure-modes/{record.id}/#mitigation"
        assert record.id in rule["annotations"]["summary"]
        assert list(rule) == ["alert", "expr", "for", "labels", "annotations"]


def test_log_detectors_are_left_out_by_default_and_counted(repo: Catalog) -> None:
    every = _detectors(repo, include_log=True)
    logged = [d for _, d in every if d.action == "log"]
    assert logged, "the starter catalog has log-action detectors"
    result = alert_rules(repo, BASE)
    assert result.skipped_log == len(logged)
    assert result.rules == len(every) - len(logged)
    text = render_prometheus(repo, BASE)
    assert f"# {len(logged)} log-action detectors are not exported" in text
    assert all(r["labels"]["action"] != "log" for r in _rules(text))


def test_groups_follow_cause_categories_in_order(repo: Catalog) -> None:
    groups = yaml.safe_load(render_prometheus(repo, BASE))["groups"]
    names = [g["name"] for g in groups]
    assert names == sorted(names)
    assert len(names) == len(set(names))
    for group in groups:
        category = group["name"].removeprefix("fmcat-")
        assert {r["labels"]["category"] for r in group["rules"]} == {category}
        ids = [r["labels"]["failure_mode"] for r in group["rules"]]
        assert ids == sorted(ids)


def test_alert_names_are_unique_and_metric_safe(repo: Catalog) -> None:
    names = [r["alert"] for r in _rules(render_prometheus(repo, BASE, include_log=True))]
    assert len(names) == len(set(names))
    for name in names:
        assert name.replace("_", "").isalnum()
    detector = Detector(signal="psi", op=">=", threshold=0.25, window="1d",
                        severity="high", action="alert")
    assert alert_name("FM-0001", detector) == "FM0001_psi_ge_0_25_1d"


def test_withdrawn_entries_export_no_rules(tmp_path: Path) -> None:
    root = tmp_path / "catalog"
    shutil.copytree(FIXTURE, root)
    path = root / "entries" / "FM-0003-withdrawn-duplicate.md"
    text = path.read_text(encoding="utf-8").replace(
        "business_impact:", 'detectors:\n  - {signal: psi, op: ">=", threshold: 0.5, window: 1d, '
        "severity: high, action: page}\nbusiness_impact:", 1)
    path.write_text(text, encoding="utf-8")
    catalog = load_catalog(root)
    assert catalog.ok
    withdrawn = catalog.entries["FM-0003"].record
    assert isinstance(withdrawn, FailureMode) and withdrawn.detectors
    rules = _rules(render_prometheus(catalog, BASE))
    assert {r["labels"]["failure_mode"] for r in rules} == {"FM-0001", "FM-0002"}


def test_fixture_rules_exactly() -> None:
    rules = _rules(render_prometheus(load_catalog(FIXTURE), "https://c.example.com/sub"))
    assert [(r["alert"], r["expr"], r["for"]) for r in rules] == [
        ("FM0001_psi_ge_0_25_1d", "fmcat_feature_psi >= 0.25", "1d"),
        ("FM0002_positive_rate_gt_0_2_1d", "fmcat_positive_rate > 0.2", "1d"),
    ]
    assert rules[1]["annotations"]["runbook_url"] == \
        "https://c.example.com/sub/failure-modes/FM-0002/#detection"
    assert rules[0]["annotations"]["description"].startswith("Top-20 features")
    assert "description" not in rules[1]["annotations"]


def test_output_is_stable(repo: Catalog) -> None:
    assert render_prometheus(repo, BASE) == render_prometheus(load_catalog(REPO), BASE)


@pytest.mark.parametrize(("value", "text"), [
    (0.25, "0.25"), (60.0, "60"), (1e-05, "1e-05"), (0.1, "0.1"), (1620.0, "1620"),
    (-3.0, "-3"), (1e20, "1e+20"),
])
def test_thresholds_are_exact_promql_numbers(value: float, text: str) -> None:
    assert promql_number(value) == text
    assert float(text) == value


@pytest.mark.skipif(shutil.which("promtool") is None, reason="promtool is not installed")
def test_promtool_accepts_the_rules(repo: Catalog, tmp_path: Path) -> None:
    path = tmp_path / "rules.yml"
    path.write_text(render_prometheus(repo, BASE, include_log=True), encoding="utf-8")
    result = subprocess.run(["promtool", "check", "rules", str(path)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
