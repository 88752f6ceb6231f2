"""`import_incidents`: the import's steps in order, and the decision for each row.

The rules it keeps:

* every bad row is reported with its number and the reason, and the import
  never stops with a traceback: a half-readable export is the normal case,
  not an exception;
* each record is validated with the same model and the same incident checks
  as `fmcat validate` before it is written, so an import can never produce a
  file that breaks the build;
* `source: {system, id}` is recorded in every record, and that source ID
  alone decides which record a row is: a row whose source is already in the
  log updates that record in place (or is skipped when nothing changed), so
  an export re-run nightly brings the tool's edits in and never writes a
  second record for one incident;
* a dry run writes nothing and reports what it would write.

Identity is read from the log's files themselves, not from the loaded
catalog: a record a human has broken still names its source, and a file that
cannot be read at all may hold any source, so the import then writes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date
from pathlib import Path

from fmcat.authoring.importer.draft import Draft, check_repeats, draft_incident
from fmcat.authoring.importer.mapping import MAPPING_EXPLAINED, ImportMapping, load_mapping
from fmcat.authoring.importer.read import (
    Format,
    Log,
    ReadError,
    Row,
    format_of,
    read_export,
    read_log,
)
from fmcat.authoring.importer.report import ImportReport, RejectedRow, SkippedRow
from fmcat.authoring.importer.write import (
    Update,
    incident_path,
    logged_record,
    plan_update,
    rewrite,
    validation_problems,
    write_new,
)
from fmcat.core.catalog import Catalog
from fmcat.core.load import load_catalog


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
    fmt = fmt or format_of(path)
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
        log = read_log(root)
    except ReadError as exc:
        return replace(report, errors=(str(exc),))
    catalog = load_catalog(root, today=today)
    if catalog.taxonomy is None:
        return replace(report, errors=(f"{root}: no valid taxonomy.yml; the import checks "
                                     "values against it",))
    try:
        rows = read_export(path, fmt, mapping)
    except ReadError as exc:
        return replace(report, errors=(str(exc),))
    return _import_rows(report, rows, mapping, catalog, log)


def _import_rows(report: ImportReport, rows: list[Row], mapping: ImportMapping,
                 catalog: Catalog, log: Log) -> ImportReport:
    root = catalog.root
    drafts = [draft_incident(row, mapping) for row in rows]
    rows_of: dict[str, list[Draft]] = defaultdict(list)
    for draft in drafts:
        if draft.source_id:
            rows_of[draft.source_id].append(draft)
    rejected: list[RejectedRow] = []
    skipped: list[SkippedRow] = []
    accepted: list[Draft] = []
    updates: list[Update] = []
    for draft in drafts:
        check_repeats(draft, rows_of.get(draft.source_id, [draft]))
        logged = None
        if not draft.problems:
            logged = logged_record(draft, mapping.system, log)
        if not draft.problems and logged is None:
            placeholder = f"INC-{draft.detected.year}-0000"
            draft.problems += validation_problems(
                {"id": placeholder, **draft.data}, incident_path(placeholder), catalog,
                mapping.system)
        if not draft.problems and logged is not None:
            update = plan_update(draft, logged, catalog, mapping.system)
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
    imported, errors = write_new(accepted, mapping.system, root, catalog,
                                 dry_run=report.dry_run, rejected=rejected)
    updated, update_errors = rewrite(updates, mapping.system, root, dry_run=report.dry_run)
    return replace(report, imported=tuple(imported), updated=tuple(updated),
                   skipped=tuple(skipped), rejected=tuple(sorted(rejected, key=lambda r: r.row)),
                   errors=tuple(errors + update_errors))
