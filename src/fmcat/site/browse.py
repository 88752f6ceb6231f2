"""The playbooks and case studies on a browse page, next to its failure modes.

Playbooks carry no classification of their own, so a value's page lists the
playbooks that mitigate its failure modes. Case studies are listed when they
cite one of those failure modes and, for the dimensions the taxonomy applies
to case studies, when their origin or a reuse has the value itself
(`discovery.reach_index` decides; this module only shapes the rows).
"""

from __future__ import annotations

from dataclasses import dataclass

from fmcat.analysis.discovery import Reach
from fmcat.core.catalog import Catalog
from fmcat.core.model import FAILURE_MODE, Playbook
from fmcat.core.taxonomy import Taxonomy
from fmcat.core.text import duration_text
from fmcat.core.urls import Link

EMPTY_REACH = Reach({}, {}, {})

def browse_intro(taxonomy: Taxonomy) -> str:
    """The browse index's first paragraph, naming the dimensions case studies carry."""
    context = [d.title.lower() for d in taxonomy.dimensions_of("case-study").values()]
    has_value = (f" and, for {' and '.join(context)}, when their origin or a reuse has the "
                 "value" if context else "")
    return (
        "Failure modes by each way they are classified, with the playbooks and case "
        "studies that go with them. Playbooks carry no classification of their own: a "
        "value lists the playbooks that mitigate its failure modes. Case studies are "
        f"listed when they cite one of those failure modes{has_value}. Counts exclude "
        "withdrawn records.")


@dataclass(frozen=True)
class RelatedRow:
    """A playbook or case study on a browse page: its link, facts and why it is there."""

    link: Link
    facts: str
    why: str
    failure_modes: tuple[Link, ...]


@dataclass(frozen=True)
class RelatedSection:
    title: str
    anchor: str
    heading: str
    facts_heading: str
    rows: tuple[RelatedRow, ...]
    empty: str


def _record_link(catalog: Catalog, record_id: str) -> Link:
    entry = catalog.entries[record_id]
    return Link(f"{record_id}: {entry.record.title}", entry.kind.url(record_id))


def _fm_links(ids: list[str]) -> tuple[Link, ...]:
    return tuple(Link(fm_id, FAILURE_MODE.url(fm_id)) for fm_id in ids)


def playbook_rows(reach: Reach, catalog: Catalog) -> tuple[RelatedRow, ...]:
    rows = []
    for playbook_id, fm_ids in reach.playbooks.items():
        record = catalog.entries[playbook_id].record
        assert isinstance(record, Playbook)
        rows.append(RelatedRow(_record_link(catalog, playbook_id),
                               f"{record.owner} · {duration_text(record.time_to_remediate)}",
                               "mitigates", _fm_links(fm_ids)))
    return tuple(rows)


def case_rows(reach: Reach, catalog: Catalog) -> tuple[RelatedRow, ...]:
    rows = []
    for case_id in sorted({*reach.cases_citing, *reach.cases_context}):
        contexts = reach.cases_context.get(case_id, [])
        cited = reach.cases_citing.get(case_id, [])
        why = ", ".join(contexts) if contexts else ""
        if cited:
            why = f"{why}; cites" if why else "cites"
        rows.append(RelatedRow(_record_link(catalog, case_id),
                               catalog.entries[case_id].record.summary, why, _fm_links(cited)))
    return tuple(rows)


def related_sections(reach: Reach | None, catalog: Catalog) -> tuple[RelatedSection, ...]:
    """The Playbooks and Case studies sections of one value's page."""
    reach = reach or EMPTY_REACH
    return (
        RelatedSection("Playbooks", "playbooks", "Playbook", "Owner · time to remediate",
                       playbook_rows(reach, catalog),
                       "No playbook mitigates these failure modes yet."),
        RelatedSection("Case studies", "case-studies", "Case study", "Summary",
                       case_rows(reach, catalog),
                       "No case study cites these failure modes or has this value."),
    )
