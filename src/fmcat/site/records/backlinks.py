"""The link sections at the end of record pages: related, similar, cited by."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from fmcat.core.catalog import Catalog, Entry
from fmcat.core.model import CaseStudy
from fmcat.core.urls import Link, record_url
from fmcat.site.derived import Derived


@dataclass(frozen=True)
class LinkGroup:
    anchor: str
    title: str
    links: tuple[Link, ...]
    empty: str


def entry_links(ids: Iterable[str], catalog: Catalog) -> tuple[Link, ...]:
    """Links to the records with these IDs; unknown IDs are left out."""
    links = []
    for record_id in ids:
        target = catalog.resolve(record_id)
        if target is not None:
            links.append(Link(f"{target.id}: {target.record.title}", record_url(target.id)))
    return tuple(links)


def incident_links(ids: Iterable[str], catalog: Catalog) -> tuple[Link, ...]:
    """Incidents have no page: a label, a note and their ID as anchor (search leads there)."""
    links = []
    for incident_id in ids:
        item = catalog.incidents[incident_id].record
        note = f"{item.detected:%Y-%m-%d}, {item.team}, {item.severity}"
        links.append(Link(f"{item.id}: {item.title}", "", note, anchor=item.id))
    return tuple(links)


def failure_mode_links(entry: Entry, catalog: Catalog, derived: Derived) -> list[LinkGroup]:
    return [
        LinkGroup("related", "Related failure modes",
                  entry_links(catalog.related.get(entry.id, []), catalog),
                  "No related failure modes yet."),
        LinkGroup("similar", "Similar failure modes",
                  entry_links(derived.similar.get(entry.id, []), catalog),
                  "No other entry shares enough causes and tags."),
        LinkGroup("case-studies", "Case studies",
                  entry_links(catalog.cited_by_cases.get(entry.id, []), catalog),
                  "No case study cites this failure mode yet."),
        LinkGroup("incidents", "Incidents",
                  incident_links(catalog.cited_by_incidents.get(entry.id, []), catalog),
                  "No incident in the log cites this failure mode."),
    ]


def playbook_links(entry: Entry, catalog: Catalog) -> list[LinkGroup]:
    return [
        LinkGroup("used-by", "Failure modes it mitigates",
                  entry_links(catalog.used_by.get(entry.id, []), catalog),
                  "No failure mode links this playbook yet."),
        LinkGroup("case-studies", "Case studies",
                  entry_links(catalog.cited_by_cases.get(entry.id, []), catalog),
                  "No case study cites this playbook yet."),
        LinkGroup("incidents", "Incidents",
                  incident_links(catalog.cited_by_incidents.get(entry.id, []), catalog),
                  "No incident in the log used this playbook."),
    ]


def case_study_links(record: CaseStudy, catalog: Catalog) -> list[LinkGroup]:
    return [
        LinkGroup("failure-modes", "Failure modes",
                  entry_links(record.failure_modes, catalog), ""),
        LinkGroup("playbooks", "Playbooks used", entry_links(record.playbooks, catalog), ""),
    ]
