"""A recommendation as an on-call engineer reads it (text) or a tool does (JSON)."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterable, Sequence
from typing import Any

from fmcat.core.inert import escape_json, escape_text
from fmcat.core.text import duration_text, plural
from fmcat.exports.recommend.evaluate import Match, Recommendation
from fmcat.exports.recommend.knowledge import DetectorRule, PlaybookRef
from fmcat.exports.recommend.observations import Observation

FIRST_STEPS = 3
"""Playbook steps shown per match: enough to start, the page has the rest."""

TEXT_WIDTH = 100

RESULT_VERSION = "1.0"
"""Version of the `--format json` output; it follows the export's rules."""


def _number(value: float) -> str:
    return f"{value:g}" if abs(value) < 1e15 else repr(value)


def _condition(rule: DetectorRule) -> str:
    return f"{rule.signal} {rule.op} {_number(rule.threshold)}"


def as_data(result: Recommendation) -> dict[str, Any]:
    """The JSON shape of a recommendation (stable keys; see RESULT_VERSION)."""

    def observation(item: Observation) -> dict[str, Any]:
        return {"signal": item.signal, "value": item.value, "labels": dict(item.labels)}

    def playbook(ref: PlaybookRef) -> dict[str, Any]:
        return {
            "id": ref.id, "title": ref.title, "kind": ref.kind, "use": ref.use,
            "owner": ref.owner, "time_to_remediate": ref.time_to_remediate,
            "first_steps": list(ref.steps[:FIRST_STEPS]), "steps_total": len(ref.steps),
            "fallback": ref.fallback, "url": ref.url,
            "case_studies": [{"id": c.id, "title": c.title, "url": c.url}
                             for c in ref.case_studies],
        }

    def match(item: Match) -> dict[str, Any]:
        mode = item.mode
        return {
            "id": mode.id, "title": mode.title, "status": mode.status,
            "severity": mode.severity, "severity_rank": item.severity_rank,
            "detector_severity": item.detector_severity,
            "url": mode.url, "detection_url": mode.detection_url,
            "mitigation_url": mode.mitigation_url,
            "detectors_total": len(mode.rules),
            "fired": [{
                "signal": f.rule.signal, "op": f.rule.op, "threshold": f.rule.threshold,
                "window": f.rule.window, "severity": f.rule.severity, "action": f.rule.action,
                "scope": f.rule.scope,
                "observations": [observation(o) for o in f.observations],
            } for f in item.fired],
            "playbooks": [playbook(ref) for ref in mode.playbooks],
        }

    return {
        "version": RESULT_VERSION,
        "matched": result.matched,
        "matches": [match(item) for item in result.matches],
        "observations": [observation(item) for item in result.observations],
        "unknown_signals": list(result.unknown_signals),
        "undetected_signals": list(result.undetected_signals),
    }


def render_json(result: Recommendation) -> str:
    text = json.dumps(as_data(result), indent=2, sort_keys=True, ensure_ascii=False)
    return escape_json(text) + "\n"


def render_text(result: Recommendation) -> str:
    """What an on-call engineer reads: most severe first, owner and first steps inline."""
    lines: list[str] = []
    count = len(result.matches)
    signals = len({o.signal for o in result.observations})
    if count:
        lines.append(f"{plural(count, 'failure mode')} match "
                     f"{plural(signals, 'observed signal')}.")
    else:
        lines.append(f"No failure mode matches {plural(signals, 'observed signal')}.")
    for number, item in enumerate(result.matches, start=1):
        lines.extend(_match_lines(number, item))
    lines.extend(_notes(result.unknown_signals, result.undetected_signals))
    # Titles, steps, owners and signal labels are contributed or observed text.
    return "\n".join(escape_text(line) for line in lines) + "\n"


def _match_lines(number: int, item: Match) -> Iterable[str]:
    mode = item.mode
    status = "" if mode.is_active else f", {mode.status}"
    yield ""
    yield f"{number}. {mode.id} {mode.title}  [{mode.severity}{status}]"
    yield f"   fired {len(item.fired)} of {len(mode.rules)} detectors:"
    for fired in item.fired:
        rule = fired.rule
        seen = "; ".join(
            f"{_number(o.value)}{' {' + o.label_text + '}' if o.labels else ''}"
            for o in fired.observations)
        yield (f"     - {_condition(rule)} over {duration_text(rule.window)} "
               f"({rule.severity}, {rule.action}): observed {seen}")
    yield f"   detection:  {mode.detection_url}"
    yield f"   mitigation: {mode.mitigation_url}"
    if not mode.playbooks:
        yield "   no playbook yet"
    for ref in mode.playbooks:
        yield from _playbook_lines(ref)


def _playbook_lines(ref: PlaybookRef) -> Iterable[str]:
    if not ref.title:
        yield f"   - {ref.id} ({ref.kind}): not in this catalog"
        return
    yield (f"   - {ref.id} {ref.title} ({ref.kind}): owner {ref.owner}, "
           f"time to remediate {duration_text(ref.time_to_remediate)}")
    yield f"     {ref.url}"
    yield from _wrapped(f"use: {ref.use}", "     ", "          ")
    for index, step in enumerate(ref.steps[:FIRST_STEPS], start=1):
        yield from _wrapped(f"{index}. {step}", "     ", "        ")
    if len(ref.steps) > FIRST_STEPS:
        yield f"     ... {len(ref.steps) - FIRST_STEPS} more steps: {ref.url}#steps"
    yield from _wrapped(f"fallback: {ref.fallback}", "     ", "          ")
    for case in ref.case_studies:
        yield from _wrapped(f"applied before: {case.id} {case.title} ({case.url})",
                            "     ", "          ")


def _wrapped(text: str, first: str, rest: str) -> list[str]:
    """Escaped before wrapping: textwrap would turn a line break into a space."""
    return textwrap.wrap(escape_text(text), width=TEXT_WIDTH, initial_indent=first,
                         subsequent_indent=rest, break_long_words=False,
                         break_on_hyphens=False)


def _notes(unknown: Sequence[str], undetected: Sequence[str]) -> Iterable[str]:
    if unknown:
        yield ""
        yield f"Unknown signals (not in taxonomy.yml): {', '.join(unknown)}"
    if undetected:
        yield ""
        yield f"Signals no detector uses yet: {', '.join(undetected)}"
