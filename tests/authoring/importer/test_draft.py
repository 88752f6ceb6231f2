"""One row to one draft incident, on hand-made rows and mappings."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from fmcat.authoring.importer.draft import (
    MAX_TITLE,
    Draft,
    cell_text,
    cell_tokens,
    check_repeats,
    draft_incident,
    label_ids,
    parse_timestamp,
)
from fmcat.authoring.importer.mapping import ImportMapping, LabelRule
from fmcat.authoring.importer.read import Row
from fmcat.core.model import FM_ID_PATTERN

BASE: dict[str, Any] = {
    "system": "pager",
    "columns": {"source_id": "id", "title": "title", "detected": "created",
                "severity": "sev", "team": "team"},
    "failure_modes": {"column": "labels", "separator": ";", "prefix": "fm:"},
    "values": {"severity": {"SEV1": "critical"}},
    "defaults": {"project": "p", "model_family": "m", "environment": "e", "team": "t"},
}
CELLS = {"id": " A-1 ", "title": "Scores late", "created": "2026-05-01T10:00:00+02:00",
         "sev": "sev1", "team": "", "labels": "fm:FM-0004; other"}


def mapping(**extra: Any) -> ImportMapping:
    return ImportMapping.model_validate({**BASE, **extra})


def test_cell_text_and_tokens() -> None:
    assert cell_text(None) == "" and cell_text(" a ") == "a"
    assert cell_text(["a", "b "]) == "a, b"
    assert cell_tokens(None, ",") == []
    assert cell_tokens(" a ;; b ", ";") == ["a", "b"]
    assert cell_tokens([" a", ""], ";") == ["a"]


def test_parse_timestamp() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    utc = datetime(2026, 1, 5, 8, 30, tzinfo=UTC)
    assert parse_timestamp("2026-01-05T09:30:00.5", berlin, None) == utc
    assert parse_timestamp("2026-01-05T08:30:00Z", berlin, None) == utc
    assert parse_timestamp("05.01.2026 09:30", berlin, "%d.%m.%Y %H:%M") == utc
    assert parse_timestamp("yesterday", berlin, None) is None


@pytest.mark.parametrize(("rule", "cell", "ids", "problems"), [
    ({"prefix": "fm:"}, "fm:fm-0002;fm:FM-0002;x;fm: FM-0001", ["FM-0002", "FM-0001"], 0),
    ({"pattern": r"failure/(fm-\d+)"}, "failure/fm-0003;other", ["FM-0003"], 0),
    ({"pattern": r"FM-\d{4}"}, "FM-0003", ["FM-0003"], 0),
    ({}, "FM-0001;nope", ["FM-0001"], 1),
    ({"prefix": "fm:"}, "fm:FM-12", [], 1),
])
def test_label_ids(rule: dict[str, str], cell: str, ids: list[str], problems: int) -> None:
    found: list[str] = []
    label_rule = LabelRule.model_validate({"column": "labels", "separator": ";", **rule})
    assert label_ids({"labels": cell}, label_rule, FM_ID_PATTERN, "FM-0001", found) == ids
    assert len(found) == problems


def test_draft_of_a_good_row() -> None:
    draft = draft_incident(Row(1, 2, dict(CELLS)), mapping())
    assert draft.problems == []
    assert draft.source_id == "A-1"
    assert draft.detected == datetime(2026, 5, 1, 8, tzinfo=UTC)
    assert draft.data == {
        "title": "Scores late", "detected": draft.detected, "failure_modes": ["FM-0004"],
        "severity": "critical", "team": "t", "project": "p", "model_family": "m",
        "environment": "e", "data_change": {"preceded": False},
        "source": {"system": "pager", "id": "A-1"}}
    assert draft.defaulted == {"team", "project", "model_family", "environment",
                               "data_change"}


def test_draft_data_change_playbooks_and_long_title() -> None:
    cells = {**CELLS, "labels": "fm:FM-0004;mp:MP-0002;Data", "why": "new feed",
             "title": "x" * 200}
    draft = draft_incident(Row(1, None, cells), mapping(
        playbooks={"column": "labels", "separator": ";", "prefix": "mp:"},
        data_change={"column": "labels", "separator": ";", "values": ["data "],
                     "description": "why"}))
    assert draft.data["playbooks_used"] == ["MP-0002"]
    assert draft.data["data_change"] == {"preceded": True, "description": "new feed"}
    assert "data_change" not in draft.defaulted
    assert len(draft.data["title"]) == MAX_TITLE and draft.data["title"].endswith("…")


def test_draft_collects_every_problem() -> None:
    cells = {"created": "soon", "labels": "triage", "team": ""}
    draft = draft_incident(Row(3, 4, cells, "4 cells but the header has 3 columns"),
                           mapping(defaults={}))
    assert draft.problems == [
        "4 cells but the header has 3 columns",
        "the source ID column 'id' is empty",
        "the title column 'title' is empty",
        "created: 'soon' is not a date and time (ISO 8601, e.g. 2026-03-11T09:20:00Z)",
        "no failure-mode ID in column 'labels' (labels starting with 'fm:')",
        "no severity: column 'sev' is empty and the mapping has no default for it",
        "no team: column 'team' is empty and the mapping has no default for it",
        "no project: the mapping has no default for it",
        "no model_family: the mapping has no default for it",
        "no environment: the mapping has no default for it",
    ]


def drafts(*values: str) -> list[Draft]:
    return [Draft(Row(n, None, {}), "S-1", {"title": v}) for n, v in enumerate(values, 1)]


def test_check_repeats() -> None:
    same = drafts("a", "a")
    for draft in same:
        check_repeats(draft, same)
    assert same[0].problems == []
    assert same[1].problems == ["source ID S-1 appears again (first in row 1)"]
    differ = drafts("a", "b", "a")
    for draft in differ:
        check_repeats(draft, differ)
    assert all(d.problems == ["source ID S-1 is on rows 1, 2 and 3 with different values; "
                              "an export lists each incident once"] for d in differ)
    [alone] = drafts("a")
    check_repeats(alone, [alone])
    assert alone.problems == []
