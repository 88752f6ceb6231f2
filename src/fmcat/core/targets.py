"""`metrics.yml`: the targets the metrics page judges the catalog against.

Read by `fmcat.core.load` with the records, so `fmcat validate` and the build
report its mistakes alike; the metrics themselves are computed in
`fmcat.analysis.metrics`.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, ValidationError, model_validator

from fmcat.core.findings import Finding
from fmcat.core.frontmatter import parse_yaml, read_file
from fmcat.core.model import Number, StrictModel
from fmcat.core.validation import error_to_finding

TARGETS_FILE = "metrics.yml"
"""Targets for the metrics, at the catalog root; optional."""


class Target(StrictModel):
    """A bound on one metric: `at_most` for things to keep low, `at_least` for high."""

    at_most: Number | None = None
    at_least: Number | None = None

    @model_validator(mode="after")
    def _one_bound(self) -> Target:
        if (self.at_most is None) == (self.at_least is None):
            raise ValueError("give exactly one of at_most or at_least")
        return self


class Targets(StrictModel):
    """The metrics a target may be set for; any of them may be left out."""

    median_time_to_detect_hours: Target | None = None
    median_time_to_mitigate_hours: Target | None = None
    p90_time_to_mitigate_hours: Target | None = None
    high_critical_share: Target | None = None
    recurrence_share: Target | None = None
    data_change_share: Target | None = None
    share_reviewed_on_time: Target | None = None
    median_completeness: Target | None = None


class TargetsFile(StrictModel):
    """`metrics.yml`: targets, and the window incident metrics are judged over."""

    window_quarters: int = Field(default=4, ge=1, le=40)
    targets: Targets = Targets()


def load_targets(root: Path) -> tuple[TargetsFile | None, list[Finding]]:
    """Read `metrics.yml`; a missing file means no targets, a broken one gives findings."""
    path = Path(root) / TARGETS_FILE
    if not path.is_file():
        return None, []
    raw, problems = read_file(path, TARGETS_FILE)
    if raw is None:
        return None, problems
    doc = parse_yaml(TARGETS_FILE, raw)
    if doc.data is None:
        return None, list(doc.findings)
    try:
        return TargetsFile.model_validate(doc.data), list(doc.findings)
    except ValidationError as exc:
        return None, [*doc.findings,
                      *(error_to_finding(doc, TargetsFile, e) for e in exc.errors())]
