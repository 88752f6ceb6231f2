"""Prometheus rules: parsed back, checked against every detector they come from,
and run by `promtool test rules` on synthetic series."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from fmcat.core.catalog import Catalog
from fmcat.core.findings import has_errors
from fmcat.core.load import load_catalog
from fmcat.core.model import Detector, FailureMode, parse_duration
from fmcat.core.taxonomy import load_taxonomy
from fmcat.exports.alerts import (
    alert_name,
    alert_rules,
    promql_number,
    render_prometheus,
    template_literal,
)
from tests.conftest import FIXTURE, REPO

BASE = "https://catalog.example.com/"
PROMTOOL = shutil.which("promtool")


@pytest.fixture(scope="session")
def promtool() -> str:
    """promtool: skipped locally if absent, fatal in CI (`.ci/run` installs it)."""
    if PROMTOOL is None:
        if os.environ.get("CI"):
            pytest.fail("promtool not found; .ci/run installs Debian's prometheus package")
        pytest.skip("promtool is not installed")
    return PROMTOOL


def _promtool(promtool: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([promtool, *args], capture_output=True, text=True, check=False,
                          cwd=cwd, timeout=900)


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


def _expected_expr(catalog: Catalog, detector: Detector) -> str:
    """What the detector says, as PromQL, written out independently of alerts.py."""
    taxonomy = catalog.taxonomy
    assert taxonomy is not None
    signal = taxonomy.signals[detector.signal]
    function = "increase" if signal.kind == "counter" else "avg_over_time"
    return (f"{function}({signal.metric}[{detector.window}]) {detector.op} "
            f"{promql_number(detector.threshold)}")


def _seconds(duration: str) -> int:
    """A Prometheus duration such as `1m40s` or `1d` in seconds."""
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
    parts = re.findall(r"(\d+)([smhdw])", duration)
    assert "".join(n + u for n, u in parts) == duration, duration
    return sum(int(n) * units[u] for n, u in parts)


@pytest.fixture(scope="module")
def repo() -> Catalog:
    catalog = load_catalog(REPO)
    assert not has_errors(catalog.findings)
    return catalog


@pytest.mark.parametrize("include_log", [False, True], ids=["default", "include-log"])
def test_one_rule_per_detector_matching_it(repo: Catalog, include_log: bool) -> None:
    rules = _rules(render_prometheus(repo, BASE, include_log=include_log))
    detectors = _detectors(repo, include_log=include_log)
    assert len(rules) == len(detectors)
    by_mode: dict[str, list[dict[str, Any]]] = {}
    for rule in rules:
        by_mode.setdefault(rule["labels"]["failure_mode"], []).append(rule)
    for record, detector in detectors:
        candidates = [r for r in by_mode[record.id]
                      if r["expr"] == _expected_expr(repo, detector)
                      and r["labels"]["severity"] == detector.severity]
        assert candidates, (record.id, detector)
        rule = candidates[0]
        assert _seconds(rule["for"]) == min(300, _seconds(detector.window) // 3)
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


def test_withdrawn_entries_export_no_rules(root: Path) -> None:
    path = root / "entries" / "FM-0003-withdrawn-duplicate.md"
    text = path.read_text(encoding="utf-8").replace(
        "business_impact:", 'detectors:\n  - {signal: psi, op: ">=", threshold: 0.5, window: 1d, '
        "severity: high, action: page}\nbusiness_impact:", 1)
    path.write_text(text, encoding="utf-8")
    catalog = load_catalog(root)
    assert not has_errors(catalog.findings)
    withdrawn = catalog.entries["FM-0003"].record
    assert isinstance(withdrawn, FailureMode) and withdrawn.detectors
    rules = _rules(render_prometheus(catalog, BASE))
    assert {r["labels"]["failure_mode"] for r in rules} == {"FM-0001", "FM-0002"}


def test_fixture_rules_exactly() -> None:
    rules = _rules(render_prometheus(load_catalog(FIXTURE), "https://c.example.com/sub"))
    assert [(r["alert"], r["expr"], r["for"]) for r in rules] == [
        ("FM0001_psi_ge_0_25_1d", "avg_over_time(fmcat_feature_psi[1d]) >= 0.25", "5m"),
        ("FM0002_positive_rate_gt_0_2_1d", "avg_over_time(fmcat_positive_rate[1d]) > 0.2", "5m"),
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


COUNTER_DETECTOR = ('  - {signal: schema_violations, op: ">=", threshold: 1, window: 1h, '
                    "severity: high, action: page, scope: Rows the ingestion contract rejects.}\n")


def _add_counter_detector(root: Path) -> None:
    """The fixture has gauge detectors only; give FM-0002 a counter one."""
    path = root / "entries" / "FM-0002-prior-shift.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("detectors:\n", "detectors:\n" + COUNTER_DETECTOR, 1),
                    encoding="utf-8")


def test_a_counter_rule_compares_its_increase_over_the_window(root: Path) -> None:
    _add_counter_detector(root)
    rules = {r["alert"]: r for r in _rules(render_prometheus(load_catalog(root), BASE))}
    rule = rules["FM0002_schema_violations_ge_1_1h"]
    assert rule["expr"] == "increase(fmcat_schema_violations_total[1h]) >= 1"
    assert rule["for"] == "5m"
    assert "increase over 1h" in rule["annotations"]["summary"]


def test_a_gauge_rule_compares_its_average_over_the_window() -> None:
    rules = {r["alert"]: r for r in _rules(render_prometheus(load_catalog(FIXTURE), BASE))}
    rule = rules["FM0001_psi_ge_0_25_1d"]
    assert rule["expr"] == "avg_over_time(fmcat_feature_psi[1d]) >= 0.25"
    assert "average over 1d" in rule["annotations"]["summary"]


@pytest.mark.parametrize(("window", "debounce"), [
    ("1m", "20s"), ("5m", "1m40s"), ("10m", "3m20s"), ("15m", "5m"), ("1h", "5m"),
    ("1d", "5m"), ("2w", "5m"),
])
def test_for_is_a_short_debounce_not_the_window(root: Path, window: str,
                                                debounce: str) -> None:
    path = root / "entries" / "FM-0001-covariate-shift.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("window: 1d", f"window: {window}", 1), encoding="utf-8")
    rule = _rules(render_prometheus(load_catalog(root), BASE))[0]
    assert rule["expr"] == f"avg_over_time(fmcat_feature_psi[{window}]) >= 0.25"
    assert rule["for"] == debounce


def _set_signal(root: Path, name: str, *, kind: str | None, metric: str | None = None) -> str:
    """Rewrite one signal of the taxonomy; returns the new text."""
    path = root / "taxonomy.yml"
    text = path.read_text(encoding="utf-8")
    block = re.search(rf"^  {name}:\n(?:    .*\n)+", text, re.MULTILINE)
    assert block is not None
    lines = [line for line in block.group(0).splitlines(keepends=True)
             if not line.startswith("    kind:")]
    if metric is not None:
        lines = [f"    metric: {metric}\n" if line.startswith("    metric:") else line
                 for line in lines]
    if kind is not None:
        lines.append(f"    kind: {kind}\n")
    text = text[:block.start()] + "".join(lines) + text[block.end():]
    path.write_text(text, encoding="utf-8")
    return text


def _line_of(text: str, line: str, after: str) -> int:
    """1-based number of the first line equal to `line` after the line `after`."""
    lines = text.splitlines()
    start = lines.index(after)
    return lines.index(line, start) + 1


@pytest.mark.parametrize("path", [REPO, FIXTURE], ids=["repo", "fixture"])
def test_every_signal_declares_its_kind(path: Path) -> None:
    taxonomy, findings = load_taxonomy(path)
    assert findings == []
    assert taxonomy is not None
    kinds = {name: signal.kind for name, signal in taxonomy.signals.items()}
    assert set(kinds.values()) == {"gauge", "counter"}
    for name, signal in taxonomy.signals.items():
        assert (signal.kind == "counter") == signal.metric.endswith("_total"), name


def test_a_signal_without_kind_is_a_finding_on_its_line(root: Path) -> None:
    text = _set_signal(root, "psi", kind=None)
    taxonomy, findings = load_taxonomy(root)
    assert taxonomy is None
    assert [(f.code, f.file, f.field) for f in findings] == [
        ("FMC031", "taxonomy.yml", "signals.psi.kind")]
    assert findings[0].line == _line_of(text, "  psi:", "signals:")
    assert "gauge" in findings[0].hint and "counter" in findings[0].hint


def test_a_bad_kind_is_a_finding_on_its_line(root: Path) -> None:
    text = _set_signal(root, "psi", kind="countr")
    taxonomy, findings = load_taxonomy(root)
    assert taxonomy is None
    assert [(f.code, f.field) for f in findings] == [("FMC031", "signals.psi.kind")]
    assert findings[0].line == _line_of(text, "    kind: countr", "  psi:")
    assert "'gauge' or 'counter'" in findings[0].message
    assert "counter" in findings[0].hint


@pytest.mark.parametrize(("name", "kind", "metric"), [
    ("psi", "counter", None),
    ("schema_violations", "gauge", None),
    ("schema_violations", "counter", "fmcat_schema_violations"),
])
def test_a_kind_that_contradicts_the_metric_name_is_a_warning(
        root: Path, name: str, kind: str, metric: str | None) -> None:
    text = _set_signal(root, name, kind=kind, metric=metric)
    taxonomy, findings = load_taxonomy(root)
    assert taxonomy is not None
    assert [(f.code, f.field, f.severity.value) for f in findings] == [
        ("FMC032", f"signals.{name}.kind", "warning")]
    assert findings[0].line == _line_of(text, f"    kind: {kind}", f"  {name}:")
    assert "_total" in findings[0].message


@dataclass(frozen=True)
class Timeline:
    """Synthetic series of one signal, one sample per `step` seconds from 0,
    and the cases (series) on which the alert must be firing at given times."""

    step: int
    series: dict[str, tuple[float, ...]]
    checks: tuple[tuple[int, frozenset[str]], ...]


def _timeline(kind: str, op: str, threshold: float, window: str, debounce: int) -> Timeline:
    """Series in which the alert must fire and in which it must not, built from
    what the entry says (`signal op threshold` over `window`), not from the rule.

    Twelve samples per window. For a gauge, `on` satisfies the condition and
    `off` does not, far enough apart that one sample cannot move a window
    average across the threshold: a window with one dip still fires, a calm
    window with one spike does not. For a counter, one rise long ago must not
    fire now; a recent rise fires once the debounce has passed, and clears a
    window later.
    """
    width = int(parse_duration(window).total_seconds())
    step, n = width // 12, 12
    size = abs(threshold) or 1.0
    rising = op in {">", ">="}
    nothing: frozenset[str] = frozenset()
    if kind == "gauge":
        on = threshold + size if rising else threshold - size / 2
        off = threshold - size / 2 if rising else threshold + size
        dip = [on] * (2 * n + 1)
        dip[-3] = off
        spike = [off] * (2 * n + 1)
        spike[-3] = on
        return Timeline(step, {"dip": tuple(dip), "spike": tuple(spike)},
                        ((0, nothing), (2 * width, frozenset({"dip"}))))
    if rising:
        jump = threshold + size
        rose = 2 * n + 1
        return Timeline(step, {"long-ago": (0.0,) * 2 + (jump,) * (4 * n - 1),
                               "recent": (0.0,) * rose + (jump,) * (2 * n)},
                        ((rose * step, nothing),
                         (rose * step + debounce + 2 * step, frozenset({"recent"})),
                         (4 * n * step, nothing)))
    rate = 2 * (threshold + size) / n  # per step: twice the threshold per window
    fires = frozenset({"flat"}) if threshold > 0 or op == "<=" else nothing
    return Timeline(step, {"flat": (5.0,) * (3 * n + 1),
                           "steady": tuple(rate * i for i in range(3 * n + 1))},
                    ((3 * n * step, fires),))


def _as_rendered(value: str) -> str:
    """What Prometheus shows for a label or annotation written by the export."""
    return value.replace('{{ "{{" }}', "{{")


def _write_rule_tests(catalog: Catalog, rules_text: str, out: Path) -> list[str]:
    """One rule file and one `promtool test rules` file per exported rule.

    A file per rule keeps each test's evaluation to its own rule, and rules
    are evaluated once per sample (a twelfth of the window), so weeks of
    synthetic time stay fast; the rule is copied unchanged from the export.
    A `for:` shorter than that step still holds the alert pending for one
    evaluation, which the checks at the moment a counter rises rely on.
    """
    taxonomy = catalog.taxonomy
    assert taxonomy is not None
    by_name = {alert_name(r.id, d): d for r, d in _detectors(catalog, include_log=True)}
    names = []
    for group in yaml.safe_load(rules_text)["groups"]:
        for number, rule in enumerate(group["rules"]):
            detector = by_name[re.sub(r"_\d+$", "", rule["alert"])]
            signal = taxonomy.signals[detector.signal]
            stem = f"{group['name']}-{number}"
            (out / f"{stem}.rules.yml").write_text(yaml.safe_dump(
                {"groups": [{"name": group["name"], "rules": [rule]}]}, sort_keys=False),
                encoding="utf-8")
            timeline = _timeline(signal.kind, detector.op, detector.threshold,
                                 detector.window, _seconds(rule["for"]))
            labels = {k: _as_rendered(v) for k, v in rule["labels"].items()}
            annotations = {k: _as_rendered(v) for k, v in rule["annotations"].items()}
            test = {
                "interval": f"{timeline.step}s",
                "input_series": [
                    {"series": f'{signal.metric}{{case="{case}"}}',
                     "values": " ".join(repr(v) for v in values)}
                    for case, values in timeline.series.items()],
                "alert_rule_test": [{
                    "eval_time": f"{at}s",
                    "alertname": rule["alert"],
                    "exp_alerts": [{"exp_labels": {**labels, "case": case},
                                    "exp_annotations": annotations}
                                   for case in sorted(firing)],
                } for at, firing in timeline.checks],
            }
            (out / f"{stem}.test.yml").write_text(yaml.safe_dump({
                "rule_files": [f"{stem}.rules.yml"],
                "evaluation_interval": f"{timeline.step}s",
                "tests": [test]}, sort_keys=False, allow_unicode=True), encoding="utf-8")
            names.append(f"{stem}.test.yml")
    return names


def _assert_rules_behave(promtool: str, catalog: Catalog, out: Path) -> None:
    out.mkdir()
    text = render_prometheus(catalog, BASE, include_log=True)
    (out / "rules.yml").write_text(text, encoding="utf-8")
    checked = _promtool(promtool, "check", "rules", "rules.yml", cwd=out)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    tests = _write_rule_tests(catalog, text, out)
    assert len(tests) == len(_rules(text))
    result = _promtool(promtool, "test", "rules", *tests, cwd=out)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-6000:]


def test_promtool_accepts_the_repository_rules(promtool: str, repo: Catalog,
                                               tmp_path: Path) -> None:
    path = tmp_path / "rules.yml"
    path.write_text(render_prometheus(repo, BASE, include_log=True), encoding="utf-8")
    result = _promtool(promtool, "check", "rules", str(path), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_fixture_rules_fire_when_the_entry_says(promtool: str, root: Path,
                                               tmp_path: Path) -> None:
    """A gauge with one dip in its window still fires, one spike does not; a
    counter that rose long ago stays quiet, a fresh rise fires after the debounce."""
    _add_counter_detector(root)
    catalog = load_catalog(root)
    assert not has_errors(catalog.findings)
    taxonomy = catalog.taxonomy
    assert taxonomy is not None
    kinds = {taxonomy.signals[d.signal].kind for _, d in _detectors(catalog, include_log=True)}
    assert kinds == {"gauge", "counter"}
    _assert_rules_behave(promtool, catalog, tmp_path / "promtool")


def test_repository_rules_fire_when_the_entry_says(promtool: str, repo: Catalog,
                                                  tmp_path: Path) -> None:
    _assert_rules_behave(promtool, repo, tmp_path / "promtool")


HOSTILE = ('{{ with query "up" }}{{ . }}{{ end }} {{ 7*7 }} {{ {{/* `tick` '
           "\"double\" 'single' }} }}{ {{{ $value $labels.x {{- -}} {{ \"{{\" }}")


def _yaml_scalar(value: str) -> str:
    return yaml.safe_dump(value, width=1000).removesuffix("\n...\n").strip()


@pytest.mark.parametrize(("title", "scope"), [
    ('Shift {{ 7*7 }} {{ with query "up" }}{{ . }}{{ end }} `x` "q" {{/*', HOSTILE),
    ('Shift {{ with query "up" }}{{ . }}{{ end }} here',
     '{{ with query "up" }}{{ . | first | value }}{{ end }} `tick` "double" }}'),
], ids=["breaks-the-template", "runs-a-query"])
def test_record_text_is_shown_literally_by_prometheus(promtool: str, root: Path, tmp_path: Path,
                                                      title: str, scope: str) -> None:
    """Title, scope and summary are contributed text: Prometheus's template engine
    must show them as written, never run them (`query` runs PromQL) or fail on them."""
    path = root / "entries" / "FM-0001-covariate-shift.md"
    text = path.read_text(encoding="utf-8")
    text = text.replace("title: Covariate shift in input features",
                        f"title: {_yaml_scalar(title)}", 1)
    text = text.replace("scope: Top-20 features against the training reference.",
                        f"scope: {_yaml_scalar(scope)}", 1)
    text = re.sub(r"^summary: >-\n(?:  .*\n)+", f"summary: {_yaml_scalar(scope)}\n",
                  text, count=1, flags=re.MULTILINE)
    path.write_text(text, encoding="utf-8")
    catalog = load_catalog(root)
    assert not has_errors(catalog.findings), catalog.findings
    record = catalog.entries["FM-0001"].record
    assert (record.title, record.summary) == (title, scope)
    out = tmp_path / "hostile"
    out.mkdir()
    rules = render_prometheus(catalog, BASE)
    (out / "rules.yml").write_text(rules, encoding="utf-8")
    checked = _promtool(promtool, "check", "rules", "rules.yml", cwd=out)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    (out / "test.yml").write_text(yaml.safe_dump({
        "rule_files": ["rules.yml"],
        "evaluation_interval": "5m",
        "tests": [{
            "interval": "5m",
            "input_series": [{"series": 'fmcat_feature_psi{case="hostile"}',
                              "values": "0.5x600"},
                             {"series": 'up{job="x"}', "values": "1x600"}],
            "alert_rule_test": [{
                "eval_time": "2d",
                "alertname": _rules(rules)[0]["alert"],
                "exp_alerts": [{
                    "exp_labels": {"action": "alert", "case": "hostile",
                                   "category": "distribution-shift", "failure_mode": "FM-0001",
                                   "severity": "high", "signal": "psi"},
                    "exp_annotations": {
                        "description": scope,
                        "mitigation_url": f"{BASE}failure-modes/FM-0001/#mitigation",
                        "runbook_url": f"{BASE}failure-modes/FM-0001/#detection",
                        "summary": f"FM-0001 {title}: psi >= 0.25 (average over 1d)",
                    }}],
            }],
        }],
    }, sort_keys=False, allow_unicode=True), encoding="utf-8")
    result = _promtool(promtool, "test", "rules", "test.yml", cwd=out)
    assert result.returncode == 0, result.stdout + result.stderr


def test_template_literal_leaves_no_delimiter_of_its_own() -> None:
    """Scanned as Go's lexer does (the leftmost `{{` opens an action), every
    action in the escaped text is one of ours, whatever braces surround it."""
    ours = '{{ "{{" }}'
    for text in ["{", "{{", "{{{", "{{{{{", "{ {{", "}}{{", ours, "a{{{b}}}", HOSTILE]:
        escaped = template_literal(text)
        assert _as_rendered(escaped) == text
        start = escaped.find("{{")
        while start != -1:
            assert escaped.startswith(ours, start), (text, escaped)
            start = escaped.find("{{", start + len(ours))
