"""Prometheus alerting rules generated from the catalog's detectors.

A detector in an entry is the reviewed, documented version of an alert; the
rule file is derived from it so that the alert and its runbook cannot drift
apart. Every rule carries `runbook_url` pointing at the entry's `#detection`
section (and `mitigation_url` at `#mitigation`), so the engineer paged at
night lands on the explanation of the threshold and on the fix.

Decisions:

- One rule per detector, one group per cause category (`fmcat-<category>`),
  groups sorted by category and rules by failure-mode ID and detector order,
  so the file is stable and reviews show only real changes.
- `expr` reads the signal's `metric` (from `taxonomy.yml`) the way its
  `kind` says. A counter only grows, so compared raw it crosses a threshold
  once and stays over it forever; its detector means "this many more within
  the window": `increase(metric[window]) op threshold`. A gauge is a level,
  and its detector means "over the window, the level is past the
  threshold": `avg_over_time(metric[window]) op threshold`. The average, not
  the maximum or minimum: one noisy scrape (a small batch, an exporter
  restart) neither fires nor clears the alert, where `max_over_time` fires on
  one spike and then keeps firing for a whole window after recovery, and
  `min_over_time` (what `for: <window>` amounted to) lets one dip restart a
  day-long clock, so a drift rule waited for a day without a dip. The average is
  symmetric, so it serves `<` detectors (recall, acknowledgement rate) alike.
  The metric is expected to carry whatever labels the detector's `scope`
  describes (feature, tenant, model); the rule fires per series.
- `for:` is a debounce, not the window (the aggregation already covers the
  window): it only keeps one evaluation's glitch from notifying. Five
  minutes is five evaluations at Prometheus's default interval; it is at
  most a third of the window, so that a condition which lasts about one
  window (a counter's single rise stays in `increase(m[w])` for `w`) still
  outlasts the debounce and fires.
- Prometheus expands every label and annotation as a Go text/template, so
  contributed text (title, scope) would run there: `{{ with query "up" }}`
  runs PromQL, and text that is not a valid template makes the whole rule
  file fail to load. Every value is escaped to render exactly as written
  (`template_literal`).
- `log`-action detectors are left out by default. `log` means "record it for
  a periodic review, tell no one"; an alerting rule reaches Alertmanager and
  notifies unless someone routes it away, which is how alert fatigue starts
  (FM-0037). `include_log=True` keeps them, labelled `action: log`, for
  teams that route them to a review queue.
- Withdrawn failure modes are left out: their detectors were replaced.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from fmcat.core.catalog import Catalog
from fmcat.core.inert import break_legacy_command, escape_text
from fmcat.core.model import FAILURE_MODE, Detector, FailureMode, parse_duration
from fmcat.core.taxonomy import Signal
from fmcat.exports.documents import ExportError, stable_url

# libyaml's safe dumper writes the same text as PyYAML's, several times faster.
_BaseDumper: type[Any] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Dumper(_BaseDumper):  # type: ignore[misc]
    """The safe dumper, writing a string that holds `##[` double-quoted (see `_inert_yaml`)."""


def _represent_str(dumper: Any, value: str) -> Any:
    style = '"' if "##[" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)

OP_NAMES = {">": "gt", ">=": "ge", "<": "lt", "<=": "le"}

DEBOUNCE_SECONDS = 300
"""The longest `for:` of a rule; shorter windows get a third of their length."""

AGGREGATIONS = {"gauge": ("avg_over_time", "average"), "counter": ("increase", "increase")}
"""Per signal kind: the PromQL function over the window, and its word in a summary."""


@dataclass(frozen=True)
class RuleSet:
    """The rule groups, plus what was left out and why (for the file header)."""

    groups: list[dict[str, Any]]
    skipped_log: int
    rules: int


def promql_number(value: float) -> str:
    """A threshold as a PromQL literal, exactly: `0.25`, `60`, `1e-05`."""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def template_literal(text: str) -> str:
    """`text` as a Prometheus template that renders exactly `text`.

    Go's text/template has one delimiter, `{{`, and no raw block: text outside
    actions, `}}` included, is copied as is. So each `{{` becomes the action
    `{{ "{{" }}`, which prints two braces. Replacing left to right leaves no
    lone `{` just before an inserted `{{`, so no new delimiter can form.
    """
    return text.replace("{{", '{{ "{{" }}')


def prometheus_duration(seconds: int) -> str:
    """Whole seconds as a Prometheus duration: `20s`, `1m40s`, `5m`."""
    minutes, rest = divmod(seconds, 60)
    return (f"{minutes}m" if minutes else "") + (f"{rest}s" if rest or not minutes else "")


def debounce(window: str) -> str:
    """The rule's `for:`: a third of the window, at most five minutes."""
    third = int(parse_duration(window).total_seconds()) // 3
    return prometheus_duration(min(DEBOUNCE_SECONDS, third))


def alert_name(fm_id: str, detector: Detector) -> str:
    """A stable name from what the detector checks, e.g. `FM0001_psi_ge_0_25_1d`.

    Positions in the list can change when an author reorders detectors; the
    signal, operator, threshold and window identify the rule instead.
    """
    threshold = re.sub(r"[^0-9a-zA-Z]", "_", promql_number(detector.threshold))
    return (f"{fm_id.replace('-', '')}_{detector.signal}_{OP_NAMES[detector.op]}_"
            f"{threshold}_{detector.window}")


def alert_rules(catalog: Catalog, base_url: str | None = None, *,
                include_log: bool = False) -> RuleSet:
    """Every detector of every non-withdrawn failure mode as a Prometheus rule."""
    taxonomy = catalog.taxonomy
    if taxonomy is None:
        raise ExportError(f"{catalog.root}: taxonomy.yml is missing or invalid; "
                          "run `fmcat validate` for details")
    groups: dict[str, list[dict[str, Any]]] = {}
    skipped = 0
    for entry in sorted(catalog.failure_modes, key=lambda e: e.id):
        record = entry.record
        assert isinstance(record, FailureMode)
        if not record.is_listed:
            continue
        names: set[str] = set()
        for detector in record.detectors:
            if detector.action == "log" and not include_log:
                skipped += 1
                continue
            signal = taxonomy.signals.get(detector.signal)
            if signal is None:
                raise ExportError(f"{entry.path}: signal {detector.signal!r} is not in "
                                  "taxonomy.yml, so it has no metric; run `fmcat validate`")
            name = alert_name(record.id, detector)
            unique, number = name, 2
            while unique in names:  # same check with a different scope
                unique, number = f"{name}_{number}", number + 1
            names.add(unique)
            groups.setdefault(record.category, []).append(
                _rule(unique, record, detector, signal, base_url))
    ordered = [{"name": f"fmcat-{category}", "rules": rules}
               for category, rules in sorted(groups.items())]
    return RuleSet(ordered, skipped, sum(len(g["rules"]) for g in ordered))


def _rule(name: str, record: FailureMode, detector: Detector, signal: Signal,
          base_url: str | None) -> dict[str, Any]:
    threshold = promql_number(detector.threshold)
    function, word = AGGREGATIONS[signal.kind]
    condition = f"{detector.signal} {detector.op} {threshold} ({word} over {detector.window})"
    annotations = {
        "summary": f"{record.id} {record.title}: {condition}",
        "runbook_url": stable_url(FAILURE_MODE, record.id, "detection", base_url),
        "mitigation_url": stable_url(FAILURE_MODE, record.id, "mitigation", base_url),
    }
    if detector.scope:
        annotations["description"] = detector.scope
    labels = {
        "action": detector.action,
        "category": record.category,
        "failure_mode": record.id,
        "severity": detector.severity,
        "signal": detector.signal,
    }
    # Key order is the conventional one of Prometheus rule files.
    return {
        "alert": name,
        "expr": f"{function}({signal.metric}[{detector.window}]) {detector.op} {threshold}",
        "for": debounce(detector.window),
        "labels": {key: template_literal(value) for key, value in labels.items()},
        "annotations": {key: template_literal(value)
                        for key, value in sorted(annotations.items())},
    }


def render_prometheus(catalog: Catalog, base_url: str | None = None, *,
                      include_log: bool = False) -> str:
    """The rule file as YAML, with a header saying where it comes from."""
    rules = alert_rules(catalog, base_url, include_log=include_log)
    header = [
        "# Prometheus alerting rules generated by `fmcat export alerts` from",
        f"# {escape_text(catalog.settings.name)}. Do not edit: change the entry's "
        "detectors instead.",
        f"# {rules.rules} rules in {len(rules.groups)} groups. Counters are compared by their",
        "# increase() over the detector's window, gauges by their avg_over_time() over it;",
        "# `for:` is a short debounce, not the window.",
    ]
    if rules.skipped_log:
        header.append(f"# {rules.skipped_log} log-action detectors are not exported "
                      "(they record for review and notify no one; see --include-log).")
    # Keys keep the insertion order built above (sort_keys=False); lines are
    # never folded, so a changed scope shows as one changed line in review.
    body = yaml.dump({"groups": rules.groups}, Dumper=_Dumper, sort_keys=False,
                     allow_unicode=True, default_flow_style=False, width=1_000_000)
    return "\n".join(header) + "\n" + _inert_yaml(body)


def _inert_yaml(body: str) -> str:
    """The rule file with GitHub's legacy `##[` command form spelt `#\\x23[`.

    Rule files are printed and `cat` in CI logs, where the runner acts on
    `##[` anywhere in a line. YAML reads `\\x23` as `#` only inside a
    double-quoted scalar, so a line holding `##[` is rewritten only when it is
    a `key: "…"` line, which is how `_Dumper` writes every string holding
    `##[`; any other line is refused rather than printed unescaped.
    """
    lines = body.split("\n")
    for number, line in enumerate(lines):
        if "##[" not in line:
            continue
        key, sep, value = line.partition(": ")
        if not (sep and value.startswith('"') and value.endswith('"')):
            raise ExportError(f"line {number + 1} of the rule file holds '##[' outside a "
                              "double-quoted string; remove '##[' from the record's text")
        lines[number] = key + sep + break_legacy_command(value)
    return "\n".join(lines)
