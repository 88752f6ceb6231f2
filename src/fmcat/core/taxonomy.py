"""Controlled vocabularies, read from `taxonomy.yml` at the catalog root.

Vocabularies are data, not code: a team adds a model family or a signal by a
reviewed change to one YAML file, and every check, filter and tag page
follows without a release of this package.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, ValidationError

from fmcat.core.external import ExternalScheme, SchemeKey, scheme_hint
from fmcat.core.findings import Finding, finding
from fmcat.core.frontmatter import parse_yaml, read_file
from fmcat.core.memo import memoized
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


# --- s-dims: tag dimensions, axis titles, "unknown" ---------------------------

RecordKindName = Literal["failure-mode", "playbook", "case-study", "incident"]
ValueSlug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")]
DimensionKey = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]


class TagDimension(StrictModel):
    """A way records are tagged, declared by the catalog rather than the engine.

    `applies_to` says which kinds carry it: failure modes and playbooks as a
    list field of their own front matter, incidents as one value (an incident
    happens in one place), case studies as one value in `origin` and in each
    `reused_in` context (a case study is about moving between contexts, so a
    single tag list would lose which side had which value).
    """

    title: str = Field(min_length=1)
    short: str = ""
    description: str = ""
    required: bool = False
    applies_to: list[RecordKindName] = Field(default=["failure-mode"], min_length=1)
    weight: float = Field(default=1.0, ge=0, le=10, allow_inf_nan=False)
    """How much a shared value makes two failure modes similar (a shared cause
    counts 3, a category 2, a stage 1)."""
    values: dict[ValueSlug, Term] = Field(min_length=1)

    @property
    def label(self) -> str:
        """The short title of table columns and filter menus."""
        return self.short or self.title


class Axis(StrictModel):
    """The names of a classification axis: a security catalog calls categories tactics."""

    title: str = Field(min_length=1)
    short: str = ""
    plural: str = ""

    @property
    def label(self) -> str:
        """The short title of table columns and filter menus."""
        return self.short or self.title

    @property
    def labels(self) -> str:
        """The short title of a column listing several values."""
        return self.plural or f"{self.label}s"


class Axes(StrictModel):
    """Titles of the three classification axes; the defaults are this catalog's."""

    category: Axis = Axis(title="Cause category", short="Category", plural="Categories")
    stage: Axis = Axis(title="Lifecycle stage", short="Stage", plural="Stages")
    cause: Axis = Axis(title="Latent condition", short="Cause", plural="Causes")


UnknownField = Literal["severity", "frequency", "owner", "time_to_remediate"]

RESERVED_DIMENSION_KEYS = frozenset({
    # fields of the records and vocabularies of the taxonomy: a dimension
    # with one of these names could not be told apart from them
    "id", "title", "summary", "status", "status_reason", "superseded_by", "stewards",
    "created", "last_reviewed", "review_every", "revisions", "references", "aliases",
    "category", "categories", "stages", "stage", "causes", "cause", "effects", "severity",
    "severities", "frequency", "frequencies", "business_impact", "detectors", "mitigations",
    "related", "artifacts", "kinds", "owner", "time_to_remediate", "steps", "fallback",
    "rollback", "escalation", "tradeoffs", "controls", "illustrative", "failure_modes",
    "playbooks", "origin", "reused_in", "timeline", "metrics", "responsibilities",
    "started", "detected", "mitigated", "resolved", "playbooks_used", "team", "project",
    "release", "data_change", "postmortem", "source", "signals", "dimensions", "axes",
    "unknown_allowed", "review_every_days", "external_ids", "kind", "url", "permalink",
    "api_url", "source_path", "backlinks", "external_schemes", "mitigation_kinds", "units",
    "sections", "completeness",
})


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
    signals: dict[str, Signal]
    stewards: dict[str, Steward]
    # Other taxonomies records cite by ID (fmcat.core.external).
    external_schemes: dict[SchemeKey, ExternalScheme] = Field(
        default_factory=dict, json_schema_extra={"additionalProperties": False})

    # s-dims: tag dimensions, axis titles, which required facts may be "unknown"
    dimensions: dict[DimensionKey, TagDimension] = Field(default_factory=dict)
    axes: Axes = Axes()
    unknown_allowed: list[UnknownField] = Field(default_factory=list)

    def dimensions_of(self, kind: str) -> dict[str, TagDimension]:
        """The dimensions records of one kind carry, in taxonomy order."""
        return {key: d for key, d in self.dimensions.items() if kind in d.applies_to}

    def allows_unknown(self, field: str) -> bool:
        return field in self.unknown_allowed

    # -- vocabularies and labels (issue #15 item 2); defaults are the engine's old ones
    mitigation_kinds: dict[str, MitigationKind] = Field(
        default_factory=lambda: dict(DEFAULT_MITIGATION_KINDS))
    units: dict[str, Unit] = Field(default_factory=lambda: dict(DEFAULT_UNITS))
    sections: dict[str, list[SectionSpec]] = Field(default_factory=dict)
    completeness: dict[str, bool] = Field(default_factory=dict)

    def vocabulary(self, name: str) -> dict[str, Term] | dict[str, RankedTerm] | dict[
        str, Severity] | dict[str, Signal] | dict[str, Steward] | dict[str, MitigationKind]:
        """The allowed values of one vocabulary, by its field or dimension name."""
        if name in self.dimensions:
            return self.dimensions[name].values
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
    taxonomy, findings = _taxonomy_from(raw)
    return taxonomy, list(findings)


@memoized()
def _taxonomy_from(raw: bytes) -> tuple[Taxonomy | None, tuple[Finding, ...]]:
    """The taxonomy in `raw` and its findings; looked up by the bytes in a preview,
    where every save reads the taxonomy again (a tenth of a second to parse)."""
    taxonomy, findings = _parse_taxonomy(raw)
    return taxonomy, tuple(findings)


def _parse_taxonomy(raw: bytes) -> tuple[Taxonomy | None, list[Finding]]:
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
                KIND_HINT if is_kind
                else scheme_hint(loc) or dimension_hint(loc, error["type"], doc.data)
                or "see the comments at the top of taxonomy.yml",
            ))
        return None, problems
    findings = [finding("FMC031", f.file, f.line, f.field, f.message, f.hint)
                for f in doc.findings]
    for key in taxonomy.dimensions:
        if key in RESERVED_DIMENSION_KEYS:
            loc = ("dimensions", key)
            findings.append(finding(
                "FMC031", TAXONOMY_FILE, doc.line_of(loc), ".".join(loc),
                f"'{key}' is the name of a record field or vocabulary, not a free dimension name",
                "rename the dimension, e.g. with a prefix: attack_" + key))
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


def dimension_hint(loc: tuple[Any, ...], kind: str, data: Any) -> str:
    """What to do about a mistake under `dimensions:`, or "" if it is elsewhere.

    A taxonomy written before dimensions were data lists each one as a
    top-level mapping of terms; it gets told how to move it, not just that
    the key is unknown.
    """
    if kind == "extra_forbidden" and len(loc) == 1 and isinstance(data, dict) \
            and isinstance(data.get(loc[0]), dict):
        return (f"tag dimensions are declared under `dimensions:` now: move `{loc[0]}:` there "
                f"as `{loc[0]}: {{title: ..., required: true, values: {{...its terms...}}}}` "
                "(docs/taxonomy-reference.md)")
    if loc[:1] != ("dimensions",):
        return ""
    if loc[-1:] == ("values",) or "values" in loc[2:3]:
        return ("give each value a slug (a-z, 0-9, -) and a title: "
                "values: {tabular: {title: Tabular}}")
    if "applies_to" in loc:
        return "applies_to lists record kinds: failure-mode, playbook, case-study, incident"
    return ("a dimension is {title, short?, description?, required?, applies_to?, values}; "
            "see docs/taxonomy-reference.md")
