"""Controlled vocabularies, read from `taxonomy.yml` at the catalog root.

Vocabularies are data, not code: a team adds a model family or a signal by a
reviewed change to one YAML file, and every check, filter and tag page
follows without a release of this package.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError

from fmcat.core.external import ExternalScheme, SchemeKey, scheme_hint
from fmcat.core.findings import Finding, finding
from fmcat.core.frontmatter import parse_yaml, read_file
from fmcat.core.model import StrictModel

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
    # `nats` and `bits` are divergences (PSI, Jensen-Shannon): calling them a
    # `ratio` told readers an unbounded PSI of 0.25 was a quarter of something.
    unit: Literal["ratio", "count", "ms", "minutes", "hours", "nats", "bits"]
    metric: str = Field(pattern=r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")
    kind: SignalKind


class Steward(StrictModel):
    title: str
    domain: str = ""


class Taxonomy(StrictModel):
    review_every_days: int = Field(ge=1, le=3650)
    severities: dict[str, RankedTerm]
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
    # Other taxonomies records cite by ID (fmcat.core.external).
    external_schemes: dict[SchemeKey, ExternalScheme] = Field(
        default_factory=dict, json_schema_extra={"additionalProperties": False})

    def vocabulary(self, name: str) -> dict[str, Term] | dict[str, RankedTerm] | dict[
        str, Signal] | dict[str, Steward]:
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
                KIND_HINT if is_kind else scheme_hint(loc)
                or "see the comments at the top of taxonomy.yml",
            ))
        return None, problems
    findings = [finding("FMC031", f.file, f.line, f.field, f.message, f.hint)
                for f in doc.findings]
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
