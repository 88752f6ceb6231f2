"""The incident log's evidence per failure mode, from plain incident facts.

The assessment runs on a published `catalog.json` as well as on a loaded
catalog, so evidence is computed from what both hold (each incident's
detection time, team and cited failure modes, aliases already resolved),
not from a `Catalog`. Recurrence is the metrics' definition
(`fmcat.analysis.metrics`: the same team, the same failure mode, detected at
most `RECURRENCE_WINDOW_DAYS` after the previous one); a test checks that
both count the same on the repository's log.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from fmcat.analysis.assess.rating import Evidence
from fmcat.analysis.metrics import RECURRENCE_WINDOW_DAYS

DAYS_PER_YEAR = 365.25


@dataclass(frozen=True)
class Occurrence:
    """One logged incident as the evidence needs it."""

    id: str
    detected: datetime
    team: str
    failure_modes: tuple[str, ...]


def log_years(incidents: Iterable[Occurrence]) -> float:
    """The log's span from first to last detection in years, at least one.

    At least one, so that a young log's handful of incidents is not read as
    a yearly rate it has not shown (three incidents in a month are not 36 a
    year).
    """
    moments = [item.detected for item in incidents]
    if not moments:
        return 1.0
    return max(1.0, (max(moments) - min(moments)).total_seconds() / 86400 / DAYS_PER_YEAR)


def evidence_by_mode(incidents: Iterable[Occurrence]) -> dict[str, Evidence]:
    """Per cited failure mode: incidents, recurrences, and the log's span."""
    ordered = sorted(incidents, key=lambda i: (i.detected, i.id))
    years = log_years(ordered)
    window = timedelta(days=RECURRENCE_WINDOW_DAYS)
    seen: dict[tuple[str, str], datetime] = {}
    counted: dict[str, int] = defaultdict(int)
    recurred: dict[str, int] = defaultdict(int)
    for incident in ordered:
        for mode in dict.fromkeys(incident.failure_modes):
            counted[mode] += 1
            previous = seen.get((incident.team, mode))
            if previous is not None and incident.detected - previous <= window:
                recurred[mode] += 1
            seen[incident.team, mode] = incident.detected
    return {mode: Evidence(count, recurred[mode], years)
            for mode, count in sorted(counted.items())}
