"""Controlled vocabularies, read from `taxonomy.yml` at the catalog root.

Vocabularies are data, not code: a team adds a model family or a signal by a
reviewed change to one YAML file, and every check, filter and tag page
follows without a release of this package.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .findings import Finding, finding
from .frontmatter import parse_yaml, read_file

TAXONOMY_FILE = "taxonomy.yml"

TAG_DIMENSIONS: tuple[str, ...] = ("data_domain", "model_family", "environment", "customer_segment")
"""The four tag dimensions every failure mode is classified by."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Term(_Strict):
    title: str
    description: str = ""


class RankedTerm(_Strict):
    rank: int = Field(ge=1)
    definition: str


class Signal(_Strict):
    title: str
    unit: Literal["ratio", "count", "ms", "minutes", "hours"]
    metric: str = Field(pattern=r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")


class Steward(_Strict):
    title: str
    domain: str = ""


class Taxonomy(_Strict):
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
            problems.append(finding(
                "FMC031", TAXONOMY_FILE, doc.line_of(loc), ".".join(map(str, loc)),
                error["msg"], "see the comments at the top of taxonomy.yml",
            ))
        return None, problems
    return taxonomy, [finding("FMC031", f.file, f.line, f.field, f.message, f.hint)
                      for f in doc.findings]
