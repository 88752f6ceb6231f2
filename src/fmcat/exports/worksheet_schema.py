"""The shape of `fmcat assess --format json`, as pydantic models, for its JSON Schema.

The JSON output is built from these models, so it cannot drift from the
schema published with the others (`api/schema/assess-worksheet.json`).
`WORKSHEET_VERSION` follows the export's rules: the major number changes
only when a field is removed or changes meaning.
"""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict

from fmcat.core.model import StrictModel

WORKSHEET_VERSION: Literal["1.0"] = "1.0"

Priority = Literal["H", "M", "L"]
Detection = Literal["none", "some", "all"]


class _Shape(StrictModel):
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)


class ProfileShape(_Shape):
    name: str
    dimensions: dict[str, list[str]]
    stages: list[str]
    monitors: list[str]
    playbooks: list[str]


class DetectorShape(_Shape):
    signal: str
    op: str
    threshold: float
    window: str
    action: str


class PlaybookShape(_Shape):
    id: str
    title: str
    kind: str
    owner: str
    time_to_remediate: str
    url: str
    adopted: bool


class AfterShape(_Shape):
    occurrence: int
    detection: Detection
    action_priority: Priority
    missing_detectors: list[DetectorShape]


class RowShape(_Shape):
    rank: int
    id: str
    title: str
    url: str
    detection_url: str
    mitigation_url: str
    checklist_url: str
    severity: str
    severity_level: int
    occurrence: int
    occurrence_source: Literal["observed", "declared", "assumed"]
    incidents: int
    recurrences: int
    prevented: bool
    detection: Detection
    action_priority: Priority
    missing_detectors: list[DetectorShape]
    playbooks: list[PlaybookShape]
    checklist: list[str]
    after: AfterShape | None


class SummaryShape(_Shape):
    considered: int
    applicable: int
    high: int
    medium: int
    low: int
    high_remaining: int


class WorksheetShape(_Shape):
    """A project's risk review: rows in rank order (H, M, L, then severity, occurrence)."""

    model_config = ConfigDict(json_schema_serialization_defaults_required=True,
                              title="Assessment worksheet")
    version: Literal["1.0"]
    profile: ProfileShape
    after_profile: ProfileShape | None
    assumptions: list[str]
    summary: SummaryShape
    rows: list[RowShape]
