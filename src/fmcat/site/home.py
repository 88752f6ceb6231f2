"""The home page's counts and lists, handed to its trusted macros."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from fmcat.analysis.discovery import listed
from fmcat.core.catalog import Catalog
from fmcat.core.model import FailureMode
from fmcat.core.text import plural
from fmcat.core.urls import rel_from
from fmcat.site import trends_pages
from fmcat.site.derived import Derived
from fmcat.site.render import render_block


@dataclass(frozen=True)
class HomeItem:
    id: str
    title: str
    url: str
    note: str


def home_summary(catalog: Catalog, derived: Derived, *, limit: int = 6) -> dict[str, object]:
    """Counts and ready-made lists for the trusted home page (`extra.fmcat`).

    The lists are escaped HTML rendered here, so the macros on the home page
    only place them and never see a contributed string.
    """
    current = [e for e in catalog.entries.values() if e.record.is_current]
    kinds = Counter(e.kind.name for e in current)
    taxonomy = catalog.taxonomy
    assert taxonomy is not None
    modes = [e for e in listed(catalog) if e.record.is_active]

    def item(entry_id: str, note: str) -> HomeItem:
        entry = catalog.entries[entry_id]
        return HomeItem(entry.id, entry.record.title, entry.kind.url(entry.id), note)

    def observed(entry_id: str) -> int:
        found = derived.observed.get(entry_id)
        return found.count if found else 0

    def severity(entry_id: str) -> str:
        record = catalog.entries[entry_id].record
        return record.severity if isinstance(record, FailureMode) else ""

    severe = sorted(modes, key=lambda e: (-taxonomy.severity_rank(severity(e.id)),
                                          -observed(e.id), e.id))[:limit]
    frequent = sorted((e for e in modes if observed(e.id)),
                      key=lambda e: (-observed(e.id), e.id))[:limit]
    changes = sorted(((e.record.revisions[0].date, e.id, e.record.revisions[0].note)
                      for e in catalog.entries.values()
                      if e.record.revisions and e.record.is_listed),
                     key=lambda change: (change[0], change[1]), reverse=True)[:limit]

    def block(items: list[HomeItem]) -> str:
        return render_block("fragments/home-list.html", items=items,
                            rel=rel_from(""))

    return {
        "headline": trends_pages.headline(derived.metrics,
                                          example_data=catalog.settings.example_data),
        "example_data": catalog.settings.example_data,
        "most_severe": block([item(e.id, f"{severity(e.id)}, {plural(observed(e.id), 'incident')}")
                              for e in severe]),
        "most_frequent": block([item(e.id, plural(observed(e.id), "incident"))
                                for e in frequent]),
        "recent_changes": block([item(i, f"{d.isoformat()}: {n}") for d, i, n in changes]),
        "failure_modes": kinds.get("failure-mode", 0),
        "playbooks": kinds.get("playbook", 0),
        "case_studies": kinds.get("case-study", 0),
        "incidents": len(catalog.incidents),
    }
