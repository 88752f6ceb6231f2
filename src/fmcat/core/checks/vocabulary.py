"""Rules on values that must come from `taxonomy.yml` (FMC030)."""

from __future__ import annotations

from fmcat.core.checks.reporter import Reporter
from fmcat.core.model import CaseStudy, FailureMode, Incident, Playbook, Record
from fmcat.core.taxonomy import TAG_DIMENSIONS, Taxonomy


def check_record_vocabulary(record: Record, r: Reporter, taxonomy: Taxonomy) -> None:
    for index, steward in enumerate(record.stewards):
        r.vocab(("stewards", index), steward, taxonomy.stewards, "steward")
    if isinstance(record, FailureMode):
        _failure_mode(record, r, taxonomy)
    elif isinstance(record, Playbook):
        for index, kind in enumerate(record.kinds):
            r.vocab(("kinds", index), kind, taxonomy.mitigation_kinds, "mitigation kind")
        r.vocab(("owner",), record.owner, taxonomy.stewards, "steward")
        r.vocab(("escalation", "to"), record.escalation.to, taxonomy.stewards, "steward")
    elif isinstance(record, CaseStudy):
        for loc, context in [(("origin",), record.origin)] + [
                (("reused_in", i), c) for i, c in enumerate(record.reused_in)]:
            r.vocab((*loc, "data_domain"), context.data_domain, taxonomy.data_domain,
                    "data domain")
            r.vocab((*loc, "model_family"), context.model_family, taxonomy.model_family,
                    "model family")


def _failure_mode(record: FailureMode, r: Reporter, taxonomy: Taxonomy) -> None:
    r.vocab(("category",), record.category, taxonomy.categories, "category")
    for name, what in (("stages", "stage"), ("causes", "cause")):
        for index, value in enumerate(getattr(record, name)):
            r.vocab((name, index), value, taxonomy.vocabulary(name), what)
    for dimension in TAG_DIMENSIONS:
        for index, value in enumerate(getattr(record, dimension)):
            r.vocab((dimension, index), value, taxonomy.vocabulary(dimension),
                    dimension.replace("_", " "))
    r.vocab(("severity",), record.severity, taxonomy.severities, "severity")
    r.vocab(("frequency",), record.frequency, taxonomy.frequencies, "frequency")
    for index, detector in enumerate(record.detectors):
        r.vocab(("detectors", index, "signal"), detector.signal, taxonomy.signals, "signal")
        r.vocab(("detectors", index, "severity"), detector.severity, taxonomy.severities,
                "severity")
    for index, mitigation in enumerate(record.mitigations):
        r.vocab(("mitigations", index, "kind"), mitigation.kind, taxonomy.mitigation_kinds,
                "mitigation kind")


def check_incident_vocabulary(incident: Incident, r: Reporter, taxonomy: Taxonomy) -> None:
    r.vocab(("severity",), incident.severity, taxonomy.severities, "severity")
    r.vocab(("model_family",), incident.model_family, taxonomy.model_family, "model family")
    r.vocab(("environment",), incident.environment, taxonomy.environment, "environment")
