"""The parts of `Knowledge` evaluation relies on."""

from __future__ import annotations

import pytest

from fmcat.exports.recommend.knowledge import OPERATORS
from tests.exports.recommend.helpers import knowledge, mode, rule


@pytest.mark.parametrize(("op", "below", "at", "above"), [
    (">", False, False, True), (">=", False, True, True),
    ("<", True, False, False), ("<=", True, True, False)])
def test_a_detector_rule_fires_on_its_side_of_the_threshold(
        op: str, below: bool, at: bool, above: bool) -> None:
    detector = rule(op=op, threshold=0.25)
    assert [detector.fires(v) for v in (0.2, 0.25, 0.3)] == [below, at, above]
    assert set(OPERATORS) == {">", ">=", "<", "<="}


def test_a_mode_links_its_sections_and_knows_if_it_is_active() -> None:
    active, draft = mode(), mode(status="draft")
    assert active.detection_url == "failure-modes/FM-0001/#detection"
    assert active.mitigation_url == "failure-modes/FM-0001/#mitigation"
    assert active.is_active and not draft.is_active
    assert not mode(status="deprecated").is_active


def test_detected_signals_are_those_some_detector_uses() -> None:
    both = mode(rules=(rule("psi"), rule("null_rate")))
    assert knowledge(both, mode("FM-0002")).detected_signals == {"psi", "null_rate"}
