"""Controlled vocabularies, read from `taxonomy.yml` at the catalog root.

Vocabularies are data, not code: a team adds a model family or a signal by a
reviewed change to one YAML file, and every check, filter and tag page
follows without a release of this package.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError

from fmcat.core.findings import Finding, finding
from fmcat.core.frontmatter import parse_yaml, read_file
from fmcat.core.model import StrictModel
from fmcat.core.vocabularies import (
    COMPLETENESS_RULES,
    DEFAULT_MITIGATION_KINDS,
    DEFAULT_SECTIONS,
    DEFAULT_UNITS,
    MitigationKind,
    SectionSpec,
    Severity,
    Unit,
    check_vocabularies,
    paging_severities,
    severity_colours,
)

TAXONOMY_FILE = "taxonomy.yml"

TAG_DIMENSIONS: tuple[str, ...] = ("data_domain", "model_family", "environment", "customer_segment")
"""The four tag dimensions every failure mode is classified by."""


class Term(StrictModel):
    title: str
    description: str = ""


class RankedTerm(StrictModel):
    rank: int = Field(ge=1)
    definition: str


SignalKind = Literal["gauge", "counter"]
"""Fixed in the engine, unlike units: the kind decides the PromQL of every exported
alert rule (`avg_over_time` of a gauge, `increase` of a counter), so a new kind
would need new code, not a new word."""

KIND_HINT = ("kind: gauge (a level such as a rate or a latency; compared as its average "
             "over the detector's window) or kind: counter (a running total that only "
             "grows; compared as its increase over the window)")


class Signal(StrictModel):
    """A measured quantity detectors compare with a threshold.

    `kind` is required rather than defaulted: compared raw, a counter crosses
    its threshold once and stays over it forever, so a wrong default would
    make alerts that never clear.
    """

    title: str
    # A key of the taxonomy's `units` (checked by `check_vocabularies`).
    unit: str
    metric: str = Field(pattern=r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")
    kind: SignalKind


class Steward(StrictModel):
    title: str
    domain: str = ""


class Taxonomy(StrictModel):
    review_every_days: int = Field(ge=1, le=3650)
    severities: dict[str, Severity]
    frequencies: dict[str, RankedTerm]
    categories: dict[str, Term]
    stages: dict[str, Term]
    causes: dict[str, Term]
    data_domain: dict[str, Term]
    model_family: dict[str, Term]
    environment: dict[str, Term]
    customer_segment: dict[str, Term]
    signals: dict[str, Signal]
    stewards: dict[str, Steward]
    # -- vocabularies and labels (issue #15 item 2); defaults are the engine's old ones
    mitigation_kinds: dict[str, MitigationKind] = Field(
        default_factory=lambda: dict(DEFAULT_MITIGATION_KINDS))
    units: dict[str, Unit] = Field(default_factory=lambda: dict(DEFAULT_UNITS))
    sections: dict[str, list[SectionSpec]] = Field(default_factory=dict)
    completeness: dict[str, bool] = Field(default_factory=dict)

    def vocabulary(self, name: str) -> dict[str, Term] | dict[str, RankedTerm] | dict[
        str, Severity] | dict[str, Signal] | dict[str, Steward] | dict[str, MitigationKind]:
        """The allowed values of one vocabulary, by its field name."""
        value = getattr(self, name)
        assert isinstance(value, dict)
        return value

    def severity_rank(self, name: str) -> int:
        term = self.severities.get(name)
        return term.rank if term else 0

    def title_of(self, vocabulary: str, value: str) -> str:
        term = self.vocabulary(vocabulary).get(value)
        return getattr(term, "title", None) or value

    def sections_of(self, kind: str) -> tuple[SectionSpec, ...]:
        """The body sections of a record kind, in order: the taxonomy's or the default."""
        specs = self.sections[kind] if kind in self.sections else DEFAULT_SECTIONS.get(kind, [])
        return tuple(specs)

    def section_anchors(self, kind: str) -> tuple[str, ...]:
        return tuple(spec.anchor for spec in self.sections_of(kind))

    def section_title(self, kind: str, anchor: str) -> str:
        """The heading a catalog gives the section with this fixed anchor ("" if none)."""
        return next((s.title for s in self.sections_of(kind) if s.anchor == anchor), "")

    @property
    def severe(self) -> tuple[str, ...]:
        """The severities that page someone: the "severe" of the metrics."""
        return paging_severities(self.severities)

    @property
    def severity_colours(self) -> dict[str, str]:
        return severity_colours(self.severities)

    def unit_symbol(self, unit: str) -> str:
        term = self.units.get(unit)
        return term.symbol if term else ""

    @property
    def completeness_codes(self) -> frozenset[str]:
        """The codes of the completeness rules that apply (all unless switched off)."""
        return frozenset(code for name, code in COMPLETENESS_RULES.items()
                         if self.completeness.get(name, True))


def load_taxonomy(root: Path) -> tuple[Taxonomy | None, list[Finding]]:
    """Read and validate the taxonomy; a broken taxonomy is a finding, not a crash."""
    path = root / TAXONOMY_FILE
    if not path.is_file():
        return None, [finding("FMC031", TAXONOMY_FILE, 0, "",
                              f"no {TAXONOMY_FILE} in {root}",
                              "run the tool from a catalog folder or pass --root")]
    raw, problems = read_file(path, TAXONOMY_FILE)
    if raw is None:
        return None, problems
    doc = parse_yaml(TAXONOMY_FILE, raw)
    if doc.data is None:
        return None, [
            finding("FMC031", f.file, f.line, f.field, f.message, f.hint) for f in doc.findings
        ]
    try:
        taxonomy = Taxonomy.model_validate(doc.data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = tuple(error["loc"])
            is_kind = loc[:1] == ("signals",) and loc[-1:] == ("kind",)
            problems.append(finding(
                "FMC031", TAXONOMY_FILE, doc.line_of(loc), ".".join(map(str, loc)),
                error["msg"],
                KIND_HINT if is_kind else "see the comments at the top of taxonomy.yml",
            ))
        return None, problems
    findings = [finding("FMC031", f.file, f.line, f.field, f.message, f.hint)
                for f in doc.findings]
    findings += check_vocabularies(taxonomy, doc.line_of)
    for name, signal in taxonomy.signals.items():
        problem = kind_contradiction(signal)
        if problem:
            loc = ("signals", name, "kind")
            findings.append(finding("FMC032", TAXONOMY_FILE, doc.line_of(loc),
                                    ".".join(loc), problem, KIND_HINT))
    return taxonomy, findings


def kind_contradiction(signal: Signal) -> str:
    """Why the metric's name contradicts the signal's kind, or "" if it does not.

    Prometheus names counters `<name>_total` and nothing else so. A mismatch
    is a warning rather than an error because a team may have to live with a
    legacy exporter's name; it is most often a kind set by mistake, which
    turns every alert on the signal into one that never clears or never fires.
    """
    if signal.kind == "counter" and not signal.metric.endswith("_total"):
        return (f"kind is counter but metric {signal.metric!r} does not end in _total, "
                "as Prometheus counters do")
    if signal.kind == "gauge" and signal.metric.endswith("_total"):
        return (f"kind is gauge but metric {signal.metric!r} ends in _total, "
                "which Prometheus reserves for counters")
    return ""
