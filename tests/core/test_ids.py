"""The record-ID patterns: one set, ASCII digits, one spelling per number."""

from __future__ import annotations

import pytest

from fmcat.core import body
from fmcat.core.ids import (
    CS_ID_PATTERN,
    FILE_ID,
    FM_ID_PATTERN,
    ID_LINK,
    INC_ID_PATTERN,
    MP_ID_PATTERN,
    RECORD_ID_PATTERN,
)


def test_the_validated_patterns_keep_their_published_text() -> None:
    """They appear in the API's JSON Schemas: a change is a change of the export."""
    number = "(?:[0-9]{4}|[1-9][0-9]{4,5})"
    assert f"^FM-{number}$" == FM_ID_PATTERN
    assert f"^MP-{number}$" == MP_ID_PATTERN
    assert f"^CS-{number}$" == CS_ID_PATTERN
    assert f"^(FM|MP|CS)-{number}$" == RECORD_ID_PATTERN
    assert INC_ID_PATTERN == "^INC-(?P<year>20[0-9][0-9])-[0-9]{4}$"


@pytest.mark.parametrize(("target", "parsed"), [
    ("FM-0012", ("FM-0012", "")),
    ("MP-0003#steps", ("MP-0003", "steps")),
    ("CS-12345#lessons", ("CS-12345", "lessons")),
    ("FM-\uff10\uff10\uff11\uff13", None),  # FM-００１３: not ASCII digits
    ("FM-01234", None),  # a second spelling of FM-1234
    ("FM-0012#Detection", None),
    ("fm-0012", None),
    ("INC-2026-0001", None),
    ("../FM-0012.md", None),
])
def test_an_id_link_is_an_id_and_an_optional_anchor(
        target: str, parsed: tuple[str, str] | None) -> None:
    match = ID_LINK.match(target)
    assert ((match.group("id"), match.group("anchor") or "") if match else None) == parsed
    assert body.id_target(target) == parsed


@pytest.mark.parametrize(("name", "found"), [
    ("FM-0012-label-shift.md", "FM-0012"),
    ("MP-0003.md", "MP-0003"),
    ("CS-100000-big.md", "CS-100000"),
    ("INC-2026-0001.yml", "INC-2026-0001"),
    ("INC-1999-0001.yml", "INC-1999-0001"),  # refused by the model, still named
    ("FM-00123.md", None),
    ("FM-0012x.md", None),
    ("notes.md", None),
])
def test_a_file_name_gives_the_id_it_starts_with(name: str, found: str | None) -> None:
    match = FILE_ID.match(name)
    assert (match.group(1) if match else None) == found
