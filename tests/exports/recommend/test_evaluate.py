"""Matching and ranking, on hand-made knowledge (no catalog)."""

from __future__ import annotations

from fmcat.exports.recommend import Observation, recommend
from tests.exports.recommend.helpers import knowledge, mode, rule


def test_nothing_observed_nothing_matched() -> None:
    result = recommend(knowledge(mode()), [])
    assert not result.matched
    assert result.matches == ()
    assert result.unknown_signals == result.undetected_signals == ()


def test_every_observation_that_satisfies_a_detector_is_kept() -> None:
    seen = [Observation("psi", 0.1), Observation("psi", 0.3, {"feature": "age"}),
            Observation("psi", 0.25)]
    (match,) = recommend(knowledge(mode()), seen).matches
    (fired,) = match.fired
    assert [o.value for o in fired.observations] == [0.3, 0.25]


def test_ranked_by_severity_then_detectors_fired_then_detector_severity_then_id() -> None:
    two_rules = (rule(severity="low"), rule("latency", ">", 500, severity="low"))
    modes = (
        mode("FM-0004", "medium", rules=(rule(severity="critical"),)),
        mode("FM-0003", "medium", rules=(rule(severity="low"),)),
        mode("FM-0002", "medium", rules=two_rules),
        mode("FM-0005", "critical", rules=(rule(severity="low"),)),
        mode("FM-0001", "medium", rules=(rule(severity="low"),)),
    )
    seen = [Observation("psi", 0.5), Observation("latency", 900)]
    result = recommend(knowledge(*modes), seen)
    assert [m.mode.id for m in result.matches] == [
        "FM-0005", "FM-0002", "FM-0004", "FM-0001", "FM-0003"]
    assert result.matches[0].severity_rank == 4
    assert result.matches[2].detector_severity == "critical"


def test_signals_outside_the_taxonomy_and_without_detectors_are_named() -> None:
    seen = [Observation("psy", 1), Observation("latency", 1), Observation("psi", 0)]
    result = recommend(knowledge(mode()), seen)
    assert result.unknown_signals == ("psy",)
    assert result.undetected_signals == ("latency",)
    assert result.observations == tuple(seen)
