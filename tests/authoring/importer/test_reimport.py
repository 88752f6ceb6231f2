"""The incident importer end to end against its own log: dry runs, re-imports that skip
or update, records a human broke, and files that must never be overwritten."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from fmcat.authoring.importer import format_report
from fmcat.authoring.importer import write as importer_write
from fmcat.core.load import load_catalog
from tests.authoring.importer.conftest import (
    EDITED_ROW,
    GOOD_ROWS,
    MAPPING,
    TODAY,
    run,
    snapshot,
    write_csv,
)


def test_dry_run_writes_nothing(root: Path, mapping: Path, tmp_path: Path) -> None:
    before = snapshot(root)
    report = run(root, write_csv(tmp_path, *GOOD_ROWS), mapping, dry_run=True)
    assert snapshot(root) == before
    assert report.dry_run and len(report.imported) == 3
    assert "nothing written (dry run)" in format_report(report)
    assert "would write incidents/2025/INC-2025-0006.yml" in format_report(report)


def test_reimport_is_skipped(root: Path, mapping: Path, tmp_path: Path) -> None:
    export = write_csv(tmp_path, *GOOD_ROWS)
    first = run(root, export, mapping)
    after_first = snapshot(root)
    second = run(root, export, mapping)
    assert snapshot(root) == after_first
    assert second.imported == ()
    assert [(s.row, s.source_id, s.incident_id) for s in second.skipped] == [
        (1, "T-3", "INC-2026-0005"), (2, "T-1", "INC-2025-0006"), (3, "T-2", "INC-2026-0004")]
    assert {s.incident_id for s in second.skipped} == {r.incident_id for r in first.imported}
    assert "skipped, source T-3 is already INC-2026-0005" in format_report(second)


def incidents_from(root: Path, system: str, source_id: str) -> list[str]:
    """Every file in the log that claims this source, read as plain YAML."""
    found = []
    for path in sorted((root / "incidents").rglob("*.yml")):
        try:
            data = yaml.safe_load(path.read_text("utf-8"))
        except yaml.YAMLError:
            continue
        source = data.get("source") if isinstance(data, dict) else None
        if isinstance(source, dict) and (source.get("system"), str(source.get("id"))) == (
                system, source_id):
            found.append(path.relative_to(root).as_posix())
    return found


def test_reimport_after_an_edit_in_the_tool_updates_the_record(
        root: Path, mapping: Path, tmp_path: Path) -> None:
    """A nightly export re-lists every incident; edits in the tool must flow in."""
    run(root, write_csv(tmp_path, GOOD_ROWS[0]), mapping)
    path = "incidents/2026/INC-2026-0004.yml"
    dry = run(root, write_csv(tmp_path, EDITED_ROW), mapping, dry_run=True)
    assert [(u.row, u.incident_id, u.path, u.fields) for u in dry.updated] == [
        (1, "INC-2026-0004", path, ("title", "resolved", "severity"))]
    assert "would update incidents/2026/INC-2026-0004.yml (row 1, source T-3): title, " \
           "resolved, severity" in format_report(dry)
    report = run(root, write_csv(tmp_path, EDITED_ROW), mapping)
    assert report.ok, format_report(report)
    assert report.imported == () and report.skipped == ()
    assert [u.incident_id for u in report.updated] == ["INC-2026-0004"]
    assert incidents_from(root, "test-pager", "T-3") == [path]
    catalog = load_catalog(root, today=TODAY)
    assert [f for f in catalog.findings if f.file == path] == []
    record = catalog.incidents["INC-2026-0004"].record
    assert record.title == "Approval drift: partner launch"
    assert record.severity == "critical"
    assert record.resolved is not None and record.resolved.isoformat() == \
        "2026-05-03T09:30:00+00:00"
    assert record.playbooks_used == ["MP-0009"]        # unchanged fields stay
    again = run(root, write_csv(tmp_path, EDITED_ROW), mapping)
    assert again.updated == () and [s.incident_id for s in again.skipped] == ["INC-2026-0004"]


def test_update_keeps_what_the_row_does_not_say(root: Path, mapping: Path,
                                                tmp_path: Path) -> None:
    """Fields the export leaves empty or the mapping only defaults are the catalog's."""
    run(root, write_csv(tmp_path, GOOD_ROWS[0]), mapping)
    path = root / "incidents/2026/INC-2026-0004.yml"
    text = path.read_text("utf-8").replace("model_family: tree-ensembles",
                                           "model_family: neural-networks")
    path.write_text(text + "postmortem: https://wiki.example.com/pm/T-3\n", "utf-8")
    row = EDITED_ROW.replace(",2026-05-02T07:00:00Z,", ",,")      # started left empty
    report = run(root, write_csv(tmp_path, row), mapping)
    assert report.ok, format_report(report)
    record = load_catalog(root, today=TODAY).incidents["INC-2026-0004"].record
    assert record.dimensions["model_family"] == "neural-networks"  # the default does not override
    assert record.postmortem == "https://wiki.example.com/pm/T-3"
    assert record.started is not None                  # an empty cell erases nothing
    assert record.severity == "critical"


@pytest.mark.parametrize(("old", "new", "row", "outcome"), [
    ("severity: high", "severity: [high]", GOOD_ROWS[0], "updated"),
    ("detected: 2026-05-02T09:00:00Z", "detected: soon", GOOD_ROWS[0], "updated"),
    ("title: Approval drift after partner launch", "title: [Approval]", GOOD_ROWS[0],
     "updated"),
    ("release: '2026.05'", "release: '2026.05'\nnotes: hand-written", GOOD_ROWS[0],
     "unchanged"),
    ("release: '2026.05'", "release: '2026.05'\nnotes: hand-written", EDITED_ROW,
     "rejected"),
    ("id: INC-2026-0004", "id: INC-2026-04", EDITED_ROW, "rejected"),
])
def test_reimport_after_the_record_was_broken_never_writes_a_second_record(
        root: Path, mapping: Path, tmp_path: Path, old: str, new: str, row: str,
        outcome: str) -> None:
    """The source ID decides, even when the record no longer loads as an incident."""
    run(root, write_csv(tmp_path, GOOD_ROWS[0]), mapping)
    path = root / "incidents/2026/INC-2026-0004.yml"
    broken = path.read_text("utf-8").replace(old, new)
    path.write_text(broken, "utf-8")
    report = run(root, write_csv(tmp_path, row), mapping)
    assert incidents_from(root, "test-pager", "T-3") == ["incidents/2026/INC-2026-0004.yml"]
    assert report.imported == ()
    if outcome == "updated":
        assert [u.incident_id for u in report.updated] == ["INC-2026-0004"]
        assert report.ok
        assert load_catalog(root, today=TODAY).incidents["INC-2026-0004"].record.title == \
            "Approval drift after partner launch"
        return
    assert path.read_text("utf-8") == broken               # left for a human to fix
    if outcome == "unchanged":
        assert [s.incident_id for s in report.skipped] == ["INC-2026-0004"]
    else:
        [rejected] = report.rejected
        assert rejected.source_id == "T-3"
        assert "updating incidents/2026/INC-2026-0004.yml" in rejected.reason


def test_record_that_does_not_parse_blocks_only_its_own_source(
        root: Path, mapping: Path, tmp_path: Path) -> None:
    run(root, write_csv(tmp_path, GOOD_ROWS[0]), mapping)
    path = root / "incidents/2026/INC-2026-0004.yml"
    broken = path.read_text("utf-8").replace("title: Approval", "title: [Approval")
    path.write_text(broken, "utf-8")
    prefix = GOOD_ROWS[1].replace("T-1,", "T,", 1)     # a prefix of T-3 is another source
    report = run(root, write_csv(tmp_path, GOOD_ROWS[0], GOOD_ROWS[1], prefix), mapping)
    [rejected] = report.rejected
    assert rejected.source_id == "T-3"
    assert "incidents/2026/INC-2026-0004.yml" in rejected.reason
    assert "does not parse" in rejected.reason
    assert sorted(r.source_id for r in report.imported) == ["T", "T-1"]
    assert path.read_text("utf-8") == broken
    assert incidents_from(root, "test-pager", "T-3") == []


def test_unreadable_record_in_the_log_stops_the_import(
        root: Path, mapping: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file that cannot be read may hold any source ID: write nothing.

    Simulated by making reads of that one file raise PermissionError (root can
    read anything, so chmod would not do).
    """
    run(root, write_csv(tmp_path, GOOD_ROWS[0]), mapping)
    locked = root / "incidents/2026/INC-2026-0004.yml"
    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self == locked:
            raise PermissionError(13, "Permission denied")
        return real(self)

    before = snapshot(root)
    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    report = run(root, write_csv(tmp_path, GOOD_ROWS[0], GOOD_ROWS[1]), mapping)
    monkeypatch.undo()
    assert snapshot(root) == before
    [error] = report.errors
    assert error.startswith("incidents/2026/INC-2026-0004.yml: cannot read")
    assert report.imported == report.updated == ()


def test_two_records_with_one_source_are_not_updated(root: Path, mapping: Path,
                                                     tmp_path: Path) -> None:
    run(root, write_csv(tmp_path, GOOD_ROWS[0]), mapping)
    first = root / "incidents/2026/INC-2026-0004.yml"
    copy = root / "incidents/2026/INC-2026-0005.yml"
    copy.write_text(first.read_text("utf-8").replace("INC-2026-0004", "INC-2026-0005"), "utf-8")
    before = snapshot(root)
    report = run(root, write_csv(tmp_path, EDITED_ROW), mapping)
    assert snapshot(root) == before
    [rejected] = report.rejected
    assert "INC-2026-0004" in rejected.reason and "INC-2026-0005" in rejected.reason


def test_update_that_would_drop_a_comment_is_refused(root: Path, mapping: Path,
                                                     tmp_path: Path) -> None:
    run(root, write_csv(tmp_path, GOOD_ROWS[0]), mapping)
    path = root / "incidents/2026/INC-2026-0004.yml"
    commented = path.read_text("utf-8").replace(
        "severity: high\n", "severity: high  # agreed in the postmortem\n")
    path.write_text(commented, "utf-8")
    report = run(root, write_csv(tmp_path, EDITED_ROW), mapping)
    [rejected] = report.rejected
    assert "comment on line 10" in rejected.reason
    assert path.read_text("utf-8") == commented
    # A '#' inside a value is not a comment.
    path.write_text(commented.replace("  # agreed in the postmortem", "")
                    .replace("title: Approval drift after partner launch",
                             "title: 'Approval drift #2'"), "utf-8")
    assert [u.incident_id for u in run(root, write_csv(tmp_path, EDITED_ROW),
                                       mapping).updated] == ["INC-2026-0004"]


def test_update_that_moves_the_detection_year_is_refused(root: Path, mapping: Path,
                                                         tmp_path: Path) -> None:
    run(root, write_csv(tmp_path, GOOD_ROWS[0]), mapping)
    before = snapshot(root)
    moved = GOOD_ROWS[0].replace("2026-05-02T09:00:00Z", "2025-12-30T09:00:00Z", 1) \
        .replace("2026-05-02T07:00:00Z", "2025-12-30T07:00:00Z")
    report = run(root, write_csv(tmp_path, moved), mapping)
    assert snapshot(root) == before
    [rejected] = report.rejected
    assert "INC-2026-0004 is numbered in 2026 but detected in 2025" in rejected.reason


def test_same_source_id_from_another_system_is_not_a_duplicate(root: Path, mapping: Path,
                                                              tmp_path: Path) -> None:
    export = write_csv(tmp_path, GOOD_ROWS[0])
    run(root, export, mapping)
    other = tmp_path / "other.yml"
    other.write_text(MAPPING.replace("system: test-pager", "system: other-tool"), "utf-8")
    assert len(run(root, export, other).imported) == 1


def test_numbers_follow_the_highest_in_use_including_unreadable_files(
        root: Path, mapping: Path, tmp_path: Path) -> None:
    (root / "incidents/2026/INC-2026-0009.yml").write_text("not: [valid\n", encoding="utf-8")
    report = run(root, write_csv(tmp_path, GOOD_ROWS[0]), mapping)
    assert [r.incident_id for r in report.imported] == ["INC-2026-0010"]
    assert (root / "incidents/2026/INC-2026-0009.yml").read_text("utf-8") == "not: [valid\n"


def test_an_existing_file_is_never_overwritten(root: Path, mapping: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    # Simulate a file appearing between numbering and writing (another import).
    target = root / "incidents/2026/INC-2026-0004.yml"
    monkeypatch.setattr(importer_write, "highest_numbers", lambda *_: {2026: 3, 2025: 5})
    target.write_text("# someone else's\n", encoding="utf-8")
    report = run(root, write_csv(tmp_path, GOOD_ROWS[0]), mapping)
    assert target.read_text("utf-8") == "# someone else's\n"
    assert report.imported == ()
    assert report.errors == ("incidents/2026/INC-2026-0004.yml appeared during the import; "
                             "row 1 was not written, run the import again",)
