"""What the incident log says: occurrences, severity, recurrence, durations, data changes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TypeAlias

from fmcat.analysis.metrics.citations import (
    by_detection,
    category_label,
    category_of,
    cited_modes,
    logged_incidents,
    title_of,
)
from fmcat.analysis.metrics.quarters import (
    QuarterlySeries,
    Series,
    quarter_counts,
    quarter_of,
    quarters_spanned,
)
from fmcat.analysis.metrics.stats import (
    DurationStats,
    Share,
    duration_stats,
    share,
    time_to_detect,
    time_to_mitigate,
)
from fmcat.core.catalog import Catalog
from fmcat.core.model import Incident

RECURRENCE_WINDOW_DAYS = 90
"""Days within which the same failure mode in the same team counts as a recurrence."""

def severe_levels(catalog: Catalog) -> tuple[str, ...]:
    """The severities that page someone (the taxonomy's `pages`), least severe first:
    what the severe share and the severity-by-release figures count."""
    return catalog.taxonomy.severe if catalog.taxonomy else ()


def milder_levels(catalog: Catalog) -> tuple[str, ...]:
    """The other severities, most severe first."""
    taxonomy = catalog.taxonomy
    if taxonomy is None:
        return ()
    severe = set(taxonomy.severe)
    return tuple(name for name in sorted(taxonomy.severities, key=lambda n: (
        -taxonomy.severity_rank(n), n)) if name not in severe)


def either(names: Sequence[str]) -> str:
    """`("high", "critical")` → "high or critical": severity names in a label."""
    if len(names) <= 1:
        return "".join(names) or "none"
    return f"{', '.join(names[:-1])} or {names[-1]}"


def occurrences(catalog: Catalog) -> QuarterlySeries:
    """Incidents per quarter, empty quarters included."""
    incidents = logged_incidents(catalog)
    quarters = quarters_spanned(incidents)
    counted: dict[str, int] = defaultdict(int)
    for incident in incidents:
        counted[quarter_of(incident.detected)] += 1
    return QuarterlySeries(quarters,
                           (Series("all", "Incidents", quarter_counts(quarters, counted)),))


def occurrences_by_category(catalog: Catalog) -> QuarterlySeries:
    """Incidents per quarter and cause category; an incident counts once per category.

    Only categories that occur are listed, in taxonomy order, so that a
    stacked chart does not carry a legend of empty categories.
    """
    incidents = logged_incidents(catalog)
    quarters = quarters_spanned(incidents)
    counted: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for incident in incidents:
        quarter = quarter_of(incident.detected)
        for category in dict.fromkeys(category_of(catalog, m)
                                      for m in cited_modes(catalog, incident)):
            counted[category][quarter] += 1
    order = list(catalog.taxonomy.categories) if catalog.taxonomy else []
    keys = [k for k in order if k in counted] + sorted(k for k in counted if k not in order)
    return QuarterlySeries(quarters, tuple(
        Series(k, category_label(catalog, k), quarter_counts(quarters, counted[k])) for k in keys))


@dataclass(frozen=True)
class ModeCount:
    failure_mode: str
    title: str
    count: int


def most_frequent_failure_modes(catalog: Catalog, limit: int | None = 10) -> tuple[ModeCount, ...]:
    """Failure modes by the number of incidents citing them, most first, then by ID."""
    counted: dict[str, int] = defaultdict(int)
    for incident in logged_incidents(catalog):
        for mode in cited_modes(catalog, incident):
            counted[mode] += 1
    ranked = sorted(counted.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return tuple(ModeCount(m, title_of(catalog, m), n) for m, n in ranked)


def severity_mix(catalog: Catalog) -> QuarterlySeries:
    """Incidents per quarter and severity, every taxonomy severity in rank order."""
    incidents = logged_incidents(catalog)
    quarters = quarters_spanned(incidents)
    counted: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for incident in incidents:
        counted[incident.severity][quarter_of(incident.detected)] += 1
    taxonomy = catalog.taxonomy
    order = sorted(taxonomy.severities, key=taxonomy.severity_rank) if taxonomy else []
    keys = order + sorted(k for k in counted if k not in order)
    return QuarterlySeries(quarters, tuple(
        Series(k, k, quarter_counts(quarters, counted.get(k, {}))) for k in keys))


Recurrences: TypeAlias = Mapping[str, tuple[str, ...]]
"""Recurring incident ID → the failure modes it repeats, as `recurrences` finds them."""


def recurrences(catalog: Catalog) -> dict[str, tuple[str, ...]]:
    """For each recurring incident ID, the failure modes it repeats.

    The definition is in the `fmcat.analysis.metrics` docstring. It walks the
    whole log in detection order, so callers that need it more than once
    (`compute_metrics`) find it once and pass it in as `recurring`.
    """
    last_seen: dict[tuple[str, str], datetime] = {}
    found: dict[str, list[str]] = {}
    window = timedelta(days=RECURRENCE_WINDOW_DAYS)
    for incident in by_detection(logged_incidents(catalog)):
        for mode in cited_modes(catalog, incident):
            key = (incident.team, mode)
            previous = last_seen.get(key)
            if previous is not None and incident.detected - previous <= window:
                found.setdefault(incident.id, []).append(mode)
            last_seen[key] = incident.detected
    return {k: tuple(v) for k, v in sorted(found.items())}


@dataclass(frozen=True)
class RecurringMode:
    """A failure mode that came back to the same team within the window."""

    failure_mode: str
    title: str
    occurrences: int
    recurrences: int
    teams: tuple[str, ...]


def most_recurrent_failure_modes(catalog: Catalog, limit: int | None = 10, *,
                                 recurring: Recurrences | None = None,
                                 ) -> tuple[RecurringMode, ...]:
    """Failure modes with at least one recurrence, most recurrences first, then by ID."""
    if recurring is None:
        recurring = recurrences(catalog)
    occurred: dict[str, int] = defaultdict(int)
    recurred: dict[str, int] = defaultdict(int)
    teams: dict[str, set[str]] = defaultdict(set)
    for incident in logged_incidents(catalog):
        for mode in cited_modes(catalog, incident):
            occurred[mode] += 1
        for mode in recurring.get(incident.id, ()):
            recurred[mode] += 1
            teams[mode].add(incident.team)
    ranked = sorted(recurred, key=lambda m: (-recurred[m], m))[:limit]
    return tuple(RecurringMode(m, title_of(catalog, m), occurred[m], recurred[m],
                               tuple(sorted(teams[m]))) for m in ranked)


def recurrences_per_quarter(catalog: Catalog, *,
                            recurring: Recurrences | None = None) -> QuarterlySeries:
    """Recurring incidents per quarter of the recurring incident."""
    incidents = logged_incidents(catalog)
    quarters = quarters_spanned(incidents)
    if recurring is None:
        recurring = recurrences(catalog)
    counted: dict[str, int] = defaultdict(int)
    for incident in incidents:
        if incident.id in recurring:
            counted[quarter_of(incident.detected)] += 1
    return QuarterlySeries(quarters, (
        Series("recurrences", "Recurrences", quarter_counts(quarters, counted)),))


@dataclass(frozen=True)
class DurationTrend:
    """Median and p90 of one duration per quarter and over the whole log."""

    name: str
    label: str
    quarters: tuple[str, ...]
    per_quarter: tuple[DurationStats, ...]
    overall: DurationStats

    def as_series(self) -> QuarterlySeries:
        """Median and p90 lines for a chart."""
        return QuarterlySeries(self.quarters, (
            Series("median", "Median", tuple(s.median for s in self.per_quarter)),
            Series("p90", "90th percentile", tuple(s.p90 for s in self.per_quarter)),
        ))


def _duration_trend(incidents: Sequence[Incident], name: str, label: str,
                    measure: Callable[[Incident], float | None]) -> DurationTrend:
    quarters = quarters_spanned(incidents)
    values: dict[str, list[float]] = defaultdict(list)
    everything: list[float] = []
    for incident in incidents:
        value = measure(incident)
        if value is not None:
            values[quarter_of(incident.detected)].append(value)
            everything.append(value)
    return DurationTrend(name, label, quarters,
                         tuple(duration_stats(values.get(q, [])) for q in quarters),
                         duration_stats(everything))


def time_to_detect_trend(catalog: Catalog) -> DurationTrend:
    """Hours from start to detection, per quarter; incidents without `started` excluded."""
    return _duration_trend(logged_incidents(catalog), "time_to_detect", "Time to detect",
                           time_to_detect)


def time_to_mitigate_trend(catalog: Catalog) -> DurationTrend:
    """Hours from detection to mitigation, per quarter; unmitigated incidents excluded."""
    return _duration_trend(logged_incidents(catalog), "time_to_mitigate", "Time to mitigate",
                           time_to_mitigate)


@dataclass(frozen=True)
class DataChangeShares:
    """How often a data change preceded incidents, overall and per failure mode (by ID)."""

    overall: Share
    by_failure_mode: tuple[Share, ...]


def data_change_shares(catalog: Catalog) -> DataChangeShares:
    preceded = 0
    total = 0
    per_mode: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for incident in logged_incidents(catalog):
        hit = int(incident.data_change.preceded)
        preceded += hit
        total += 1
        for mode in cited_modes(catalog, incident):
            per_mode[mode][0] += hit
            per_mode[mode][1] += 1
    return DataChangeShares(
        share("all", "All incidents", preceded, total),
        tuple(share(m, title_of(catalog, m), n, t) for m, (n, t) in sorted(per_mode.items())),
    )


@dataclass(frozen=True)
class ReleaseSeverity:
    """The severe share (severities that page) of the incidents attributed to one release."""

    release: str
    first_detected: date
    incidents: int
    severe: int
    share: float


def severity_by_release(catalog: Catalog) -> tuple[ReleaseSeverity, ...]:
    """Releases in order of their first detected incident; incidents without a release skipped."""
    first: dict[str, datetime] = {}
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    severe = set(severe_levels(catalog))
    for incident in logged_incidents(catalog):
        if not incident.release:
            continue
        release = incident.release
        if release not in first or incident.detected < first[release]:
            first[release] = incident.detected
        counts[release][0] += 1
        counts[release][1] += incident.severity in severe
    ordered = sorted(first, key=lambda r: (first[r], r))
    return tuple(ReleaseSeverity(r, first[r].astimezone(UTC).date(), counts[r][0],
                                 counts[r][1], counts[r][1] / counts[r][0]) for r in ordered)


def failure_mode_sparklines(catalog: Catalog) -> QuarterlySeries:
    """Incidents per quarter for every failure mode in the catalog, by ID.

    Every failure mode gets a series, zeros included, over the catalog-wide
    quarter axis, so sparklines on different entry pages are comparable.
    """
    incidents = logged_incidents(catalog)
    quarters = quarters_spanned(incidents)
    counted: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for incident in incidents:
        for mode in cited_modes(catalog, incident):
            counted[mode][quarter_of(incident.detected)] += 1
    return QuarterlySeries(quarters, tuple(
        Series(e.id, e.record.title, quarter_counts(quarters, counted.get(e.id, {})))
        for e in catalog.failure_modes))
