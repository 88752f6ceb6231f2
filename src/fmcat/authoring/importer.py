"""Turning an incident tool's export into incident records.

Incident tools export CSV or JSON with their own column names, severity
scales and label conventions, so a small YAML mapping file says where each
incident field comes from (see `examples/incident-import-mapping.yml`). The
importer then:

* reports every bad row with its number and the reason, and never stops with
  a traceback: a half-readable export is the normal case, not an exception;
* validates each record with the same model and the same incident checks as
  `fmcat validate` before writing it, so an import can never produce a file
  that breaks the build;
* writes `incidents/YYYY/INC-YYYY-nnnn.yml` with the next numbers after the
  highest one in use for that year (gaps are left alone: a missing number may
  be a deleted incident, and IDs are never reused), opening each file in
  exclusive mode so an existing file is never overwritten;
* records `source: {system, id}` in every record, and lets that source ID
  alone decide which record a row is: a row whose source is already in the
  log updates that record in place (or is skipped when nothing changed), so
  an export re-run nightly brings the tool's edits in and never writes a
  second record for one incident. See `_merge` for what an update may change;
* writes nothing on a dry run, which reports what it would write.

Identity is read from the log's files themselves, not from the loaded
catalog: a record a human has broken still names its source, and a file that
cannot be read at all may hold any source, so the import then writes nothing.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from fmcat.core.catalog import Catalog, IncidentEntry
from fmcat.core.checks import check_incident
from fmcat.core.findings import Finding, did_you_mean
from fmcat.core.frontmatter import MAX_FILE_BYTES, parse_yaml
from fmcat.core.ids import FM_ID_PATTERN, MP_ID_PATTERN
from fmcat.core.load import load_catalog
from fmcat.core.model import INCIDENTS_FOLDER, Incident
from fmcat.core.validation import error_to_finding, validate_document

Format = Literal["csv", "json"]
Cell = str | list[str]

MAPPING_EXPLAINED = ("a mapping is a YAML file that says which column of the export holds "
                     "each incident field and how its labels name failure modes; start from "
                     "examples/incident-import-mapping.yml")
"""What `--mapping` is, for the messages that ask for one."""

MAX_TITLE = 120
"""Longest incident title the model accepts; longer tool titles are shortened."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Columns(_Strict):
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


class LabelRule(_Strict):
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


class DataChangeRule(_Strict):
    """A data change preceded the incident when the column holds one of `values`."""

    column: str
    separator: str = Field(default=",", min_length=1)
    values: list[str] = Field(min_length=1)
    description: str | None = None


class Defaults(_Strict):
    """Values for fields the export lacks or leaves empty."""

    severity: str | None = None
    team: str | None = None
    project: str | None = None
    model_family: str | None = None
    environment: str | None = None
    release: str | None = None


MappedField = Literal["severity", "team", "project", "model_family", "environment"]


class ImportMapping(_Strict):
    """The mapping file: how one tool's export becomes incident records."""

    system: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")
    columns: Columns
    failure_modes: LabelRule
    playbooks: LabelRule | None = None
    data_change: DataChangeRule | None = None
    values: dict[MappedField, dict[str, str]] = {}
    defaults: Defaults = Defaults()
    timezone: str = "UTC"
    timestamp_format: str | None = None

    @model_validator(mode="after")
    def _known_zone(self) -> ImportMapping:
        _zone(self.timezone)
        return self

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


def _zone(name: str) -> tzinfo:
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
        return None, [_finding_line(f) for f in doc.findings]
    try:
        return ImportMapping.model_validate(doc.data), [_finding_line(f) for f in doc.findings]
    except ValidationError as exc:
        found = [error_to_finding(doc, ImportMapping, e) for e in exc.errors()]
        return None, [_finding_line(f) for f in [*doc.findings, *found]]


def _finding_line(item: Finding) -> str:
    where = f"{item.file}:{item.line}" if item.line else item.file
    field_name = f"{item.field}: " if item.field else ""
    hint = f" (hint: {item.hint})" if item.hint else ""
    return f"{where}: {field_name}{item.message}{hint}"


# --- the report ---------------------------------------------------------------

@dataclass(frozen=True)
class ImportedRow:
    """A row written (or, on a dry run, to be written) as an incident file."""

    row: int
    source_id: str
    incident_id: str
    path: str


@dataclass(frozen=True)
class UpdatedRow:
    """A row whose source is already in the log and which changes that record.

    `fields` are the fields the update changes, in the file's order.
    """

    row: int
    source_id: str
    incident_id: str
    path: str
    fields: tuple[str, ...]


@dataclass(frozen=True)
class SkippedRow:
    """A row already in the log, recognised by its source ID, that changes nothing."""

    row: int
    source_id: str
    incident_id: str


@dataclass(frozen=True)
class RejectedRow:
    """A row that cannot become a valid incident; `line` is the CSV line it starts on."""

    row: int
    line: int | None
    source_id: str
    reason: str


@dataclass(frozen=True)
class ImportReport:
    """What an import did or, on a dry run, would do.

    `errors` are problems with the files as a whole (unreadable export,
    broken mapping, missing columns); when there are any, no row is read.
    Rows are numbered from 1, not counting the CSV header.
    """

    export: str
    dry_run: bool
    imported: tuple[ImportedRow, ...] = ()
    updated: tuple[UpdatedRow, ...] = ()
    skipped: tuple[SkippedRow, ...] = ()
    rejected: tuple[RejectedRow, ...] = ()
    errors: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors and not self.rejected


def format_report(report: ImportReport) -> str:
    """The report as text for the command line."""
    lines = list(report.errors)
    verb = "would write" if report.dry_run else "wrote"
    lines += [f"{verb} {r.path} (row {r.row}, source {r.source_id})" for r in report.imported]
    update = "would update" if report.dry_run else "updated"
    lines += [f"{update} {r.path} (row {r.row}, source {r.source_id}): {', '.join(r.fields)}"
              for r in report.updated]
    lines += [f"row {r.row}: skipped, source {r.source_id} is already {r.incident_id} "
              "(unchanged)" for r in report.skipped]
    for r in report.rejected:
        where = f"row {r.row}" + (f" (line {r.line})" if r.line else "")
        source = f" [{r.source_id}]" if r.source_id else ""
        lines.append(f"{where}{source}: rejected: {r.reason}")
    lines.append(f"{len(report.imported)} {'to import' if report.dry_run else 'imported'}, "
                 f"{len(report.updated)} {'to update' if report.dry_run else 'updated'}, "
                 f"{len(report.skipped)} already imported, {len(report.rejected)} rejected"
                 + (", nothing written (dry run)" if report.dry_run else ""))
    return "\n".join(lines)


# --- reading the export ------------------------------------------------------------

@dataclass
class _Row:
    number: int
    line: int | None
    cells: dict[str, Cell]
    problem: str = ""


class _ExportError(Exception):
    pass


def _read_export(path: Path, fmt: Format, mapping: ImportMapping) -> list[_Row]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise _ExportError(f"{path}: cannot read the export: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _ExportError(f"{path}: byte {exc.start} is not UTF-8; export as UTF-8") from None
    if fmt == "csv":
        return list(_read_csv(text, path, mapping))
    return list(_read_json(text, path))


def _read_csv(text: str, path: Path, mapping: ImportMapping) -> Iterator[_Row]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [name.strip() for name in next(reader, [])]
        if not header:
            raise _ExportError(f"{path}: the export is empty")
        duplicates = sorted({n for n in header if header.count(n) > 1})
        if duplicates:
            raise _ExportError(f"{path}: columns named twice in the header: "
                               + ", ".join(duplicates))
        # A JSON row may leave a key out, but a CSV without a named column is
        # a wrong mapping or a wrong export, and every row would be rejected.
        missing = [c for c in mapping.named_columns() if c not in header]
        if missing:
            hints = "; ".join(f"'{c}' ({did_you_mean(c, header)})" for c in missing)
            raise _ExportError(f"{path}: the mapping names columns the export does not "
                               f"have: {hints}")
        number = 0
        start = reader.line_num + 1
        for cells in reader:
            line, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                continue
            number += 1
            row = _Row(number, line, dict(zip(header, cells, strict=False)))
            if len(cells) > len(header):
                row.problem = f"{len(cells)} cells but the header has {len(header)} columns"
            yield row
    except csv.Error as exc:
        raise _ExportError(f"{path}:{reader.line_num}: not valid CSV: {exc}") from None


def _read_json(text: str, path: Path) -> Iterator[_Row]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _ExportError(f"{path}:{exc.lineno}: not valid JSON: {exc.msg}") from None
    if not isinstance(data, list):
        raise _ExportError(f"{path}: the export must be a JSON list of incident objects")
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            yield _Row(number, None, {}, "the row is not a JSON object")
            continue
        cells: dict[str, Cell] = {}
        problem = ""
        for key, value in item.items():
            cell = _json_cell(value)
            if cell is None:
                problem = problem or f"'{key}' holds a nested object, not a value or a list"
                continue
            cells[str(key)] = cell
        yield _Row(number, None, cells, problem)


def _json_cell(value: Any) -> Cell | None:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    if isinstance(value, list) and all(not isinstance(v, dict | list) for v in value):
        return [str(v) for v in value if v is not None]
    return None


# --- one row to one draft record --------------------------------------------------------

@dataclass
class _Draft:
    row: _Row
    source_id: str
    data: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    # Fields whose value is the mapping's default, not the row's: an update
    # must not let a default overwrite what the catalog says.
    defaulted: set[str] = field(default_factory=set)

    @property
    def detected(self) -> datetime:
        value = self.data["detected"]
        assert isinstance(value, datetime)
        return value


def _text(cell: Cell | None) -> str:
    if cell is None:
        return ""
    return ", ".join(cell).strip() if isinstance(cell, list) else cell.strip()


def _tokens(cell: Cell | None, separator: str) -> list[str]:
    if cell is None:
        return []
    items = cell if isinstance(cell, list) else cell.split(separator)
    return [item.strip() for item in items if item.strip()]


def _draft(row: _Row, mapping: ImportMapping) -> _Draft:
    cols = mapping.columns
    cells = row.cells
    draft = _Draft(row, _text(cells.get(cols.source_id)))
    problems = draft.problems
    if row.problem:
        problems.append(row.problem)
    if not draft.source_id:
        problems.append(f"the source ID column '{cols.source_id}' is empty")
    title = _text(cells.get(cols.title))
    if not title:
        problems.append(f"the title column '{cols.title}' is empty")
    elif len(title) > MAX_TITLE:
        title = title[: MAX_TITLE - 1].rstrip() + "…"
    data = draft.data
    data["title"] = title
    summary = _text(cells.get(cols.summary)) if cols.summary else ""
    if summary:
        data["summary"] = summary
    _timestamps(cells, mapping, data, problems)
    known_problems = len(problems)
    data["failure_modes"] = _ids(cells, mapping.failure_modes, FM_ID_PATTERN, "FM-0001",
                                 problems)
    if not data["failure_modes"] and len(problems) == known_problems:
        problems.append(f"no failure-mode ID in column '{mapping.failure_modes.column}'"
                        + _rule_hint(mapping.failure_modes))
    if mapping.playbooks is not None:
        playbooks = _ids(cells, mapping.playbooks, MP_ID_PATTERN, "MP-0001", problems)
        if playbooks:
            data["playbooks_used"] = playbooks
    for name in _MAPPED:
        value = _field(cells, mapping, name, draft.defaulted)
        table = {k.strip().lower(): v for k, v in mapping.values.get(name, {}).items()}
        value = table.get(value.lower(), value)
        if value:
            data[name] = value
        else:
            column = getattr(cols, name)
            where = f"column '{column}' is empty and " if column else ""
            problems.append(f"no {name}: {where}the mapping has no default for it")
    release = _field(cells, mapping, "release", draft.defaulted)
    if release:
        data["release"] = release
    data["data_change"] = _data_change(cells, mapping)
    if mapping.data_change is None:
        draft.defaulted.add("data_change")
    postmortem = _text(cells.get(cols.postmortem)) if cols.postmortem else ""
    if postmortem:
        data["postmortem"] = postmortem
    data["source"] = {"system": mapping.system, "id": draft.source_id}
    return draft


def _timestamps(cells: dict[str, Cell], mapping: ImportMapping, data: dict[str, Any],
                problems: list[str]) -> None:
    zone = _zone(mapping.timezone)
    for name in ("started", "detected", "mitigated", "resolved"):
        column = getattr(mapping.columns, name)
        value = _text(cells.get(column)) if column else ""
        if not value:
            if name == "detected":
                problems.append(f"the detection time column '{column}' is empty")
            continue
        stamp = _timestamp(value, zone, mapping.timestamp_format)
        if stamp is None:
            expected = mapping.timestamp_format or "ISO 8601, e.g. 2026-03-11T09:20:00Z"
            problems.append(f"{column}: {value!r} is not a date and time ({expected})")
        else:
            data[name] = stamp


_MAPPED: tuple[MappedField, ...] = ("severity", "team", "project", "model_family",
                                    "environment")


def _field(cells: dict[str, Cell], mapping: ImportMapping, name: str,
           defaulted: set[str]) -> str:
    """A field's cell, or the mapping's default when the column is absent or empty
    (then `name` is added to `defaulted`)."""
    column = getattr(mapping.columns, name)
    value = _text(cells.get(column)) if column else ""
    if value:
        return value
    default: str = getattr(mapping.defaults, name) or ""
    if default:
        defaulted.add(name)
    return default


def _rule_hint(rule: LabelRule) -> str:
    if rule.prefix is not None:
        return f" (labels starting with '{rule.prefix}')"
    if rule.pattern is not None:
        return f" (labels matching {rule.pattern!r})"
    return ""


def _timestamp(value: str, zone: tzinfo, fmt: str | None) -> datetime | None:
    try:
        # A stamp without an offset is read in the mapping's time zone below.
        stamp = datetime.strptime(value, fmt) if fmt else datetime.fromisoformat(value)
    except ValueError:
        return None
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=zone)
    return stamp.astimezone(UTC).replace(microsecond=0)


def _ids(cells: dict[str, Cell], rule: LabelRule, pattern: str, example: str,
         problems: list[str]) -> list[str]:
    """The catalog IDs named by a row's labels, each once, in order."""
    found: list[str] = []
    valid = re.compile(pattern)
    matcher = re.compile(rule.pattern) if rule.pattern is not None else None
    for label in _tokens(cells.get(rule.column), rule.separator):
        if rule.prefix is not None:
            if not label.startswith(rule.prefix):
                continue
            candidate = label[len(rule.prefix):].strip()
        elif matcher is not None:
            match = matcher.fullmatch(label)
            if match is None:
                continue
            candidate = match.group(1) if match.groups() else match.group(0)
        else:
            candidate = label
        candidate = candidate.upper()
        if not valid.match(candidate):
            problems.append(f"label {label!r} in column '{rule.column}' does not name an ID "
                            f"like {example}")
            continue
        if candidate not in found:
            found.append(candidate)
    return found


def _data_change(cells: dict[str, Cell], mapping: ImportMapping) -> dict[str, Any]:
    rule = mapping.data_change
    if rule is None:
        return {"preceded": False}
    wanted = {v.strip().lower() for v in rule.values}
    preceded = any(t.lower() in wanted for t in _tokens(cells.get(rule.column), rule.separator))
    result: dict[str, Any] = {"preceded": preceded}
    description = _text(cells.get(rule.description)) if rule.description else ""
    if description:
        result["description"] = description
    return result


# --- records and files ----------------------------------------------------------------

_FIELD_ORDER = ("id", "title", "summary", "started", "detected", "mitigated", "resolved",
                "failure_modes", "playbooks_used", "severity", "team", "project",
                "model_family", "environment", "release", "data_change", "postmortem", "source")
_HEADER_START = "# Imported from "
_INCIDENT_FILE = re.compile(r"^INC-(\d{4})-(\d{4})\b")


class _Record(dict[str, Any]):
    """The top level of a record: always written in block style."""


class _Dumper(yaml.SafeDumper):
    """Writes records in the log's style: block at the top, short lists inline,
    timestamps as UTC `...Z`."""


def _represent_record(dumper: yaml.SafeDumper, data: _Record) -> yaml.Node:
    return dumper.represent_mapping("tag:yaml.org,2002:map", data, flow_style=False)


def _represent_datetime(dumper: yaml.SafeDumper, data: datetime) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:timestamp",
                                   f"{data.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}")


_Dumper.add_representer(_Record, _represent_record)
_Dumper.add_representer(datetime, _represent_datetime)


def render_incident(data: dict[str, Any], system: str) -> str:
    """An incident as YAML in the log's field order and style.

    PyYAML's emitter quotes anything YAML would read back as another type
    (a release `2025.10` stays text, a title `yes` stays text). Keys outside
    the log's order (a hand-written key in a record being updated) follow at
    the end, so validation sees them instead of a rewrite dropping them.
    """
    order = [key for key in _FIELD_ORDER if key in data]
    order += [key for key in data if key not in _FIELD_ORDER]
    record = _Record((key, data[key]) for key in order)
    header = (f"{_HEADER_START}{system} by `fmcat import incidents`; keep `source`, "
              "it prevents a second import.\n")
    return header + yaml.dump(record, Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                              default_flow_style=None, width=4096)


def _incident_path(incident_id: str) -> str:
    return f"{INCIDENTS_FOLDER}/{incident_id.split('-')[1]}/{incident_id}.yml"


def _validation_problems(data: dict[str, Any], path: str, catalog: Catalog,
                         system: str) -> list[str]:
    """Parse the rendered file back and run the model and the incident checks on it."""
    text = render_incident(data, system)
    doc = parse_yaml(path, text.encode("utf-8"))
    record = validate_document(doc, Incident)
    found = list(doc.findings)
    if record is not None and catalog.taxonomy is not None:
        found += check_incident(IncidentEntry(record, doc), catalog, catalog.taxonomy)
    return [_problem(f) for f in sorted(found)]


def _problem(item: Finding) -> str:
    if not item.field:
        return item.message
    hint = item.hint
    if item.field in _MAPPED:
        # The value came from the tool: the fix is usually in the mapping.
        hint = f"map the tool's value under values.{item.field} in the mapping; {hint}"
    return f"{item.field}: {item.message}" + (f" ({hint})" if hint else "")


def _highest_numbers(root: Path, catalog: Catalog) -> dict[int, int]:
    """The highest incident number in use per year, from file names and loaded IDs."""
    highest: dict[int, int] = defaultdict(int)
    names = [p.name for p in (root / INCIDENTS_FOLDER).rglob("INC-*")] \
        if (root / INCIDENTS_FOLDER).is_dir() else []
    for name in [*names, *catalog.incidents, *catalog.unreadable]:
        match = _INCIDENT_FILE.match(name)
        if match:
            year, number = int(match[1]), int(match[2])
            highest[year] = max(highest[year], number)
    return highest


def import_incidents(root: Path, path: Path, fmt: Format | None = None,
                     mapping: Path | ImportMapping | None = None, dry_run: bool = False, *,
                     today: date | None = None) -> ImportReport:
    """Import an export into `root/incidents/`; see the module docstring for the rules.

    `fmt` defaults to the export's suffix (`.csv` or `.json`). `mapping` is a
    mapping file or an already loaded mapping. `today` bounds the dates
    accepted (records from the future are rejected, as `fmcat validate` would).
    """
    root, path = Path(root), Path(path)
    report = ImportReport(export=str(path), dry_run=dry_run)
    fmt = fmt or _format_of(path)
    if fmt is None:
        return replace(report, errors=(f"{path}: cannot tell the format from the suffix; "
                                     "give csv or json",))
    if mapping is None:
        return replace(report, errors=(f"no mapping given: {MAPPING_EXPLAINED}",))
    if not isinstance(mapping, ImportMapping):
        loaded, problems = load_mapping(mapping)
        if loaded is None:
            return replace(report, errors=tuple(problems))
        mapping = loaded
    try:
        log = _read_log(root)
    except _ExportError as exc:
        return replace(report, errors=(str(exc),))
    catalog = load_catalog(root, today=today)
    if catalog.taxonomy is None:
        return replace(report, errors=(f"{root}: no valid taxonomy.yml; the import checks "
                                     "values against it",))
    try:
        rows = _read_export(path, fmt, mapping)
    except _ExportError as exc:
        return replace(report, errors=(str(exc),))
    return _import_rows(report, rows, mapping, catalog, log)


def _format_of(path: Path) -> Format | None:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix == ".json":
        return "json"
    return None


def _import_rows(report: ImportReport, rows: list[_Row], mapping: ImportMapping,
                 catalog: Catalog, log: _Log) -> ImportReport:
    root = catalog.root
    drafts = [_draft(row, mapping) for row in rows]
    rows_of: dict[str, list[_Draft]] = defaultdict(list)
    for draft in drafts:
        if draft.source_id:
            rows_of[draft.source_id].append(draft)
    rejected: list[RejectedRow] = []
    skipped: list[SkippedRow] = []
    accepted: list[_Draft] = []
    updates: list[_Update] = []
    for draft in drafts:
        _check_repeats(draft, rows_of.get(draft.source_id, [draft]))
        logged = None
        if not draft.problems:
            logged = _logged_record(draft, mapping.system, log)
        if not draft.problems and logged is None:
            placeholder = f"INC-{draft.detected.year}-0000"
            draft.problems += _validation_problems(
                {"id": placeholder, **draft.data}, _incident_path(placeholder), catalog,
                mapping.system)
        if not draft.problems and logged is not None:
            update = _update(draft, logged, catalog, mapping.system)
            if update is not None:
                updates.append(update)
                continue
            if not draft.problems:
                skipped.append(SkippedRow(draft.row.number, draft.source_id,
                                          logged.incident_id))
                continue
        if draft.problems:
            rejected.append(RejectedRow(draft.row.number, draft.row.line, draft.source_id,
                                        "; ".join(draft.problems)))
        else:
            accepted.append(draft)
    imported, errors = _write(accepted, mapping.system, root, catalog, dry_run=report.dry_run,
                              rejected=rejected)
    updated, update_errors = _rewrite(updates, mapping.system, root, dry_run=report.dry_run)
    return replace(report, imported=tuple(imported), updated=tuple(updated),
                   skipped=tuple(skipped), rejected=tuple(sorted(rejected, key=lambda r: r.row)),
                   errors=tuple(errors + update_errors))


def _check_repeats(draft: _Draft, group: list[_Draft]) -> None:
    """A source ID on several rows: identical rows count once, differing rows not at all,
    because which of them the tool meant cannot be told."""
    if len(group) < 2:
        return
    first = group[0]
    if any(other.data != first.data for other in group):
        numbers = [str(d.row.number) for d in group]
        listed = ", ".join(numbers[:-1]) + " and " + numbers[-1]
        draft.problems.insert(0, f"source ID {draft.source_id} is on rows {listed} with "
                                 "different values; an export lists each incident once")
    elif draft is not first:
        draft.problems.insert(0, f"source ID {draft.source_id} appears again "
                                 f"(first in row {first.row.number})")


def _write(accepted: list[_Draft], system: str, root: Path, catalog: Catalog, *,
           dry_run: bool, rejected: list[RejectedRow]) -> tuple[list[ImportedRow], list[str]]:
    """Number the accepted rows in order of detection and write their files."""
    highest = _highest_numbers(root, catalog)
    imported: list[ImportedRow] = []
    errors: list[str] = []
    for draft in sorted(accepted, key=lambda d: (d.detected, d.row.number)):
        year = draft.detected.year
        number = highest[year] + 1
        if number > 9999:
            rejected.append(RejectedRow(draft.row.number, draft.row.line, draft.source_id,
                                        f"no incident number left in {year}"))
            continue
        highest[year] = number
        incident_id = f"INC-{year}-{number:04d}"
        relative = _incident_path(incident_id)
        if not dry_run:
            target = root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                with target.open("x", encoding="utf-8", newline="\n") as handle:
                    handle.write(render_incident({"id": incident_id, **draft.data}, system))
            except FileExistsError:
                errors.append(f"{relative} appeared during the import; row {draft.row.number} "
                              "was not written, run the import again")
                continue
            except OSError as exc:
                errors.append(f"{relative}: cannot write: {exc.strerror or exc}")
                continue
        imported.append(ImportedRow(draft.row.number, draft.source_id, incident_id, relative))
    return imported, errors


# --- records already in the log ------------------------------------------------------------

@dataclass(frozen=True)
class _Logged:
    """One file of the incident log as the importer reads it: raw, not validated."""

    path: str
    raw: bytes
    text: str
    data: dict[str, Any] | None
    unreadable_as: str = ""  # why its source cannot be read, when it cannot

    @property
    def incident_id(self) -> str:
        value = self.data.get("id") if self.data is not None else None
        return value if isinstance(value, str) else self.path.rsplit("/", 1)[-1]


@dataclass
class _Log:
    by_source: dict[tuple[str, str], list[_Logged]] = field(default_factory=dict)
    opaque: list[_Logged] = field(default_factory=list)


def _read_log(root: Path) -> _Log:
    """Every record's `source`, read from the files rather than the validated catalog.

    A record that fails validation (a human edited it badly) still names its
    source and must still stop a second import. A file that does not parse,
    or whose `source` is not `{system, id}`, is kept as text so that a row
    whose ID it contains is refused rather than guessed; a file that cannot
    be read at all could hold any row, so it stops the import.
    """
    log = _Log()
    folder = root / INCIDENTS_FOLDER
    if not folder.is_dir():
        return log
    for path in sorted(folder.rglob("*")):
        if path.suffix.lower() not in (".yml", ".yaml") or path.is_dir():
            continue
        relative = path.relative_to(root).as_posix()
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise _ExportError(f"{relative}: larger than {MAX_FILE_BYTES:,} bytes, so not "
                                   "read; the import cannot tell which source it holds, "
                                   "nothing was written")
            raw = path.read_bytes()
        except OSError as exc:
            raise _ExportError(f"{relative}: cannot read it ({exc.strerror or exc}); the "
                               "import cannot tell whether it holds a row of this export, "
                               "so nothing was written") from None
        doc = parse_yaml(relative, raw)
        text = raw.decode("utf-8", "replace")
        data = doc.data if isinstance(doc.data, dict) else None
        if data is None:
            problem = doc.findings[0].message if doc.findings else "is not a YAML mapping"
            log.opaque.append(_Logged(relative, raw, text, None,
                                      f"does not parse ({problem})"))
            continue
        if "source" not in data:
            continue  # written by hand, not imported
        source = data["source"]
        system = source.get("system") if isinstance(source, dict) else None
        source_id = source.get("id") if isinstance(source, dict) else None
        if isinstance(system, str) and isinstance(source_id, str | int) and \
                not isinstance(source_id, bool):
            log.by_source.setdefault((system, str(source_id)), []).append(
                _Logged(relative, raw, text, data))
        else:
            log.opaque.append(_Logged(relative, raw, text, data,
                                      "has a `source` that is not {system, id}"))
    return log


def _logged_record(draft: _Draft, system: str, log: _Log) -> _Logged | None:
    """The record this row's source already has, if any; a doubt becomes a problem."""
    found = log.by_source.get((system, draft.source_id), [])
    if len(found) > 1:
        names = " and ".join(f"{item.path} ({item.incident_id})" for item in found)
        draft.problems.append(f"source {draft.source_id} is already in {names}; keep one "
                              "of them (merge by hand) and import again")
        return None
    if found:
        return found[0]
    # Delimited, so that the file of T-30 (or of T-3) does not hold up row T.
    cited = re.compile(rf"(?<![A-Za-z0-9_-]){re.escape(draft.source_id)}(?![A-Za-z0-9_-])")
    for item in log.opaque:
        if cited.search(item.text):
            draft.problems.append(f"source {draft.source_id} may already be in {item.path}, "
                                  f"which {item.unreadable_as}; fix it and import again")
    return None


@dataclass(frozen=True)
class _Update:
    draft: _Draft
    logged: _Logged
    data: dict[str, Any]
    fields: tuple[str, ...]


_ABSENT = object()


def _merge(existing: dict[str, Any], draft: _Draft) -> dict[str, Any]:
    """The record after a re-import: the tool's values for the fields the row gives.

    The incident tool is the source of truth for what the mapping reads from
    it, so a value in the row replaces the record's. What the row leaves empty,
    what only the mapping's defaults supply, and fields the mapping does not
    read (a postmortem or summary added in the catalog) stay as they are: a
    re-import never erases. `id` and `source` never change.
    """
    merged = dict(existing)
    for key, value in draft.data.items():
        if key == "source" or (key in draft.defaulted and key in existing):
            continue
        if key == "data_change" and isinstance(existing.get(key), dict):
            merged[key] = {**existing[key], **value}
        else:
            merged[key] = value
    return merged


def _update(draft: _Draft, logged: _Logged, catalog: Catalog, system: str) -> _Update | None:
    """What re-importing a row does to its record: None when nothing changes; a refusal
    is added to the draft's problems."""
    assert logged.data is not None
    merged = _merge(logged.data, draft)
    order = [key for key in _FIELD_ORDER if key in merged or key in logged.data]
    order += [key for key in merged if key not in _FIELD_ORDER]
    changed = tuple(key for key in order
                    if merged.get(key, _ABSENT) != logged.data.get(key, _ABSENT))
    if not changed:
        return None
    where = f"updating {logged.path} ({logged.incident_id})"
    comments = comment_lines(logged.text)
    if comments:
        draft.problems.append(f"{where}: a comment on line {comments[0]} would be lost; "
                              "move it into the summary or delete it, then import again")
        return None
    problems = _validation_problems(merged, logged.path, catalog, system)
    if problems:
        draft.problems.append(f"{where}: " + "; ".join(problems))
        return None
    return _Update(draft, logged, merged, changed)


def comment_lines(text: str) -> list[int]:
    """Line numbers (from 1) of YAML comments, except the importer's own header.

    A `#` outside every scalar token can only start a comment; one inside a
    quoted value (`'Fix #12'`) is text.
    """
    try:
        tokens = list(yaml.scan(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError:
        return []
    inside: list[tuple[int, int]] = [(t.start_mark.index, t.end_mark.index)
                                     for t in tokens if isinstance(t, yaml.ScalarToken)]
    lines = []
    for match in re.finditer("#", text):
        index = match.start()
        if any(start <= index < end for start, end in inside):
            continue
        line = text.count("\n", 0, index) + 1
        if line == 1 and text.startswith(_HEADER_START):
            continue
        lines.append(line)
    return sorted(set(lines))


def _rewrite(updates: list[_Update], system: str, root: Path, *,
             dry_run: bool) -> tuple[list[UpdatedRow], list[str]]:
    """Replace each updated record's file, unless it changed since it was read."""
    done: list[UpdatedRow] = []
    errors: list[str] = []
    for update in sorted(updates, key=lambda u: u.draft.row.number):
        relative = update.logged.path
        row = update.draft.row.number
        if not dry_run:
            target = root / relative
            try:
                if target.read_bytes() != update.logged.raw:
                    errors.append(f"{relative} changed during the import; row {row} was not "
                                  "applied, run the import again")
                    continue
                _replace(target, render_incident(update.data, system))
            except OSError as exc:
                errors.append(f"{relative}: cannot write: {exc.strerror or exc}")
                continue
        done.append(UpdatedRow(row, update.draft.source_id, update.logged.incident_id,
                               relative, update.fields))
    return done, errors


def _replace(target: Path, text: str) -> None:
    """Write through a temporary file in the same folder, so a crash leaves the old
    record or the new one, never half of one."""
    mode = target.stat().st_mode & 0o777
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=".fmcat-", suffix=".tmp")
    temporary = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        temporary.chmod(mode)
        temporary.replace(target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
