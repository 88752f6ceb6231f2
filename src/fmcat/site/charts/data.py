"""What a chart shows, and the numbers behind it as a table."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

MISSING = "–"
"""Shown for a value that cannot be measured (e.g. no mitigated incident that quarter)."""


class SeriesLike(Protocol):
    """Anything with a label and one value per category (e.g. `metrics.Series`)."""

    @property
    def label(self) -> str: ...

    @property
    def values(self) -> Sequence[float | None]: ...


@dataclass(frozen=True)
class ChartSeries:
    label: str
    values: tuple[float | None, ...]


@dataclass(frozen=True)
class ChartData:
    """What a chart shows: categories along x, one value per series and category."""

    title: str
    description: str
    categories: tuple[str, ...]
    series: tuple[ChartSeries, ...]
    x_label: str
    y_label: str
    unit: str = ""
    """What the values count or measure, as a phrase the caption states as it is
    ("hours", "incidents per quarter")."""
    period: str = ""
    """What the chart covers, as the caption states it ("2024Q3–2026Q3")."""
    decimals: int | None = None
    """Fixed decimals for every value shown (hours read "10.0" as the site's sentences
    state them); None: at most two, trailing zeros dropped."""

    def __post_init__(self) -> None:
        for item in self.series:
            if len(item.values) != len(self.categories):
                raise ValueError(f"series {item.label!r} has {len(item.values)} values for "
                                 f"{len(self.categories)} categories")

    def text(self, value: float | None) -> str:
        """A value as the chart's labels, tooltips and data table show it."""
        return format_value(value, self.decimals)

    @property
    def caption(self) -> str:
        """The visible caption: title, then units and period when known.

        Units are stated once: a title that already says them ("Incidents per
        quarter") is followed by the period alone.
        """
        said = self.unit.lower() in self.title.lower()
        details = "; ".join(p for p in ("" if said else self.unit, self.period) if p)
        return f"{self.title} ({details})" if details else self.title


def chart_data(title: str, description: str, categories: Iterable[str],
               series: Iterable[SeriesLike], *, x_label: str, y_label: str, unit: str = "",
               period: str = "", decimals: int | None = None) -> ChartData:
    """Build chart data from any series objects, e.g. `metrics.QuarterlySeries.series`."""
    return ChartData(title, description, tuple(categories),
                     tuple(ChartSeries(s.label, tuple(s.values)) for s in series),
                     x_label, y_label, unit, period, decimals)


def format_value(value: float | None, decimals: int | None = None) -> str:
    """How a value reads in labels, tooltips and data tables: at most two decimals,
    or exactly `decimals`."""
    if value is None:
        return MISSING
    if decimals is not None:
        text = f"{value:.{decimals}f}"
        return text[1:] if text.startswith("-") and not text.strip("-0.") else text
    if float(value).is_integer():
        return str(int(value))
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


@dataclass(frozen=True)
class DataTable:
    """The numbers behind a chart: one row per category, one column per series."""

    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def data_table(data: ChartData) -> DataTable:
    """The chart's values as text, formatted exactly as the chart's tooltips show them."""
    columns = (data.x_label, *(s.label for s in data.series))
    rows = tuple((category, *(data.text(s.values[i]) for s in data.series))
                 for i, category in enumerate(data.categories))
    return DataTable(data.caption, columns, rows)
