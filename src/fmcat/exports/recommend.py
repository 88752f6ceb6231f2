"""From observed signal values to the failure modes they indicate, and what to do.

A monitoring job, an on-call engineer or a deploy gate has numbers (PSI of
0.31 on a feature, p99 latency of 900 ms); the catalog has detectors written
as thresholds on the same signals. `recommend` evaluates every detector of
every failure mode that is not withdrawn and returns the matches with their
playbooks, so the reader goes from a number to an owner and a first step.

It runs on a loaded `Catalog` or on a published `catalog.json`, so a pipeline
can use the site without a checkout. Both are read into the same small
`Knowledge` (built from the export document, so the two paths cannot
disagree), and evaluation only ever sees that.
"""

from __future__ import annotations

import json
import math
import operator
import re
import textwrap
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from fmcat.core.catalog import Catalog
from fmcat.core.inert import escape_json, escape_text
from fmcat.core.model import DURATION_PATTERN
from fmcat.core.text import duration_text
from fmcat.exports.documents import SCHEMA_VERSION, catalog_document

FIRST_STEPS = 3
"""Playbook steps shown per match: enough to start, the page has the rest."""

OPERATORS: dict[str, Callable[[float, float], bool]] = {
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
}

TEXT_WIDTH = 100

KIND_ORDER = {"respond": 0, "recover": 1, "detect": 2, "prevent": 3}
"""Playbooks of a match are listed in this order: what to do now comes first."""

RESULT_VERSION = "1.0"
"""Version of the `--format json` output; it follows the export's rules."""

MAX_DIGITS = 400
"""Longest integer literal read from JSON. Anything longer is beyond a float's
range (about 1.8e308) anyway, and refusing it while parsing comes before
Python's own limit on converting long digit strings (4,300) raises."""

SHOWN_CHARS = 40
"""How much of a bad value an error message repeats: enough to find it, and
one short line even when the value is megabytes long."""


class DocumentError(Exception):
    """A catalog document that cannot be used (wrong version or shape)."""


class InputError(Exception):
    """Observed signals (or a JSON file) that cannot be read."""


class _RefusedLiteralError(ValueError):
    """Raised from inside the JSON parser for a literal recommend will not use."""


def parse_json(text: str, source: str) -> Any:
    """JSON as the standard defines it, or an InputError naming `source`.

    Python's parser also reads NaN and Infinity, which no detector can
    compare against, and raises RecursionError on deep nesting and
    ValueError on integers of more than 4,300 digits; each of those would
    escape as a traceback, which a deploy gate reads as "nothing matched".
    """
    try:
        return json.loads(text, parse_constant=_refuse_constant, parse_int=_integer)
    except RecursionError:
        raise InputError(f"{source}: nested too deeply to read") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{source}: not JSON ({exc.msg} at line {exc.lineno}, "
                         f"column {exc.colno})") from None
    except _RefusedLiteralError as exc:
        raise InputError(f"{source}: {exc}") from None


def _refuse_constant(name: str) -> Any:
    raise _RefusedLiteralError(f"{name} is not a JSON number; give a finite number")


def _integer(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > MAX_DIGITS:
        raise _RefusedLiteralError(f"a number of {digits} digits is out of range")
    return int(text)


def finite_number(value: object) -> float | None:
    """`value` as a finite float, or None if it is not a number or out of range.

    Booleans are not numbers here (JSON `true` is not 1), and an integer
    too large for a float is refused rather than raising OverflowError.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def shown(value: object) -> str:
    """A bad value as an error message repeats it: quoted, escaped and short."""
    try:
        text = repr(value)
    except ValueError:  # an integer too long for Python to print
        return "a number too large to show"
    return text if len(text) <= SHOWN_CHARS else f"{text[:SHOWN_CHARS - 3]}..."


# --- what recommend knows about the catalog ---------------------------------


@dataclass(frozen=True)
class Rule:
    """One detector: `signal op threshold` over `window`."""

    signal: str
    op: str
    threshold: float
    window: str
    severity: str
    action: str
    scope: str

    def fires(self, value: float) -> bool:
        return OPERATORS[self.op](value, self.threshold)


@dataclass(frozen=True)
class CaseRef:
    id: str
    title: str
    url: str


@dataclass(frozen=True)
class PlaybookRef:
    """A playbook as one failure mode uses it."""

    id: str
    title: str
    kind: str
    use: str
    owner: str
    time_to_remediate: str
    steps: tuple[str, ...]
    fallback: str
    url: str
    case_studies: tuple[CaseRef, ...]
    """Case studies in which this playbook was applied to this failure mode."""


@dataclass(frozen=True)
class Mode:
    id: str
    title: str
    status: str
    severity: str
    url: str
    rules: tuple[Rule, ...]
    playbooks: tuple[PlaybookRef, ...]

    @property
    def mitigation_url(self) -> str:
        return f"{self.url}#mitigation"

    @property
    def detection_url(self) -> str:
        return f"{self.url}#detection"


@dataclass(frozen=True)
class Knowledge:
    """Everything evaluation needs, whichever source it was read from."""

    modes: tuple[Mode, ...]
    severity_ranks: Mapping[str, int]
    signals: frozenset[str]
    """Signals the taxonomy defines."""

    @property
    def detected_signals(self) -> frozenset[str]:
        return frozenset(rule.signal for mode in self.modes for rule in mode.rules)


def knowledge_from_catalog(catalog: Catalog, base_url: str | None = None) -> Knowledge:
    """Read a loaded catalog, through the same document the site publishes."""
    return knowledge_from_document(catalog_document(catalog, base_url))


def knowledge_from_document(document: Mapping[str, Any]) -> Knowledge:
    """Read a `catalog.json` document; raise DocumentError naming what is wrong.

    Only the fields recommend needs are read, and unknown fields are ignored,
    so a catalog published by a newer minor version still works.
    """
    reader = _Reader()
    version = reader.text(document, "schema_version")
    if version.split(".")[0] != SCHEMA_VERSION.split(".")[0]:
        raise DocumentError(f"schema_version {shown(version)} is not supported; this fmcat reads "
                            f"{SCHEMA_VERSION.split('.')[0]}.x (upgrade fmcat)")
    taxonomy = reader.mapping(document, "taxonomy")
    severities = reader.mapping(taxonomy, "severities", "taxonomy")
    ranks = {name: reader.integer(reader.mapping(severities, name, "taxonomy.severities"),
                                  "rank", f"taxonomy.severities.{name}")
             for name in severities}
    signals = frozenset(reader.mapping(taxonomy, "signals", "taxonomy"))

    playbooks: dict[str, Mapping[str, Any]] = {}
    aliases: dict[str, str] = {}
    for index, item in enumerate(reader.items(document, "playbooks")):
        where = f"playbooks[{index}]"
        playbook_id = reader.text(item, "id", where)
        playbooks[playbook_id] = item
        for alias in reader.texts(item, "aliases", where):
            aliases.setdefault(alias, playbook_id)
    applied: dict[tuple[str, str], list[CaseRef]] = {}
    for index, item in enumerate(reader.items(document, "case_studies")):
        where = f"case_studies[{index}]"
        case = CaseRef(reader.text(item, "id", where), reader.text(item, "title", where),
                       reader.text(item, "url", where))
        for mode_id in reader.texts(item, "failure_modes", where):
            for playbook_id in reader.texts(item, "playbooks", where):
                applied.setdefault((mode_id, aliases.get(playbook_id, playbook_id)),
                                   []).append(case)

    modes = []
    for index, item in enumerate(reader.items(document, "failure_modes")):
        where = f"failure_modes[{index}]"
        if reader.text(item, "status", where) == "withdrawn":
            continue
        mode_id = reader.text(item, "id", where)
        rules = tuple(_rule(reader, detector, f"{where}.detectors[{number}]")
                      for number, detector in enumerate(reader.items(item, "detectors", where)))
        refs = []
        for number, mitigation in enumerate(reader.items(item, "mitigations", where)):
            spot = f"{where}.mitigations[{number}]"
            cited = reader.text(mitigation, "playbook", spot)
            playbook_id = aliases.get(cited, cited)
            refs.append(_playbook_ref(reader, playbooks.get(playbook_id), playbook_id,
                                      mitigation, spot,
                                      cases=tuple(applied.get((mode_id, playbook_id), ()))))
        modes.append(Mode(mode_id, reader.text(item, "title", where),
                          reader.text(item, "status", where), reader.text(item, "severity", where),
                          reader.text(item, "url", where), rules,
                          tuple(sorted(refs, key=lambda r: KIND_ORDER.get(r.kind, 9)))))
    return Knowledge(tuple(sorted(modes, key=lambda m: m.id)), ranks, signals)


def _rule(reader: _Reader, detector: Mapping[str, Any], where: str) -> Rule:
    op = reader.text(detector, "op", where)
    if op not in OPERATORS:
        raise DocumentError(f"{where}.op: {shown(op)} is not one of {', '.join(OPERATORS)}")
    return Rule(
        signal=reader.text(detector, "signal", where),
        op=op,
        threshold=reader.number(detector, "threshold", where),
        window=reader.duration(detector, "window", where),
        severity=reader.text(detector, "severity", where),
        action=reader.text(detector, "action", where),
        scope=reader.text(detector, "scope", where) if detector.get("scope") is not None
        else "",
    )


def _playbook_ref(reader: _Reader, playbook: Mapping[str, Any] | None, playbook_id: str,
                  mitigation: Mapping[str, Any], where: str, *,
                  cases: tuple[CaseRef, ...]) -> PlaybookRef:
    kind = reader.text(mitigation, "kind", where)
    use = reader.text(mitigation, "use", where)
    if playbook is None:
        # A reference the checks would have reported; keep what is known.
        return PlaybookRef(playbook_id, "", kind, use, "", "", (), "", "", cases)
    spot = f"playbook {playbook_id}"
    return PlaybookRef(
        id=playbook_id,
        title=reader.text(playbook, "title", spot),
        kind=kind,
        use=use,
        owner=reader.text(playbook, "owner", spot),
        time_to_remediate=reader.duration(playbook, "time_to_remediate", spot),
        steps=tuple(reader.texts(playbook, "steps", spot)),
        fallback=reader.text(playbook, "fallback", spot),
        url=reader.text(playbook, "url", spot),
        case_studies=cases,
    )


class _Reader:
    """Typed access to untrusted JSON, with errors that say where."""

    @staticmethod
    def _get(obj: Mapping[str, Any], key: str, where: str) -> Any:
        if not isinstance(obj, Mapping) or key not in obj:
            raise DocumentError(f"{_at(where, key)}: missing (is this a fmcat catalog.json?)")
        return obj[key]

    def text(self, obj: Mapping[str, Any], key: str, where: str = "") -> str:
        value = self._get(obj, key, where)
        if not isinstance(value, str):
            raise DocumentError(f"{_at(where, key)}: expected a string, got {shown(value)}")
        return value

    def duration(self, obj: Mapping[str, Any], key: str, where: str = "") -> str:
        value = self.text(obj, key, where)
        if not re.fullmatch(DURATION_PATTERN, value):
            raise DocumentError(f"{_at(where, key)}: expected a duration such as 6h or 2d, "
                                f"got {shown(value)}")
        return value

    def texts(self, obj: Mapping[str, Any], key: str, where: str = "") -> list[str]:
        values = obj.get(key, []) if isinstance(obj, Mapping) else None
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise DocumentError(f"{_at(where, key)}: expected a list of strings")
        return values

    def number(self, obj: Mapping[str, Any], key: str, where: str = "") -> float:
        value = self._get(obj, key, where)
        number = finite_number(value)
        if number is None:
            # NaN never compares true and inf only sometimes: a detector with
            # such a threshold would silently never fire.
            raise DocumentError(f"{_at(where, key)}: expected a finite number, "
                                f"got {shown(value)}")
        return number

    def integer(self, obj: Mapping[str, Any], key: str, where: str = "") -> int:
        value = self._get(obj, key, where)
        if isinstance(value, bool) or not isinstance(value, int):
            raise DocumentError(f"{_at(where, key)}: expected an integer, got {shown(value)}")
        return value

    def mapping(self, obj: Mapping[str, Any], key: str, where: str = "") -> Mapping[str, Any]:
        value = self._get(obj, key, where)
        if not isinstance(value, Mapping):
            raise DocumentError(f"{_at(where, key)}: expected an object")
        return value

    def items(self, obj: Mapping[str, Any], key: str,
              where: str = "") -> list[Mapping[str, Any]]:
        value = self._get(obj, key, where)
        if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
            raise DocumentError(f"{_at(where, key)}: expected a list of objects")
        return value


def _at(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


# --- observations -------------------------------------------------------------


@dataclass(frozen=True)
class Observation:
    """One observed value of a signal, with the labels that say where it was seen."""

    signal: str
    value: float
    labels: Mapping[str, str] = field(default_factory=dict)

    @property
    def label_text(self) -> str:
        return ",".join(f'{k}="{v}"' for k, v in sorted(self.labels.items()))


def parse_signal_option(text: str) -> Observation:
    """`'psi=0.31'` → an observation, as given with `--signal`."""
    name, sep, raw = text.partition("=")
    name, raw = name.strip(), raw.strip()
    if not sep or not name or not raw:
        raise InputError(f"--signal {shown(text)}: write name=value, e.g. psi=0.31")
    try:
        value = finite_number(float(raw))
    except ValueError:
        value = None
    if value is None:
        raise InputError(f"--signal {shown(name)}: {shown(raw)} is not a finite number")
    return Observation(name, value, {})


def parse_observations(data: Any, source: str = "input") -> list[Observation]:
    """Observations from JSON: a list of `{signal, value, labels}`, or an object
    with such a list under `signals`."""
    if isinstance(data, Mapping) and "signals" in data:
        data = data["signals"]
    if not isinstance(data, list):
        raise InputError(f"{source}: expected a list of {{signal, value, labels}} objects "
                         "(or an object with that list under 'signals')")
    found = []
    for index, item in enumerate(data):
        where = f"{source}[{index}]"
        if not isinstance(item, Mapping):
            raise InputError(f"{where}: expected an object with signal and value")
        unknown = sorted(set(item) - {"signal", "value", "labels"})
        if unknown:
            raise InputError(f"{where}: unknown key(s) {', '.join(map(shown, unknown[:3]))}; "
                             "allowed: signal, value, labels")
        name, value, labels = item.get("signal"), item.get("value"), item.get("labels", {})
        if not isinstance(name, str) or not name:
            raise InputError(f"{where}.signal: expected a signal name")
        number = finite_number(value)
        if number is None:
            raise InputError(f"{where}.value: expected a finite number, got {shown(value)}")
        if labels is None:
            labels = {}
        if not isinstance(labels, Mapping) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in labels.items()):
            raise InputError(f"{where}.labels: expected an object of string values")
        found.append(Observation(name, number, dict(labels)))
    return found


# --- evaluation --------------------------------------------------------------


@dataclass(frozen=True)
class Fired:
    """A detector that fired, and the observations that made it fire."""

    rule: Rule
    observations: tuple[Observation, ...]


@dataclass(frozen=True)
class Match:
    mode: Mode
    fired: tuple[Fired, ...]
    severity_rank: int
    detector_severity: str
    """The most severe of the fired detectors' own severities."""


@dataclass(frozen=True)
class Recommendation:
    matches: tuple[Match, ...]
    observations: tuple[Observation, ...]
    unknown_signals: tuple[str, ...]
    """Observed signals the taxonomy does not define (often a typo)."""
    undetected_signals: tuple[str, ...]
    """Observed signals the taxonomy defines but no detector uses."""

    @property
    def matched(self) -> bool:
        return bool(self.matches)


def recommend(knowledge: Knowledge, observations: Sequence[Observation]) -> Recommendation:
    """Evaluate every detector against every observation of its signal.

    Boundaries are exact: `>= 0.25` fires at 0.25, `> 0.25` does not. A
    detector fires when any observation of its signal satisfies it.
    Matches are ranked by the failure mode's severity rank, then by how many
    of its detectors fired, then by the most severe fired detector, then by
    ID, so the same input always gives the same order.
    """
    by_signal: dict[str, list[Observation]] = {}
    for item in observations:
        by_signal.setdefault(item.signal, []).append(item)
    ranks = knowledge.severity_ranks
    matches = []
    for mode in knowledge.modes:
        fired = []
        for rule in mode.rules:
            hits = tuple(o for o in by_signal.get(rule.signal, ()) if rule.fires(o.value))
            if hits:
                fired.append(Fired(rule, hits))
        if fired:
            strongest = max((f.rule.severity for f in fired), key=lambda s: ranks.get(s, 0))
            matches.append(Match(mode, tuple(fired), ranks.get(mode.severity, 0), strongest))
    matches.sort(key=lambda m: (-m.severity_rank, -len(m.fired),
                                -ranks.get(m.detector_severity, 0), m.mode.id))
    observed = sorted(by_signal)
    detected = knowledge.detected_signals
    return Recommendation(
        matches=tuple(matches),
        observations=tuple(observations),
        unknown_signals=tuple(s for s in observed if s not in knowledge.signals),
        undetected_signals=tuple(s for s in observed
                                 if s in knowledge.signals and s not in detected),
    )


# --- output ------------------------------------------------------------------


def _number(value: float) -> str:
    return f"{value:g}" if abs(value) < 1e15 else repr(value)


def _condition(rule: Rule) -> str:
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
        lines.append(f"{count} failure mode{'s' if count != 1 else ''} match "
                     f"{signals} observed signal{'s' if signals != 1 else ''}.")
    else:
        lines.append(f"No failure mode matches {signals} observed "
                     f"signal{'s' if signals != 1 else ''}.")
    for number, item in enumerate(result.matches, start=1):
        lines.extend(_match_lines(number, item))
    lines.extend(_notes(result.unknown_signals, result.undetected_signals))
    # Titles, steps, owners and signal labels are contributed or observed text.
    return "\n".join(escape_text(line) for line in lines) + "\n"


def _match_lines(number: int, item: Match) -> Iterable[str]:
    mode = item.mode
    status = "" if mode.status == "active" else f", {mode.status}"
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
