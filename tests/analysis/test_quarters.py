"""Quarter arithmetic and quarterly series (`fmcat.analysis.metrics.quarters`)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from fmcat.analysis.metrics.quarters import (
    QuarterlySeries,
    Series,
    detected_day,
    quarter_counts,
    quarter_index,
    quarter_name,
    quarter_of,
    quarter_range,
    quarter_span,
    shift_quarter,
    window_quarters,
)
from fmcat.core.model import DataChange, Incident


@pytest.mark.parametrize(("day", "quarter"), [
    (date(2025, 1, 1), "2025Q1"), (date(2025, 3, 31), "2025Q1"), (date(2025, 4, 1), "2025Q2"),
    (date(2025, 9, 30), "2025Q3"), (date(2025, 10, 1), "2025Q4"), (date(2025, 12, 31), "2025Q4"),
])
def test_quarter_of(day: date, quarter: str) -> None:
    assert quarter_of(day) == quarter


def test_quarter_of_an_aware_datetime_is_taken_in_utc() -> None:
    local = datetime.fromisoformat("2025-10-01T01:00:00+02:00")
    assert quarter_of(local) == "2025Q3"


def test_quarter_of_a_naive_datetime_is_its_own_date() -> None:
    assert quarter_of(datetime(2025, 3, 31, 23, 59)) == "2025Q1"


@pytest.mark.parametrize("quarter", ["2024Q4", "2025Q1", "1999Q3", "9999Q4"])
def test_quarter_index_and_name_are_inverse(quarter: str) -> None:
    assert quarter_name(quarter_index(quarter)) == quarter


def test_consecutive_quarters_have_consecutive_indexes() -> None:
    assert quarter_index("2025Q1") - quarter_index("2024Q4") == 1
    assert quarter_index("2025Q4") - quarter_index("2025Q1") == 3


@pytest.mark.parametrize("text", ["2025Q5", "2025Q0", "2025q1", "25Q1", "2025Q1 ", ""])
def test_quarter_index_rejects_nonsense(text: str) -> None:
    with pytest.raises(ValueError, match="not a quarter"):
        quarter_index(text)


def test_quarter_range_crosses_years_and_is_empty_when_reversed() -> None:
    assert quarter_range("2024Q4", "2025Q2") == ("2024Q4", "2025Q1", "2025Q2")
    assert quarter_range("2025Q2", "2025Q2") == ("2025Q2",)
    assert quarter_range("2025Q3", "2025Q2") == ()


def test_quarter_range_rejects_nonsense() -> None:
    with pytest.raises(ValueError, match="not a quarter"):
        quarter_range("2025Q5", "2025Q1")


def test_shift_quarter_both_ways() -> None:
    assert shift_quarter("2025Q1", -1) == "2024Q4"
    assert shift_quarter("2025Q4", 1) == "2026Q1"
    assert shift_quarter("2025Q2", 0) == "2025Q2"
    assert shift_quarter("2025Q2", 8) == "2027Q2"


def test_window_quarters_end_with_the_quarter_of_today() -> None:
    assert window_quarters(date(2026, 11, 25), 4) == ("2026Q1", "2026Q2", "2026Q3", "2026Q4")
    assert window_quarters(date(2026, 2, 1), 2) == ("2025Q4", "2026Q1")
    assert window_quarters(date(2026, 2, 1), 1) == ("2026Q1",)


def test_quarter_span_names_the_window() -> None:
    assert quarter_span(("2026Q1", "2026Q2", "2026Q3")) == "2026Q1–2026Q3"
    assert quarter_span(("2026Q1",)) == "2026Q1"
    assert quarter_span(()) == "no quarter"


def test_quarter_counts_fill_quiet_quarters_with_zero() -> None:
    assert quarter_counts(("2025Q1", "2025Q2", "2025Q3"), {"2025Q1": 2, "2025Q3": 1}) == (2, 0, 1)
    assert quarter_counts((), {"2025Q1": 2}) == ()


def test_quarterly_series_by_key() -> None:
    first, second = Series("a", "A", (1, None)), Series("b", "B", (0, 2))
    assert QuarterlySeries(("2025Q1", "2025Q2"), (first, second)).by_key() == {
        "a": first, "b": second}


def test_detected_day_is_the_utc_day() -> None:
    incident = Incident.model_validate({
        "id": "INC-2025-0001", "title": "Late at night east of Greenwich",
        "detected": datetime.fromisoformat("2025-10-01T01:00:00+02:00"),
        "failure_modes": ["FM-0001"], "severity": "medium", "team": "t", "project": "p",
        "dimensions": {"model_family": "llm", "environment": "batch"},
        "data_change": DataChange(preceded=False),
    })
    assert detected_day(incident) == date(2025, 9, 30)
    assert quarter_of(incident.detected) == "2025Q3"
    assert detected_day(incident) == incident.detected.astimezone(UTC).date()
