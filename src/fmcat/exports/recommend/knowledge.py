"""What recommend knows about a catalog, read from a catalog or a `catalog.json`.

Both sources are read into the same small `Knowledge` (a loaded catalog
through the very document the site publishes, so the two paths cannot
disagree), and evaluation only ever sees that.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from fmcat.core.catalog import Catalog
from fmcat.core.model import DURATION_PATTERN
from fmcat.core.text import UNKNOWN
from fmcat.exports.documents import catalog_document
from fmcat.exports.recommend.observations import finite_number, shown
from fmcat.exports.schema import SCHEMA_VERSION

OPERATORS: dict[str, Callable[[float, float], bool]] = {
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
}

KIND_ORDER = {"respond": 0, "recover": 1, "detect": 2, "prevent": 3}
"""Playbooks of a match are listed in this order: what to do now comes first."""


class DocumentError(Exception):
    """A catalog document that cannot be used (wrong version or shape)."""


@dataclass(frozen=True)
class DetectorRule:
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
    rules: tuple[DetectorRule, ...]
    playbooks: tuple[PlaybookRef, ...]

    @property
    def is_active(self) -> bool:
        """In force; the same rule as `Record.is_active`, on the exported status."""
        return self.status == "active"

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
            # A document holds status strings, not records: this is
            # `Record.is_listed`, checked before the rest is read so a
            # withdrawn entry's fields are never held against the document.
            continue
        mode_id = reader.text(item, "id", where)
        rules = tuple(_detector_rule(reader, detector, f"{where}.detectors[{number}]")
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


def _detector_rule(reader: _Reader, detector: Mapping[str, Any], where: str) -> DetectorRule:
    op = reader.text(detector, "op", where)
    if op not in OPERATORS:
        raise DocumentError(f"{where}.op: {shown(op)} is not one of {', '.join(OPERATORS)}")
    return DetectorRule(
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
        if value != UNKNOWN and not re.fullmatch(DURATION_PATTERN, value):
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
