"""Percentiles, durations, shares and populations (`fmcat.analysis.metrics.stats`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from fmcat.analysis.metrics.stats import (
    DurationStats,
    Population,
    Share,
    duration_stats,
    hours,
    median,
    percentile,
    share,
    time_to_detect,
    time_to_mitigate,
)
from fmcat.core.model import DataChange, Incident


@pytest.mark.parametrize(("values", "p", "expected"), [
    ([], 50, None),
    ([7.0], 50, 7.0),
    ([7.0], 90, 7.0),
    ([8.0, 10.0], 50, 8.0),   # rank ceil(1.0) = 1: the lower middle value
    ([8.0, 10.0], 90, 10.0),  # rank ceil(1.8) = 2
    ([3.0, 1.0, 2.0], 50, 2.0),
    ([float(v) for v in range(1, 11)], 90, 9.0),   # rank exactly 9, not 10
    ([float(v) for v in range(1, 11)], 91, 10.0),
    ([float(v) for v in range(1, 11)], 100, 10.0),
    ([float(v) for v in range(1, 21)], 90, 18.0),
])
def test_nearest_rank_percentile(values: list[float], p: int, expected: float | None) -> None:
    assert percentile(values, p) == expected


@pytest.mark.parametrize("p", [0, -1, 101])
def test_percentile_rejects_out_of_range(p: int) -> None:
    with pytest.raises(ValueError, match=r"1\.\.100"):
        percentile([1.0], p)


def test_median_is_an_observed_value() -> None:
    assert median([4.0, 1.0, 3.0, 2.0]) == 2.0
    assert median([]) is None


def test_hours() -> None:
    assert hours(timedelta(minutes=90)) == 1.5
    assert hours(timedelta(days=-1)) == -24.0


def test_duration_stats() -> None:
    assert duration_stats([1.0, 2.0, 3.0, 10.0]) == DurationStats(4, 2.0, 10.0)
    assert duration_stats([]) == DurationStats(0, None, None)


def test_share_is_none_without_a_total() -> None:
    assert share("k", "K", 1, 4) == Share("k", "K", 1, 4, 0.25)
    assert share("k", "K", 0, 0).share is None


def test_population_describes_itself() -> None:
    assert Population("active entries", 7).describe() == "active entries, n = 7"


def _incident(**times: datetime | None) -> Incident:
    return Incident.model_validate({
        "id": "INC-2026-0001", "title": "An incident",
        "detected": datetime(2026, 1, 1, 12, tzinfo=UTC), "failure_modes": ["FM-0001"],
        "severity": "medium", "team": "t", "project": "p", "dimensions": {"model_family": "llm",
        "environment": "batch"}, "data_change": DataChange(preceded=False), **times,
    })


def test_durations_in_hours_when_both_timestamps_are_known() -> None:
    incident = _incident(started=datetime(2026, 1, 1, 9, tzinfo=UTC),
                         mitigated=datetime(2026, 1, 2, 0, tzinfo=UTC))
    assert (time_to_detect(incident), time_to_mitigate(incident)) == (3.0, 12.0)


def test_no_duration_without_its_timestamps() -> None:
    incident = _incident()
    assert (time_to_detect(incident), time_to_mitigate(incident)) == (None, None)
