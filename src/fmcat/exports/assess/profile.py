"""A project's profile (`project.yml`) and the signals a Prometheus rules file monitors.

Every mistake is one line naming the file, the line and the field, with a
hint (did you mean …): an assessment of a misspelt profile would silently
leave out the failure modes of the value meant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from fmcat.core.findings import did_you_mean
from fmcat.core.frontmatter import Document, parse_yaml
from fmcat.exports.assess.index import AssessIndex

PROFILE_KEYS = ("name", "stages", "monitors", "playbooks")
"""Keys of a profile besides the catalog's dimensions."""

_NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`')


class ProfileError(Exception):
    """A profile or rules file that cannot be used: `file:line: field: problem (hint)`."""


@dataclass(frozen=True)
class Profile:
    """A project: its dimension values, stages, monitored signals and adopted playbooks.

    An empty dimension or `stages` means "not said": every failure mode
    counts for it, and the worksheet says so.
    """

    name: str
    dimensions: dict[str, tuple[str, ...]]
    stages: tuple[str, ...]
    monitors: frozenset[str]
    playbooks: frozenset[str]

    def monitoring(self, signals: frozenset[str]) -> Profile:
        """The same profile, also monitoring `signals` (read from a rules file)."""
        return Profile(self.name, self.dimensions, self.stages, self.monitors | signals,
                       self.playbooks)


def _fail(path: str, line: int, field: str, problem: str, hint: str = "") -> ProfileError:
    where = f"{path}:{line}: {field}: " if field else f"{path}:{line}: "
    return ProfileError(where + problem + (f" ({hint})" if hint else ""))


def _document(path: str, raw: bytes) -> Document:
    doc = parse_yaml(path, raw)
    if doc.data is None:
        first = doc.findings[0] if doc.findings else None
        raise _fail(path, first.line if first else 1, "",
                    first.message if first else "not a YAML mapping",
                    first.hint if first else "")
    return doc


def _texts(doc: Document, key: str, value: Any) -> tuple[str, ...]:
    values = [value] if isinstance(value, str) else value
    if values is None:
        return ()
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise _fail(doc.path, doc.line_of((key,)), key, "expected a value or a list of values",
                    f"e.g. {key}: [a, b]")
    return tuple(values)


def _checked(doc: Document, key: str, values: tuple[str, ...], allowed: dict[str, Any],
             what: str) -> tuple[str, ...]:
    for number, value in enumerate(values):
        if value not in allowed:
            raise _fail(doc.path, doc.line_of((key, number)), key,
                        f"{value!r} is not {what}", did_you_mean(value, allowed))
    return values


def parse_profile(path: str, raw: bytes, index: AssessIndex) -> Profile:
    """Read `project.yml` against the catalog's vocabularies; raise ProfileError on a mistake."""
    doc = _document(path, raw)
    data = doc.data or {}
    keys = (*index.dimensions, *PROFILE_KEYS)
    for key in data:
        if key not in keys:
            raise _fail(path, doc.line_of((key,)), str(key), "unknown key",
                        did_you_mean(str(key), keys))
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise _fail(path, doc.line_of(("name",)), "name", "missing or empty",
                    "name the project, e.g. name: churn-scoring")
    dimensions = {
        key: _checked(doc, key, _texts(doc, key, data.get(key)), dimension.values,
                      f"a {key} value of this catalog")
        for key, dimension in index.dimensions.items()}
    return Profile(
        name=name.strip(),
        dimensions=dimensions,
        stages=_checked(doc, "stages", _texts(doc, "stages", data.get("stages")),
                        index.stages, "a stage of this catalog"),
        monitors=frozenset(_checked(doc, "monitors", _texts(doc, "monitors",
                                                             data.get("monitors")),
                                    index.signals, "a signal of this catalog")),
        playbooks=frozenset(_checked(doc, "playbooks", _texts(doc, "playbooks",
                                                               data.get("playbooks")),
                                     index.playbooks, "a playbook of this catalog")),
    )


def monitored_signals(path: str, raw: bytes, index: AssessIndex) -> frozenset[str]:
    """The signals whose metric a Prometheus rules file reads in any rule's `expr`.

    The metric of each signal is the one `taxonomy.yml` gives it (the
    alert export's mapping). Quoted strings (label matchers) are skipped, so
    `{job="fmcat_feature_psi"}` does not count as monitoring PSI.
    """
    doc = _document(path, raw)
    groups = (doc.data or {}).get("groups")
    if not isinstance(groups, list):
        raise _fail(path, doc.line_of(("groups",)), "groups", "missing or not a list",
                    "a Prometheus rules file holds groups: [{name, rules: [...]}]")
    by_metric = {metric: signal for signal, metric in index.metrics.items()}
    found: set[str] = set()
    for number, group in enumerate(groups):
        rules = group.get("rules") if isinstance(group, dict) else None
        if not isinstance(rules, list):
            raise _fail(path, doc.line_of(("groups", number)), f"groups[{number}].rules",
                        "missing or not a list", "each group needs rules: [...]")
        for place, rule in enumerate(rules):
            expr = rule.get("expr") if isinstance(rule, dict) else None
            if not isinstance(expr, (str, int, float)) or isinstance(expr, bool):
                raise _fail(path, doc.line_of(("groups", number, "rules", place)),
                            f"groups[{number}].rules[{place}].expr", "missing",
                            "each rule needs a PromQL expr")
            for token in _NAME.findall(_QUOTED.sub(" ", str(expr))):
                if token in by_metric:
                    found.add(by_metric[token])
    return frozenset(found)
