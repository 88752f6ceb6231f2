"""Game-day scripts: rehearse one failure mode end to end before it happens for real.

A catalog entry already holds everything a drill needs: how to trigger the
failure (Reproduction), what should notice it (detectors), what to do
(playbook steps, fallback, escalation) and how to undo it (rollback). The
script assembles them in the order a game day runs, turns the thresholds and
`time_to_remediate` values into success criteria that can be ticked off, and
links every part to its stable URL so the write-up can cite it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from fmcat.analysis.metrics import median
from fmcat.core import body
from fmcat.core.catalog import Catalog, Entry
from fmcat.core.inert import escape_text
from fmcat.core.model import FailureMode, Playbook, parse_duration
from fmcat.core.text import duration_text, plural
from fmcat.core.urls import record_url
from fmcat.exports.documents import site_url

NOTIFYING_ACTIONS = ("alert", "page", "auto-rollback")
"""Detector actions that tell a human or a system; `log` only records."""

TIME_BOUND_KINDS = ("respond", "recover")
"""Playbook kinds whose time to remediate is a drill criterion; prevent and
detect playbooks are checked for being in place instead."""


class DrillError(Exception):
    """No drill can be written for this ID (unknown, not a failure mode, withdrawn)."""


class _Url(Protocol):
    """The URL helper: record ID and optional anchor → stable URL."""

    def __call__(self, record_id: str, anchor: str = "") -> str: ...


@dataclass(frozen=True)
class _ResolvedMitigation:
    """One of the entry's mitigations, with the playbook it cites (None if not in the catalog)."""

    kind: str
    use: str
    playbook: Playbook | None
    cited: str


def drill_script(catalog: Catalog, fm_id: str, base_url: str | None = None) -> str:
    """A Markdown game-day script for one failure mode.

    Aliases of merged entries resolve to the entry they were merged into. The
    output depends only on the catalog (no dates), so it can be committed
    next to a game-day plan and regenerated.
    """
    entry = _failure_mode(catalog, fm_id)
    record = entry.record
    assert isinstance(record, FailureMode)
    taxonomy = catalog.taxonomy
    signals = taxonomy.signals if taxonomy else {}

    def url(record_id: str, anchor: str = "") -> str:
        target = site_url(record_url(record_id), base_url)
        return f"{target}#{anchor}" if anchor else target

    mitigations = [_ResolvedMitigation(m.kind, m.use, _playbook(catalog, m.playbook), m.playbook)
             for m in record.mitigations]
    lines = [f"# Game day: {record.id} {escape_text(record.title)}", ""]
    if fm_id != record.id:
        lines += [f"{fm_id} was merged into {record.id}; this drill is for {record.id}.", ""]
    lines += [
        f"- Entry: {url(record.id)} (severity {record.severity}, status {record.status})",
        f"- Reproduction: {url(record.id, 'reproduction')}",
        f"- Detection: {url(record.id, 'detection')}",
        f"- Mitigation: {url(record.id, 'mitigation')}",
        f"- Stewards: {escape_text(', '.join(record.stewards))}",
        "",
        "Run it in staging or on a replay first. Agree beforehand who may stop the drill, and "
        "tell the on-call rotation which alerts it will raise.",
        "",
        "## 1. Induce the failure",
        "",
        _reproduction(entry, catalog, url),
        "",
        "Note the time the failure is induced: it starts the clock for time to detect.",
        "",
    ]
    lines += _detection(record, signals, url)
    lines += _response(mitigations, url)
    lines += _criteria(record, mitigations, catalog)
    lines += _restore(mitigations)
    lines += _record_sheet(record, url)
    # Single-line values are escaped where they are written, so a line break in
    # a title shows as `\n`; this pass covers the Markdown body, whose lines are
    # kept but cannot become workflow commands when the script is printed.
    text = "\n".join(lines).rstrip()
    return "\n".join(escape_text(line) for line in text.split("\n")) + "\n"


def drill_inputs(catalog: Catalog, fm_id: str) -> list[str]:
    """Everything `drill_script` reads for one failure mode, besides the taxonomy
    and the base URL: the entry (record and body), the playbooks it cites,
    and the incidents that cite it. With `resolution_inputs` (its
    Reproduction may link any record), a preview compares these across
    saves to skip making drills that cannot have changed.
    """
    entry = _failure_mode(catalog, fm_id)
    record = entry.record
    assert isinstance(record, FailureMode)
    playbooks = [_playbook(catalog, m.playbook) for m in record.mitigations]
    incidents = [catalog.incidents[i].record for i in catalog.cited_by_incidents.get(record.id, [])
                 if i in catalog.incidents]
    return [fm_id, record.model_dump_json(), entry.doc.body, str(entry.doc.body_line),
            *(p.model_dump_json() if p else "-" for p in playbooks), "|",
            *(i.model_dump_json() for i in incidents)]


def resolution_inputs(catalog: Catalog) -> str:
    """Which record each ID and alias names: part of every drill's inputs
    (see `drill_inputs`), made once per catalog by the caller."""
    return repr((sorted(catalog.entries), sorted(catalog.aliases.items())))


def _failure_mode(catalog: Catalog, fm_id: str) -> Entry:
    entry = catalog.resolve(fm_id)
    if entry is None:
        raise DrillError(f"{fm_id} is not in the catalog")
    record = entry.record
    if not isinstance(record, FailureMode):
        raise DrillError(f"{fm_id} is a {entry.kind.label.lower()}, not a failure mode")
    if not record.is_listed:
        successor = f"; drill {record.superseded_by} instead" if record.superseded_by else ""
        raise DrillError(f"{record.id} is withdrawn{successor}")
    return entry


def _playbook(catalog: Catalog, playbook_id: str) -> Playbook | None:
    found = catalog.resolve(playbook_id)
    return found.record if found and isinstance(found.record, Playbook) else None


def _reproduction(entry: Entry, catalog: Catalog, url: _Url) -> str:
    doc = entry.doc
    section = body.sections(doc.body, doc.body_line).get("reproduction")
    text = section[1] if section else ""
    if not text:
        return ("The entry has no Reproduction section yet: write the steps that trigger "
                "the failure before running this drill.")

    def resolve(record_id: str, anchor: str) -> str | None:
        target = catalog.resolve(record_id)
        return url(target.id, anchor) if target else None

    text = body.rewrite_for_site(text, {}, resolve)
    if not body.count_numbered_steps(text):
        text += "\n\n(The reproduction has no numbered steps; agree on them before the drill.)"
    return text


def _detection(record: FailureMode, signals: Mapping[str, object], url: _Url) -> list[str]:
    lines = ["## 2. Expected detection", ""]
    if not record.detectors:
        return [*lines, "The entry has no detectors: the drill measures how the failure is "
                "noticed without them, and the result is a reason to add one.", ""]
    lines += ["| Signal | Metric | Fires when | Within | Severity | Action | Scope |",
              "| --- | --- | --- | --- | --- | --- | --- |"]
    for detector in record.detectors:
        metric = getattr(signals.get(detector.signal), "metric", "")
        lines.append(
            f"| {detector.signal} | {f'`{metric}`' if metric else ''} | "
            f"{detector.signal} {detector.op} {detector.threshold:g} | "
            f"{duration_text(detector.window)} | {detector.severity} | {detector.action} | "
            f"{_cell(detector.scope)} |")
    lines.append("")
    target = _detect_target(record)
    if target:
        lines.append(f"Each detector that notifies ({', '.join(NOTIFYING_ACTIONS)}) should fire "
                     "within its window once the induced condition crosses its threshold; "
                     f"the first should fire within {target}.")
    else:
        lines.append("Every detector of this entry only logs: check the log entries appear, "
                     "and record how a human would have noticed.")
    if any(d.action == "log" for d in record.detectors):
        lines.append("`log` detectors notify no one: check that they recorded the value.")
    lines += ["", f"Why these thresholds: {url(record.id, 'detection')}", ""]
    return lines


def _cell(text: str) -> str:
    return escape_text(" ".join(text.split())).replace("|", "\\|")


def _detect_target(record: FailureMode) -> str:
    windows = [d.window for d in record.detectors if d.action in NOTIFYING_ACTIONS]
    return duration_text(min(windows, key=parse_duration)) if windows else ""


def _response(mitigations: list[_ResolvedMitigation], url: _Url) -> list[str]:
    lines = ["## 3. Respond: playbook steps to exercise", ""]
    if not mitigations:
        return [*lines, "The entry names no playbook: record what the responders did; the "
                "drill write-up is the first draft of one.", ""]
    for mitigation in _ordered(mitigations):
        playbook = mitigation.playbook
        if playbook is None:
            cited = escape_text(mitigation.cited)
            lines += [f"### {cited} ({mitigation.kind})", "",
                      f"{cited} is not in the catalog.", ""]
            continue
        lines += [
            f"### {playbook.id} {escape_text(playbook.title)} ({mitigation.kind})",
            "",
            f"- Playbook: {url(playbook.id)}",
            f"- Owner: {escape_text(playbook.owner)}; time to remediate: "
            f"{duration_text(playbook.time_to_remediate)}",
            f"- Use here: {escape_text(mitigation.use)}",
            "",
        ]
        lines += [f"- [ ] {escape_text(text)}" for text in playbook.steps]
        lines += [
            "",
            f"Fallback, if the first remedy fails: {escape_text(playbook.fallback)}",
            "",
            f"Escalation: to {escape_text(playbook.escalation.to)} after "
            f"{duration_text(playbook.escalation.after)}. "
            f"When: {escape_text(playbook.escalation.when)}",
            "",
        ]
    return lines


def _ordered(mitigations: list[_ResolvedMitigation]) -> list[_ResolvedMitigation]:
    order = {"detect": 0, "respond": 1, "recover": 2, "prevent": 3}
    return sorted(mitigations, key=lambda m: order.get(m.kind, 9))


def _criteria(record: FailureMode, mitigations: list[_ResolvedMitigation],
              catalog: Catalog) -> list[str]:
    lines = ["## 4. Success criteria", ""]
    target = _detect_target(record)
    if target:
        lines.append(f"- [ ] Time to detect (induced → first notifying detector fired) is at "
                     f"most {target}.")
    for detector in record.detectors:
        if detector.action in NOTIFYING_ACTIONS:
            lines.append(f"- [ ] `{detector.signal} {detector.op} {detector.threshold:g}` fired "
                         f"within {duration_text(detector.window)} and its {detector.action} "
                         "reached the right people or system.")
    for mitigation in _ordered(mitigations):
        playbook = mitigation.playbook
        if playbook is None:
            continue
        if mitigation.kind in TIME_BOUND_KINDS:
            lines.append(f"- [ ] {playbook.id} was carried out by "
                         f"{escape_text(playbook.owner)} within "
                         f"{duration_text(playbook.time_to_remediate)} of detection "
                         "(its time to remediate).")
        else:
            lines.append(f"- [ ] {playbook.id} ({mitigation.kind}) is in place: its "
                         "steps above were checked, not assumed.")
    lines.append("- [ ] Each fallback was either exercised or its preconditions were checked.")
    history = _history(record, catalog)
    if history:
        lines += ["", history]
    lines.append("")
    return lines


def _history(record: FailureMode, catalog: Catalog) -> str:
    """What the incident log says, as a baseline the drill should beat."""
    cited = catalog.cited_by_incidents.get(record.id, [])
    incidents = [catalog.incidents[i].record for i in cited if i in catalog.incidents]
    if not incidents:
        return ""
    parts = [f"The incident log cites {record.id} in {plural(len(incidents), 'incident')}"]
    detect = [t.total_seconds() for t in (i.time_to_detect for i in incidents) if t is not None]
    mitigate = [t.total_seconds() for t in (i.time_to_mitigate for i in incidents)
                if t is not None]
    # The site's one median (nearest rank), so the drill and the pages agree.
    for label, values in (("detect", median(detect)), ("mitigate", median(mitigate))):
        if values is not None:
            parts.append(f"median time to {label} {_span(values)}")
    return ", ".join(parts) + "."


def _span(seconds: float) -> str:
    minutes = round(seconds / 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [f"{days} d"] if days else []
    if hours:
        parts.append(f"{hours} h")
    if mins or not parts:
        parts.append(f"{mins} min")
    return " ".join(parts)


def _restore(mitigations: list[_ResolvedMitigation]) -> list[str]:
    lines = ["## 5. Restore", "",
             "- [ ] Undo the induced condition (reverse the reproduction steps) and confirm "
             "every detector above is back on the healthy side of its threshold."]
    for mitigation in _ordered(mitigations):
        playbook = mitigation.playbook
        # Prevent playbooks were only checked, so there is nothing of theirs to undo.
        if playbook is not None and mitigation.kind != "prevent":
            lines.append(f"- [ ] Roll back {playbook.id}: {escape_text(playbook.rollback)}")
    lines.append("")
    return lines


def _record_sheet(record: FailureMode, url: _Url) -> list[str]:
    rows = ("Failure induced", "First detector fired", "Playbook started",
                           "Mitigated", "Restored")
    return [
        "## 6. Record",
        "",
        "| Event | Time | Notes |",
        "| --- | --- | --- |",
        *(f"| {row} | | |" for row in rows),
        "",
        f"If the drill found a gap (a detector that did not fire, a step that did not work, a "
        f"time that was missed), amend {record.id} or its playbooks in a pull request and "
        f"note the drill in `revisions`: {url(record.id)}",
    ]
