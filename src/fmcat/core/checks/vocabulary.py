"""Rules on values that must come from `taxonomy.yml` (FMC030)."""

from __future__ import annotations

from collections.abc import Iterable

from fmcat.core.checks.reporter import Reporter
from fmcat.core.frontmatter import Loc
from fmcat.core.model import CaseStudy, FailureMode, Incident, Playbook, Record
from fmcat.core.taxonomy import Taxonomy
from fmcat.core.text import UNKNOWN


def check_record_vocabulary(record: Record, r: Reporter, taxonomy: Taxonomy) -> None:
    for index, steward in enumerate(record.stewards):
        r.vocab(("stewards", index), steward, taxonomy.stewards, "steward")
    if isinstance(record, FailureMode):
        _failure_mode(record, r, taxonomy)
        _tags(r, (), record.dimensions, taxonomy)
    elif isinstance(record, Playbook):
        _fact(r, "owner", record.owner, taxonomy.stewards, what="steward", taxonomy=taxonomy)
        if record.time_to_remediate == UNKNOWN and not taxonomy.allows_unknown(
                "time_to_remediate"):
            _unknown_refused(r, "time_to_remediate")
        r.vocab(("escalation", "to"), record.escalation.to, taxonomy.stewards, "steward")
        _tags(r, (), record.dimensions, taxonomy)
    elif isinstance(record, CaseStudy):
        for loc, context in [(("origin",), record.origin)] + [
                (("reused_in", i), c) for i, c in enumerate(record.reused_in)]:
            _tags(r, loc, {k: [v] for k, v in context.dimensions.items()}, taxonomy,
                  single=True)


def _tags(r: Reporter, loc: Loc, tags: dict[str, list[str]], taxonomy: Taxonomy, *,
          single: bool = False) -> None:
    """Dimension values against the dimension's vocabulary (keys were checked on load)."""
    for key, values in tags.items():
        dimension = taxonomy.dimensions.get(key)
        if dimension is None:
            continue
        for index, value in enumerate(values):
            r.vocab((*loc, key) if single else (*loc, key, index), value, dimension.values,
                    dimension.title.lower())


def _fact(r: Reporter, field: str, value: str, allowed: Iterable[str], *, what: str,
          taxonomy: Taxonomy) -> None:
    """A required fact: a vocabulary value, or `unknown` where the taxonomy allows it."""
    if value == UNKNOWN:
        if not taxonomy.allows_unknown(field):
            _unknown_refused(r, field)
        return
    r.vocab((field,), value, allowed, what)


def _unknown_refused(r: Reporter, field: str) -> None:
    r.add("FMC030", (field,), f"'{UNKNOWN}' is not allowed for {field} in this catalog",
          f"give the value, or list {field} under unknown_allowed in taxonomy.yml")


def _failure_mode(record: FailureMode, r: Reporter, taxonomy: Taxonomy) -> None:
    r.vocab(("category",), record.category, taxonomy.categories, "category")
    for name, what in (("stages", "stage"), ("causes", "cause")):
        for index, value in enumerate(getattr(record, name)):
            r.vocab((name, index), value, taxonomy.vocabulary(name), what)
    _fact(r, "severity", record.severity, taxonomy.severities, what="severity",
          taxonomy=taxonomy)
    _fact(r, "frequency", record.frequency, taxonomy.frequencies, what="frequency",
          taxonomy=taxonomy)
    for index, detector in enumerate(record.detectors):
        r.vocab(("detectors", index, "signal"), detector.signal, taxonomy.signals, "signal")
        r.vocab(("detectors", index, "severity"), detector.severity, taxonomy.severities,
                "severity")


def check_incident_vocabulary(incident: Incident, r: Reporter, taxonomy: Taxonomy) -> None:
    r.vocab(("severity",), incident.severity, taxonomy.severities, "severity")
    _tags(r, (), {k: [v] for k, v in incident.dimensions.items()}, taxonomy, single=True)
