"""Quarter arithmetic and the series drawn over a quarter axis."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from fmcat.core.model import Incident

_QUARTER = re.compile(r"^(?P<year>\d{4})Q(?P<q>[1-4])$")


def quarter_of(day: date) -> str:
    """`date(2025, 8, 5)` → `'2025Q3'`; an aware datetime is taken in UTC."""
    if isinstance(day, datetime):
        day = day.astimezone(UTC).date() if day.tzinfo else day.date()
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def quarter_index(quarter: str) -> int:
    match = _QUARTER.match(quarter)
    if match is None:
        raise ValueError(f"not a quarter: {quarter!r} (expected e.g. 2025Q3)")
    return int(match["year"]) * 4 + int(match["q"]) - 1


def quarter_name(index: int) -> str:
    return f"{index // 4}Q{index % 4 + 1}"


def shift_quarter(quarter: str, by: int) -> str:
    """The quarter `by` quarters later (earlier when negative)."""
    return quarter_name(quarter_index(quarter) + by)


def quarter_range(first: str, last: str) -> tuple[str, ...]:
    """Every quarter from `first` to `last`, both included; empty if reversed."""
    return tuple(quarter_name(i)
                 for i in range(quarter_index(first), quarter_index(last) + 1))


def quarters_spanned(incidents: Iterable[Incident]) -> tuple[str, ...]:
    """The contiguous quarter axis from the first to the last detected incident."""
    indexes = [quarter_index(quarter_of(i.detected)) for i in incidents]
    if not indexes:
        return ()
    return tuple(quarter_name(i) for i in range(min(indexes), max(indexes) + 1))


def detected_day(incident: Incident) -> date:
    """The UTC day of detection, which decides an incident's quarter."""
    return incident.detected.astimezone(UTC).date()


def window_quarters(today: date, count: int) -> tuple[str, ...]:
    """The `count` quarters ending with the quarter of `today`."""
    current = quarter_of(today)
    return quarter_range(shift_quarter(current, 1 - count), current)


def quarter_span(quarters: Sequence[str]) -> str:
    """`2026Q1–2026Q4`, or the one quarter; what a figure's window is called."""
    if not quarters:
        return "no quarter"
    return quarters[0] if len(quarters) == 1 else f"{quarters[0]}–{quarters[-1]}"


@dataclass(frozen=True)
class Series:
    """One line or bar group: a value per quarter (None: nothing to measure)."""

    key: str
    label: str
    values: tuple[float | None, ...]


@dataclass(frozen=True)
class QuarterlySeries:
    """Several series over one quarter axis; `values[i]` belongs to `quarters[i]`."""

    quarters: tuple[str, ...]
    series: tuple[Series, ...]

    def by_key(self) -> dict[str, Series]:
        """A look-up for pages that show one series each (e.g. entry sparklines)."""
        return {s.key: s for s in self.series}


def quarter_counts(quarters: Sequence[str], counted: Mapping[str, int]) -> tuple[float | None, ...]:
    return tuple(counted.get(q, 0) for q in quarters)
