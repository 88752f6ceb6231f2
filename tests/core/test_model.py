"""Record models: strict types, unknown keys forbidden, clear messages."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import ValidationError

from fmcat.core.ids import ANY_RECORD_ID
from fmcat.core.model import FailureMode, Incident, Playbook, StrictModel, parse_duration

FM: dict[str, Any] = {
    "id": "FM-0001",
    "title": "A failure",
    "summary": "Something fails in a specific way.",
    "status": "active",
    "stewards": ["@fmcat/sre"],
    "created": __import__("datetime").date(2026, 1, 1),
    "last_reviewed": __import__("datetime").date(2026, 2, 1),
    "category": "data-quality",
    "stages": ["serving"],
    "causes": ["missing-data"],
    "effects": ["Bad scores."],
    "dimensions": {"data_domain": ["tabular"], "model_family": ["linear-models"],
                   "environment": ["batch"], "customer_segment": ["internal"]},
    "severity": "high",
    "frequency": "rare",
    "business_impact": {"description": "Money is lost."},
    "detectors": [{"signal": "psi", "op": ">=", "threshold": 0.25, "window": "1d",
                   "severity": "high", "action": "alert"}],
}


def _with(**changes: Any) -> dict[str, Any]:
    data = dict(FM)
    data.update(changes)
    return data


def test_valid_failure_mode() -> None:
    record = FailureMode.model_validate(FM)
    assert record.detectors[0].threshold == 0.25
    assert record.review_every is None


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"severity": False}, "valid string"),  # YAML `severity: no`
        ({"title": 1.1}, "valid string"),  # YAML `title: 1.10`
        ({"id": "FM-12"}, "pattern"),
        ({"status": "retired"}, "'draft', 'active', 'deprecated' or 'withdrawn'"),
        ({"stewards": []}, "at least 1 item"),
        ({"created": "2026-01-01"}, "valid date"),
        ({"sevrity": "high"}, "Extra inputs are not permitted"),
        ({"detectors": [{**FM["detectors"][0], "op": "=>"}]}, "'>', '>=', '<' or '<='"),
        ({"detectors": [{**FM["detectors"][0], "window": "1 day"}]}, "pattern"),
        ({"detectors": [{**FM["detectors"][0], "threshold": "0.25"}]}, "valid number"),
        ({"detectors": [{**FM["detectors"][0], "action": "email"}]}, "'auto-rollback'"),
        ({"mitigations": [{"playbook": "MP-1", "kind": "respond", "use": "x"}]}, "pattern"),
        ({"related": ["FM-0002", 3]}, "valid string"),
    ],
)
def test_invalid_failure_modes(changes: dict[str, Any], match: str) -> None:
    with pytest.raises(ValidationError, match=match):
        FailureMode.model_validate(_with(**changes))


def test_playbook_requires_owner_and_remedy_fields() -> None:
    with pytest.raises(ValidationError) as info:
        Playbook.model_validate({k: v for k, v in FM.items() if k in {
            "id", "title", "summary", "status", "stewards", "created", "last_reviewed"}}
            | {"id": "MP-0001"})
    missing = {e["loc"][0] for e in info.value.errors() if e["type"] == "missing"}
    assert {"owner", "time_to_remediate", "steps", "fallback", "rollback", "escalation",
            "tradeoffs", "kinds"} <= missing


def test_incident_timestamps_need_a_time_zone() -> None:
    naive = __import__("datetime").datetime(2026, 1, 1, 10)
    with pytest.raises(ValidationError, match="timezone"):
        Incident.model_validate({
            "id": "INC-2026-0001", "title": "Outage", "detected": naive,
            "failure_modes": ["FM-0001"], "severity": "high", "team": "a", "project": "b",
            "dimensions": {"model_family": "llm", "environment": "batch"},
            "data_change": {"preceded": False},
        })


@pytest.mark.parametrize(("text", "seconds"), [("30m", 1800), ("6h", 21600), ("1d", 86400),
                                               ("2w", 1209600)])
def test_durations(text: str, seconds: int) -> None:
    assert parse_duration(text).total_seconds() == seconds


@pytest.mark.parametrize(("value", "valid"), [
    ("FM-0007", True), ("FM-9999", True), ("FM-10000", True), ("FM-123456", True),
    ("FM-00007", False), ("FM-007", False), ("FM-1234567", False), ("fm-0007", False),
])
def test_ids_grow_past_four_digits_with_one_spelling(value: str, valid: bool) -> None:
    data = _with(id=value)
    if valid:
        assert FailureMode.model_validate(data).id == value
    else:
        with pytest.raises(ValidationError, match="pattern"):
            FailureMode.model_validate(data)


FULLWIDTH = "FM-\uff10\uff10\uff11\uff13"  # FM-００１３
ARABIC_INDIC = "FM-\u0660\u0660\u0661\u0663"  # FM-٠٠١٣
INCIDENT: dict[str, Any] = {
    "id": "INC-2026-0001", "title": "Outage", "detected": "2026-01-01T10:00:00Z",
    "failure_modes": ["FM-0001"], "severity": "high", "team": "a", "project": "b",
    "dimensions": {"model_family": "llm", "environment": "batch"},
    "data_change": {"preceded": False},
}


@pytest.mark.parametrize("digits", [FULLWIDTH, ARABIC_INDIC, "FM-0\u0d66\u0d661"])
@pytest.mark.parametrize("place", ["id", "related", "superseded_by", "mitigation"])
def test_ids_take_ascii_digits_only(digits: str, place: str) -> None:
    # `\d` matches any Unicode digit: FM-００１３ would pass beside FM-0013, with its own URL.
    changes: dict[str, Any] = {
        "id": {"id": digits},
        "related": {"related": [digits]},
        "superseded_by": {"superseded_by": digits},
        "mitigation": {"mitigations": [{"playbook": "MP" + digits[2:], "kind": "respond",
                                        "use": "x"}]},
    }[place]
    with pytest.raises(ValidationError, match="pattern"):
        FailureMode.model_validate(_with(**changes))


@pytest.mark.parametrize("changes", [
    {"id": "INC-2026-\uff10\uff10\uff10\uff11"},
    {"id": "INC-20\u0662\u0666-0001"},
    {"failure_modes": [FULLWIDTH]},
    {"playbooks_used": ["MP-\u0660\u0660\u0660\u0661"]},
])
def test_incident_ids_and_citations_take_ascii_digits_only(changes: dict[str, Any]) -> None:
    Incident.model_validate_json(json.dumps(INCIDENT))  # the base is valid
    with pytest.raises(ValidationError, match="pattern"):
        Incident.model_validate_json(json.dumps(INCIDENT | changes))


@pytest.mark.parametrize("window", ["1\u0663h", "\uff11d", "2w\n"])
def test_durations_take_ascii_digits_only(window: str) -> None:
    with pytest.raises(ValidationError, match="pattern"):
        FailureMode.model_validate(_with(detectors=[{**FM["detectors"][0], "window": window}]))


@pytest.mark.parametrize("value", [FULLWIDTH, ARABIC_INDIC, "FM-0001\n", "MP-0001\n"])
def test_any_record_id_is_ascii_and_whole(value: str) -> None:
    assert ANY_RECORD_ID.match(value) is None


@pytest.mark.parametrize("title", [
    "\u200b\u200b\u200b",  # zero-width spaces
    "\u202e\u202d\u202c\u2066\u2069",  # bidi controls only
    "\ufeff\u00a0\u3000\u2060",  # BOM, no-break space, ideographic space, word joiner
    "\u3164\u3164\u3164",  # Hangul filler, drawn as nothing
    "\u00ad\u034f\u180e\U000e0041",  # soft hyphen, grapheme joiner, Mongolian separator, tag
])
def test_a_title_of_invisible_characters_is_refused(title: str) -> None:
    with pytest.raises(ValidationError) as info:
        FailureMode.model_validate(_with(title=title))
    [error] = info.value.errors()
    assert error["loc"] == ("title",)
    assert "visible" in error["msg"]


@pytest.mark.parametrize("title", [
    "Drift \u202eeludom\u202c hidden",  # right-to-left override: shows text reversed
    "Fine \u2067reversed\u2069 title",  # right-to-left isolate
    "Embedded \u202bpart\u202c here",
])
def test_a_title_with_bidi_controls_is_refused(title: str) -> None:
    with pytest.raises(ValidationError) as info:
        FailureMode.model_validate(_with(title=title))
    assert info.value.errors()[0]["loc"] == ("title",)
    assert "direction" in info.value.errors()[0]["msg"]


@pytest.mark.parametrize("title", [
    "Covariate shift in input features",
    "\u05e1\u05d8\u05d9\u05d9\u05ea \u05e0\u05ea\u05d5\u05e0\u05d9\u05dd \u200fPSI",  # Hebrew, RLM
    "Dérive des données",
    "\u0645\u0633\u062a\u0647\u200c\u0634\u062f\u0646",  # Persian with zero-width non-joiner
    "Alert fatigue \U0001f468\u200d\U0001f4bb",  # emoji ZWJ sequence
])
def test_real_titles_in_any_script_are_kept(title: str) -> None:
    assert FailureMode.model_validate(_with(title=title)).title == title


def test_incident_titles_are_checked_too() -> None:
    with pytest.raises(ValidationError, match="visible"):
        Incident.model_validate_json(json.dumps(INCIDENT | {"title": "\u200b\u200c\u200d"}))


def test_strict_model_refuses_unknown_keys_guessed_types_and_changes() -> None:
    class Point(StrictModel):
        name: str

    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        Point.model_validate({"name": "a", "nmae": "b"})
    with pytest.raises(ValidationError, match="string"):
        Point.model_validate({"name": 1})
    point = Point(name="a")
    with pytest.raises(ValidationError, match="frozen"):
        point.name = "b"  # type: ignore[misc]


@pytest.mark.parametrize(("status", "predicates"), [
    ("draft", {"is_current", "is_listed"}),
    ("active", {"is_active", "is_current", "is_listed"}),
    ("deprecated", {"is_deprecated", "is_listed", "is_retired"}),
    ("withdrawn", {"is_retired"}),
])
def test_each_status_has_its_predicates(status: str, predicates: set[str]) -> None:
    record = FailureMode.model_validate(_with(status=status))
    names = {"is_active", "is_current", "is_deprecated", "is_listed", "is_retired"}
    assert {name for name in names if getattr(record, name)} == predicates
