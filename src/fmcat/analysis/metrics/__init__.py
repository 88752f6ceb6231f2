"""Trends and metrics from the incident log and the catalog.

Leads ask whether reliability improves and whether the catalog is used; the
trends page, the CLI and the tests must all answer with the same numbers, so
they are computed here by pure functions of a loaded `Catalog` and an
explicit `today` (never the wall clock, so a build is reproducible and a test
never ages). Results are frozen dataclasses of plain values; rendering them
is the job of `fmcat.site.charts` and the page views.

Definitions, fixed once so that every number on the site means the same:

* **Quarter of an incident**: the calendar quarter of its `detected`
  timestamp in UTC (`2025Q3`). `detected` is the one timestamp every incident
  has, and the incident ID already carries the year of detection.
* **Quarter axis**: every quarter from the first to the last incident, with
  the quiet ones included as zeros. Dropping empty quarters would make a
  trend look steadier than it is.
* **Category of an incident**: the cause categories of the failure modes it
  cites (aliases followed). An incident citing modes of two categories counts
  once in each, so category counts may add up to more than the total.
* **Durations** are in hours. Time to detect is `detected - started` and time
  to mitigate is `mitigated - detected`; a duration is measured only when
  both of its timestamps are present (and not out of order). An incident that
  is not mitigated or not resolved still counts as an occurrence, but adds no
  duration that does not exist yet.
* **Percentiles** use the nearest-rank method: the p-th percentile of n
  sorted values is the value at rank ceil(p * n / 100). It is always an
  observed duration, never an interpolation, and the median is the 50th
  percentile, so for an even count it is the lower of the two middle values.
* **Recurrence**: an occurrence of a failure mode in a team is a recurrence
  when the same team's previous occurrence of the same failure mode was
  detected at most `RECURRENCE_WINDOW_DAYS` (90) days earlier, detection to
  detection. The first occurrence never recurs; a gap longer than the window
  starts a new streak. Team and not project, because a team that met a
  failure mode should have learnt from it on its next project too.
* **Severe**: the severities whose taxonomy entry says `pages: true`
  (`severe_levels`; high and critical in this repository's taxonomy).

The modules, by what they hold: `quarters` (quarter arithmetic and series),
`stats` (percentiles, durations, shares), `citations` (what an incident
cites, resolved), `incidents` (what the log says), `health` (how the
catalog is used and kept), `gaps` (failure modes no project could detect)
and `report` (everything at once, the current figures and the targets).

Each function makes one pass over the incidents, plus one sort by detection
time where the order matters (recurrence, first use) and the sorts inside
the percentiles: O(n log n) at worst, never incidents x incidents.
"""

from fmcat.analysis.metrics.gaps import DetectionGap, DetectionGaps, detection_gaps
from fmcat.analysis.metrics.health import (
    Adoption,
    AdoptionEffect,
    CompletenessSummary,
    EntryCompleteness,
    OverdueReview,
    PlaybookUsage,
    ReviewFreshness,
    adoption,
    adoption_effects,
    completeness_summary,
    playbook_usage,
    review_freshness,
)
from fmcat.analysis.metrics.incidents import (
    RECURRENCE_WINDOW_DAYS,
    DataChangeShares,
    DurationTrend,
    ModeCount,
    RecurringMode,
    ReleaseSeverity,
    data_change_shares,
    either,
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
    Series,
    quarter_of,
    quarter_range,
    quarter_span,
    quarters_spanned,
    shift_quarter,
    window_quarters,
)
from fmcat.analysis.metrics.report import (
    METRICS,
    MetricsReport,
    TargetResult,
    compare_with_targets,
    compute_metrics,
    current_figures,
    current_values,
)
from fmcat.analysis.metrics.stats import (
    DurationStats,
    Population,
    Share,
    duration_stats,
    median,
    percentile,
    time_to_detect,
    time_to_mitigate,
)

__all__ = [
    "METRICS",
    "RECURRENCE_WINDOW_DAYS",
    "Adoption",
    "AdoptionEffect",
    "CompletenessSummary",
    "DataChangeShares",
    "DetectionGap",
    "DetectionGaps",
    "DurationStats",
    "DurationTrend",
    "EntryCompleteness",
    "MetricsReport",
    "ModeCount",
    "OverdueReview",
    "PlaybookUsage",
    "Population",
    "QuarterlySeries",
    "RecurringMode",
    "ReleaseSeverity",
    "ReviewFreshness",
    "Series",
    "Share",
    "TargetResult",
    "adoption",
    "adoption_effects",
    "compare_with_targets",
    "completeness_summary",
    "compute_metrics",
    "current_figures",
    "current_values",
    "data_change_shares",
    "detection_gaps",
    "duration_stats",
    "either",
    "failure_mode_sparklines",
    "median",
    "milder_levels",
    "most_frequent_failure_modes",
    "most_recurrent_failure_modes",
    "occurrences",
    "occurrences_by_category",
    "percentile",
    "playbook_usage",
    "quarter_of",
    "quarter_range",
    "quarter_span",
    "quarters_spanned",
    "recurrences",
    "recurrences_per_quarter",
    "review_freshness",
    "severe_levels",
    "severity_by_release",
    "severity_mix",
    "shift_quarter",
    "time_to_detect",
    "time_to_detect_trend",
    "time_to_mitigate",
    "time_to_mitigate_trend",
    "window_quarters",
]
