"""Matching observations against the detectors recommend knows, and ranking the matches."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fmcat.exports.recommend.knowledge import DetectorRule, Knowledge, Mode
from fmcat.exports.recommend.observations import Observation


@dataclass(frozen=True)
class Fired:
    """A detector that fired, and the observations that made it fire."""

    rule: DetectorRule
    observations: tuple[Observation, ...]


@dataclass(frozen=True)
class Match:
    mode: Mode
    fired: tuple[Fired, ...]
    severity_rank: int
    detector_severity: str
    """The most severe of the fired detectors' own severities."""


@dataclass(frozen=True)
class Recommendation:
    matches: tuple[Match, ...]
    observations: tuple[Observation, ...]
    unknown_signals: tuple[str, ...]
    """Observed signals the taxonomy does not define (often a typo)."""
    undetected_signals: tuple[str, ...]
    """Observed signals the taxonomy defines but no detector uses."""

    @property
    def matched(self) -> bool:
        return bool(self.matches)


def recommend(knowledge: Knowledge, observations: Sequence[Observation]) -> Recommendation:
    """Evaluate every detector against every observation of its signal.

    Boundaries are exact: `>= 0.25` fires at 0.25, `> 0.25` does not. A
    detector fires when any observation of its signal satisfies it.
    Matches are ranked by the failure mode's severity rank, then by how many
    of its detectors fired, then by the most severe fired detector, then by
    ID, so the same input always gives the same order.
    """
    by_signal: dict[str, list[Observation]] = {}
    for item in observations:
        by_signal.setdefault(item.signal, []).append(item)
    ranks = knowledge.severity_ranks
    matches = []
    for mode in knowledge.modes:
        fired = []
        for rule in mode.rules:
            hits = tuple(o for o in by_signal.get(rule.signal, ()) if rule.fires(o.value))
            if hits:
                fired.append(Fired(rule, hits))
        if fired:
            strongest = max((f.rule.severity for f in fired), key=lambda s: ranks.get(s, 0))
            matches.append(Match(mode, tuple(fired), ranks.get(mode.severity, 0), strongest))
    matches.sort(key=lambda m: (-m.severity_rank, -len(m.fired),
                                -ranks.get(m.detector_severity, 0), m.mode.id))
    observed = sorted(by_signal)
    detected = knowledge.detected_signals
    return Recommendation(
        matches=tuple(matches),
        observations=tuple(observations),
        unknown_signals=tuple(s for s in observed if s not in knowledge.signals),
        undetected_signals=tuple(s for s in observed
                                 if s in knowledge.signals and s not in detected),
    )
