"""The mapping file: which column of an export holds each incident field.

Incident tools export CSV or JSON with their own column names, severity
scales and label conventions; a small YAML mapping file (see
`examples/incident-import-mapping.yml`) says where each incident field comes
from. This module is its model and its loading.
"""

from __future__ import annotations

import re
from datetime import UTC, tzinfo
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, model_validator

from fmcat.core.findings import Finding
from fmcat.core.frontmatter import parse_yaml
from fmcat.core.model import StrictModel
from fmcat.core.validation import error_to_finding

MAPPING_EXPLAINED = ("a mapping is a YAML file that says which column of the export holds "
                     "each incident field and how its labels name failure modes; start from "
                     "examples/incident-import-mapping.yml")
"""What `--mapping` is, for the messages that ask for one."""


class Columns(StrictModel):
    """The export's column name for each incident field (None: not in the export)."""

    source_id: str
    title: str
    detected: str
    started: str | None = None
    mitigated: str | None = None
    resolved: str | None = None
    severity: str | None = None
    team: str | None = None
    project: str | None = None
    model_family: str | None = None
    environment: str | None = None
    release: str | None = None
    postmortem: str | None = None
    summary: str | None = None


class LabelRule(StrictModel):
    """Which labels of a column name catalog IDs.

    The column is split on `separator` (a JSON list is taken as is). With
    `prefix`, a label starting with it names an ID in the rest (`fm:FM-0001`);
    with `pattern`, a label fully matching the regular expression names an ID
    in its first group (or the whole match); with neither, each label is an
    ID. Labels that match neither are other labels and are ignored.
    """

    column: str
    separator: str = Field(default=",", min_length=1)
    prefix: str | None = None
    pattern: str | None = None

    @model_validator(mode="after")
    def _one_rule(self) -> LabelRule:
        if self.prefix is not None and self.pattern is not None:
            raise ValueError("give prefix or pattern, not both")
        if self.pattern is not None:
            try:
                re.compile(self.pattern)
            except re.error as exc:
                raise ValueError(f"pattern is not a valid regular expression: {exc}") from None
        return self


class DataChangeRule(StrictModel):
    """A data change preceded the incident when the column holds one of `values`."""

    column: str
    separator: str = Field(default=",", min_length=1)
    values: list[str] = Field(min_length=1)
    description: str | None = None


class Defaults(StrictModel):
    """Values for fields the export lacks or leaves empty."""

    severity: str | None = None
    team: str | None = None
    project: str | None = None
    model_family: str | None = None
    environment: str | None = None
    release: str | None = None


MappedField = Literal["severity", "team", "project", "model_family", "environment"]

MAPPED_FIELDS: tuple[MappedField, ...] = ("severity", "team", "project", "model_family",
                                          "environment")
"""The fields whose tool values the mapping's `values` tables translate."""


class ImportMapping(StrictModel):
    """The mapping file: how one tool's export becomes incident records."""

    system: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")
    columns: Columns
    failure_modes: LabelRule
    playbooks: LabelRule | None = None
    data_change: DataChangeRule | None = None
    values: dict[MappedField, dict[str, str]] = Field(default_factory=dict)
    defaults: Defaults = Defaults()
    timezone: str = "UTC"
    timestamp_format: str | None = None

    @model_validator(mode="after")
    def _known_zone(self) -> ImportMapping:
        self.zone()
        return self

    def zone(self) -> tzinfo:
        """The time zone a timestamp without an offset is read in."""
        return time_zone(self.timezone)

    def named_columns(self) -> list[str]:
        """Every export column the mapping reads, each once."""
        names = [v for v in self.columns.model_dump().values() if v]
        for rule in (self.failure_modes, self.playbooks):
            if rule is not None:
                names.append(rule.column)
        if self.data_change is not None:
            names.append(self.data_change.column)
            if self.data_change.description:
                names.append(self.data_change.description)
        return list(dict.fromkeys(names))


def time_zone(name: str) -> tzinfo:
    """`UTC` or an IANA zone name; a ValueError that says what to write otherwise."""
    if name.upper() == "UTC":
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}; use e.g. UTC or Europe/Berlin") from None


def load_mapping(path: Path) -> tuple[ImportMapping | None, list[str]]:
    """Read and validate a mapping file; problems come back as readable lines."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [f"{path}: cannot read the mapping file: {exc.strerror or exc}"]
    doc = parse_yaml(str(path), raw)
    if doc.data is None:
        return None, [finding_line(f) for f in doc.findings]
    try:
        return ImportMapping.model_validate(doc.data), [finding_line(f) for f in doc.findings]
    except ValidationError as exc:
        found = [error_to_finding(doc, ImportMapping, e) for e in exc.errors()]
        return None, [finding_line(f) for f in [*doc.findings, *found]]


def finding_line(item: Finding) -> str:
    """A finding about the mapping file as one line: `file:line: field: message (hint)`."""
    where = f"{item.file}:{item.line}" if item.line else item.file
    field_name = f"{item.field}: " if item.field else ""
    hint = f" (hint: {item.hint})" if item.hint else ""
    return f"{where}: {field_name}{item.message}{hint}"
