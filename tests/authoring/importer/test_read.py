"""Reading an export into rows and the log into raw records, on hand-made files."""

from __future__ import annotations

from pathlib import Path

import pytest

from fmcat.authoring.importer.mapping import ImportMapping
from fmcat.authoring.importer.read import (
    ReadError,
    Row,
    format_of,
    json_cell,
    read_csv,
    read_export,
    read_json,
    read_log,
)

MAPPING = ImportMapping.model_validate({
    "system": "pager",
    "columns": {"source_id": "id", "title": "title", "detected": "created"},
    "failure_modes": {"column": "labels"},
})
HERE = Path("export.csv")


@pytest.mark.parametrize(("name", "fmt"), [("a.csv", "csv"), ("A.JSON", "json"),
                                           ("a.txt", None), ("csv", None)])
def test_format_of(name: str, fmt: str | None) -> None:
    assert format_of(Path(name)) == fmt


def test_csv_rows_skip_blank_lines_and_count_lines() -> None:
    text = ('id,title,created,labels\n'
            'A,"two\nlines",x,fm\n'
            ',,,\n'
            'B,t,y,fm,extra\n')
    rows = list(read_csv(text, HERE, MAPPING))
    assert [(r.number, r.line) for r in rows] == [(1, 2), (2, 5)]
    assert rows[0].cells == {"id": "A", "title": "two\nlines", "created": "x", "labels": "fm"}
    assert rows[0].problem == ""
    assert rows[1].problem == "5 cells but the header has 4 columns"


@pytest.mark.parametrize(("text", "message"), [
    ("", "export.csv: the export is empty"),
    ("id,title,id\n", "columns named twice in the header: id"),
    ("id,title,created\n", "does not have: 'labels'"),
    ('id,title,created,labels\n"A\n', "export.csv:2: not valid CSV"),
])
def test_csv_errors(text: str, message: str) -> None:
    with pytest.raises(ReadError, match=message):
        list(read_csv(text, HERE, MAPPING))


def test_json_rows() -> None:
    text = '[{"id": 7, "labels": ["fm", null], "ok": true, "none": null}, 3, {"n": {"a": 1}}]'
    rows = list(read_json(text, HERE))
    assert rows[0] == Row(1, None, {"id": "7", "labels": ["fm"], "ok": "true", "none": ""})
    assert rows[1] == Row(2, None, {}, "the row is not a JSON object")
    assert rows[2] == Row(3, None, {}, "'n' holds a nested object, not a value or a list")


@pytest.mark.parametrize(("text", "message"), [
    ("{", "export.csv:1: not valid JSON"),
    ('{"rows": []}', "must be a JSON list"),
])
def test_json_errors(text: str, message: str) -> None:
    with pytest.raises(ReadError, match=message):
        list(read_json(text, HERE))


@pytest.mark.parametrize(("value", "cell"), [
    (None, ""), (False, "false"), (1.5, "1.5"), ("x", "x"), ([1, "a"], ["1", "a"]),
    ([[1]], None), ({"a": 1}, None),
])
def test_json_cell(value: object, cell: object) -> None:
    assert json_cell(value) == cell


def test_read_export_reads_utf8_with_or_without_a_bom(tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    path.write_bytes(b"\xef\xbb\xbfid,title,created,labels\nA,caf\xc3\xa9,x,fm\n")
    [row] = read_export(path, "csv", MAPPING)
    assert row.cells["id"] == "A" and row.cells["title"] == "café"
    path.write_bytes(b"id\nA,caf\xe9\n")
    with pytest.raises(ReadError, match="byte 8 is not UTF-8"):
        read_export(path, "csv", MAPPING)
    with pytest.raises(ReadError, match="cannot read the export"):
        read_export(tmp_path / "none.json", "json", MAPPING)


def test_read_log_sorts_files_by_what_their_source_says(tmp_path: Path) -> None:
    folder = tmp_path / "incidents" / "2026"
    folder.mkdir(parents=True)
    (folder / "INC-2026-0001.yml").write_text("id: INC-2026-0001\nsource: {system: p, id: 4}\n",
                                              encoding="utf-8")
    (folder / "INC-2026-0002.yml").write_text("id: INC-2026-0002\n", encoding="utf-8")
    (folder / "INC-2026-0003.yml").write_text("title: [T-9\n", encoding="utf-8")
    (folder / "INC-2026-0004.yaml").write_text("source: T-8\n", encoding="utf-8")
    (folder / "notes.txt").write_text("source: {system: p, id: 5}\n", encoding="utf-8")
    log = read_log(tmp_path)
    [logged] = log.by_source[("p", "4")]
    assert (logged.path, logged.incident_id) == ("incidents/2026/INC-2026-0001.yml",
                                                 "INC-2026-0001")
    assert list(log.by_source) == [("p", "4")]
    assert [(o.path, o.incident_id) for o in log.opaque] == [
        ("incidents/2026/INC-2026-0003.yml", "INC-2026-0003.yml"),
        ("incidents/2026/INC-2026-0004.yaml", "INC-2026-0004.yaml")]
    assert log.opaque[0].unreadable_as.startswith("does not parse (")
    assert log.opaque[1].unreadable_as == "has a `source` that is not {system, id}"


def test_read_log_without_a_log(tmp_path: Path) -> None:
    log = read_log(tmp_path)
    assert log.by_source == {} and log.opaque == []
