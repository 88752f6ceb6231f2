"""Governance pages: review queue, quality report, stewards, what's new.

Views are finished here from the pure results of `governance.py`; the
fragments only loop.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fmcat.analysis.governance import (
    Change,
    ReviewItem,
    StewardView,
    by_steward,
    changes,
    review_queue,
    stewardship,
)
from fmcat.analysis.metrics import completeness_summary
from fmcat.core.catalog import Catalog
from fmcat.core.checks import completeness
from fmcat.core.findings import RULES
from fmcat.core.text import plural
from fmcat.core.urls import Link, rel_from
from fmcat.site.render import render
from fmcat.site.views import page

REVIEW_URL = "review/"
QUALITY_URL = "quality/"
STEWARDS_URL = "stewards/"
WHATS_NEW_URL = "whats-new/"
WEAKEST = 15
WHATS_NEW_LIMIT = 60


def steward_anchor(handle: str) -> str:
    """The heading anchor of a steward (`@org/team` → `org-team`), the same on every page."""
    return handle.replace("@", "").replace("/", "-")


@dataclass(frozen=True)
class ReviewRow:
    id: str
    title: str
    url: str
    state: str
    state_class: str
    last_reviewed: str
    due: str
    reasons: str


@dataclass(frozen=True)
class ReviewGroup:
    steward: str
    anchor: str
    rows: tuple[ReviewRow, ...]


def review_row(item: ReviewItem) -> ReviewRow:
    return ReviewRow(item.id, item.title, item.url, item.state,
                     f"fmcat-state fmcat-state--{item.state}", item.last_reviewed.isoformat(),
                     item.due.isoformat(), "; ".join(item.reasons))


def review_groups(catalog: Catalog, today: date) -> list[ReviewGroup]:
    """The review queue by steward, as `by_steward` orders it."""
    return [ReviewGroup(steward, steward_anchor(steward), tuple(map(review_row, items)))
            for steward, items in by_steward(review_queue(catalog, today)).items()]


def review_page(catalog: Catalog, today: date) -> str:
    intro = (f"Records whose review is overdue or due within 30 days of {today}, and "
             "records that incidents since their last review ask to revisit, grouped by "
             "steward, oldest first. `fmcat review due` prints the same list.")
    return page("Review queue", intro + "\n" + render(
        "fragments/review.html", groups=review_groups(catalog, today), rel=rel_from(REVIEW_URL)))


@dataclass(frozen=True)
class QualityRow:
    id: str
    title: str
    url: str
    score: int
    missing: str


BUCKETS = ((100, "100%"), (90, "90–99%"), (75, "75–89%"), (50, "50–74%"), (0, "below 50%"))
"""Completeness buckets of the quality report: lowest score of each, and its label."""


def quality_rows(catalog: Catalog) -> list[QualityRow]:
    """Every current record with its completeness and the rules it misses."""
    rows = []
    for entry in catalog.entries.values():
        if not entry.record.is_current:
            continue
        score, missing = completeness(entry, catalog.findings_for(entry.path), catalog.taxonomy)
        rows.append(QualityRow(entry.id, entry.record.title, entry.kind.url(entry.id),
                               round(score * 100),
                               "; ".join(f"{f.code} {RULES[f.code].title}" for f in missing)))
    return rows


def bucket_counts(rows: list[QualityRow]) -> list[tuple[str, int]]:
    counts = dict.fromkeys([label for _, label in BUCKETS], 0)
    for row in rows:
        label = next(label for floor, label in BUCKETS if row.score >= floor)
        counts[label] += 1
    return list(counts.items())


def quality_page(catalog: Catalog) -> str:
    rows = quality_rows(catalog)
    weakest = sorted((r for r in rows if r.score < 100), key=lambda r: (r.score, r.id))
    # The one median completeness of the site (also on the metrics page).
    summary = completeness_summary(catalog)
    median = "–" if summary.median is None else f"{summary.median:.0%}"
    return page("Quality report", render(
        "fragments/quality.html", buckets=bucket_counts(rows), total=len(rows),
        median=median, median_over=summary.population().describe(),
        weakest=weakest[:WEAKEST], rel=rel_from(QUALITY_URL)))


@dataclass(frozen=True)
class StewardSection:
    handle: str
    title: str
    anchor: str
    domain: str
    owns: str
    records: tuple[Link, ...]


def steward_section(steward: StewardView) -> StewardSection:
    return StewardSection(
        steward.handle, steward.title, steward_anchor(steward.handle), steward.domain,
        f"Owns {plural(len(steward.records), 'record')}.",
        tuple(Link(f"{record_id}: {title}", url) for record_id, title, url in steward.records))


def stewards_page(catalog: Catalog) -> str:
    intro = ("Who owns what. Stewards review their records and approve changes to them: "
             "`fmcat codeowners` turns this into the repository's CODEOWNERS file.")
    sections = [steward_section(s) for s in stewardship(catalog)]
    return page("Stewards", intro + "\n" + render(
        "fragments/stewards.html", stewards=sections, rel=rel_from(STEWARDS_URL)))


@dataclass(frozen=True)
class ChangeRow:
    date: str
    link: Link
    added: bool
    note: str


def change_row(change: Change) -> ChangeRow:
    return ChangeRow(change.date.isoformat(),
                     Link(f"{change.id}: {change.title}", f"{change.url}#history"),
                     change.added, change.note)


def whats_new_page(catalog: Catalog, recent: list[Change] | None = None) -> str:
    """The latest changes; `recent` is `changes(catalog)` when the caller has it (the
    feeds need it too, and it sorts every revision of the catalog)."""
    intro = "Recent additions and amendments across the catalog, newest first."
    recent = changes(catalog) if recent is None else recent
    rows = [change_row(c) for c in recent[:WHATS_NEW_LIMIT]]
    return page("What's new", intro + "\n\n" + render(
        "fragments/whats-new.html", changes=rows, feeds=(Link("Atom feed", "feed.xml"),
                                                         Link("JSON feed", "feed.json")),
        rel=rel_from(WHATS_NEW_URL)))
