"""Record models: strict types, unknown keys forbidden, clear messages."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from fmcat.model import FailureMode, Incident, Playbook, parse_duration

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
    "data_domain": ["tabular"],
    "model_family": ["linear-models"],
    "environment": ["batch"],
    "customer_segment": ["internal"],
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
            "model_family": "llm", "environment": "batch", "data_change": {"preceded": False},
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
