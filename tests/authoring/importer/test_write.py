"""Rendering, numbering and updating incident files, on hand-made records."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest

from fmcat.authoring.importer.draft import Draft
from fmcat.authoring.importer.read import Log, Logged, Row
from fmcat.authoring.importer.write import (
    comment_lines,
    highest_numbers,
    incident_path,
    logged_record,
    merge_row,
    render_incident,
    replace_file,
)
from fmcat.core.catalog import Catalog


def test_render_incident_in_the_logs_order_and_style() -> None:
    data = {"source": {"system": "p", "id": "7"}, "notes": "hand-written", "release": "2025.10",
            "title": "yes", "detected": datetime(2026, 5, 1, 10, 0, 0, tzinfo=UTC),
            "failure_modes": ["FM-0001", "FM-0002"], "id": "INC-2026-0001"}
    assert render_incident(data, "p") == (
        "# Imported from p by `fmcat import incidents`; keep `source`, it prevents a second "
        "import.\n"
        "id: INC-2026-0001\n"
        "title: 'yes'\n"
        "detected: 2026-05-01T10:00:00Z\n"
        "failure_modes: [FM-0001, FM-0002]\n"
        "release: '2025.10'\n"
        "source: {system: p, id: '7'}\n"
        "notes: hand-written\n")


def test_incident_path() -> None:
    assert incident_path("INC-2026-0042") == "incidents/2026/INC-2026-0042.yml"


def test_highest_numbers_from_file_names_and_the_catalog(tmp_path: Path) -> None:
    folder = tmp_path / "incidents" / "2025"
    folder.mkdir(parents=True)
    for name in ("INC-2025-0007.yml", "INC-2025-0002-old.yml", "notes-INC-2025-0099.yml"):
        (folder / name).write_text("", encoding="utf-8")
    catalog = cast(Catalog, SimpleNamespace(incidents={"INC-2026-0003": None},
                                            unreadable={"INC-2024-0010.yml": None}))
    assert highest_numbers(tmp_path, catalog) == {2025: 7, 2026: 3, 2024: 10}


def draft(source_id: str = "T-3", **data: Any) -> Draft:
    return Draft(Row(1, None, {}), source_id, data)


def test_logged_record_by_source_and_by_doubt() -> None:
    record = Logged("incidents/2026/INC-2026-0001.yml", b"", "", {"id": "INC-2026-0001"})
    copy = Logged("incidents/2026/INC-2026-0002.yml", b"", "", {"id": "INC-2026-0002"})
    opaque = Logged("incidents/2026/x.yml", b"", "source: T-30 and T-3\n", None,
                    "does not parse (oops)")
    assert logged_record(draft(), "p", Log({("p", "T-3"): [record]})) is record
    row = draft()
    assert logged_record(row, "p", Log({("p", "T-3"): [record, copy]})) is None
    assert row.problems == ["source T-3 is already in incidents/2026/INC-2026-0001.yml "
                            "(INC-2026-0001) and incidents/2026/INC-2026-0002.yml "
                            "(INC-2026-0002); keep one of them (merge by hand) and import "
                            "again"]
    for source_id, doubted in (("T-3", True), ("T", False), ("T-30", True), ("T-300", False)):
        row = draft(source_id)
        assert logged_record(row, "p", Log({}, [opaque])) is None
        assert bool(row.problems) is doubted, source_id
    assert "x.yml, which does not parse (oops)" in draft_problem(opaque)


def draft_problem(opaque: Logged) -> str:
    row = draft()
    logged_record(row, "p", Log({}, [opaque]))
    return row.problems[0]


def test_merge_row_never_erases() -> None:
    existing = {"id": "INC-2026-0001", "title": "Old", "team": "kept", "postmortem": "url",
                "data_change": {"preceded": False, "description": "kept"},
                "source": {"system": "p", "id": "T-3"}}
    row = draft(title="New", team="default", project="new",
                data_change={"preceded": True}, source={"system": "p", "id": "other"})
    row.defaulted = {"team", "project"}
    assert merge_row(existing, row) == {
        "id": "INC-2026-0001", "title": "New", "team": "kept", "postmortem": "url",
        "data_change": {"preceded": True, "description": "kept"},
        "source": {"system": "p", "id": "T-3"}, "project": "new"}


@pytest.mark.parametrize(("text", "lines"), [
    ("# Imported from p by fmcat\nid: x\n", []),
    ("# mine\nid: x\n", [1]),
    ("id: x  # why\ntitle: 'Fix #12'\nteam: \"#a\" # b\n", [1, 3]),
    ("title: 'unclosed\n# c\n", []),  # not YAML: the caller's validation says why
])
def test_comment_lines(text: str, lines: list[int]) -> None:
    assert comment_lines(text) == lines


def test_replace_file_keeps_the_mode_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "INC-2026-0001.yml"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o640)
    replace_file(target, "new\n")
    assert target.read_bytes() == b"new\n"
    assert target.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == [target.name]
