"""Governance: review cadence, revisit prompts, sampling, stewardship and change history.

Pure functions of a catalog and a date: nothing here reads the wall clock,
so the arithmetic is tested with fixed dates and a build is reproducible
for a given day (see `fmcat.core.clock`). Writing CODEOWNERS from the
stewards is `fmcat.analysis.codeowners`; its public names are re-exported
here for the CLI.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from fmcat.analysis.codeowners import (
    CODEOWNERS_FILE,
    CodeownersError,
    check_codeowners,
    write_codeowners,
)
from fmcat.core.catalog import Catalog, Entry
from fmcat.core.checks import completeness
from fmcat.core.model import FailureMode, Playbook, parse_duration
from fmcat.core.text import UNKNOWN

__all__ = [
    "CODEOWNERS_FILE",
    "DUE_SOON_DAYS",
    "Change",
    "CodeownersError",
    "ReviewItem",
    "Sampled",
    "StewardView",
    "by_steward",
    "changes",
    "check_codeowners",
    "review_queue",
    "review_weight",
    "revisit_reasons",
    "sample_for_review",
    "stewardship",
    "write_codeowners",
]

DUE_SOON_DAYS = 30


@dataclass(frozen=True)
class ReviewItem:
    """One record that needs a steward's attention, and why."""

    id: str
    title: str
    url: str
    stewards: tuple[str, ...]
    last_reviewed: date
    due: date
    state: str  # "overdue", "due-soon" or "revisit"
    reasons: tuple[str, ...]


def revisit_reasons(entry: Entry, catalog: Catalog) -> list[str]:
    """Incidents since the last review that suggest the entry is out of date.

    Two prompts: the failure mode occurred again since the last review, and
    an incident took longer to mitigate than the time to remediate of the
    playbooks it used, which hints that the mitigation no longer works.
    """
    record = entry.record
    if not isinstance(record, FailureMode):
        return []
    reasons: list[str] = []
    since = [catalog.incidents[i].record for i in catalog.cited_by_incidents.get(entry.id, [])
             if catalog.incidents[i].record.detected.date() > record.last_reviewed]
    if since:
        latest = max(since, key=lambda incident: incident.detected)
        reasons.append(f"recurred {len(since)} time(s) since the last review "
                       f"(latest {latest.id} on {latest.detected.date()})")
    for incident in since:
        took = incident.time_to_mitigate
        targets = []
        for playbook_id in incident.playbooks_used:
            playbook = catalog.resolve(playbook_id)
            if playbook is not None and isinstance(playbook.record, Playbook) \
                    and playbook.record.time_to_remediate != UNKNOWN:
                targets.append(parse_duration(playbook.record.time_to_remediate))
        if took is not None and targets and took > max(targets):
            reasons.append(f"{incident.id} took {_hours(took)} to mitigate, more than the "
                           f"{_hours(max(targets))} its playbooks target")
    return reasons


def _hours(delta: timedelta) -> str:
    hours = delta.total_seconds() / 3600
    return f"{hours:.1f} h" if hours < 48 else f"{hours / 24:.1f} days"


def review_queue(catalog: Catalog, today: date, *,
                 horizon_days: int = DUE_SOON_DAYS) -> list[ReviewItem]:
    """Overdue, soon-due and revisit-prompted records, oldest due date first.

    Drafts are included (someone must finish them); deprecated and withdrawn
    records are not reviewed any more.
    """
    assert catalog.taxonomy is not None
    default = catalog.taxonomy.review_every_days
    items = []
    for entry in catalog.entries.values():
        if not entry.record.is_current:
            continue
        due = entry.record.review_due(default)
        reasons = revisit_reasons(entry, catalog)
        if due < today:
            state = "overdue"
            reasons.insert(0, f"review was due on {due} ({(today - due).days} days ago)")
        elif due <= today + timedelta(days=horizon_days):
            state = "due-soon"
            reasons.insert(0, f"review due on {due} (in {(due - today).days} days)")
        elif reasons:
            state = "revisit"
        else:
            continue
        items.append(ReviewItem(entry.id, entry.record.title, entry.kind.url(entry.id),
                                tuple(entry.record.stewards), entry.record.last_reviewed,
                                due, state, tuple(reasons)))
    order = {"overdue": 0, "revisit": 1, "due-soon": 2}
    return sorted(items, key=lambda i: (order[i.state], i.due, i.id))


def by_steward(items: list[ReviewItem]) -> dict[str, list[ReviewItem]]:
    grouped: dict[str, list[ReviewItem]] = defaultdict(list)
    for item in items:
        for steward in item.stewards:
            grouped[steward].append(item)
    return dict(sorted(grouped.items()))


@dataclass(frozen=True)
class Sampled:
    id: str
    title: str
    weight: float
    days_since_review: int
    completeness: float


def review_weight(days_since_review: int, completeness_score: float) -> float:
    """Older and less complete entries are likelier to be picked.

    One unit per 30 days since the last review, doubled for an entry that
    passes none of its completeness rules; never zero, so every entry can
    be drawn.
    """
    return (1 + days_since_review / 30) * (2 - completeness_score)


def sample_for_review(catalog: Catalog, n: int, *, seed: int, today: date) -> list[Sampled]:
    """A reproducible weighted sample without replacement (Efraimidis-Spirakis).

    Each candidate gets the key u ** (1 / weight) for u drawn from a seeded
    generator; the n largest keys win. The same seed and catalog give the same
    sample on any machine.
    """
    rng = random.Random(seed)  # noqa: S311 - reproducible sampling, not security
    keyed = []
    for entry in catalog.entries.values():
        if not entry.record.is_current:
            continue
        score, _ = completeness(entry, catalog.findings_for(entry.path), catalog.taxonomy)
        days = max((today - entry.record.last_reviewed).days, 0)
        weight = review_weight(days, score)
        key = math.log(rng.random() or 1e-300) / weight
        keyed.append((key, Sampled(entry.id, entry.record.title, weight, days, score)))
    keyed.sort(key=lambda pair: (-pair[0], pair[1].id))
    return [sampled for _, sampled in keyed[:n]]


@dataclass(frozen=True)
class StewardView:
    handle: str
    title: str
    domain: str
    records: tuple[tuple[str, str, str], ...] = field(default_factory=tuple)  # id, title, url


def stewardship(catalog: Catalog) -> list[StewardView]:
    assert catalog.taxonomy is not None
    owned: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for entry in catalog.entries.values():
        if not entry.record.is_listed:
            continue
        for steward in entry.record.stewards:
            owned[steward].append((entry.id, entry.record.title, entry.kind.url(entry.id)))
    return [StewardView(handle, info.title, info.domain, tuple(owned.get(handle, [])))
            for handle, info in catalog.taxonomy.stewards.items()]


@dataclass(frozen=True)
class Change:
    """One amendment (revision note) of one record."""

    date: date
    id: str
    title: str
    url: str
    note: str
    added: bool
    index: int

    @property
    def uid(self) -> str:
        return f"urn:fmcat:{self.id}:{self.date.isoformat()}:{self.index}"


def changes(catalog: Catalog) -> list[Change]:
    """Every revision note of every record, newest first (withdrawals included)."""
    found = []
    for entry in catalog.entries.values():
        revisions = entry.record.revisions
        for index, revision in enumerate(revisions):
            found.append(Change(revision.date, entry.id, entry.record.title,
                                entry.kind.url(entry.id), revision.note,
                                index == len(revisions) - 1, len(revisions) - 1 - index))
    return sorted(found, key=lambda c: (c.date, c.id, c.index), reverse=True)
