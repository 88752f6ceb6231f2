"""The mapping file's model and loading, without an import."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from fmcat.authoring.importer.mapping import ImportMapping, finding_line, load_mapping, time_zone
from fmcat.core.findings import Finding

BASE: dict[str, Any] = {
    "system": "pager",
    "columns": {"source_id": "id", "title": "title", "detected": "created",
                "severity": "sev", "summary": "title"},
    "failure_modes": {"column": "labels", "prefix": "fm:"},
}


def mapping(**extra: Any) -> ImportMapping:
    return ImportMapping.model_validate({**BASE, **extra})


def test_named_columns_lists_each_column_once_in_order() -> None:
    assert mapping().named_columns() == ["id", "title", "created", "sev", "labels"]
    full = mapping(playbooks={"column": "labels", "prefix": "mp:"},
                   data_change={"column": "tags", "values": ["data"], "description": "why"})
    assert full.named_columns() == ["id", "title", "created", "sev", "labels", "tags", "why"]


def test_time_zone_names() -> None:
    assert time_zone("utc") is UTC
    assert time_zone("Europe/Berlin") == ZoneInfo("Europe/Berlin")
    assert mapping(timezone="Asia/Tokyo").zone() == ZoneInfo("Asia/Tokyo")
    with pytest.raises(ValueError, match="unknown time zone 'Mars/Olympus'"):
        time_zone("Mars/Olympus")


@pytest.mark.parametrize(("extra", "message"), [
    ({"timezone": "Nowhere/City"}, "unknown time zone"),
    ({"failure_modes": {"column": "l", "prefix": "fm:", "pattern": "x"}}, "not both"),
    ({"failure_modes": {"column": "l", "pattern": "("}}, "not a valid regular expression"),
    ({"system": "Pager Duty"}, "should match pattern"),
    ({"values": {"colour": {"a": "b"}}}, "colour"),
])
def test_mapping_refuses(extra: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        mapping(**extra)


def test_finding_line_shapes() -> None:
    assert finding_line(Finding("m.yml", 3, "X", "system", "bad", "lower case")) == \
        "m.yml:3: system: bad (hint: lower case)"
    assert finding_line(Finding("m.yml", 0, "X", "", "bad")) == "m.yml: bad"


def test_load_mapping_reports_lines(tmp_path: Path) -> None:
    path = tmp_path / "m.yml"
    path.write_text("system: pager\ncolumns: {source_id: id, title: t, detected: d}\n"
                    "failure_modes: {column: l}\ncolour: red\n", encoding="utf-8")
    loaded, problems = load_mapping(path)
    assert loaded is None
    assert len(problems) == 1 and problems[0].startswith(f"{path}:4: ")
    path.write_text("system: pager\ncolumns: {source_id: id, title: t, detected: d}\n"
                    "failure_modes: {column: l}\n", encoding="utf-8")
    loaded, problems = load_mapping(path)
    assert problems == [] and loaded is not None and loaded.failure_modes.separator == ","
