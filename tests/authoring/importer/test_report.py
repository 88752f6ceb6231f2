"""The import report as the command line shows it."""

from __future__ import annotations

from fmcat.authoring.importer.report import (
    ImportedRow,
    ImportReport,
    RejectedRow,
    SkippedRow,
    UpdatedRow,
    format_report,
)

REPORT = ImportReport(
    export="e.csv", dry_run=False,
    imported=(ImportedRow(2, "T-1", "INC-2026-0004", "incidents/2026/INC-2026-0004.yml"),),
    updated=(UpdatedRow(3, "T-2", "INC-2026-0001", "incidents/2026/INC-2026-0001.yml",
                        ("title", "severity")),),
    skipped=(SkippedRow(4, "T-3", "INC-2026-0002"),),
    rejected=(RejectedRow(5, 6, "T-4", "no title"), RejectedRow(7, None, "", "not JSON")),
)


def test_format_report_lists_every_row_then_counts() -> None:
    assert format_report(REPORT).splitlines() == [
        "wrote incidents/2026/INC-2026-0004.yml (row 2, source T-1)",
        "updated incidents/2026/INC-2026-0001.yml (row 3, source T-2): title, severity",
        "row 4: skipped, source T-3 is already INC-2026-0002 (unchanged)",
        "row 5 (line 6) [T-4]: rejected: no title",
        "row 7: rejected: not JSON",
        "1 imported, 1 updated, 1 already imported, 2 rejected",
    ]


def test_format_report_of_a_dry_run_with_errors() -> None:
    report = ImportReport(export="e.csv", dry_run=True, errors=("e.csv: the export is empty",),
                          imported=REPORT.imported, updated=REPORT.updated)
    assert format_report(report).splitlines() == [
        "e.csv: the export is empty",
        "would write incidents/2026/INC-2026-0004.yml (row 2, source T-1)",
        "would update incidents/2026/INC-2026-0001.yml (row 3, source T-2): title, severity",
        "1 to import, 1 to update, 0 already imported, 0 rejected, nothing written (dry run)",
    ]


def test_ok_means_nothing_rejected_and_no_error() -> None:
    assert ImportReport("e.csv", False, imported=REPORT.imported, skipped=REPORT.skipped).ok
    assert not REPORT.ok
    assert not ImportReport("e.csv", False, errors=("x",)).ok
