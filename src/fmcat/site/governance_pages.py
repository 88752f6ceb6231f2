"""Governance pages: review queue, quality report, stewards, what's new.

Views are finished here from the pure results of `governance.py`; the
fragments only loop.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fmcat.analysis.governance import by_steward, changes, review_queue, stewardship
from fmcat.analysis.metrics import completeness_summary
from fmcat.core.catalog import Catalog
from fmcat.core.checks import completeness
from fmcat.core.findings import RULES
from fmcat.core.urls import rel_from as _rel
from fmcat.site.listings import page
from fmcat.site.render import render

REVIEW_URL = "review/"
QUALITY_URL = "quality/"
STEWARDS_URL = "stewards/"
WHATS_NEW_URL = "whats-new/"
WEAKEST = 15
WHATS_NEW_LIMIT = 60


def review_page(catalog: Catalog, today: date) -> str:
    items = review_queue(catalog, today)
    groups = list(by_steward(items).items())
    intro = (f"Records whose review is overdue or due within 30 days of {today}, and "
             "records that incidents since their last review ask to revisit, grouped by "
             "steward, oldest first. `fmcat review due` prints the same list.")
    return page("Review queue", intro + "\n" + render(
        "fragments/review.html", groups=groups, today=today, rel=_rel(REVIEW_URL)))


@dataclass(frozen=True)
class QualityRow:
    id: str
    title: str
    url: str
    score: int
    missing: tuple[str, ...]


_BUCKETS = [(100, "100%"), (90, "90–99%"), (75, "75–89%"), (50, "50–74%"), (0, "below 50%")]


def quality_page(catalog: Catalog) -> str:
    rows = []
    for entry in catalog.entries.values():
        if entry.record.status not in ("active", "draft"):
            continue
        score, missing = completeness(entry, catalog.findings_for(entry.path))
        rows.append(QualityRow(entry.id, entry.record.title, entry.kind.url(entry.id),
                               round(score * 100),
                               tuple(f"{f.code} {RULES[f.code].title}" for f in missing)))
    counts = dict.fromkeys([label for _, label in _BUCKETS], 0)
    for row in rows:
        label = next(label for floor, label in _BUCKETS if row.score >= floor)
        counts[label] += 1
    weakest = sorted((r for r in rows if r.score < 100), key=lambda r: (r.score, r.id))
    # The one median completeness of the site (also on the metrics page).
    summary = completeness_summary(catalog)
    median = "–" if summary.median is None else f"{summary.median:.0%}"
    return page("Quality report", render(
        "fragments/quality.html", buckets=list(counts.items()), total=len(rows),
        median=median, median_over=summary.population().describe(),
        weakest=weakest[:WEAKEST], rel=_rel(QUALITY_URL)))


def stewards_page(catalog: Catalog) -> str:
    intro = ("Who owns what. Stewards review their records and approve changes to them: "
             "`fmcat codeowners` turns this into the repository's CODEOWNERS file.")
    return page("Stewards", intro + "\n" + render(
        "fragments/stewards.html", stewards=stewardship(catalog), rel=_rel(STEWARDS_URL)))


def whats_new_page(catalog: Catalog) -> str:
    intro = "Recent additions and amendments across the catalog, newest first."
    return page("What's new", intro + "\n\n" + render(
        "fragments/whats-new.html", changes=changes(catalog)[:WHATS_NEW_LIMIT],
        rel=_rel(WHATS_NEW_URL)))
