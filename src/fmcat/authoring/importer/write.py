"""Incident files: rendering, numbering, validating, and writing them without loss.

* New records get the next numbers after the highest one in use for their
  year (gaps are left alone: a missing number may be a deleted incident, and
  IDs are never reused); each file is opened in exclusive mode so an existing
  file is never overwritten.
* The source ID alone decides which record a row is: a row whose source is
  already in the log updates that record in place (see `merge_row` for what
  an update may change), through a temporary file, and only if the file did
  not change since it was read.
* Every file is parsed back and validated with the same model and incident
  checks as `fmcat validate` before it is written.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from fmcat.authoring.importer.draft import Draft
from fmcat.authoring.importer.mapping import MAPPED_FIELDS
from fmcat.authoring.importer.read import Log, Logged
from fmcat.authoring.importer.report import ImportedRow, RejectedRow, UpdatedRow
from fmcat.core.catalog import Catalog, IncidentEntry
from fmcat.core.checks import check_incident
from fmcat.core.dimensions import lift_dimensions
from fmcat.core.findings import Finding
from fmcat.core.frontmatter import parse_yaml
from fmcat.core.model import INCIDENTS_FOLDER, Incident
from fmcat.core.validation import validate_document

FIELD_ORDER = ("id", "title", "summary", "started", "detected", "mitigated", "resolved",
               "failure_modes", "playbooks_used", "severity", "team", "project",
               "model_family", "environment", "release", "data_change", "postmortem", "source")
"""The order of an incident file's keys, as in the hand-written log."""

HEADER_START = "# Imported from "
_INCIDENT_FILE = re.compile(r"^INC-([0-9]{4})-([0-9]{4})\b")  # ASCII digits, as core.ids


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
    order = [key for key in FIELD_ORDER if key in data]
    order += [key for key in data if key not in FIELD_ORDER]
    record = _Record((key, data[key]) for key in order)
    header = (f"{HEADER_START}{system} by `fmcat import incidents`; keep `source`, "
              "it prevents a second import.\n")
    return header + yaml.dump(record, Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                              default_flow_style=None, width=4096)


def incident_path(incident_id: str) -> str:
    """Where an incident's file lives, relative to the catalog root."""
    return f"{INCIDENTS_FOLDER}/{incident_id.split('-')[1]}/{incident_id}.yml"


def validation_problems(data: dict[str, Any], path: str, catalog: Catalog,
                        system: str) -> list[str]:
    """Parse the rendered file back and run the model and the incident checks on it."""
    text = render_incident(data, system)
    doc = parse_yaml(path, text.encode("utf-8"))
    lift_dimensions(doc, "incident", Incident, catalog.taxonomy)
    record = validate_document(doc, Incident)
    found = list(doc.findings)
    if record is not None and catalog.taxonomy is not None:
        found += check_incident(IncidentEntry(record, doc), catalog, catalog.taxonomy)
    return [_problem(f) for f in sorted(found)]


def _problem(item: Finding) -> str:
    if not item.field:
        return item.message
    hint = item.hint
    if item.field in MAPPED_FIELDS:
        # The value came from the tool: the fix is usually in the mapping.
        hint = f"map the tool's value under values.{item.field} in the mapping; {hint}"
    return f"{item.field}: {item.message}" + (f" ({hint})" if hint else "")


# --- new records ------------------------------------------------------------------------

def highest_numbers(root: Path, catalog: Catalog) -> dict[int, int]:
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


def write_new(accepted: list[Draft], system: str, root: Path, catalog: Catalog, *,
              dry_run: bool, rejected: list[RejectedRow]) -> tuple[list[ImportedRow], list[str]]:
    """Number the accepted rows in order of detection and write their files."""
    highest = highest_numbers(root, catalog)
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
        relative = incident_path(incident_id)
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


# --- records already in the log -----------------------------------------------------------

def logged_record(draft: Draft, system: str, log: Log) -> Logged | None:
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
class Update:
    """A logged record and what it becomes; `fields` are the keys that change."""

    draft: Draft
    logged: Logged
    data: dict[str, Any]
    fields: tuple[str, ...]


_ABSENT = object()


def merge_row(existing: dict[str, Any], draft: Draft) -> dict[str, Any]:
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


def plan_update(draft: Draft, logged: Logged, catalog: Catalog, system: str) -> Update | None:
    """What re-importing a row does to its record: None when nothing changes; a refusal
    is added to the draft's problems."""
    assert logged.data is not None
    merged = merge_row(logged.data, draft)
    order = [key for key in FIELD_ORDER if key in merged or key in logged.data]
    order += [key for key in merged if key not in FIELD_ORDER]
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
    problems = validation_problems(merged, logged.path, catalog, system)
    if problems:
        draft.problems.append(f"{where}: " + "; ".join(problems))
        return None
    return Update(draft, logged, merged, changed)


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
        if line == 1 and text.startswith(HEADER_START):
            continue
        lines.append(line)
    return sorted(set(lines))


def rewrite(updates: list[Update], system: str, root: Path, *,
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
                replace_file(target, render_incident(update.data, system))
            except OSError as exc:
                errors.append(f"{relative}: cannot write: {exc.strerror or exc}")
                continue
        done.append(UpdatedRow(row, update.draft.source_id, update.logged.incident_id,
                               relative, update.fields))
    return done, errors


def replace_file(target: Path, text: str) -> None:
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
