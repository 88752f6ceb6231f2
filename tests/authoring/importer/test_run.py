"""The incident importer end to end: good exports, bad rows, bad files. Re-imports are in
test_reimport.py; the modules' own functions are tested beside these files."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fmcat.authoring.importer import format_report, import_incidents, load_mapping
from fmcat.authoring.importer.draft import MAX_TITLE
from fmcat.core.findings import has_errors
from fmcat.core.load import load_catalog
from tests.authoring.importer.conftest import (
    EDITED_ROW,
    FIXTURE,
    GOOD_ROWS,
    HEADER,
    MAPPING,
    TODAY,
    run,
    snapshot,
    write_csv,
)
from tests.conftest import REPO

# --- good exports ------------------------------------------------------------------

def test_good_csv_is_imported_in_order_of_detection(root: Path, mapping: Path,
                                                    tmp_path: Path) -> None:
    report = run(root, write_csv(tmp_path, *GOOD_ROWS), mapping)
    assert report.ok, format_report(report)
    assert [(r.row, r.source_id, r.incident_id) for r in report.imported] == [
        (2, "T-1", "INC-2025-0006"),   # next after INC-2025-0005
        (3, "T-2", "INC-2026-0004"),   # detected before T-3
        (1, "T-3", "INC-2026-0005"),
    ]
    assert report.imported[0].path == "incidents/2025/INC-2025-0006.yml"
    catalog = load_catalog(root, today=TODAY)
    assert not has_errors(catalog.findings)
    new_files = {r.path for r in report.imported}
    assert [f for f in catalog.findings if f.file in new_files] == []
    record = catalog.incidents["INC-2026-0005"].record
    assert record.severity == "high"
    assert record.team == "credit-risk"
    assert record.failure_modes == ["FM-0001"]
    assert record.playbooks_used == ["MP-0009"]
    assert record.data_change.preceded is True
    assert record.release == "2026.05"      # stays text, not the number 2026.05
    assert record.source is not None
    assert (record.source.system, record.source.id) == ("test-pager", "T-3")
    assert record.time_to_mitigate is not None
    assert record.time_to_mitigate.total_seconds() == 3 * 3600
    lowered = catalog.incidents["INC-2025-0006"].record
    assert lowered.severity == "medium"           # value map ignores case
    assert lowered.dimensions["environment"] == "realtime"      # default
    assert lowered.detected.isoformat() == "2025-11-20T10:00:00+00:00"  # naive read as UTC
    assert catalog.incidents["INC-2026-0004"].record.failure_modes == ["FM-0099"]


def test_written_file_reads_like_the_log(root: Path, mapping: Path, tmp_path: Path) -> None:
    run(root, write_csv(tmp_path, GOOD_ROWS[0]), mapping)
    text = (root / "incidents/2026/INC-2026-0004.yml").read_text(encoding="utf-8")
    assert text == (
        "# Imported from test-pager by `fmcat import incidents`; keep `source`, it prevents a "
        "second import.\n"
        "id: INC-2026-0004\n"
        "title: Approval drift after partner launch\n"
        "started: 2026-05-02T07:00:00Z\n"
        "detected: 2026-05-02T09:00:00Z\n"
        "mitigated: 2026-05-02T12:00:00Z\n"
        "resolved: 2026-05-03T08:00:00Z\n"
        "failure_modes: [FM-0001]\n"
        "playbooks_used: [MP-0009]\n"
        "severity: high\n"
        "team: credit-risk\n"
        "project: card-approval\n"
        "model_family: tree-ensembles\n"
        "environment: realtime\n"
        "release: '2026.05'\n"
        "data_change: {preceded: true}\n"
        "source: {system: test-pager, id: T-3}\n"
    )


def test_json_export_gives_the_same_records_as_csv(tmp_path: Path, mapping: Path) -> None:
    rows = [
        {"id": "T-3", "title": "Approval drift after partner launch",
         "created": "2026-05-02T09:00:00Z", "started": "2026-05-02T07:00:00Z",
         "mitigated": "2026-05-02T12:00:00Z", "resolved": "2026-05-03T08:00:00Z",
         "severity": "SEV2", "team": "Credit Risk", "service": "card-approval",
         "release": "2026.05", "labels": ["fm:FM-0001", "mp:MP-0009", "data-change"]},
        {"id": 1, "title": "Scoring job starved again", "created": "2025-11-20 10:00",
         "started": None, "severity": "sev3", "team": "fraud-ml", "service": "txn-fraud",
         "labels": "fm:FM-0004"},
    ]
    export = tmp_path / "export.json"
    export.write_text(json.dumps(rows), encoding="utf-8")
    from_json = tmp_path / "a"
    shutil.copytree(FIXTURE, from_json)
    report = run(from_json, export, mapping)
    assert report.ok, format_report(report)
    assert [r.incident_id for r in report.imported] == ["INC-2025-0006", "INC-2026-0004"]
    from_csv = tmp_path / "b"
    shutil.copytree(FIXTURE, from_csv)
    run(from_csv, write_csv(tmp_path, GOOD_ROWS[0]), mapping)
    name = "incidents/2026/INC-2026-0004.yml"
    assert (from_json / name).read_bytes() == (from_csv / name).read_bytes()
    assert "id: '1'" in (from_json / "incidents/2025/INC-2025-0006.yml").read_text("utf-8")


def test_time_zone_and_timestamp_format_from_the_mapping(root: Path, tmp_path: Path) -> None:
    path = tmp_path / "berlin.yml"
    path.write_text(MAPPING + "timezone: Europe/Berlin\ntimestamp_format: '%d.%m.%Y %H:%M'\n",
                    encoding="utf-8")
    export = write_csv(tmp_path, "B-1,Late scores in winter,05.01.2026 09:30,,,,SEV3,fraud-ml,"
                                 "txn-fraud,,fm:FM-0004")
    report = run(root, export, path)
    assert report.ok, format_report(report)
    record = load_catalog(root, today=TODAY).incidents["INC-2026-0004"].record
    assert record.detected.isoformat() == "2026-01-05T08:30:00+00:00"


def test_pattern_rule_and_long_titles(root: Path, tmp_path: Path) -> None:
    path = tmp_path / "pattern.yml"
    path.write_text(MAPPING.replace('{column: labels, separator: ";", prefix: "fm:"}',
                                    "{column: labels, separator: ';', "
                                    "pattern: 'failure-mode/(fm-\\d{4})'}"), encoding="utf-8")
    title = "Very long title " * 12
    export = write_csv(tmp_path, f"P-1,{title},2026-05-01T00:00:00Z,,,,SEV3,fraud-ml,x,,"
                                 "failure-mode/fm-0004;failure-mode/FM-0004")
    report = run(root, export, path)
    assert report.ok, format_report(report)
    record = load_catalog(root, today=TODAY).incidents["INC-2026-0004"].record
    assert record.failure_modes == ["FM-0004"]
    assert len(record.title) == MAX_TITLE
    assert record.title.endswith("…")


def test_example_mapping_and_export_import_into_the_repo_catalog(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    shutil.copy(REPO / "taxonomy.yml", root / "taxonomy.yml")
    for folder in ("entries", "playbooks", "case-studies", "incidents"):
        shutil.copytree(REPO / folder, root / folder)
    export = REPO / "examples" / "incident-export.csv"
    mapping = REPO / "examples" / "incident-import-mapping.yml"
    dry = import_incidents(root, export, "csv", mapping, dry_run=True, today=TODAY)
    assert dry.ok, format_report(dry)
    assert len(dry.imported) == 3
    report = import_incidents(root, export, "csv", mapping, dry_run=False, today=TODAY)
    assert [r.path for r in report.imported] == [r.path for r in dry.imported]
    catalog = load_catalog(root, today=TODAY)
    assert [f for f in catalog.findings if f.file in {r.path for r in report.imported}] == []


# --- bad rows ----------------------------------------------------------------------------

BAD_ROWS = [
    (",Title here,2026-05-01T00:00:00Z,,,,SEV3,fraud-ml,x,,fm:FM-0004",
     "the source ID column 'id' is empty"),
    ("B,,2026-05-01T00:00:00Z,,,,SEV3,fraud-ml,x,,fm:FM-0004",
     "the title column 'title' is empty"),
    ("B,Title here,yesterday,,,,SEV3,fraud-ml,x,,fm:FM-0004",
     "created: 'yesterday' is not a date and time"),
    ("B,Title here,,,,,SEV3,fraud-ml,x,,fm:FM-0004",
     "the detection time column 'created' is empty"),
    ("B,Title here,2026-05-01T00:00:00Z,,,,SEV3,fraud-ml,x,,triage",
     "no failure-mode ID in column 'labels' (labels starting with 'fm:')"),
    ("B,Title here,2026-05-01T00:00:00Z,,,,SEV3,fraud-ml,x,,fm:FM-12",
     "label 'fm:FM-12' in column 'labels' does not name an ID like FM-0001"),
    ("B,Title here,2026-05-01T00:00:00Z,,,,SEV3,fraud-ml,x,,fm:FM-0777",
     "failure_modes.0: FM-0777 does not exist in this catalog"),
    ("B,Title here,2026-05-01T00:00:00Z,,,,SEV9,fraud-ml,x,,fm:FM-0004",
     "severity: 'SEV9' is not a known severity"),
    ("B,Title here,2026-05-01T00:00:00Z,,,,SEV3,Fraud Team,x,,fm:FM-0004",
     "team: 'Fraud Team' does not have the expected form"),
    ("B,Title here,2026-05-01T00:00:00Z,,,,SEV3,,x,,fm:FM-0004",
     "no team: column 'team' is empty and the mapping has no default for it"),
    ("B,Title here,2026-05-01T10:00:00Z,,2026-05-01T09:00:00Z,,SEV3,fraud-ml,x,,fm:FM-0004",
     "mitigated: mitigated (2026-05-01 09:00) is before detected (2026-05-01 10:00)"),
    ("B,Title here,2027-01-01T00:00:00Z,,,,SEV3,fraud-ml,x,,fm:FM-0004",
     "detected: detected 2027-01-01 is in the future"),
    ("B,Title here,2026-05-01T00:00:00Z,,,,SEV3,fraud-ml,x,,fm:FM-0004,surplus",
     "12 cells but the header has 11 columns"),
]


@pytest.mark.parametrize(("row", "reason"), BAD_ROWS)
def test_bad_row_is_rejected_with_number_and_reason(root: Path, mapping: Path, tmp_path: Path,
                                                    row: str, reason: str) -> None:
    before = snapshot(root)
    export = write_csv(tmp_path, GOOD_ROWS[1], row)
    report = run(root, export, mapping)
    assert [(r.row, r.line) for r in report.rejected] == [(2, 3)]
    assert reason in report.rejected[0].reason
    assert not report.ok
    # The good row is still imported; nothing else is written.
    assert [r.row for r in report.imported] == [1]
    assert set(snapshot(root)) - set(before) == {"incidents/2025/INC-2025-0006.yml"}
    assert "row 2 (line 3)" in format_report(report)


def test_duplicate_source_id_in_one_export(root: Path, mapping: Path, tmp_path: Path) -> None:
    report = run(root, write_csv(tmp_path, GOOD_ROWS[1], GOOD_ROWS[1]), mapping)
    assert [r.incident_id for r in report.imported] == ["INC-2025-0006"]
    [rejected] = report.rejected
    assert rejected.row == 2
    assert rejected.reason.startswith("source ID T-1 appears again (first in row 1)")


def test_one_source_id_on_rows_that_differ_writes_nothing(root: Path, mapping: Path,
                                                          tmp_path: Path) -> None:
    """Which row is right cannot be told, so neither is taken."""
    before = snapshot(root)
    report = run(root, write_csv(tmp_path, GOOD_ROWS[0], GOOD_ROWS[1], EDITED_ROW), mapping)
    assert [r.source_id for r in report.imported] == ["T-1"]
    assert [(r.row, r.source_id) for r in report.rejected] == [(1, "T-3"), (3, "T-3")]
    assert all("source ID T-3 is on rows 1 and 3 with different values" in r.reason
               for r in report.rejected)
    assert set(snapshot(root)) - set(before) == {"incidents/2025/INC-2025-0006.yml"}
    # Already in the log, the same holds: no update from a guess either.
    run(root, write_csv(tmp_path, GOOD_ROWS[0]), mapping)
    after = snapshot(root)
    report = run(root, write_csv(tmp_path, EDITED_ROW, GOOD_ROWS[0]), mapping)
    assert snapshot(root) == after and len(report.rejected) == 2


def test_several_problems_in_one_row_are_all_reported(root: Path, mapping: Path,
                                                      tmp_path: Path) -> None:
    report = run(root, write_csv(tmp_path, ",,soon,,,,SEV3,fraud-ml,x,,"), mapping)
    [rejected] = report.rejected
    assert rejected.reason.count(";") >= 3


def test_csv_lines_count_multiline_cells(root: Path, mapping: Path, tmp_path: Path) -> None:
    export = write_csv(tmp_path, 'M-1,"Two\nlines",2026-05-01T00:00:00Z,,,,SEV3,fraud-ml,x,,'
                                 "fm:FM-0004", "M-2,Bad,never,,,,SEV3,fraud-ml,x,,fm:FM-0004")
    [rejected] = run(root, export, mapping).rejected
    assert (rejected.row, rejected.line) == (2, 4)


@pytest.mark.parametrize(("content", "reason"), [
    ('[{"id": "J-1", "title": "Nested", "created": "2026-05-01T00:00:00Z", "severity": "SEV3",'
     ' "team": "fraud-ml", "service": "x", "labels": {"fm": "FM-0004"}}]',
     "'labels' holds a nested object"),
    ('["just a string"]', "the row is not a JSON object"),
    ('[{"id": "J-1", "title": "No labels", "created": "2026-05-01T00:00:00Z",'
     ' "severity": "SEV3", "team": "fraud-ml", "service": "x"}]', "no failure-mode ID"),
])
def test_bad_json_rows(root: Path, mapping: Path, tmp_path: Path, content: str,
                       reason: str) -> None:
    export = tmp_path / "export.json"
    export.write_text(content, encoding="utf-8")
    report = run(root, export, mapping)
    [rejected] = report.rejected
    assert (rejected.row, rejected.line) == (1, None)
    assert reason in rejected.reason


# --- problems with the files as a whole ------------------------------------------------------

@pytest.mark.parametrize(("name", "content", "error"), [
    ("export.json", "{not json", "export.json:1: not valid JSON"),
    ("export.json", '{"incidents": []}', "must be a JSON list of incident objects"),
    ("export.csv", "", "the export is empty"),
    ("export.csv", "id,title,created\nA,B,C\n",
     "the mapping names columns the export does not have: 'started'"),
    ("export.csv", HEADER.replace("service", "servce") + "\n",
     "'service' (did you mean 'servce'?)"),
    ("export.csv", HEADER + ",id\n", "columns named twice in the header: id"),
    ("export.txt", HEADER + "\n", "cannot tell the format from the suffix"),
])
def test_file_level_errors_write_nothing(root: Path, mapping: Path, tmp_path: Path, name: str,
                                         content: str, error: str) -> None:
    export = tmp_path / name
    export.write_text(content, encoding="utf-8")
    before = snapshot(root)
    report = run(root, export, mapping)
    assert snapshot(root) == before
    assert len(report.errors) == 1 and error in report.errors[0]
    assert report.imported == report.rejected == ()


def test_non_utf8_export(root: Path, mapping: Path, tmp_path: Path) -> None:
    export = tmp_path / "export.csv"
    export.write_bytes(HEADER.encode() + b"\nA,caf\xe9\n")
    [error] = run(root, export, mapping).errors
    assert "is not UTF-8" in error


def test_missing_export(root: Path, mapping: Path, tmp_path: Path) -> None:
    [error] = run(root, tmp_path / "nowhere.csv", mapping).errors
    assert "cannot read the export" in error


@pytest.mark.parametrize(("text", "message"), [
    (MAPPING.replace("  title: title\n", "  titel: title\n"), "unknown field 'titel'"),
    (MAPPING.replace("system: test-pager", "system: Test Pager"), "system"),
    (MAPPING + "timezone: Mars/Olympus\n", "unknown time zone 'Mars/Olympus'"),
    (MAPPING.replace('prefix: "fm:"}', 'prefix: "fm:", pattern: "x"}'),
     "give prefix or pattern, not both"),
    (MAPPING.replace('prefix: "fm:"}', 'pattern: "(unclosed"}'),
     "not a valid regular expression"),
    ("system: [\n", "YAML syntax error"),
])
def test_bad_mapping_is_reported_with_its_line(root: Path, tmp_path: Path, text: str,
                                               message: str) -> None:
    path = tmp_path / "mapping.yml"
    path.write_text(text, encoding="utf-8")
    mapping, problems = load_mapping(path)
    assert mapping is None
    assert any(message in p for p in problems), problems
    assert all(p.startswith(f"{path}:") for p in problems)
    report = run(root, write_csv(tmp_path, *GOOD_ROWS), path)
    assert report.errors == tuple(problems)
    assert report.imported == ()


def test_missing_mapping_file(root: Path, tmp_path: Path) -> None:
    [error] = run(root, write_csv(tmp_path, *GOOD_ROWS), tmp_path / "none.yml").errors
    assert "cannot read the mapping file" in error


def test_catalog_without_taxonomy(tmp_path: Path, mapping: Path) -> None:
    (tmp_path / "empty").mkdir()
    [error] = run(tmp_path / "empty", write_csv(tmp_path, *GOOD_ROWS), mapping).errors
    assert "no valid taxonomy.yml" in error


def test_loaded_mapping_object_is_accepted(root: Path, mapping: Path, tmp_path: Path) -> None:
    loaded, problems = load_mapping(mapping)
    assert problems == [] and loaded is not None
    assert loaded.named_columns()[:3] == ["id", "title", "created"]
    assert run(root, write_csv(tmp_path, *GOOD_ROWS), loaded).ok


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300), st.sampled_from(["csv", "json"]))
def test_any_input_gives_a_report_not_a_traceback(text: str, fmt: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        (base / "mapping.yml").write_text(MAPPING, encoding="utf-8")
        export = base / f"export.{fmt}"
        export.write_text(HEADER + "\n" + text if fmt == "csv" else text, encoding="utf-8")
        shutil.copy(FIXTURE / "taxonomy.yml", base / "taxonomy.yml")
        report = import_incidents(base, export, None, base / "mapping.yml", dry_run=True,
                                  today=TODAY)
        assert isinstance(format_report(report), str)
