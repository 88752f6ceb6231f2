"""Trends and metrics from the incident log and the catalog.

Leads ask whether reliability improves and whether the catalog is used; the
trends page, the CLI and the tests must all answer with the same numbers, so
they are computed here by pure functions of a loaded `Catalog` and an
explicit `today` (never the wall clock, so a build is reproducible and a test
never ages). Results are frozen dataclasses of plain values; rendering them
is the job of `charts.py` and the page views.

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
* **Severe**: `high` and `critical` (`SEVERE`), the levels that need an owner
  the same day according to the taxonomy.

Each function makes one pass over the incidents, plus one sort by detection
time where the order matters (recurrence, first use) and the sorts inside
the percentiles: O(n log n) at worst, never incidents x incidents.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

from fmcat.core.catalog import Catalog
from fmcat.core.checks import completeness as entry_completeness
from fmcat.core.findings import Finding
from fmcat.core.model import FailureMode, Incident
from fmcat.core.targets import TargetsFile

RECURRENCE_WINDOW_DAYS = 90
"""Days within which the same failure mode in the same team counts as a recurrence."""

SEVERE: tuple[str, ...] = ("high", "critical")
"""Severities counted by the high+critical share."""


UNKNOWN = "unknown"
"""Key for a cited ID that the catalog cannot resolve (the checks report it)."""


# --- quarters ---------------------------------------------------------------

_QUARTER = re.compile(r"^(?P<year>\d{4})Q(?P<q>[1-4])$")


def quarter_of(day: date) -> str:
    """`date(2025, 8, 5)` → `'2025Q3'`; an aware datetime is taken in UTC."""
    if isinstance(day, datetime):
        day = day.astimezone(UTC).date() if day.tzinfo else day.date()
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def _quarter_index(quarter: str) -> int:
    match = _QUARTER.match(quarter)
    if match is None:
        raise ValueError(f"not a quarter: {quarter!r} (expected e.g. 2025Q3)")
    return int(match["year"]) * 4 + int(match["q"]) - 1


def _quarter_name(index: int) -> str:
    return f"{index // 4}Q{index % 4 + 1}"


def shift_quarter(quarter: str, by: int) -> str:
    """The quarter `by` quarters later (earlier when negative)."""
    return _quarter_name(_quarter_index(quarter) + by)


def quarter_range(first: str, last: str) -> tuple[str, ...]:
    """Every quarter from `first` to `last`, both included; empty if reversed."""
    return tuple(_quarter_name(i)
                 for i in range(_quarter_index(first), _quarter_index(last) + 1))


def quarters_spanned(incidents: Iterable[Incident]) -> tuple[str, ...]:
    """The contiguous quarter axis from the first to the last detected incident."""
    indexes = [_quarter_index(quarter_of(i.detected)) for i in incidents]
    if not indexes:
        return ()
    return tuple(_quarter_name(i) for i in range(min(indexes), max(indexes) + 1))


def detected_day(incident: Incident) -> date:
    """The UTC day of detection, which decides an incident's quarter."""
    return incident.detected.astimezone(UTC).date()


# --- statistics ---------------------------------------------------------------

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


# --- series -------------------------------------------------------------------

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


def _incidents(catalog: Catalog) -> list[Incident]:
    return [item.record for item in catalog.incidents.values()]


def _by_detection(incidents: Iterable[Incident]) -> list[Incident]:
    return sorted(incidents, key=lambda i: (i.detected, i.id))


def _canonical(catalog: Catalog, record_id: str) -> str:
    entry = catalog.resolve(record_id)
    return entry.id if entry is not None else record_id


def _cited_modes(catalog: Catalog, incident: Incident) -> list[str]:
    """The failure modes an incident cites, aliases followed, each once, in order."""
    return list(dict.fromkeys(_canonical(catalog, m) for m in incident.failure_modes))


def _cited_playbooks(catalog: Catalog, incident: Incident) -> list[str]:
    return list(dict.fromkeys(_canonical(catalog, p) for p in incident.playbooks_used))


def _title(catalog: Catalog, record_id: str) -> str:
    entry = catalog.resolve(record_id)
    return entry.record.title if entry is not None else record_id


def _category_of(catalog: Catalog, mode_id: str) -> str:
    entry = catalog.resolve(mode_id)
    return entry.record.category if entry and isinstance(entry.record, FailureMode) else UNKNOWN


def _category_label(catalog: Catalog, key: str) -> str:
    if key == UNKNOWN:
        return "Unknown failure mode"
    return catalog.taxonomy.title_of("categories", key) if catalog.taxonomy else key


def _counts(quarters: Sequence[str], counted: Mapping[str, int]) -> tuple[float | None, ...]:
    return tuple(counted.get(q, 0) for q in quarters)


# --- occurrences ----------------------------------------------------------------

def occurrences(catalog: Catalog) -> QuarterlySeries:
    """Incidents per quarter, empty quarters included."""
    incidents = _incidents(catalog)
    quarters = quarters_spanned(incidents)
    counted: dict[str, int] = defaultdict(int)
    for incident in incidents:
        counted[quarter_of(incident.detected)] += 1
    return QuarterlySeries(quarters, (Series("all", "Incidents", _counts(quarters, counted)),))


def occurrences_by_category(catalog: Catalog) -> QuarterlySeries:
    """Incidents per quarter and cause category; an incident counts once per category.

    Only categories that occur are listed, in taxonomy order, so that a
    stacked chart does not carry a legend of empty categories.
    """
    incidents = _incidents(catalog)
    quarters = quarters_spanned(incidents)
    counted: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for incident in incidents:
        quarter = quarter_of(incident.detected)
        for category in dict.fromkeys(_category_of(catalog, m)
                                      for m in _cited_modes(catalog, incident)):
            counted[category][quarter] += 1
    order = list(catalog.taxonomy.categories) if catalog.taxonomy else []
    keys = [k for k in order if k in counted] + sorted(k for k in counted if k not in order)
    return QuarterlySeries(quarters, tuple(
        Series(k, _category_label(catalog, k), _counts(quarters, counted[k])) for k in keys))


@dataclass(frozen=True)
class ModeCount:
    failure_mode: str
    title: str
    count: int


def most_frequent_failure_modes(catalog: Catalog, limit: int | None = 10) -> tuple[ModeCount, ...]:
    """Failure modes by the number of incidents citing them, most first, then by ID."""
    counted: dict[str, int] = defaultdict(int)
    for incident in _incidents(catalog):
        for mode in _cited_modes(catalog, incident):
            counted[mode] += 1
    ranked = sorted(counted.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return tuple(ModeCount(m, _title(catalog, m), n) for m, n in ranked)


def severity_mix(catalog: Catalog) -> QuarterlySeries:
    """Incidents per quarter and severity, every taxonomy severity in rank order."""
    incidents = _incidents(catalog)
    quarters = quarters_spanned(incidents)
    counted: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for incident in incidents:
        counted[incident.severity][quarter_of(incident.detected)] += 1
    taxonomy = catalog.taxonomy
    order = sorted(taxonomy.severities, key=taxonomy.severity_rank) if taxonomy else []
    keys = order + sorted(k for k in counted if k not in order)
    return QuarterlySeries(quarters, tuple(
        Series(k, k, _counts(quarters, counted.get(k, {}))) for k in keys))


# --- recurrence -----------------------------------------------------------------

def recurrences(catalog: Catalog) -> dict[str, tuple[str, ...]]:
    """For each recurring incident ID, the failure modes it repeats (see module doc)."""
    last_seen: dict[tuple[str, str], datetime] = {}
    found: dict[str, list[str]] = {}
    window = timedelta(days=RECURRENCE_WINDOW_DAYS)
    for incident in _by_detection(_incidents(catalog)):
        for mode in _cited_modes(catalog, incident):
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


def most_recurrent_failure_modes(catalog: Catalog,
                                 limit: int | None = 10) -> tuple[RecurringMode, ...]:
    """Failure modes with at least one recurrence, most recurrences first, then by ID."""
    recurring = recurrences(catalog)
    occurred: dict[str, int] = defaultdict(int)
    recurred: dict[str, int] = defaultdict(int)
    teams: dict[str, set[str]] = defaultdict(set)
    for incident in _incidents(catalog):
        for mode in _cited_modes(catalog, incident):
            occurred[mode] += 1
        for mode in recurring.get(incident.id, ()):
            recurred[mode] += 1
            teams[mode].add(incident.team)
    ranked = sorted(recurred, key=lambda m: (-recurred[m], m))[:limit]
    return tuple(RecurringMode(m, _title(catalog, m), occurred[m], recurred[m],
                               tuple(sorted(teams[m]))) for m in ranked)


def recurrences_per_quarter(catalog: Catalog) -> QuarterlySeries:
    """Recurring incidents per quarter of the recurring incident."""
    incidents = _incidents(catalog)
    quarters = quarters_spanned(incidents)
    recurring = recurrences(catalog)
    counted: dict[str, int] = defaultdict(int)
    for incident in incidents:
        if incident.id in recurring:
            counted[quarter_of(incident.detected)] += 1
    return QuarterlySeries(quarters, (
        Series("recurrences", "Recurrences", _counts(quarters, counted)),))


# --- durations ------------------------------------------------------------------

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
    return _duration_trend(_incidents(catalog), "time_to_detect", "Time to detect",
                           time_to_detect)


def time_to_mitigate_trend(catalog: Catalog) -> DurationTrend:
    """Hours from detection to mitigation, per quarter; unmitigated incidents excluded."""
    return _duration_trend(_incidents(catalog), "time_to_mitigate", "Time to mitigate",
                           time_to_mitigate)


# --- data changes ---------------------------------------------------------------

@dataclass(frozen=True)
class DataChangeShares:
    """How often a data change preceded incidents, overall and per failure mode (by ID)."""

    overall: Share
    by_failure_mode: tuple[Share, ...]


def data_change_shares(catalog: Catalog) -> DataChangeShares:
    preceded = 0
    total = 0
    per_mode: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for incident in _incidents(catalog):
        hit = int(incident.data_change.preceded)
        preceded += hit
        total += 1
        for mode in _cited_modes(catalog, incident):
            per_mode[mode][0] += hit
            per_mode[mode][1] += 1
    return DataChangeShares(
        share("all", "All incidents", preceded, total),
        tuple(share(m, _title(catalog, m), n, t) for m, (n, t) in sorted(per_mode.items())),
    )


# --- playbooks ------------------------------------------------------------------

def _mitigated_by(catalog: Catalog) -> dict[str, list[str]]:
    """Failure mode → the playbooks its entry lists as mitigations (canonical IDs)."""
    mapping: dict[str, list[str]] = {}
    for entry in catalog.failure_modes:
        record = entry.record
        assert isinstance(record, FailureMode)
        mapping[entry.id] = list(dict.fromkeys(_canonical(catalog, m.playbook)
                                               for m in record.mitigations))
    return mapping


@dataclass(frozen=True)
class AdoptionEffect:
    """Time to mitigate, before vs after a playbook was first used.

    Compared over the incidents citing any failure mode whose entry lists the
    playbook as a mitigation, whether or not they used it: the question is
    whether the failure modes it is meant for got faster to mitigate once it
    existed in practice. Adoption is the detection time of the first incident
    that used it; that incident counts as after.
    """

    playbook: str
    title: str
    adopted_on: date
    adopted_by: str
    failure_modes: tuple[str, ...]
    before: DurationStats
    after: DurationStats
    change_hours: float | None


def adoption_effects(catalog: Catalog) -> tuple[AdoptionEffect, ...]:
    """One comparison per playbook that was used at least once, by playbook ID."""
    incidents = _by_detection(_incidents(catalog))
    first_use: dict[str, Incident] = {}
    for incident in incidents:
        for playbook in _cited_playbooks(catalog, incident):
            first_use.setdefault(playbook, incident)
    mitigated_by = _mitigated_by(catalog)
    targets: dict[str, set[str]] = defaultdict(set)
    for mode, playbooks in mitigated_by.items():
        for playbook in playbooks:
            targets[playbook].add(mode)
    before: dict[str, list[float]] = defaultdict(list)
    after: dict[str, list[float]] = defaultdict(list)
    for incident in incidents:
        value = time_to_mitigate(incident)
        if value is None:
            continue
        relevant = {p for m in _cited_modes(catalog, incident) for p in mitigated_by.get(m, ())}
        for playbook in relevant & first_use.keys():
            side = after if incident.detected >= first_use[playbook].detected else before
            side[playbook].append(value)
    effects = []
    for playbook, first in sorted(first_use.items()):
        was, now = duration_stats(before[playbook]), duration_stats(after[playbook])
        change = (now.median - was.median
                  if now.median is not None and was.median is not None else None)
        effects.append(AdoptionEffect(playbook, _title(catalog, playbook), detected_day(first),
                                      first.id, tuple(sorted(targets.get(playbook, ()))),
                                      was, now, change))
    return tuple(effects)


@dataclass(frozen=True)
class PlaybookUsage:
    playbook: str
    title: str
    uses: int
    time_to_mitigate: DurationStats


def playbook_usage(catalog: Catalog) -> tuple[PlaybookUsage, ...]:
    """Every playbook with the incidents that used it, most used first, then by ID."""
    used: dict[str, list[Incident]] = {e.id: [] for e in catalog.playbooks}
    for incident in _incidents(catalog):
        for playbook in _cited_playbooks(catalog, incident):
            used.setdefault(playbook, []).append(incident)
    rows = []
    for playbook, items in used.items():
        values = [v for v in map(time_to_mitigate, items) if v is not None]
        rows.append(PlaybookUsage(playbook, _title(catalog, playbook), len(items),
                                  duration_stats(values)))
    return tuple(sorted(rows, key=lambda r: (-r.uses, r.playbook)))


# --- catalog adoption -----------------------------------------------------------

@dataclass(frozen=True)
class Adoption:
    """Who uses the catalog: distinct teams and projects whose incidents cite it.

    An incident cites the catalog when at least one failure mode or playbook
    it names resolves to a catalog entry. `new_teams[i]` lists the teams that
    did so for the first time in `quarters[i]` (onboarding).
    """

    quarters: tuple[str, ...]
    teams: tuple[int, ...]
    projects: tuple[int, ...]
    new_teams: tuple[tuple[str, ...], ...]

    def as_series(self) -> QuarterlySeries:
        return QuarterlySeries(self.quarters, (
            Series("teams", "Teams", self.teams),
            Series("projects", "Projects", self.projects),
            Series("new-teams", "New teams", tuple(len(t) for t in self.new_teams)),
        ))


def adoption(catalog: Catalog) -> Adoption:
    incidents = _incidents(catalog)
    quarters = quarters_spanned(incidents)
    teams: dict[str, set[str]] = defaultdict(set)
    projects: dict[str, set[str]] = defaultdict(set)
    first: dict[str, int] = {}
    for incident in incidents:
        cited = [*incident.failure_modes, *incident.playbooks_used]
        if not any(catalog.resolve(record_id) is not None for record_id in cited):
            continue
        quarter = quarter_of(incident.detected)
        teams[quarter].add(incident.team)
        projects[quarter].add(incident.project)
        index = _quarter_index(quarter)
        first[incident.team] = min(first.get(incident.team, index), index)
    onboarded: dict[str, list[str]] = defaultdict(list)
    for team, index in first.items():
        onboarded[_quarter_name(index)].append(team)
    return Adoption(
        quarters,
        tuple(len(teams.get(q, ())) for q in quarters),
        tuple(len(projects.get(q, ())) for q in quarters),
        tuple(tuple(sorted(onboarded.get(q, ()))) for q in quarters),
    )


@dataclass(frozen=True)
class ReleaseSeverity:
    """The high+critical share of the incidents attributed to one release."""

    release: str
    first_detected: date
    incidents: int
    severe: int
    share: float


def severity_by_release(catalog: Catalog) -> tuple[ReleaseSeverity, ...]:
    """Releases in order of their first detected incident; incidents without a release skipped."""
    first: dict[str, datetime] = {}
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for incident in _incidents(catalog):
        if not incident.release:
            continue
        release = incident.release
        if release not in first or incident.detected < first[release]:
            first[release] = incident.detected
        counts[release][0] += 1
        counts[release][1] += incident.severity in SEVERE
    ordered = sorted(first, key=lambda r: (first[r], r))
    return tuple(ReleaseSeverity(r, first[r].astimezone(UTC).date(), counts[r][0],
                                 counts[r][1], counts[r][1] / counts[r][0]) for r in ordered)


# --- the catalog itself ------------------------------------------------------------

@dataclass(frozen=True)
class OverdueReview:
    id: str
    kind: str
    due: date
    days_overdue: int


@dataclass(frozen=True)
class ReviewFreshness:
    """Active entries whose review is not overdue on `today` (the FMC063 rule)."""

    active: int
    on_time: int
    share: float | None
    overdue: tuple[OverdueReview, ...]


def review_freshness(catalog: Catalog, today: date) -> ReviewFreshness:
    """An entry is overdue when `last_reviewed + review_every` is before `today`.

    `review_every` falls back to the taxonomy's `review_every_days`. Only
    active entries count: drafts are not yet promised to readers and retired
    ones are no longer maintained. Most overdue first.
    """
    if catalog.taxonomy is None:
        return ReviewFreshness(0, 0, None, ())
    default = catalog.taxonomy.review_every_days
    active = 0
    overdue = []
    for entry in catalog.entries.values():
        record = entry.record
        if record.status != "active":
            continue
        active += 1
        due = record.review_due(default)
        if due < today:
            overdue.append(OverdueReview(entry.id, entry.kind.name, due, (today - due).days))
    overdue.sort(key=lambda o: (-o.days_overdue, o.id))
    on_time = active - len(overdue)
    return ReviewFreshness(active, on_time, on_time / active if active else None,
                           tuple(overdue))


@dataclass(frozen=True)
class EntryCompleteness:
    id: str
    kind: str
    score: float
    missing: tuple[str, ...]


@dataclass(frozen=True)
class CompletenessSummary:
    """Completeness of active entries (`checks.completeness`), weakest first.

    Its `median` is the one "median completeness" of the site: nearest rank
    (like every percentile here) over the active entries, the records
    readers act on; drafts are still being written.
    """

    median: float | None
    mean: float | None
    entries: tuple[EntryCompleteness, ...]

    def population(self) -> Population:
        return Population("active entries", len(self.entries))


def completeness_summary(catalog: Catalog) -> CompletenessSummary:
    # Findings are grouped by file first: asking `checks.completeness` with
    # every finding for every entry would be entries x findings.
    by_file: dict[str, list[Finding]] = defaultdict(list)
    for item in catalog.findings:
        by_file[item.file].append(item)
    rows = []
    for entry in catalog.entries.values():
        if entry.record.status != "active":
            continue
        score, missing = entry_completeness(entry, by_file.get(entry.path, []))
        rows.append(EntryCompleteness(entry.id, entry.kind.name, score,
                                      tuple(sorted({f.code for f in missing}))))
    rows.sort(key=lambda r: (r.score, r.id))
    scores = [r.score for r in rows]
    return CompletenessSummary(median(scores), sum(scores) / len(scores) if scores else None,
                               tuple(rows))


def failure_mode_sparklines(catalog: Catalog) -> QuarterlySeries:
    """Incidents per quarter for every failure mode in the catalog, by ID.

    Every failure mode gets a series, zeros included, over the catalog-wide
    quarter axis, so sparklines on different entry pages are comparable.
    """
    incidents = _incidents(catalog)
    quarters = quarters_spanned(incidents)
    counted: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for incident in incidents:
        for mode in _cited_modes(catalog, incident):
            counted[mode][quarter_of(incident.detected)] += 1
    return QuarterlySeries(quarters, tuple(
        Series(e.id, e.record.title, _counts(quarters, counted.get(e.id, {})))
        for e in catalog.failure_modes))


# --- targets ----------------------------------------------------------------------

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


def current_figures(catalog: Catalog, today: date,
                    window: int = 4) -> dict[str, tuple[float | None, Population]]:
    """The value of every targetable metric now, with what it is computed over.

    Incident metrics cover the incidents detected in the last `window`
    quarters up to and including the quarter of `today` (the current state,
    not the whole history); recurrences are still found against the whole
    log. Durations count only the incidents that have both timestamps.
    Review freshness and completeness are of the active entries on `today`.
    """
    span = window_quarters(today, window)
    quarters = set(span)
    recent = [i for i in _incidents(catalog) if quarter_of(i.detected) in quarters]
    recurring = recurrences(catalog)
    detect = [v for v in map(time_to_detect, recent) if v is not None]
    mitigate = [v for v in map(time_to_mitigate, recent) if v is not None]
    total = len(recent)
    detected = f"incidents detected {quarter_span(span)} (the last {window} quarter" \
               f"{'s' if window != 1 else ''})"
    incidents = Population(detected, total)
    measured_detect = Population(f"{detected} with a time to detect", len(detect))
    measured_mitigate = Population(f"{detected} with a time to mitigate", len(mitigate))
    freshness = review_freshness(catalog, today)
    complete = completeness_summary(catalog)

    def ratio(count: int) -> float | None:
        return count / total if total else None

    return {
        "median_time_to_detect_hours": (median(detect), measured_detect),
        "median_time_to_mitigate_hours": (median(mitigate), measured_mitigate),
        "p90_time_to_mitigate_hours": (percentile(mitigate, 90), measured_mitigate),
        "high_critical_share": (ratio(sum(i.severity in SEVERE for i in recent)), incidents),
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


def compare_with_targets(targets: TargetsFile | None,
                         values: Mapping[str, float | None]) -> tuple[TargetResult, ...]:
    """Each metric that has a target, in the order of `METRICS`; none without targets."""
    if targets is None:
        return ()
    results = []
    for metric, (label, unit) in METRICS.items():
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


# --- everything at once --------------------------------------------------------------

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
    review_freshness: ReviewFreshness
    completeness: CompletenessSummary
    playbook_usage: tuple[PlaybookUsage, ...]
    sparklines: QuarterlySeries
    targets: tuple[TargetResult, ...]


def compute_metrics(catalog: Catalog, today: date,
                    targets: TargetsFile | None = None) -> MetricsReport:
    """All metrics of a catalog on `today`, compared with `targets` when given."""
    window = targets.window_quarters if targets is not None else 4
    figures = current_figures(catalog, today, window)
    values = {metric: value for metric, (value, _) in figures.items()}
    return MetricsReport(
        today=today,
        quarters=quarters_spanned(_incidents(catalog)),
        occurrences=occurrences(catalog),
        occurrences_by_category=occurrences_by_category(catalog),
        severity_mix=severity_mix(catalog),
        most_frequent=most_frequent_failure_modes(catalog),
        most_recurrent=most_recurrent_failure_modes(catalog),
        recurrences=recurrences_per_quarter(catalog),
        time_to_detect=time_to_detect_trend(catalog),
        time_to_mitigate=time_to_mitigate_trend(catalog),
        data_change=data_change_shares(catalog),
        adoption_effects=adoption_effects(catalog),
        adoption=adoption(catalog),
        severity_by_release=severity_by_release(catalog),
        review_freshness=review_freshness(catalog, today),
        completeness=completeness_summary(catalog),
        playbook_usage=playbook_usage(catalog),
        sparklines=failure_mode_sparklines(catalog),
        targets=_described(compare_with_targets(targets, values), figures),
    )


def _described(results: tuple[TargetResult, ...],
               figures: Mapping[str, tuple[float | None, Population]]) -> \
        tuple[TargetResult, ...]:
    return tuple(replace(r, over=figures[r.metric][1].describe()) for r in results)
