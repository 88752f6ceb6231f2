"""Nearest-rank percentiles, durations in hours, shares, and what a figure is over."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from fmcat.core.model import Incident


def percentile(values: Sequence[float], p: int) -> float | None:
    """Nearest-rank percentile: the value at rank ceil(p * n / 100) of the sorted values.

    Integer arithmetic keeps the rank exact (0.9 * 10 is 9.000000000000002 in
    floating point, which would push p90 of ten values to the maximum).
    """
    if not 0 < p <= 100:
        raise ValueError(f"percentile must be in 1..100, got {p}")
    if not values:
        return None
    ordered = sorted(values)
    rank = -(-p * len(ordered) // 100)
    return ordered[rank - 1]


def median(values: Sequence[float]) -> float | None:
    """The nearest-rank 50th percentile: always an observed value."""
    return percentile(values, 50)


def hours(delta: timedelta) -> float:
    return delta.total_seconds() / 3600


@dataclass(frozen=True)
class DurationStats:
    """Median and p90 of a set of durations, in hours; None when there are none."""

    count: int
    median: float | None
    p90: float | None


def duration_stats(values: Sequence[float]) -> DurationStats:
    return DurationStats(len(values), median(values), percentile(values, 90))


@dataclass(frozen=True)
class Share:
    """`count` of `total`, and their ratio (None when `total` is zero)."""

    key: str
    label: str
    count: int
    total: int
    share: float | None


def share(key: str, label: str, count: int, total: int) -> Share:
    return Share(key, label, count, total, count / total if total else None)


def time_to_detect(incident: Incident) -> float | None:
    """Hours from start to detection, when the start is known and not after detection."""
    delta = incident.time_to_detect
    return hours(delta) if delta is not None and delta >= timedelta(0) else None


def time_to_mitigate(incident: Incident) -> float | None:
    """Hours from detection to mitigation, when mitigated and not before detection."""
    delta = incident.time_to_mitigate
    return hours(delta) if delta is not None and delta >= timedelta(0) else None


@dataclass(frozen=True)
class Population:
    """What one figure is computed over, stated next to it wherever it is shown.

    The same words on every page make two figures comparable at a glance: a
    median over the last four quarters and one over the whole log are
    different numbers and must say so.
    """

    what: str
    count: int

    def describe(self) -> str:
        return f"{self.what}, n = {self.count}"
