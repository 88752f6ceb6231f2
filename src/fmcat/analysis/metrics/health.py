"""How the catalog itself is used and kept: playbook use, adoption, reviews, completeness."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from fmcat.analysis.metrics.citations import (
    by_detection,
    canonical_id,
    cited_modes,
    cited_playbooks,
    logged_incidents,
    title_of,
)
from fmcat.analysis.metrics.quarters import (
    QuarterlySeries,
    Series,
    detected_day,
    quarter_index,
    quarter_name,
    quarter_of,
    quarters_spanned,
)
from fmcat.analysis.metrics.stats import (
    DurationStats,
    Population,
    duration_stats,
    median,
    time_to_mitigate,
)
from fmcat.core.catalog import Catalog
from fmcat.core.checks import completeness as entry_completeness
from fmcat.core.findings import Finding
from fmcat.core.model import FailureMode, Incident


def _mitigated_by(catalog: Catalog) -> dict[str, list[str]]:
    """Failure mode → the playbooks its entry lists as mitigations (canonical IDs)."""
    mapping: dict[str, list[str]] = {}
    for entry in catalog.failure_modes:
        record = entry.record
        assert isinstance(record, FailureMode)
        mapping[entry.id] = list(dict.fromkeys(canonical_id(catalog, m.playbook)
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
    incidents = by_detection(logged_incidents(catalog))
    first_use: dict[str, Incident] = {}
    for incident in incidents:
        for playbook in cited_playbooks(catalog, incident):
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
        relevant = {p for m in cited_modes(catalog, incident) for p in mitigated_by.get(m, ())}
        for playbook in relevant & first_use.keys():
            side = after if incident.detected >= first_use[playbook].detected else before
            side[playbook].append(value)
    effects = []
    for playbook, first in sorted(first_use.items()):
        was, now = duration_stats(before[playbook]), duration_stats(after[playbook])
        change = (now.median - was.median
                  if now.median is not None and was.median is not None else None)
        effects.append(AdoptionEffect(playbook, title_of(catalog, playbook), detected_day(first),
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
    for incident in logged_incidents(catalog):
        for playbook in cited_playbooks(catalog, incident):
            used.setdefault(playbook, []).append(incident)
    rows = []
    for playbook, items in used.items():
        values = [v for v in map(time_to_mitigate, items) if v is not None]
        rows.append(PlaybookUsage(playbook, title_of(catalog, playbook), len(items),
                                  duration_stats(values)))
    return tuple(sorted(rows, key=lambda r: (-r.uses, r.playbook)))


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
    incidents = logged_incidents(catalog)
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
        index = quarter_index(quarter)
        first[incident.team] = min(first.get(incident.team, index), index)
    onboarded: dict[str, list[str]] = defaultdict(list)
    for team, index in first.items():
        onboarded[quarter_name(index)].append(team)
    return Adoption(
        quarters,
        tuple(len(teams.get(q, ())) for q in quarters),
        tuple(len(projects.get(q, ())) for q in quarters),
        tuple(tuple(sorted(onboarded.get(q, ()))) for q in quarters),
    )


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
        if not record.is_active:
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
        if not entry.record.is_active:
            continue
        score, missing = entry_completeness(entry, by_file.get(entry.path, []), catalog.taxonomy)
        rows.append(EntryCompleteness(entry.id, entry.kind.name, score,
                                      tuple(sorted({f.code for f in missing}))))
    rows.sort(key=lambda r: (r.score, r.id))
    scores = [r.score for r in rows]
    return CompletenessSummary(median(scores), sum(scores) / len(scores) if scores else None,
                               tuple(rows))
