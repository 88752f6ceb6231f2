"""Every metric at once, the current figures, and how they compare with the targets."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from fmcat.analysis.metrics.citations import logged_incidents
from fmcat.analysis.metrics.gaps import DetectionGaps, detection_gaps
from fmcat.analysis.metrics.health import (
    Adoption,
    AdoptionEffect,
    CompletenessSummary,
    PlaybookUsage,
    ReviewFreshness,
    adoption,
    adoption_effects,
    completeness_summary,
    playbook_usage,
    review_freshness,
)
from fmcat.analysis.metrics.incidents import (
    DataChangeShares,
    DurationTrend,
    ModeCount,
    Recurrences,
    RecurringMode,
    ReleaseSeverity,
    data_change_shares,
    failure_mode_sparklines,
    milder_levels,
    most_frequent_failure_modes,
    most_recurrent_failure_modes,
    occurrences,
    occurrences_by_category,
    recurrences,
    recurrences_per_quarter,
    severe_levels,
    severity_by_release,
    severity_mix,
    time_to_detect_trend,
    time_to_mitigate_trend,
)
from fmcat.analysis.metrics.quarters import (
    QuarterlySeries,
    quarter_of,
    quarter_span,
    quarters_spanned,
    window_quarters,
)
from fmcat.analysis.metrics.stats import (
    Population,
    median,
    percentile,
    time_to_detect,
    time_to_mitigate,
)
from fmcat.core.catalog import Catalog
from fmcat.core.targets import TargetsFile
from fmcat.core.text import plural

METRICS: dict[str, tuple[str, str]] = {
    "median_time_to_detect_hours": ("Median time to detect", "h"),
    "median_time_to_mitigate_hours": ("Median time to mitigate", "h"),
    "p90_time_to_mitigate_hours": ("90th percentile time to mitigate", "h"),
    "high_critical_share": ("Share of high and critical incidents", "ratio"),
    "recurrence_share": ("Share of incidents that are recurrences", "ratio"),
    "data_change_share": ("Share of incidents preceded by a data change", "ratio"),
    "share_reviewed_on_time": ("Share of active entries reviewed on time", "ratio"),
    "median_completeness": ("Median completeness of active entries", "ratio"),
}
"""Every metric a target can name: its label and unit."""


def current_figures(catalog: Catalog, today: date, window: int = 4, *,
                    recurring: Recurrences | None = None,
                    freshness: ReviewFreshness | None = None,
                    complete: CompletenessSummary | None = None,
                    ) -> dict[str, tuple[float | None, Population]]:
    """The value of every targetable metric now, with what it is computed over.

    Incident metrics cover the incidents detected in the last `window`
    quarters up to and including the quarter of `today` (the current state,
    not the whole history); recurrences are still found against the whole
    log. Durations count only the incidents that have both timestamps.
    Review freshness and completeness are of the active entries on `today`.
    `recurring`, `freshness` and `complete`, when given, must have been
    computed from the same catalog and `today`; they spare recomputing them.
    """
    span = window_quarters(today, window)
    quarters = set(span)
    recent = [i for i in logged_incidents(catalog) if quarter_of(i.detected) in quarters]
    if recurring is None:
        recurring = recurrences(catalog)
    if freshness is None:
        freshness = review_freshness(catalog, today)
    if complete is None:
        complete = completeness_summary(catalog)
    detect = [v for v in map(time_to_detect, recent) if v is not None]
    mitigate = [v for v in map(time_to_mitigate, recent) if v is not None]
    total = len(recent)
    detected = f"incidents detected {quarter_span(span)} (the last {plural(window, 'quarter')})"
    incidents = Population(detected, total)
    measured_detect = Population(f"{detected} with a time to detect", len(detect))
    measured_mitigate = Population(f"{detected} with a time to mitigate", len(mitigate))

    def ratio(count: int) -> float | None:
        return count / total if total else None

    severe = set(severe_levels(catalog))

    return {
        "median_time_to_detect_hours": (median(detect), measured_detect),
        "median_time_to_mitigate_hours": (median(mitigate), measured_mitigate),
        "p90_time_to_mitigate_hours": (percentile(mitigate, 90), measured_mitigate),
        "high_critical_share": (ratio(sum(i.severity in severe for i in recent)), incidents),
        "recurrence_share": (ratio(sum(i.id in recurring for i in recent)), incidents),
        "data_change_share": (ratio(sum(i.data_change.preceded for i in recent)), incidents),
        "share_reviewed_on_time": (freshness.share,
                                   Population(f"active entries on {today}", freshness.active)),
        "median_completeness": (complete.median, complete.population()),
    }


def current_values(catalog: Catalog, today: date, window: int = 4) -> dict[str, float | None]:
    """The value of every targetable metric now (see `current_figures`)."""
    return {metric: value for metric, (value, _) in
            current_figures(catalog, today, window).items()}


@dataclass(frozen=True)
class TargetResult:
    """One metric against its target.

    `gap` is `value - target`: for an `at_most` target a positive gap is how
    far over the limit the metric is, for `at_least` a negative gap is how far
    short it falls. `met` is None when there is no value to judge.
    """

    metric: str
    label: str
    unit: str
    value: float | None
    bound: str
    target: float
    met: bool | None
    gap: float | None
    over: str = ""  # what the value is computed over (`Population.describe`)


def severe_share_label(severe: Sequence[str]) -> str:
    """The label of `high_critical_share`, naming the levels that page in this
    catalog's taxonomy (the metric's key stays: metrics.yml files name it)."""
    names = ", ".join(severe[:-1]) + f" and {severe[-1]}" if len(severe) > 1 else "".join(severe)
    return f"Share of {names} incidents"


def compare_with_targets(targets: TargetsFile | None, values: Mapping[str, float | None], *,
                         severe: Sequence[str] = ("high", "critical"),
                         ) -> tuple[TargetResult, ...]:
    """Each metric that has a target, in the order of `METRICS`; none without targets.
    `severe` are the levels that page, named in the label of `high_critical_share`."""
    if targets is None:
        return ()
    results = []
    for metric, (named, unit) in METRICS.items():
        label = severe_share_label(severe) if metric == "high_critical_share" else named
        target = getattr(targets.targets, metric)
        if target is None:
            continue
        value = values.get(metric)
        bound, limit = (("at_most", target.at_most) if target.at_most is not None
                        else ("at_least", target.at_least))
        assert limit is not None
        met = None if value is None else (value <= limit if bound == "at_most"
                                          else value >= limit)
        gap = None if value is None else value - limit
        results.append(TargetResult(metric, label, unit, value, bound, limit, met, gap))
    return tuple(results)


@dataclass(frozen=True)
class MetricsReport:
    """Every metric of the trends page, computed once per build."""

    today: date
    quarters: tuple[str, ...]
    occurrences: QuarterlySeries
    occurrences_by_category: QuarterlySeries
    severity_mix: QuarterlySeries
    most_frequent: tuple[ModeCount, ...]
    most_recurrent: tuple[RecurringMode, ...]
    recurrences: QuarterlySeries
    time_to_detect: DurationTrend
    time_to_mitigate: DurationTrend
    data_change: DataChangeShares
    adoption_effects: tuple[AdoptionEffect, ...]
    adoption: Adoption
    severity_by_release: tuple[ReleaseSeverity, ...]
    severe_levels: tuple[str, ...]
    milder_levels: tuple[str, ...]
    review_freshness: ReviewFreshness
    completeness: CompletenessSummary
    playbook_usage: tuple[PlaybookUsage, ...]
    sparklines: QuarterlySeries
    targets: tuple[TargetResult, ...]
    detection_gaps: DetectionGaps


def compute_metrics(catalog: Catalog, today: date,
                    targets: TargetsFile | None = None) -> MetricsReport:
    """All metrics of a catalog on `today`, compared with `targets` when given.

    The recurrences, review freshness and completeness serve several figures
    each: they are computed once here and handed to the functions that need them.
    """
    window = targets.window_quarters if targets is not None else 4
    recurring = recurrences(catalog)
    freshness = review_freshness(catalog, today)
    complete = completeness_summary(catalog)
    figures = current_figures(catalog, today, window, recurring=recurring,
                              freshness=freshness, complete=complete)
    values = {metric: value for metric, (value, _) in figures.items()}
    return MetricsReport(
        today=today,
        quarters=quarters_spanned(logged_incidents(catalog)),
        occurrences=occurrences(catalog),
        occurrences_by_category=occurrences_by_category(catalog),
        severity_mix=severity_mix(catalog),
        most_frequent=most_frequent_failure_modes(catalog),
        most_recurrent=most_recurrent_failure_modes(catalog, recurring=recurring),
        recurrences=recurrences_per_quarter(catalog, recurring=recurring),
        time_to_detect=time_to_detect_trend(catalog),
        time_to_mitigate=time_to_mitigate_trend(catalog),
        data_change=data_change_shares(catalog),
        adoption_effects=adoption_effects(catalog),
        adoption=adoption(catalog),
        severity_by_release=severity_by_release(catalog),
        severe_levels=severe_levels(catalog),
        milder_levels=milder_levels(catalog),
        review_freshness=freshness,
        completeness=complete,
        playbook_usage=playbook_usage(catalog),
        sparklines=failure_mode_sparklines(catalog),
        targets=_described(compare_with_targets(targets, values, severe=severe_levels(catalog)),
                           figures),
        detection_gaps=detection_gaps(catalog),
    )


def _described(results: tuple[TargetResult, ...],
               figures: Mapping[str, tuple[float | None, Population]]) -> \
        tuple[TargetResult, ...]:
    return tuple(replace(r, over=figures[r.metric][1].describe()) for r in results)
