"""What an import did or would do, row by row, and that as text for the command line."""

from __future__ import annotations

from dataclasses import dataclass


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
        """Nothing was rejected and nothing stopped the import (the CLI's exit code)."""
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
